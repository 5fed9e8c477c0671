-- The open streams each replica holds, per organization ('o:' scopes) and per user of one ('u:' scopes; both named by
-- a digest, so a token's claims cannot make a scope too long for the index), so the caps hold across replicas. A
-- replica writes its own counts (absolute, from what it holds) and renews their lease while it runs; the counts of a
-- replica that stopped without saying so stop counting when their lease ends. Unlogged: the counts are rewritten
-- every renewal, so a crash that empties the table loses nothing a renewal does not bring back, and a write commits
-- without waiting for the log's flush.
CREATE UNLOGGED TABLE stream_slot (
    scope       text        NOT NULL,
    replica     uuid        NOT NULL,
    held        integer     NOT NULL,
    lease_until timestamptz NOT NULL,
    PRIMARY KEY (scope, replica)
);
CREATE INDEX stream_slot_by_replica ON stream_slot (replica);

-- Takes a slot for a stream that p_replica would hold as its p_user_held-th of the user and p_org_held-th of the
-- organization: refused ('user' or 'org') when the other replicas' live counts and these pass a cap, else both counts
-- written. Opens of one organization take their turn (a transaction lock on its scope), so two replicas cannot both
-- take the last slot; a turn not had within 2 s fails the call (the open then goes by the replica's own count). Rows
-- are written in scope order ('o:' before 'u:'), as every other write of the table does, so writes cannot deadlock.
CREATE FUNCTION take_stream_slot(p_replica uuid, p_org_scope text, p_user_scope text, p_org_held int, p_user_held int,
        p_max_org int, p_max_user int, p_lease_ms bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    others bigint;
BEGIN
    PERFORM set_config('lock_timeout', '2s', true);
    PERFORM pg_advisory_xact_lock(hashtextextended(p_org_scope, 0));
    SELECT coalesce(sum(held), 0) INTO others FROM stream.stream_slot
        WHERE scope = p_user_scope AND replica <> p_replica AND lease_until > now();
    IF others + p_user_held > p_max_user THEN
        RETURN 'user';
    END IF;
    SELECT coalesce(sum(held), 0) INTO others FROM stream.stream_slot
        WHERE scope = p_org_scope AND replica <> p_replica AND lease_until > now();
    IF others + p_org_held > p_max_org THEN
        RETURN 'org';
    END IF;
    INSERT INTO stream.stream_slot (scope, replica, held, lease_until)
    VALUES (p_org_scope, p_replica, p_org_held, now() + p_lease_ms * interval '1 millisecond'),
           (p_user_scope, p_replica, p_user_held, now() + p_lease_ms * interval '1 millisecond')
    ON CONFLICT (scope, replica) DO UPDATE SET held = EXCLUDED.held, lease_until = EXCLUDED.lease_until;
    RETURN NULL;
END
$$;
