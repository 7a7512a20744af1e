-- Erasing a lead strips its outbound webhook events (store::erasure::blank), found by the lead
-- id in the payload: index it, so an erasure does not scan every event ever sent while it holds
-- the lead's row lock.
CREATE INDEX webhook_outbox_lead_idx ON webhook_outbox ((payload->>'lead_id'));
