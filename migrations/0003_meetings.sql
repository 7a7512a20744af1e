-- Meetings booked on calls, and the invites sent for them.
--
-- A meeting row is the slot reservation: it is inserted (status 'reserved') inside the booking
-- turn, before any calendar event exists. The exclusion constraint makes two live meetings on
-- one calendar with overlapping time ranges impossible, whatever the concurrency: of many calls
-- that pick the same slot at once, exactly one insert succeeds. A meeting whose event could not
-- be created ('failed') or that was cancelled no longer holds its range.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE meetings (
    id              uuid PRIMARY KEY,
    lead_id         uuid NOT NULL REFERENCES leads (id),
    campaign_id     uuid REFERENCES campaigns (id),
    call_id         uuid REFERENCES calls (id),
    workflow_id     text NOT NULL,
    calendar_id     text NOT NULL,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- The range the meeting blocks: the meeting plus the buffer after it.
    blocks          tstzrange NOT NULL,
    title           text NOT NULL,
    timezone        text NOT NULL,
    language        text NOT NULL,
    attendee_name   text NOT NULL,
    attendee_email  text NOT NULL,
    status          text NOT NULL CHECK (status IN ('reserved', 'confirmed', 'cancelled', 'failed', 'completed', 'no_show')),
    -- iCalendar SEQUENCE: bumped on every change the attendee must hear about.
    sequence        integer NOT NULL DEFAULT 0,
    calendar_event_id text NOT NULL,
    calendar_link   text,
    video_provider  text,
    video_meeting_id text,
    video_url       text,
    -- Why the meeting failed, in words an operator can act on.
    failure         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (calendar_id WITH =, blocks WITH &&)
        WHERE (status IN ('reserved', 'confirmed'))
);
CREATE INDEX meetings_lead_idx ON meetings (lead_id);
CREATE INDEX meetings_starts_idx ON meetings (starts_at);
-- One live booking per lead workflow (a retried booking turn finds its own reservation).
CREATE UNIQUE INDEX meetings_workflow_live_key ON meetings (workflow_id)
    WHERE status IN ('reserved', 'confirmed');

-- One row per invite email accepted by the mail server: the send receipt that makes a retried
-- send activity (or a worker restarted mid-send) a no-op.
CREATE TABLE meeting_invites (
    meeting_id      uuid NOT NULL REFERENCES meetings (id),
    sequence        integer NOT NULL,
    method          text NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
    message_id      text NOT NULL UNIQUE,
    recipient       text NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, sequence, method)
);
