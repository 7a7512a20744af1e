-- An invite's send record is written at the mailer's commit point, just before the mail server
-- can accept the message, and `accepted_at` once the server said so. A record without it is an
-- invite whose acceptance was never confirmed (the process died, or the connection broke, after
-- the end of the message went out): it is not sent again.
ALTER TABLE meeting_invites ADD COLUMN accepted_at timestamptz;
UPDATE meeting_invites SET accepted_at = sent_at;
