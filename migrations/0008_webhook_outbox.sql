-- Outbound webhooks for CRMs: the same events as GET /api/events, written to an outbox in the
-- transaction of the projection write (so none is lost, even if every process restarts), and
-- delivered by the worker with an HMAC signature and retries. Nothing is queued unless an
-- endpoint is configured (the worker records OUTBOUND_WEBHOOK_URL here at start).
CREATE TABLE webhook_endpoints (
    id          text PRIMARY KEY,
    url         text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_outbox (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz,
    failed_at       timestamptz
);
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Every live event also goes to the outbox when an endpoint is configured.
CREATE FUNCTION callwright_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payload jsonb;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints) THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'calls' THEN
        IF TG_OP = 'INSERT' THEN
            payload := jsonb_build_object('type', 'call_started', 'call_id', NEW.id,
                'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id, 'attempt', NEW.attempt,
                'language', NEW.language, 'at', NEW.dialed_at);
        ELSIF NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IS NOT NULL THEN
            payload := jsonb_build_object('type', 'call_ended', 'call_id', NEW.id,
                'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id, 'outcome', NEW.outcome,
                'outcome_detail', NEW.outcome_detail, 'duration_secs', NEW.duration_secs,
                'at', NEW.ended_at);
        END IF;
    ELSIF TG_TABLE_NAME = 'meetings' THEN
        IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status
           OR NEW.starts_at IS DISTINCT FROM OLD.starts_at THEN
            payload := jsonb_build_object(
                'type', CASE WHEN TG_OP = 'INSERT' THEN 'meeting_booked' ELSE 'meeting_changed' END,
                'meeting_id', NEW.id, 'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id,
                'status', NEW.status, 'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at,
                'timezone', NEW.timezone, 'attendee_email', NEW.attendee_email,
                'video_url', NEW.video_url, 'at', NEW.updated_at);
        END IF;
    END IF;
    IF payload IS NOT NULL THEN
        INSERT INTO webhook_outbox (event_type, payload) VALUES (payload->>'type', payload);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER calls_outbox AFTER INSERT OR UPDATE OF outcome ON calls
    FOR EACH ROW EXECUTE FUNCTION callwright_outbox();
CREATE TRIGGER meetings_outbox AFTER INSERT OR UPDATE ON meetings
    FOR EACH ROW EXECUTE FUNCTION callwright_outbox();
