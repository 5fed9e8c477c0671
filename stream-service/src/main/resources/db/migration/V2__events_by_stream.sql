-- Signed stream links (task details' streamUrls) read one run's events.
CREATE INDEX task_event_stream_idx ON task_event (stream_id, seq);
