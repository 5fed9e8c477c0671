-- Settings the Pulumi-style create stores, what the runtime reports, the schedule a Neo create may carry,
-- approvals a run waits for, and idempotency keys for respond and cancel.
ALTER TABLE task
    ADD COLUMN integrations   text,          -- JSON array; null = inherit the organization's integrations
    ADD COLUMN schedule       jsonb,         -- the create's schedule (fired by the schedule service)
    ADD COLUMN runtime_phase  text,          -- booting | ready | running; null until a runtime checked in
    ADD COLUMN last_heartbeat timestamptz;

-- A question a run asked the user; the run is suspended until it is answered.
CREATE TABLE approval (
    id           uuid PRIMARY KEY,
    task_id      uuid        NOT NULL REFERENCES task (id),
    stream_id    uuid        NOT NULL REFERENCES task_run (id),
    message      text        NOT NULL,
    status       text        NOT NULL,      -- pending | approved | rejected
    instructions text,
    requested_at timestamptz NOT NULL,
    answered_at  timestamptz
);
CREATE INDEX approval_stream_idx ON approval (stream_id);

-- Respond and cancel keep the answer they gave, so a retry gets it again; null while the first call is in flight.
ALTER TABLE idempotency_key
    ADD COLUMN response text;
