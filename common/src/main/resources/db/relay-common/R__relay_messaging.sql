-- The tables of the shared outbox and idempotent consumer (common/…/messaging), in every service's own schema.
-- Each service lists this location after its own (quarkus.flyway.locations=db/migration,db/relay-common); as a
-- repeatable migration it runs after the service's versioned ones, and again whenever it changes, so every change
-- here must be written to apply to a schema that already has the tables.
-- a change here that must lock a table waits at most this long (the start fails and is tried again) rather than hold
-- every writer of the table behind a long transaction of a replica still running the old code
SET LOCAL lock_timeout = '10s';

CREATE TABLE IF NOT EXISTS outbox_event (
    id           uuid PRIMARY KEY,
    topic        text        NOT NULL,
    record_key   text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    published_at timestamptz                 -- unused: acknowledged records are deleted
);
-- the sweep's order (OutboxRepository.unsent): without it each sweep read the whole table, whose rows are deleted
-- as fast as they come and whose dead ones wait for a vacuum (9–11 ms a sweep under load, docs/benchmarks.md)
CREATE INDEX IF NOT EXISTS outbox_event_age_idx ON outbox_event (created_at, id);
-- replaced by the index above: the sweep never asked for published_at, so the planner could not use it
DROP INDEX IF EXISTS outbox_event_pending_idx;

CREATE TABLE IF NOT EXISTS consumed_event (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    consumed_at timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
-- what ConsumedEventSweeper forgets: a BRIN index costs next to nothing on inserts that come in time order
CREATE INDEX IF NOT EXISTS consumed_event_age_idx ON consumed_event USING brin (consumed_at);

-- the trace of the request that wrote a record, continued by its consumers (common/…/observability/TraceParent)
ALTER TABLE outbox_event ADD COLUMN IF NOT EXISTS trace_parent text;
