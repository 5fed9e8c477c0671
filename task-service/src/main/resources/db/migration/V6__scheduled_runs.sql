-- A run a schedule started names the schedule and the execution, so that how it goes is reported back to the
-- schedule service (topic schedule-runs).
ALTER TABLE task_run
    ADD COLUMN schedule_id           uuid,
    ADD COLUMN schedule_execution_id uuid;
