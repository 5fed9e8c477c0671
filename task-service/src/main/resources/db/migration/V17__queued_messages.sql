-- A message sent while its task's run works (multitask_strategy enqueue or interrupt) waits in a run of status
-- 'queued': what it says is kept here until its run starts and the message joins the conversation.
ALTER TABLE task_run ADD COLUMN queued_message jsonb;
CREATE INDEX task_run_queued_idx ON task_run (task_id, created_at) WHERE status = 'queued';
