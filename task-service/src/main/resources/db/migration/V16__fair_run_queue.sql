-- Runs wait in a fair queue: each organization works at most its limit of runs at once (each active run holds one of
-- its organization's numbered slots), and waiting runs are taken round robin across organizations, then their users.
ALTER TABLE task_run
    ADD COLUMN org_id    text,
    ADD COLUMN user_id   text,
    ADD COLUMN priority  integer NOT NULL DEFAULT 0,
    ADD COLUMN org_slot  integer,
    ADD COLUMN queued_at timestamptz,
    ADD COLUMN started_at timestamptz;
UPDATE task_run r SET org_id = t.org, user_id = t.created_by FROM task t WHERE t.id = r.task_id;
ALTER TABLE task_run ALTER COLUMN org_id SET NOT NULL, ALTER COLUMN user_id SET NOT NULL;

CREATE INDEX task_run_waiting_idx ON task_run (org_id, user_id, priority DESC, created_at) WHERE status = 'pending';
-- two active runs of an organization never hold the same slot
CREATE UNIQUE INDEX task_run_org_slot_idx ON task_run (org_id, org_slot) WHERE status = 'active' AND org_slot IS NOT NULL;

-- An organization's own limit of runs at once, set by its admins within the operator's maximum; none: the default.
CREATE TABLE org_run_limit (
    org_id     text PRIMARY KEY,
    max_active integer     NOT NULL,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL
);
