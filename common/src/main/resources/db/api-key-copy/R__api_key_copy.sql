-- A service's copy of the API keys the task service announces (api-keys topic; common/…/auth/ApiKeyCopyConsumer):
-- hashes only, in the service's own schema. The services that keep a copy (relay.api-keys.copy=true) list this
-- location after their own; as a repeatable migration it runs after their versioned ones, and again whenever it
-- changes, so every change here must apply to a schema that already has the table. Schemas migrated before common
-- owned it have the table from their own versioned migration (docs/operators.md, "Schema migrations").
CREATE TABLE IF NOT EXISTS api_key (
    id         uuid PRIMARY KEY,
    org        text        NOT NULL,
    user_email text        NOT NULL,
    hash       text        NOT NULL UNIQUE,
    revoked_at timestamptz
);
-- a key's scope and expiry (issue 25): set when it is made, never changed
ALTER TABLE api_key ADD COLUMN IF NOT EXISTS scope text NOT NULL DEFAULT 'read_write';
ALTER TABLE api_key ADD COLUMN IF NOT EXISTS expires_at timestamptz;
