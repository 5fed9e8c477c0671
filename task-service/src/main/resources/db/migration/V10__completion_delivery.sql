-- Completion delivery (a task's completion_delivery): the completion artifact of a run, kept for
-- GET /api/v1/tasks/{id}/artifacts, and POSTed to the organization's webhook with Standard Webhooks signatures.
ALTER TABLE task_run
    ADD COLUMN input_tokens  bigint NOT NULL DEFAULT 0,
    ADD COLUMN output_tokens bigint NOT NULL DEFAULT 0;

CREATE TABLE artifact (
    id         uuid PRIMARY KEY,
    task_id    uuid        NOT NULL REFERENCES task (id),
    stream_id  uuid        NOT NULL REFERENCES task_run (id),
    kind       text        NOT NULL,   -- completion
    content    text        NOT NULL,   -- JSON object
    created_at timestamptz NOT NULL
);
CREATE INDEX artifact_task_idx ON artifact (task_id, created_at);

-- One webhook per organization; its signing secret sealed like the secrets API's values.
CREATE TABLE webhook (
    org        text PRIMARY KEY,
    url        text        NOT NULL,
    sealed     bytea       NOT NULL,
    key_id     text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A message for the organization's webhook, written with the run's completion and sent (and retried) after it.
CREATE TABLE webhook_delivery (
    id              text PRIMARY KEY,        -- msg_…: the webhook-id header, the same on every attempt
    org             text        NOT NULL,
    task_id         uuid        NOT NULL REFERENCES task (id),
    event_type      text        NOT NULL,
    url             text        NOT NULL,
    payload         text        NOT NULL,
    status          text        NOT NULL,    -- pending | delivered | failed
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_org_idx ON webhook_delivery (org, created_at DESC);

CREATE TABLE webhook_attempt (
    id           uuid PRIMARY KEY,
    delivery_id  text        NOT NULL REFERENCES webhook_delivery (id),
    attempted_at timestamptz NOT NULL,
    status_code  integer,                    -- null when no answer came
    error        text,
    duration_ms  bigint      NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, attempted_at);
