-- Admission against budgets. The billing service owns budgets and the usage ledger; it publishes each organization's
-- state on the compacted topic budget-states, and this service keeps the newest one here.
CREATE TABLE budget_state (
    org     text   PRIMARY KEY,
    version bigint NOT NULL,
    state   jsonb  NOT NULL
);

-- What this service counted against each budget account in one window: spent by its runs' usage (in Neo tokens)
-- and reserved by admitted runs that have not ended. Windows are rows keyed by their start, never reset in place.
CREATE TABLE budget_account (
    org          text        NOT NULL,
    -- org | user | project
    scope        text        NOT NULL,
    -- '' for the organization; the user's email; the project's id
    subject      text        NOT NULL,
    window_start timestamptz NOT NULL,
    spent        bigint      NOT NULL DEFAULT 0,
    reserved     bigint      NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (org, scope, subject, window_start)
);

-- What each admitted run holds until its usage settles it, it ends, or the reservation expires.
CREATE TABLE budget_reservation (
    run_id       uuid        PRIMARY KEY,
    org          text        NOT NULL,
    user_email   text        NOT NULL,
    project_id   text,
    window_start timestamptz NOT NULL,
    tokens       bigint      NOT NULL CHECK (tokens > 0),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX budget_reservation_expiry_idx ON budget_reservation (expires_at);
