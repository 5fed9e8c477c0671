-- the tokens (input and output) all of a task's runs may use in all; null: no limit of its own
alter table task add column max_tokens bigint;
