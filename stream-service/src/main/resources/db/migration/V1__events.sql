-- The stream service's own schema: every task event exactly once, and who may read each task.

CREATE TABLE task_event (
    task_id    uuid        NOT NULL,
    seq        bigint      NOT NULL,
    id         uuid        NOT NULL UNIQUE,
    org        text        NOT NULL,
    stream_id  uuid,
    type       text        NOT NULL,
    created_at timestamptz NOT NULL,
    -- the event exactly as received: served as the SSE data frame without re-encoding
    envelope   text        NOT NULL,
    PRIMARY KEY (task_id, seq)
);

-- Materialized from task.created / task.updated events.
CREATE TABLE task_access (
    task_id    uuid PRIMARY KEY,
    org        text    NOT NULL,
    created_by text    NOT NULL,
    visibility text    NOT NULL,
    is_shared  boolean NOT NULL DEFAULT false,
    -- the seq of the event this row reflects, so an older redelivered event never overwrites a newer one
    as_of_seq  bigint  NOT NULL
);
