-- What each callee line meant, as the agent acted on it (see callwright_domain::outcome::
-- turn_intent), kept with the line and sent with its live `turn` event.
ALTER TABLE call_turns ADD COLUMN intent text;

CREATE OR REPLACE FUNCTION callwright_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c calls%ROWTYPE;
BEGIN
    SELECT * INTO c FROM calls WHERE id = NEW.call_id;
    PERFORM callwright_publish(jsonb_build_object(
        'type', 'turn', 'call_id', NEW.call_id, 'lead_id', c.lead_id,
        'campaign_id', c.campaign_id, 'idx', NEW.idx, 'speaker', NEW.speaker,
        'text', left(NEW.text, 1000), 'confidence', NEW.confidence, 'intent', NEW.intent,
        'at', NEW.spoken_at));
    RETURN NULL;
END $$;
