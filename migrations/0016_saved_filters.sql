-- Saved lead filters (POST /api/lead-filters): a named LeadFilter a campaign can be started
-- from later (`filter_id`), so a team reuses "Hebrew leads never called" without retyping it.
CREATE TABLE lead_filters (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    filter      jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
