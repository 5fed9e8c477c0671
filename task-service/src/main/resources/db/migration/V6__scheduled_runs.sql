-- A run a schedule started names the schedule and the execution, so that how it goes is reported back to the
-- schedule service (topic schedule-runs).
ALTER TABLE task_run
    ADD COLUMN schedule_id           uuid,
    ADD COLUMN schedule_execution_id uuid;

-- A task created with a schedule does not run at create: what each firing runs (the create's prompt, its parts
-- and run settings) is kept with the task.
ALTER TABLE task
    ADD COLUMN scheduled_request jsonb;
