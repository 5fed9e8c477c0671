-- A create queued behind a working run keeps the run its message waits in, so a streaming retry with the same
-- Idempotency-Key streams on to that run's end as the first request did; null for other calls.
ALTER TABLE idempotency_key
    ADD COLUMN run_id uuid;
