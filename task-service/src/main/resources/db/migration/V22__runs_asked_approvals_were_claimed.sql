-- Only a run at work asks for an approval, so a run with approvals was claimed at least once (attempt >= 1), and the
-- claim reads no approvals of a run claimed for the first time. A run that asked before attempt was counted (V9)
-- still says 0: it is counted as claimed once.
UPDATE task_run SET attempt = 1
WHERE attempt = 0 AND EXISTS (SELECT 1 FROM approval WHERE approval.stream_id = task_run.id);
