-- One place builds each event: the live-event triggers (0007) and the webhook outbox triggers
-- (0008) built the same payloads twice. Now every event goes through callwright_publish,
-- which announces it to live listeners and, when a CRM endpoint is configured, queues it in the
-- outbox (turns stay live-only: too chatty for a CRM).
DROP TRIGGER calls_outbox ON calls;
DROP TRIGGER meetings_outbox ON meetings;
DROP FUNCTION callwright_outbox();

CREATE FUNCTION callwright_publish(payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('callwright_events', payload::text);
    IF payload->>'type' <> 'turn' AND EXISTS (SELECT 1 FROM webhook_endpoints) THEN
        INSERT INTO webhook_outbox (event_type, payload) VALUES (payload->>'type', payload);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION callwright_notify_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM callwright_publish(jsonb_build_object(
            'type', 'call_started', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
            'campaign_id', NEW.campaign_id, 'attempt', NEW.attempt, 'language', NEW.language,
            'at', NEW.dialed_at));
    ELSIF NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IS NOT NULL THEN
        PERFORM callwright_publish(jsonb_build_object(
            'type', 'call_ended', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
            'campaign_id', NEW.campaign_id, 'outcome', NEW.outcome,
            'outcome_detail', NEW.outcome_detail, 'duration_secs', NEW.duration_secs,
            'at', NEW.ended_at));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION callwright_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c calls%ROWTYPE;
BEGIN
    SELECT * INTO c FROM calls WHERE id = NEW.call_id;
    PERFORM callwright_publish(jsonb_build_object(
        'type', 'turn', 'call_id', NEW.call_id, 'lead_id', c.lead_id,
        'campaign_id', c.campaign_id, 'idx', NEW.idx, 'speaker', NEW.speaker,
        'text', left(NEW.text, 1000), 'confidence', NEW.confidence, 'at', NEW.spoken_at));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION callwright_notify_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.starts_at IS DISTINCT FROM OLD.starts_at THEN
        PERFORM callwright_publish(jsonb_build_object(
            'type', CASE WHEN TG_OP = 'INSERT' THEN 'meeting_booked' ELSE 'meeting_changed' END,
            'meeting_id', NEW.id, 'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id,
            'status', NEW.status, 'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at,
            'timezone', NEW.timezone, 'attendee_email', NEW.attendee_email,
            'video_url', NEW.video_url, 'at', NEW.updated_at));
    END IF;
    RETURN NULL;
END $$;
