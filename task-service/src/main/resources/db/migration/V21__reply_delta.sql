-- A chunk of a run's reply (message.delta) in one call: the task's row is locked first and only then, in a statement
-- of its own (so it sees what committed while it waited: a cancel, an end, another worker's claim), the run is checked
-- active under the worker's claim; then the task's next seq, the message created or extended, and the event's outbox
-- row with that seq (its JSON written around it: p_before, the seq, p_after). NULL, nothing changed, when the run is
-- no longer active under that claim.
CREATE FUNCTION append_reply_delta(p_task uuid, p_run uuid, p_attempt int, p_phase text, p_at timestamptz,
        p_message uuid, p_chunk text, p_first boolean, p_event uuid, p_topic text, p_key text, p_before text,
        p_after text, p_trace text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    next_seq bigint;
BEGIN
    PERFORM 1 FROM task.task WHERE id = p_task FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM task.task_run
                   WHERE id = p_run AND task_id = p_task AND status = 'active' AND attempt = p_attempt) THEN
        RETURN NULL;
    END IF;
    UPDATE task.task SET last_seq = last_seq + 1, updated_at = p_at, last_heartbeat = p_at, runtime_phase = p_phase
        WHERE id = p_task RETURNING last_seq INTO next_seq;
    IF p_first THEN
        INSERT INTO task.task_message (id, task_id, stream_id, role, content, complete, first_seq, created_at, steer_pending)
        VALUES (p_message, p_task, p_run, 'assistant', p_chunk, false, next_seq, p_at, false);
    ELSE
        UPDATE task.task_message SET content = content || p_chunk WHERE id = p_message AND stream_id = p_run;
    END IF;
    INSERT INTO task.outbox_event (id, topic, record_key, payload, created_at, trace_parent)
    VALUES (p_event, p_topic, p_key, p_before || next_seq::text || p_after, p_at, p_trace);
    RETURN next_seq;
END
$$;
