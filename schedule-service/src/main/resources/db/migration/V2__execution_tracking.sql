-- Executions follow their runs (reported back by the task service), firings that overlap a running one follow the
-- schedule's overlap policy, and each change of a schedule is published with a growing version.

ALTER TABLE schedule
    -- when the previous firing's run is still going: skip | buffer_one | allow (queue)
    ADD COLUMN overlap text   NOT NULL DEFAULT 'skip',
    -- grows with every published state (topic schedule-updates), so readers keep the newest
    ADD COLUMN version bigint NOT NULL DEFAULT 0;

ALTER TABLE schedule_execution
    -- the run the trigger started
    ADD COLUMN run_id     uuid,
    -- a buffered execution is triggered once release_at has come (set when the run before it ends, or to retry
    -- after the task was busy with a run of its own)
    ADD COLUMN release_at timestamptz,
    -- how many times it was triggered again after the task was busy
    ADD COLUMN attempt    integer NOT NULL DEFAULT 0;

-- what may hold a new firing back: executions triggered or waiting, per schedule
CREATE INDEX schedule_execution_open_idx ON schedule_execution (schedule_id, scheduled_at)
    WHERE status IN ('pending', 'running', 'buffered');
CREATE INDEX schedule_execution_release_idx ON schedule_execution (release_at) WHERE status = 'buffered';
