-- The billing service's own schema: budgets, bonuses, spending caps and the usage ledger.

-- An organization's Neo-token budget. Windows follow one another from window_start, window_days long (0: one window
-- that never ends); consumption is what the ledger holds inside the current window, so nothing is reset in place.
CREATE TABLE budget (
    org            text        PRIMARY KEY,
    -- trial | individual
    window_kind    text        NOT NULL,
    base_allowance bigint      NOT NULL CHECK (base_allowance >= 0),
    window_days    integer     NOT NULL CHECK (window_days >= 0),
    window_start   timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

-- Extra tokens on top of the base allowance until they expire.
CREATE TABLE bonus (
    id         uuid        PRIMARY KEY,
    org        text        NOT NULL,
    tokens     bigint      NOT NULL CHECK (tokens > 0),
    expires_at timestamptz NOT NULL,
    granted_at timestamptz NOT NULL
);
CREATE INDEX bonus_org_idx ON bonus (org, expires_at);

-- Per-window limits for one user or one project of an organization (0 blocks all spend).
CREATE TABLE spending_cap (
    org          text        NOT NULL,
    -- user | project
    scope        text        NOT NULL,
    subject      text        NOT NULL,
    limit_tokens bigint      NOT NULL CHECK (limit_tokens >= 0),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (org, scope, subject)
);

-- Every usage report, once: the event id is the key, so a report delivered again inserts nothing.
CREATE TABLE usage_entry (
    event_id      uuid        PRIMARY KEY,
    org           text        NOT NULL,
    user_email    text,
    project_id    text,
    task_id       uuid        NOT NULL,
    run_id        uuid,
    model         text        NOT NULL,
    input_tokens  bigint      NOT NULL,
    output_tokens bigint      NOT NULL,
    neo_tokens    bigint      NOT NULL,
    reported_at   timestamptz NOT NULL
);
CREATE INDEX usage_entry_org_idx ON usage_entry (org, reported_at);
