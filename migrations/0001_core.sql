-- Core projections: leads, campaigns, calls (one row per attempt), transcript turns, do-not-call.
-- Workflows are the source of truth for progress; these tables are written by activities
-- (idempotently, since activities may run more than once) and read by the API.

CREATE TABLE leads (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    phone         text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email         text,
    company       text,
    language      text NOT NULL CHECK (language IN ('en', 'he', 'fr', 'de', 'es')),
    timezone      text NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    last_outcome  text CHECK (last_outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled')),
    last_outcome_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX leads_phone_key ON leads (phone);

CREATE TABLE campaigns (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    workflow_id   text NOT NULL UNIQUE,
    settings      jsonb NOT NULL,
    lead_count    integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The campaign's leads in calling order; the campaign workflow pages through them by seq.
CREATE TABLE campaign_leads (
    campaign_id   uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    seq           integer NOT NULL,
    lead_id       uuid NOT NULL REFERENCES leads (id),
    outcome       text CHECK (outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled')),
    settled_at    timestamptz,
    PRIMARY KEY (campaign_id, seq),
    UNIQUE (campaign_id, lead_id)
);

CREATE TABLE calls (
    id            uuid PRIMARY KEY,
    lead_id       uuid NOT NULL REFERENCES leads (id),
    campaign_id   uuid REFERENCES campaigns (id),
    workflow_id   text NOT NULL,
    attempt       integer NOT NULL CHECK (attempt > 0),
    call_sid      text UNIQUE,
    status        text NOT NULL CHECK (status IN (
                      'dialing', 'queued', 'initiated', 'ringing', 'in-progress', 'completed',
                      'busy', 'failed', 'no-answer', 'canceled')),
    answered_by   text CHECK (answered_by IN ('human', 'machine_start', 'machine_end_beep',
                      'machine_end_silence', 'machine_end_other', 'fax', 'unknown')),
    outcome       text CHECK (outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'voicemail', 'no_answer', 'busy', 'failed', 'hung_up', 'no_response', 'undecided', 'do_not_call', 'canceled')),
    outcome_detail jsonb,
    language      text NOT NULL,
    dialed_at     timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    duration_secs integer,
    recording_url text,
    -- One dialled call per attempt: the dial activity claims this row before dialling.
    UNIQUE (workflow_id, attempt)
);
CREATE INDEX calls_lead_idx ON calls (lead_id);
CREATE INDEX calls_campaign_idx ON calls (campaign_id, outcome);

CREATE TABLE call_turns (
    call_id       uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    idx           integer NOT NULL,
    speaker       text NOT NULL CHECK (speaker IN ('agent', 'callee')),
    text          text NOT NULL,
    confidence    real,
    spoken_at     timestamptz NOT NULL,
    PRIMARY KEY (call_id, idx)
);

CREATE TABLE dnc (
    phone         text PRIMARY KEY CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    reason        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
