-- Indexes behind the list endpoints: keyset pages by time, and the text search over name, phone
-- and email (trigram indexes serve ILIKE '%text%').
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX leads_created_idx ON leads (created_at DESC, id DESC);
CREATE INDEX leads_name_trgm_idx ON leads USING gin (name gin_trgm_ops);
CREATE INDEX leads_phone_trgm_idx ON leads USING gin (phone gin_trgm_ops);
CREATE INDEX leads_email_trgm_idx ON leads USING gin (email gin_trgm_ops);
CREATE INDEX calls_dialed_idx ON calls (dialed_at DESC, id DESC);
