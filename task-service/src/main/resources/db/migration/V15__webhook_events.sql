-- The event types an organization's webhook subscribes to, comma-separated; NULL: task.completed alone (as before).
ALTER TABLE webhook ADD COLUMN events text;
