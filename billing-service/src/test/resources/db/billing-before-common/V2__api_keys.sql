-- The billing service's copy of the API keys the task service announces (api-keys topic): hashes only.
CREATE TABLE api_key (
    id         uuid PRIMARY KEY,
    org        text        NOT NULL,
    user_email text        NOT NULL,
    hash       text        NOT NULL UNIQUE,
    revoked_at timestamptz
);
