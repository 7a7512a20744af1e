-- Recording links an erasure took out of `calls`, until the provider has deleted the recording.
-- The blanking nulls `calls.recording_url` in the transaction that audits it; a recording
-- deleted only afterwards (announced between the erasure's plan and its blanking) would be
-- unreachable if that erasure were cut short (replaced by a newer one, or failed on a refusal).
-- Every erasure plan reads the pending rows of its lead, so the next run deletes them.
CREATE TABLE recording_deletions (
    url          text PRIMARY KEY,
    lead_id      uuid NOT NULL REFERENCES leads (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);

CREATE INDEX recording_deletions_pending ON recording_deletions (lead_id) WHERE deleted_at IS NULL;
