-- The task service's own schema: tasks, their runs (streams), materialized messages and the outbox.

CREATE TABLE task (
    id                  uuid PRIMARY KEY,
    org                 text        NOT NULL,
    created_by          text        NOT NULL,
    title               text        NOT NULL,
    visibility          text        NOT NULL,
    model               text        NOT NULL,
    mode                text        NOT NULL,
    project_id          uuid,
    completion_delivery text,
    is_isolated         boolean     NOT NULL DEFAULT false,
    secret_names        text        NOT NULL DEFAULT '[]',   -- JSON array (Hibernate Reactive binds jsonb as objects only)
    last_seq            bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX task_org_created_idx ON task (org, created_at DESC, id);

CREATE TABLE task_run (
    id           uuid PRIMARY KEY,
    task_id      uuid        NOT NULL REFERENCES task (id),
    status       text        NOT NULL,
    run_config   jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    completed_at timestamptz
);
CREATE INDEX task_run_task_idx ON task_run (task_id, created_at);

CREATE TABLE task_message (
    id          uuid PRIMARY KEY,
    task_id     uuid        NOT NULL REFERENCES task (id),
    stream_id   uuid        NOT NULL REFERENCES task_run (id),
    role        text        NOT NULL,
    content     text        NOT NULL,
    parts       text,        -- JSON array
    complete    boolean     NOT NULL,
    first_seq   bigint      NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX task_message_task_idx ON task_message (task_id, first_seq);

-- Events and commands written in the same transaction as the state they describe; published after commit,
-- and republished by the sweeper if the process died in between.
CREATE TABLE outbox_event (
    id           uuid PRIMARY KEY,
    topic        text        NOT NULL,
    record_key   text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_event_pending_idx ON outbox_event (created_at) WHERE published_at IS NULL;
