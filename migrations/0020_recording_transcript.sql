-- The call recording's transcript, made after the call by a speech-to-text provider
-- (callwright_activities::stt): utterances [{speaker: agent|callee, start_secs, end_secs, text}],
-- and where that stands (NULL: not yet, e.g. the recording is still being announced).
ALTER TABLE calls
    ADD COLUMN recording_transcript jsonb,
    ADD COLUMN recording_transcript_status text
        CHECK (recording_transcript_status IN ('done', 'skipped', 'no_recording', 'failed'));
