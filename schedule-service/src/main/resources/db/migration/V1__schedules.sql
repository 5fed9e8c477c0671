-- The schedule service's own schema: schedules and every firing of each, exactly once per due time.

CREATE TABLE schedule (
    id               uuid        PRIMARY KEY,
    org              text        NOT NULL,
    created_by       text        NOT NULL,
    task_id          uuid        NOT NULL,
    name             text,
    -- null for a one-time schedule
    frequency        text,
    start_time       time        NOT NULL,
    time_zone        text        NOT NULL,
    -- active | paused | completed | failed
    status           text        NOT NULL,
    -- what a due time that no replica ran over becomes: skip (to the next slot) | run_once (now)
    catch_up         text        NOT NULL,
    first_due_at     timestamptz NOT NULL,
    -- null unless active
    next_due_at      timestamptz,
    -- why it was paused, when it is
    pause_note       text,
    execution_count  integer     NOT NULL DEFAULT 0,
    last_executed_at timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX schedule_due_idx ON schedule (next_due_at) WHERE status = 'active';
-- a caller's schedules, newest first, page by page
CREATE INDEX schedule_owner_idx ON schedule (org, created_by, created_at DESC, id DESC);

CREATE TABLE schedule_execution (
    id           uuid        PRIMARY KEY,
    schedule_id  uuid        NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
    -- the due time this execution is for: one execution per due time, whatever fires it
    scheduled_at timestamptz NOT NULL,
    fired_at     timestamptz NOT NULL,
    -- pending (trigger published) | running | completed | failed | skipped
    status       text        NOT NULL,
    reason       text,
    started_at   timestamptz,
    completed_at timestamptz,
    UNIQUE (schedule_id, scheduled_at)
);

CREATE INDEX schedule_execution_recent_idx ON schedule_execution (schedule_id, scheduled_at DESC, id DESC);
