-- A stream id (a run) belongs to one task. Storing an event that gives a stored run's id to another task raises an
-- integrity violation naming both, so the storing consumer dead-letters that event instead of retrying it, and the
-- run's first seq stays the one of its own task.
CREATE FUNCTION run_of_another_task(run uuid, owner uuid, claimant uuid) RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stream % belongs to task %, not to task %', run, owner, claimant
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
