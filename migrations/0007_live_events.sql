-- Live events for `GET /api/events`: every projection write that a dashboard or a CRM wants to
-- hear about is announced on the `callwright_events` channel, in the same transaction as the
-- write (so an event is never heard for a write that rolled back). Payloads stay far below
-- NOTIFY's 8000-byte limit: transcript text is cut at 1000 characters (the full text is in
-- GET /api/calls/{id}).
CREATE FUNCTION callwright_notify_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('callwright_events', json_build_object(
            'type', 'call_started', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
            'campaign_id', NEW.campaign_id, 'attempt', NEW.attempt, 'language', NEW.language,
            'at', NEW.dialed_at)::text);
    ELSIF NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IS NOT NULL THEN
        PERFORM pg_notify('callwright_events', json_build_object(
            'type', 'call_ended', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
            'campaign_id', NEW.campaign_id, 'outcome', NEW.outcome,
            'duration_secs', NEW.duration_secs, 'at', NEW.ended_at)::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER calls_notify AFTER INSERT OR UPDATE OF outcome ON calls
    FOR EACH ROW EXECUTE FUNCTION callwright_notify_call();

CREATE FUNCTION callwright_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c calls%ROWTYPE;
BEGIN
    SELECT * INTO c FROM calls WHERE id = NEW.call_id;
    PERFORM pg_notify('callwright_events', json_build_object(
        'type', 'turn', 'call_id', NEW.call_id, 'lead_id', c.lead_id,
        'campaign_id', c.campaign_id, 'idx', NEW.idx, 'speaker', NEW.speaker,
        'text', left(NEW.text, 1000), 'confidence', NEW.confidence, 'at', NEW.spoken_at)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER call_turns_notify AFTER INSERT ON call_turns
    FOR EACH ROW EXECUTE FUNCTION callwright_notify_turn();

CREATE FUNCTION callwright_notify_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.starts_at IS DISTINCT FROM OLD.starts_at THEN
        PERFORM pg_notify('callwright_events', json_build_object(
            'type', CASE WHEN TG_OP = 'INSERT' THEN 'meeting_booked' ELSE 'meeting_changed' END,
            'meeting_id', NEW.id, 'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id,
            'status', NEW.status, 'starts_at', NEW.starts_at, 'timezone', NEW.timezone,
            'at', NEW.updated_at)::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER meetings_notify AFTER INSERT OR UPDATE ON meetings
    FOR EACH ROW EXECUTE FUNCTION callwright_notify_meeting();
