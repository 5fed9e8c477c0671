-- Secrets an organization's tasks may use (POST /api/v1/secrets). The value is stored encrypted with AES-256-GCM
-- under relay.secrets.key (bound to its org and name, so a row copied elsewhere does not decrypt) and never answered.
CREATE TABLE secret (
    id         uuid PRIMARY KEY,
    org        text        NOT NULL,
    name       text        NOT NULL,
    sealed     bytea       NOT NULL,  -- 12-byte nonce, then the ciphertext and its 16-byte tag
    key_id     text        NOT NULL,  -- the key it was sealed with (relay.secrets.key-id), for rotation
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (org, name)
);
