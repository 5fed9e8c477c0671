-- The tool calls of a task's runs, with their results once they have one: with the task's messages they are the
-- conversation a run resumes from (after an answer, or on another instance after a crash) without calling a tool twice.
CREATE TABLE tool_call (
    id          uuid PRIMARY KEY,
    task_id     uuid        NOT NULL REFERENCES task (id),
    stream_id   uuid        NOT NULL REFERENCES task_run (id),
    call_id     text        NOT NULL,   -- the model's id of the call (not unique across models and providers)
    seq         bigint      NOT NULL,   -- the seq of its tool.call event
    name        text        NOT NULL,
    arguments   text        NOT NULL,   -- JSON object
    output      text,                   -- null until the call has a result
    error       boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX tool_call_task_idx ON tool_call (task_id, seq);

-- What an approval asks: a confirmation of the run's plan (general), the model's question (question), or a call
-- that changes something (tool_call); the last two name the call they answer.
ALTER TABLE approval
    ADD COLUMN approval_type text NOT NULL DEFAULT 'general',
    ADD COLUMN tool_call_id  uuid REFERENCES tool_call (id);

-- Runs survive the death of the instance working them: the worker heartbeats its runs; a run whose heartbeat stops is
-- handed to a worker again (recoveries counts how often) and resumes from its recorded steps. Each claim takes the
-- next attempt, and a step of an older attempt (a worker that was only slow) is refused.
ALTER TABLE task_run
    ADD COLUMN attempt      integer     NOT NULL DEFAULT 0,
    ADD COLUMN heartbeat_at timestamptz,
    ADD COLUMN recoveries   integer     NOT NULL DEFAULT 0,
    ADD COLUMN recovering   boolean     NOT NULL DEFAULT false;
