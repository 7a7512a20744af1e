-- Transfer to a person: a new outcome, `transferred` (the callee asked for a human and was put
-- through to the campaign's transfer number). It is a conversation with a person, so it counts
-- in the analytics' conversations; no call had this outcome before, so the hourly rollups stay
-- right as they are.
ALTER TABLE calls DROP CONSTRAINT calls_outcome_check;
ALTER TABLE calls ADD CONSTRAINT calls_outcome_check CHECK (outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled', 'transferred'));
ALTER TABLE leads DROP CONSTRAINT leads_last_outcome_check;
ALTER TABLE leads ADD CONSTRAINT leads_last_outcome_check CHECK (last_outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled', 'transferred'));
ALTER TABLE campaign_leads DROP CONSTRAINT campaign_leads_outcome_check;
ALTER TABLE campaign_leads ADD CONSTRAINT campaign_leads_outcome_check CHECK (outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled', 'transferred'));

CREATE OR REPLACE FUNCTION callwright_is_conversation(outcome text) RETURNS boolean
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'undecided', 'transferred') $$;
