-- A trial that played a real lead copied that lead's name, email, company and fields into its
-- own lead row: erasing the lead must reach those copies too, so the trial remembers whom it
-- played.
ALTER TABLE agent_trials ADD COLUMN source_lead_id uuid REFERENCES leads (id);
CREATE INDEX agent_trials_source_idx ON agent_trials (source_lead_id) WHERE source_lead_id IS NOT NULL;

-- One publisher: the turn and meeting events go through the three-argument publisher like the
-- call events (live and queued), and the one-argument one goes.
CREATE OR REPLACE FUNCTION callwright_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c calls%ROWTYPE;
BEGIN
    SELECT * INTO c FROM calls WHERE id = NEW.call_id;
    IF c.trial THEN
        RETURN NULL;
    END IF;
    PERFORM callwright_publish(jsonb_build_object(
        'type', 'turn', 'call_id', NEW.call_id, 'lead_id', c.lead_id,
        'campaign_id', c.campaign_id, 'idx', NEW.idx, 'speaker', NEW.speaker,
        'text', left(NEW.text, 1000), 'confidence', NEW.confidence, 'intent', NEW.intent,
        'language', NEW.language, 'tools', NEW.tools, 'at', NEW.spoken_at), true, true);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION callwright_notify_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.trial THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.starts_at IS DISTINCT FROM OLD.starts_at THEN
        PERFORM callwright_publish(jsonb_build_object(
            'type', CASE WHEN TG_OP = 'INSERT' THEN 'meeting_booked' ELSE 'meeting_changed' END,
            'meeting_id', NEW.id, 'lead_id', NEW.lead_id, 'campaign_id', NEW.campaign_id,
            'status', NEW.status, 'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at,
            'timezone', NEW.timezone, 'attendee_email', NEW.attendee_email,
            'video_url', NEW.video_url, 'at', NEW.updated_at), true, true);
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION callwright_publish(jsonb);
