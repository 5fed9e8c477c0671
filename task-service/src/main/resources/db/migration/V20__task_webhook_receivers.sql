-- a task may name its own receiver of its lifecycle messages (webhook_url), signed as the organization's webhook signs
alter table task add column webhook_url text;
alter table webhook_delivery add column to_task_receiver boolean not null default false;
