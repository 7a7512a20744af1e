-- Agents: what a team's caller sells, knows and asks, as data (callwright_domain::agent).
--
-- An agent is a name and a line of immutable versions; each version holds the whole spec as
-- the API received it (validated). A campaign names one version or an A/B split, a lead's
-- workflow the version it calls with; calls, campaign leads and meetings keep the version, so
-- results can be compared per version.
CREATE TABLE agents (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    latest_version  integer NOT NULL CHECK (latest_version > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_versions (
    agent_id        uuid NOT NULL REFERENCES agents (id),
    version         integer NOT NULL CHECK (version > 0),
    spec            jsonb NOT NULL,
    -- How the knowledge reaches the model: none, whole in the prompt, or searched per turn.
    knowledge_mode  text NOT NULL CHECK (knowledge_mode IN ('none', 'inline', 'search')),
    -- The embeddings model the passages of a 'search' version were embedded with.
    embedding_model text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, version),
    CHECK (knowledge_mode <> 'search' OR embedding_model IS NOT NULL)
);

-- A version never changes: calls in progress and replays rely on it.
CREATE FUNCTION callwright_agent_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'agent versions are immutable (agent %, version %)', OLD.agent_id, OLD.version;
END $$;
CREATE TRIGGER agent_versions_immutable BEFORE UPDATE OR DELETE ON agent_versions
    FOR EACH ROW EXECUTE FUNCTION callwright_agent_version_immutable();

-- The searchable passages of a version whose knowledge is past the inline budget, with their
-- embeddings (no pgvector on the target machines: a version holds at most a few thousand
-- passages, searched in the worker's memory).
CREATE TABLE knowledge_passages (
    agent_id        uuid NOT NULL,
    version         integer NOT NULL,
    idx             integer NOT NULL,
    source          text NOT NULL,
    text            text NOT NULL,
    embedding       real[] NOT NULL,
    PRIMARY KEY (agent_id, version, idx),
    FOREIGN KEY (agent_id, version) REFERENCES agent_versions (agent_id, version)
);

-- Embeddings by model and text, so a new version with the same documents embeds nothing again.
CREATE TABLE knowledge_embeddings (
    model           text NOT NULL,
    text_sha256     bytea NOT NULL,
    embedding       real[] NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, text_sha256)
);

-- Campaigns name their agent and its plan (one version, or a split).
ALTER TABLE campaigns ADD COLUMN agent_id uuid REFERENCES agents (id);
ALTER TABLE campaigns ADD COLUMN agent_plan jsonb;
CREATE INDEX campaigns_agent_idx ON campaigns (agent_id);
-- The version each lead was given (written when the campaign reaches it).
ALTER TABLE campaign_leads ADD COLUMN agent_version integer;

-- Calls carry the version that spoke, the qualification answers extracted after the call,
-- and whether the post-call summary is still to come (the CRM's call_ended webhook waits for
-- it, so it carries the answers).
ALTER TABLE calls ADD COLUMN agent_id uuid;
ALTER TABLE calls ADD COLUMN agent_version integer;
ALTER TABLE calls ADD COLUMN answers jsonb;
ALTER TABLE calls ADD COLUMN summary_status text CHECK (summary_status IN ('pending', 'done', 'failed'));
CREATE INDEX calls_agent_idx ON calls (agent_id, agent_version, dialed_at);

-- The tools the agent used on a line (name, arguments, result), shown in transcripts.
ALTER TABLE call_turns ADD COLUMN tools jsonb;

-- A lead's own columns (an upload's unmapped ones, `fields` of POST /api/leads), for templates.
ALTER TABLE leads ADD COLUMN fields jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(fields) = 'object');

-- Trials: an operator chatting with an agent as the callee, through the lead workflow with a
-- text channel. A trial's lead has no number, is never listed or called, and its calls and
-- meetings stay out of analytics, lists and webhooks; a trial's meeting is released when the
-- trial ends.
ALTER TABLE leads ADD COLUMN trial boolean NOT NULL DEFAULT false;
ALTER TABLE leads DROP CONSTRAINT leads_phone_until_erased;
ALTER TABLE leads ADD CONSTRAINT leads_phone_until_erased
    CHECK (phone IS NOT NULL OR erased_at IS NOT NULL OR trial);
ALTER TABLE calls ADD COLUMN trial boolean NOT NULL DEFAULT false;
ALTER TABLE meetings ADD COLUMN trial boolean NOT NULL DEFAULT false;
ALTER TABLE meetings ADD COLUMN description text;

CREATE TABLE agent_trials (
    id              uuid PRIMARY KEY,
    agent_id        uuid NOT NULL REFERENCES agents (id),
    version         integer NOT NULL,
    lead_id         uuid NOT NULL REFERENCES leads (id),
    workflow_id     text NOT NULL UNIQUE,
    language        text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    FOREIGN KEY (agent_id, version) REFERENCES agent_versions (agent_id, version)
);
CREATE INDEX agent_trials_agent_idx ON agent_trials (agent_id, created_at DESC);

-- Analytics count real calls only.
CREATE OR REPLACE FUNCTION callwright_call_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM call_stats_hourly;
        DELETE FROM call_stats_hourly_keys;
        RETURN NULL;
    END IF;
    FOREACH statement IN ARRAY callwright_call_stats_sql(CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_calls WHERE NOT trial'
        WHEN 'UPDATE' THEN 'SELECT -1 AS sign, * FROM old_calls WHERE NOT trial UNION ALL SELECT 1, * FROM new_calls WHERE NOT trial'
        ELSE 'SELECT -1 AS sign, * FROM old_calls WHERE NOT trial' END)
    LOOP
        EXECUTE statement;
    END LOOP;
    RETURN NULL;
END $$;

-- Events: announced live (SSE) and queued for the CRM (outbox) separately, because a call's
-- end is live at once but goes to the CRM only with its summary and answers.
CREATE FUNCTION callwright_publish(payload jsonb, live boolean, queue boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF live THEN
        PERFORM pg_notify('callwright_events', payload::text);
    END IF;
    IF queue AND payload->>'type' <> 'turn' AND EXISTS (SELECT 1 FROM webhook_endpoints) THEN
        INSERT INTO webhook_outbox (event_type, payload) VALUES (payload->>'type', payload);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION callwright_notify_call() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ended jsonb;
BEGIN
    IF NEW.trial THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM callwright_publish(jsonb_build_object(
            'type', 'call_started', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
            'campaign_id', NEW.campaign_id, 'attempt', NEW.attempt, 'language', NEW.language,
            'agent_id', NEW.agent_id, 'agent_version', NEW.agent_version,
            'at', NEW.dialed_at), true, true);
        RETURN NULL;
    END IF;
    ended := jsonb_build_object(
        'type', 'call_ended', 'call_id', NEW.id, 'lead_id', NEW.lead_id,
        'campaign_id', NEW.campaign_id, 'outcome', NEW.outcome,
        'outcome_detail', NEW.outcome_detail, 'duration_secs', NEW.duration_secs,
        'agent_id', NEW.agent_id, 'agent_version', NEW.agent_version,
        'summary', NEW.summary, 'answers', COALESCE(NEW.answers, '{}'::jsonb),
        'at', NEW.ended_at);
    IF NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IS NOT NULL THEN
        -- Live at once; to the CRM now only if no summary is coming.
        PERFORM callwright_publish(ended, true,
            NEW.summary_status IS DISTINCT FROM 'pending');
    ELSIF OLD.summary_status = 'pending' AND NEW.summary_status IN ('done', 'failed')
          AND NEW.outcome IS NOT NULL THEN
        PERFORM callwright_publish(ended, false, true);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER calls_notify ON calls;
CREATE TRIGGER calls_notify AFTER INSERT OR UPDATE OF outcome, summary_status ON calls
    FOR EACH ROW EXECUTE FUNCTION callwright_notify_call();

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
        'language', NEW.language, 'tools', NEW.tools, 'at', NEW.spoken_at));
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
            'video_url', NEW.video_url, 'at', NEW.updated_at));
    END IF;
    RETURN NULL;
END $$;
