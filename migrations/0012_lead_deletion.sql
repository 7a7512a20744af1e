-- Deleting leads (DELETE /api/leads/{id}): a deleted lead keeps its row, so its calls and
-- meetings stay on record for audit, but it leaves every list, is never started again, and its
-- number may be added again as a new lead. Erasing (?erase=true) also removes its personal
-- data: phone, name, email, company, notes, transcripts and recordings.
ALTER TABLE leads ADD COLUMN deleted_at timestamptz;
ALTER TABLE leads ADD COLUMN erased_at timestamptz;
ALTER TABLE leads ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE leads ADD CONSTRAINT leads_erased_has_no_phone
    CHECK (erased_at IS NULL OR (phone IS NULL AND deleted_at IS NOT NULL));
ALTER TABLE leads ADD CONSTRAINT leads_phone_until_erased
    CHECK (phone IS NOT NULL OR erased_at IS NOT NULL);

-- One live lead per number; deleted leads no longer hold theirs.
DROP INDEX leads_phone_key;
CREATE UNIQUE INDEX leads_phone_key ON leads (phone) WHERE deleted_at IS NULL;

-- A lead's campaigns: deleting, retrying or resetting a lead and the lead `status` filter look
-- them up by lead.
CREATE INDEX campaign_leads_lead_idx ON campaign_leads (lead_id, outcome);
