-- Who may use a secret: the emails of the members whose tasks' runs may have it filled in, comma-separated; NULL:
-- every member of the organization (as before this column).
ALTER TABLE secret ADD COLUMN users text;
