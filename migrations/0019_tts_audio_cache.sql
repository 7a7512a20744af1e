-- Synthesised speech, shared by every API and worker replica: one row per
-- (provider, voice, model, format, text), keyed by the SHA-256 of those five
-- (callwright_activities::tts::VoiceChoice::content_hash). The API serves `audio` at
-- /tts/{hash}.wav behind a signed link; a row is written once and never changed.
CREATE TABLE tts_audio (
    hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    provider text NOT NULL,
    voice_id text NOT NULL,
    model_id text NOT NULL,
    format text NOT NULL,
    text text NOT NULL,
    content_type text NOT NULL,
    audio bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
