-- what the test consumer did, one row per time its work ran
CREATE TABLE tally (
    event_id uuid NOT NULL,
    label    text NOT NULL
);
