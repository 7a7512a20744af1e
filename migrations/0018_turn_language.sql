-- The language of each transcript line: the one the agent spoke, or the one recognised in the
-- callee's words (NULL when the words do not tell, and for lines written before this column).
-- A callee who answers in another supported language moves the conversation to it; this column
-- shows where (`domain::detect`, `Conversation::switch_language`).
ALTER TABLE call_turns ADD COLUMN language text;

-- The live `turn` event carries the language too, so the live view marks a switch as it happens.
CREATE OR REPLACE FUNCTION callwright_notify_turn() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c calls%ROWTYPE;
BEGIN
    SELECT * INTO c FROM calls WHERE id = NEW.call_id;
    PERFORM callwright_publish(jsonb_build_object(
        'type', 'turn', 'call_id', NEW.call_id, 'lead_id', c.lead_id,
        'campaign_id', c.campaign_id, 'idx', NEW.idx, 'speaker', NEW.speaker,
        'text', left(NEW.text, 1000), 'confidence', NEW.confidence, 'intent', NEW.intent,
        'language', NEW.language, 'at', NEW.spoken_at));
    RETURN NULL;
END $$;
