-- API keys (issue 25): a scope (read: GET and HEAD only; read_write), an optional expiry, and when a key was last
-- used here (updated at most once a minute). Keys made before scopes keep read_write and never expire.
ALTER TABLE api_key ADD COLUMN scope text NOT NULL DEFAULT 'read_write';
ALTER TABLE api_key ADD COLUMN expires_at timestamptz;
ALTER TABLE api_key ADD COLUMN last_used_at timestamptz;
CREATE INDEX api_key_org_idx ON api_key (org, created_at);
