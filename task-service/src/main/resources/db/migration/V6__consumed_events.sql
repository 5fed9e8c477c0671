-- The shared idempotent consumer's record of processed events (common/…/messaging/IdempotentConsumer).
CREATE TABLE consumed_event (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    consumed_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
