-- Every budget state the service publishes (topic budget-states) takes the organization's next version here; the
-- row's lock also puts concurrent publications of one organization in order, so a higher version never carries an
-- older state. A row exists for each organization that has (or had) a budget or a cap.
CREATE TABLE budget_publication (
    org     text    PRIMARY KEY,
    version bigint  NOT NULL,
    -- usage of the organization was metered since its last state: the publisher sends a new one shortly
    pending boolean NOT NULL DEFAULT false
);
CREATE INDEX budget_publication_pending_idx ON budget_publication (org) WHERE pending;

-- A state sums the window's usage of the organization and of each capped user and project: from the index alone.
DROP INDEX usage_entry_org_idx;
CREATE INDEX usage_entry_org_idx ON usage_entry (org, reported_at) INCLUDE (neo_tokens);
CREATE INDEX usage_entry_user_idx ON usage_entry (org, user_email, reported_at) INCLUDE (neo_tokens);
CREATE INDEX usage_entry_project_idx ON usage_entry (org, project_id, reported_at) INCLUDE (neo_tokens) WHERE project_id IS NOT NULL;
