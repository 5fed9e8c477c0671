-- The shared outbox and idempotent consumer (common/…/messaging) every service has; the stream service publishes
-- nothing yet, but its outbox sweeper runs like every other's.
CREATE TABLE outbox_event (
    id           uuid PRIMARY KEY,
    topic        text        NOT NULL,
    record_key   text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_event_pending_idx ON outbox_event (created_at) WHERE published_at IS NULL;

CREATE TABLE consumed_event (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    consumed_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
