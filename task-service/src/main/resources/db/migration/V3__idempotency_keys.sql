-- Idempotency-Key on create: a retry with the same key and body gets the first answer, another body is a 409.
CREATE TABLE idempotency_key (
    org          text        NOT NULL,
    user_email   text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    task_id      uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (org, user_email, key)
);
