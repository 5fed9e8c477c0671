-- The token buckets of the rate limits (common/…/ratelimit/RateLimiter, Bucket4j's PostgreSQL backend), in every
-- service's own schema: one row per bucket that took a token in the last minutes, its state serialized by Bucket4j.
CREATE TABLE IF NOT EXISTS rate_limit_bucket (
    id         text PRIMARY KEY,
    state      bytea,
    expires_at bigint
);
CREATE INDEX IF NOT EXISTS rate_limit_bucket_expiry_idx ON rate_limit_bucket (expires_at);
