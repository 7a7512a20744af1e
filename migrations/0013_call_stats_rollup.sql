-- Hourly rollups of `calls` for the analytics endpoints, so a 30- or 90-day window over a million
-- calls reads a few thousand rollup rows instead of every call.
--
-- Kept exact by statement-level triggers on `calls`: every INSERT, UPDATE and DELETE adds the
-- difference it made (new rows minus old rows, from the transition tables) in the same
-- transaction, so a reader sees the rollup and the calls at the same snapshot. An hour is the
-- UTC hour of `dialed_at`. The analytics queries add up whole hours of a window from here and
-- count the partial hours at its edges (and hours a requested time zone cuts in two) from
-- `calls` itself; `api/src/routes/analytics.rs` and its tests hold the definitions these
-- columns must match.
--
-- A call without a campaign is filed under the nil UUID, which therefore can never be a
-- campaign's id.
ALTER TABLE campaigns ADD CONSTRAINT campaigns_id_not_nil
    CHECK (id <> '00000000-0000-0000-0000-000000000000');

CREATE TABLE call_stats_hourly (
    hour            timestamptz NOT NULL,
    campaign_id     uuid NOT NULL,
    -- Every call row (a bucket of calls-over-time exists when this is above zero).
    calls           bigint NOT NULL,
    -- call_sid IS NOT NULL
    dials           bigint NOT NULL,
    -- status = 'completed'
    connected       bigint NOT NULL,
    -- completed, and answered by a person (or not classified, with a conversation outcome)
    human_answered  bigint NOT NULL,
    -- outcome is a conversation outcome
    conversations   bigint NOT NULL,
    opt_outs        bigint NOT NULL,
    -- sum and count of duration_secs of completed calls, and of completed conversations
    call_secs       bigint NOT NULL,
    call_secs_n     bigint NOT NULL,
    talk_secs       bigint NOT NULL,
    talk_secs_n     bigint NOT NULL,
    PRIMARY KEY (hour, campaign_id)
);

-- Calls per outcome (NULL as 'in_progress') and per language, per hour and campaign.
CREATE TABLE call_stats_hourly_keys (
    dimension       text NOT NULL CHECK (dimension IN ('outcome', 'language')),
    hour            timestamptz NOT NULL,
    campaign_id     uuid NOT NULL,
    key             text NOT NULL,
    calls           bigint NOT NULL,
    PRIMARY KEY (dimension, hour, campaign_id, key)
);

-- The conversation outcomes: CONVERSATION_OUTCOMES in api/src/routes/analytics.rs.
CREATE FUNCTION callwright_is_conversation(outcome text) RETURNS boolean
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT outcome IN ('interested', 'not_interested', 'callback_requested', 'opted_out', 'undecided') $$;

-- The two statements that add the rows of `source` (a query yielding `sign` and the columns of
-- `calls`) to the rollups. Rows are upserted in key order, so concurrent writers lock rollup rows
-- in the same order. (Statements, not a function that runs them: the trigger's transition
-- tables are visible to the trigger function's own queries only.)
CREATE FUNCTION callwright_call_stats_sql(source text) RETURNS text[] IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    RETURN ARRAY[format($q$
        INSERT INTO call_stats_hourly AS s (hour, campaign_id, calls, dials, connected,
            human_answered, conversations, opt_outs, call_secs, call_secs_n, talk_secs, talk_secs_n)
        SELECT * FROM (
            SELECT date_trunc('hour', dialed_at, 'UTC') AS hour,
                   COALESCE(campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id,
                   COALESCE(sum(sign), 0) AS calls,
                   COALESCE(sum(sign) FILTER (WHERE call_sid IS NOT NULL), 0) AS dials,
                   COALESCE(sum(sign) FILTER (WHERE status = 'completed'), 0) AS connected,
                   COALESCE(sum(sign) FILTER (WHERE status = 'completed' AND (answered_by = 'human'
                       OR (answered_by IS NULL AND callwright_is_conversation(outcome)))), 0) AS human_answered,
                   COALESCE(sum(sign) FILTER (WHERE callwright_is_conversation(outcome)), 0) AS conversations,
                   COALESCE(sum(sign) FILTER (WHERE outcome = 'opted_out'), 0) AS opt_outs,
                   COALESCE(sum(sign * duration_secs) FILTER (WHERE status = 'completed'), 0) AS call_secs,
                   COALESCE(sum(sign) FILTER (WHERE status = 'completed' AND duration_secs IS NOT NULL), 0) AS call_secs_n,
                   COALESCE(sum(sign * duration_secs) FILTER (WHERE status = 'completed'
                       AND callwright_is_conversation(outcome)), 0) AS talk_secs,
                   COALESCE(sum(sign) FILTER (WHERE status = 'completed' AND duration_secs IS NOT NULL
                       AND callwright_is_conversation(outcome)), 0) AS talk_secs_n
            FROM (%1$s) d
            GROUP BY 1, 2
        ) g (hour, campaign_id, calls, dials, connected, human_answered, conversations, opt_outs,
             call_secs, call_secs_n, talk_secs, talk_secs_n)
        WHERE (calls, dials, connected, human_answered, conversations, opt_outs, call_secs,
               call_secs_n, talk_secs, talk_secs_n)
              <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        ORDER BY hour, campaign_id
        ON CONFLICT (hour, campaign_id) DO UPDATE SET
            calls = s.calls + EXCLUDED.calls,
            dials = s.dials + EXCLUDED.dials,
            connected = s.connected + EXCLUDED.connected,
            human_answered = s.human_answered + EXCLUDED.human_answered,
            conversations = s.conversations + EXCLUDED.conversations,
            opt_outs = s.opt_outs + EXCLUDED.opt_outs,
            call_secs = s.call_secs + EXCLUDED.call_secs,
            call_secs_n = s.call_secs_n + EXCLUDED.call_secs_n,
            talk_secs = s.talk_secs + EXCLUDED.talk_secs,
            talk_secs_n = s.talk_secs_n + EXCLUDED.talk_secs_n
    $q$, source), format($q$
        INSERT INTO call_stats_hourly_keys AS s (dimension, hour, campaign_id, key, calls)
        SELECT k.dimension, h.hour, h.campaign_id, k.key, sum(d.sign)
        FROM (%1$s) d,
             LATERAL (VALUES ('outcome', COALESCE(d.outcome, 'in_progress')),
                             ('language', d.language)) k (dimension, key),
             LATERAL (SELECT date_trunc('hour', d.dialed_at, 'UTC') AS hour,
                             COALESCE(d.campaign_id, '00000000-0000-0000-0000-000000000000') AS campaign_id) h
        GROUP BY 1, 2, 3, 4
        HAVING sum(d.sign) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (dimension, hour, campaign_id, key) DO UPDATE SET calls = s.calls + EXCLUDED.calls
    $q$, source)];
END $$;

CREATE FUNCTION callwright_call_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM call_stats_hourly;
        DELETE FROM call_stats_hourly_keys;
        RETURN NULL;
    END IF;
    FOREACH statement IN ARRAY callwright_call_stats_sql(CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_calls'
        WHEN 'UPDATE' THEN 'SELECT -1 AS sign, * FROM old_calls UNION ALL SELECT 1, * FROM new_calls'
        ELSE 'SELECT -1 AS sign, * FROM old_calls' END)
    LOOP
        EXECUTE statement;
    END LOOP;
    RETURN NULL;
END $$;

-- No call is written between the triggers starting and the backfill reading the table.
LOCK TABLE calls IN SHARE ROW EXCLUSIVE MODE;
CREATE TRIGGER calls_stats_insert AFTER INSERT ON calls
    REFERENCING NEW TABLE AS new_calls FOR EACH STATEMENT EXECUTE FUNCTION callwright_call_stats();
CREATE TRIGGER calls_stats_update AFTER UPDATE ON calls
    REFERENCING OLD TABLE AS old_calls NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION callwright_call_stats();
CREATE TRIGGER calls_stats_delete AFTER DELETE ON calls
    REFERENCING OLD TABLE AS old_calls FOR EACH STATEMENT EXECUTE FUNCTION callwright_call_stats();
CREATE TRIGGER calls_stats_truncate AFTER TRUNCATE ON calls
    FOR EACH STATEMENT EXECUTE FUNCTION callwright_call_stats();
DO $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY callwright_call_stats_sql('SELECT 1 AS sign, * FROM calls') LOOP
        EXECUTE statement;
    END LOOP;
END $$;

-- The overview's meetings count reads meetings by creation time.
CREATE INDEX meetings_created_idx ON meetings (created_at) INCLUDE (campaign_id, status);
