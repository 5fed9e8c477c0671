-- What the Pulumi-style agents task API shows of a task.
ALTER TABLE task
    ADD COLUMN task_type           text        NOT NULL DEFAULT 'sync',
    ADD COLUMN approval_mode       text        NOT NULL DEFAULT 'manual',
    ADD COLUMN plan_mode           boolean     NOT NULL DEFAULT false,
    ADD COLUMN permission_mode     text        NOT NULL DEFAULT 'default',
    ADD COLUMN tool_execution_mode text        NOT NULL DEFAULT 'cloud',
    ADD COLUMN source              text        NOT NULL DEFAULT 'api',
    ADD COLUMN is_shared           boolean     NOT NULL DEFAULT false,
    ADD COLUMN shared_at           timestamptz,
    -- running while a run is pending or active, idle otherwise; kept in the transactions that change runs
    ADD COLUMN run_state           text        NOT NULL DEFAULT 'idle',
    ADD COLUMN tokens_used         bigint      NOT NULL DEFAULT 0,
    ADD COLUMN context_used_tokens bigint      NOT NULL DEFAULT 0;

CREATE INDEX task_org_updated_idx ON task (org, updated_at DESC, id);
