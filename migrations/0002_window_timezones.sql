-- Every zone a lead's number may be in (libphonenumber's prefix map can give several); the
-- calling window must be open in all of them. Empty means the lead's `timezone` alone.
ALTER TABLE leads ADD COLUMN window_timezones text[] NOT NULL DEFAULT '{}';
