CREATE TABLE outbox_event (
    id           uuid PRIMARY KEY,
    topic        text        NOT NULL,
    record_key   text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_event_unsent_idx ON outbox_event (created_at) WHERE published_at IS NULL;

CREATE TABLE consumed_event (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    consumed_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

-- what the test consumer did, one row per time its work ran
CREATE TABLE tally (
    event_id uuid NOT NULL,
    label    text NOT NULL
);
