-- a message sent into a working run (multitask_strategy steer) waits here until the run's agent takes it in
alter table task_message add column steer_pending boolean not null default false;
create index task_message_steer_pending on task_message (stream_id) where steer_pending;
