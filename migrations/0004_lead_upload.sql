-- CSV lead uploads (POST /api/leads/upload): free-form notes on a lead, and each upload with
-- the leads it created, so a campaign can later be started from an uploaded list.
ALTER TABLE leads ADD COLUMN notes text;

CREATE TABLE lead_imports (
    id          uuid PRIMARY KEY,
    filename    text,
    row_count   bigint NOT NULL,
    accepted    bigint NOT NULL,
    rejected    bigint NOT NULL,
    duplicates  bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per lead an upload created, by its line in the file. Written once, in the upload's
-- own transaction, from the rows that INSERT just returned; no foreign keys, so a
-- million-row upload does not queue a million constraint-trigger events.
CREATE TABLE lead_import_rows (
    import_id   uuid NOT NULL,
    line        bigint NOT NULL,
    lead_id     uuid NOT NULL,
    PRIMARY KEY (import_id, line)
);
