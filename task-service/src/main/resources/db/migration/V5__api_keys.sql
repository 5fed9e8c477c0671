-- Neo API keys (X-Api-Key): only the SHA-256 of a key is stored; its first characters are kept to tell keys apart.
CREATE TABLE api_key (
    id         uuid PRIMARY KEY,
    org        text        NOT NULL,
    user_email text        NOT NULL,
    name       text        NOT NULL,
    shown      text        NOT NULL,
    hash       text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_key_owner_idx ON api_key (org, user_email, created_at);
