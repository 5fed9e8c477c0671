-- Every budget state the service publishes (topic budget-states) takes the organization's next version here; the
-- row's lock also puts concurrent publications of one organization in order, so a higher version never carries an
-- older state.
CREATE TABLE budget_publication (
    org     text   PRIMARY KEY,
    version bigint NOT NULL
);

-- Per-user and per-project consumption for the caps.
CREATE INDEX usage_entry_user_idx ON usage_entry (org, user_email, reported_at);
CREATE INDEX usage_entry_project_idx ON usage_entry (org, project_id, reported_at) WHERE project_id IS NOT NULL;
