//! Postgres projections written by activities. Every write is idempotent: an activity may run
//! again after a crash or a retry.

use callwright_domain::agent::{AgentPlan, AgentRef};
use callwright_domain::call::FinishedAttempt;
use callwright_domain::conversation::{Speaker, ToolUse, Turn};
use callwright_domain::lead::CampaignLead;
use callwright_domain::{AttemptOutcome, E164, LeadProfile};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// The embedded migrations (`migrations/` at the workspace root).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The row claimed for one dial attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialClaim {
    /// The `calls` row id.
    pub call_id: Uuid,
    /// Set once a previous execution got the provider's answer.
    pub call_sid: Option<String>,
    /// When the claim was first made.
    pub dialed_at: DateTime<Utc>,
}

/// Typed access to the projection tables.
#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// Wraps a pool.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The pool, for callers with queries of their own.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// True when the number is on the do-not-call list.
    pub async fn is_dnc(&self, phone: &str) -> Result<bool, sqlx::Error> {
        // `!` here and on every EXISTS below: Postgres types an expression's result as nullable;
        // EXISTS is never NULL.
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM dnc WHERE phone = $1) AS "listed!""#,
            phone,
        )
        .fetch_one(&self.pool)
        .await
    }

    /// A call's transcript as `Agent:`/`Lead:` lines, if it has a callee line and no summary yet.
    pub async fn transcript_for_summary(
        &self,
        call_id: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let rows = sqlx::query!(
            "SELECT t.speaker, t.text FROM call_turns t JOIN calls c ON c.id = t.call_id
             WHERE t.call_id = $1 AND c.summary IS NULL AND t.text <> '' ORDER BY t.idx",
            parse_uuid(call_id)?,
        )
        .fetch_all(&self.pool)
        .await?;
        if !rows.iter().any(|row| row.speaker == "callee") {
            return Ok(None);
        }
        let lines: Vec<String> = rows
            .iter()
            .map(|row| {
                let who = if row.speaker == "agent" {
                    "Agent"
                } else {
                    "Lead"
                };
                format!("{who}: {}", row.text)
            })
            .collect();
        Ok(Some(lines.join("\n")))
    }

    /// Stores a call's summary and its qualification answers (the first ones stay), and
    /// settles the summary's status (which sends the CRM's `call_ended`).
    pub async fn save_summary(
        &self,
        call_id: &str,
        summary: &callwright_domain::summary::CallSummary,
        answers: &std::collections::BTreeMap<String, serde_json::Value>,
    ) -> Result<(), sqlx::Error> {
        // `as _` on a JSON parameter: the macros check `jsonb` against `serde_json::Value` only,
        // and `Json<T>` encodes any `Serialize` value as `jsonb` without building a `Value`.
        sqlx::query!(
            "UPDATE calls SET summary = $2, answers = $3, summary_status = 'done'
             WHERE id = $1 AND summary IS NULL",
            parse_uuid(call_id)?,
            sqlx::types::Json(summary) as _,
            sqlx::types::Json(answers) as _,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Settles a summary that will not come (the model kept failing, or there was nothing to
    /// summarise), so the CRM still hears of the call's end. A written summary stays `done`.
    pub async fn summary_failed(&self, call_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE calls SET summary_status = 'failed' WHERE id = $1 AND summary_status = 'pending'",
            parse_uuid(call_id)?,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A call's announced recording URL and where its transcription stands (`None`: no such
    /// call).
    pub async fn recording_for_transcript(
        &self,
        call_id: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>, sqlx::Error> {
        let row = sqlx::query!(
            "SELECT recording_url, recording_transcript_status FROM calls WHERE id = $1",
            parse_uuid(call_id)?,
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| (row.recording_url, row.recording_transcript_status)))
    }

    /// Settles a call's recording transcript (once: a settled status is kept).
    pub async fn save_recording_transcript(
        &self,
        call_id: &str,
        status: callwright_domain::call::RecordingTranscriptStatus,
        utterances: Option<&[callwright_domain::conversation::RecordedUtterance]>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE calls SET recording_transcript_status = $2, recording_transcript = $3
             WHERE id = $1 AND recording_transcript_status IS NULL",
            parse_uuid(call_id)?,
            status.code(),
            // JSON: see `save_summary`.
            utterances.map(sqlx::types::Json) as _,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// True when the lead was deleted through the API (its workflow may still be running).
    pub async fn is_deleted(&self, lead_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM leads WHERE id = $1 AND deleted_at IS NOT NULL)
                   AS "deleted!""#,
            parse_uuid(lead_id)?,
        )
        .fetch_one(&self.pool)
        .await
    }

    /// Claims the `calls` row of (workflow, attempt), or returns the claim an earlier execution
    /// of the same dial made.
    pub async fn claim_dial(
        &self,
        workflow_id: &str,
        attempt: u32,
        lead: &LeadProfile,
        campaign_id: Option<&str>,
        agent: &AgentRef,
    ) -> Result<DialClaim, sqlx::Error> {
        self.claim_call(workflow_id, attempt, lead, campaign_id, agent, None)
            .await
    }

    /// Claims the `calls` row of a trial's chat: no number is dialled, the call is live at
    /// once under the id `chat_sid`.
    pub async fn claim_chat(
        &self,
        workflow_id: &str,
        attempt: u32,
        lead: &LeadProfile,
        agent: &AgentRef,
        chat_sid: &str,
    ) -> Result<DialClaim, sqlx::Error> {
        self.claim_call(workflow_id, attempt, lead, None, agent, Some(chat_sid))
            .await
    }

    async fn claim_call(
        &self,
        workflow_id: &str,
        attempt: u32,
        lead: &LeadProfile,
        campaign_id: Option<&str>,
        agent: &AgentRef,
        chat_sid: Option<&str>,
    ) -> Result<DialClaim, sqlx::Error> {
        let lead_id = parse_uuid(&lead.lead_id)?;
        let campaign_id = campaign_id.map(parse_uuid).transpose()?;
        let row = sqlx::query!(
            "INSERT INTO calls (id, lead_id, campaign_id, workflow_id, attempt, status, language,
                                agent_id, agent_version, call_sid, trial)
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $9::text IS NULL THEN 'dialing' ELSE 'in-progress' END,
                     $6, $7, $8, $9, $9::text IS NOT NULL)
             ON CONFLICT (workflow_id, attempt) DO UPDATE SET workflow_id = EXCLUDED.workflow_id
             RETURNING id, call_sid, dialed_at",
            Uuid::new_v4(),
            lead_id,
            campaign_id,
            workflow_id,
            i32::try_from(attempt).unwrap_or(i32::MAX),
            lead.language.code(),
            parse_uuid(&agent.agent_id)?,
            i32::try_from(agent.version).unwrap_or(i32::MAX),
            chat_sid,
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(DialClaim {
            call_id: row.id,
            call_sid: row.call_sid,
            dialed_at: row.dialed_at,
        })
    }

    /// True when a provider call id already belongs to one of our attempts.
    pub async fn is_known_call(&self, sid: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM calls WHERE call_sid = $1) AS "known!""#,
            sid,
        )
        .fetch_one(&self.pool)
        .await
    }

    /// Records the provider's id for a claimed call.
    pub async fn set_call_sid(&self, call_id: Uuid, sid: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE calls SET call_sid = $2, status = 'queued' WHERE id = $1 AND call_sid IS NULL",
            call_id,
            sid,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Appends transcript turns (already present ones are kept as they are).
    pub async fn insert_turns(
        &self,
        call_id: &str,
        turns: &[Turn],
        intent: Option<&str>,
        tools: &[ToolUse],
    ) -> Result<(), sqlx::Error> {
        insert_turns(&self.pool, parse_uuid(call_id)?, turns, intent, tools).await
    }

    /// Records a finished attempt: the call row, the rest of its transcript, the lead's latest
    /// outcome, the campaign's view of the lead and, on an opt-out, the do-not-call entry; all in
    /// one transaction.
    pub async fn finish_attempt(&self, input: &FinishedAttempt) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let lead_id = parse_uuid(&input.lead_id)?;
        let code = input.outcome.code();
        if let Some(call_id) = input.call_id.as_deref() {
            let call_id = parse_uuid(call_id)?;
            let detail = serde_json::to_value(&input.outcome).unwrap_or_default();
            sqlx::query!(
                "UPDATE calls SET status = COALESCE($2, status), answered_by = $3, outcome = $4,
                        outcome_detail = $5, ended_at = $6, duration_secs = $7,
                        summary_status = CASE WHEN $8 THEN COALESCE(summary_status, 'pending')
                                              ELSE summary_status END
                 WHERE id = $1",
                call_id,
                input.status.map(|s| s.as_str()),
                input.answered_by.map(|a| a.as_str()),
                code,
                detail,
                input.ended_at,
                input
                    .duration_secs
                    .map(|d| i32::try_from(d).unwrap_or(i32::MAX)),
                input.summary_expected,
            )
            .execute(&mut *tx)
            .await?;
            insert_turns(&mut *tx, call_id, &input.turns, None, &[]).await?;
        }
        sqlx::query!(
            "UPDATE leads SET last_outcome = $2, last_outcome_at = $3, attempts = GREATEST(attempts, $4)
             WHERE id = $1",
            lead_id,
            code,
            input.ended_at,
            i32::try_from(input.attempt).unwrap_or(i32::MAX),
        )
        .execute(&mut *tx)
        .await?;
        if let Some(campaign_id) = input.campaign_id.as_deref() {
            sqlx::query!(
                "UPDATE campaign_leads SET outcome = $3,
                        settled_at = CASE WHEN $4 THEN COALESCE(settled_at, $5) ELSE settled_at END
                 WHERE campaign_id = $1 AND lead_id = $2",
                parse_uuid(campaign_id)?,
                lead_id,
                code,
                input.settled,
                input.ended_at,
            )
            .execute(&mut *tx)
            .await?;
        }
        if let (AttemptOutcome::OptedOut, Some(phone)) = (&input.outcome, &input.phone) {
            sqlx::query!(
                "INSERT INTO dnc (phone, reason) VALUES ($1, 'opted out on a call') ON CONFLICT DO NOTHING",
                phone,
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// The profile a lead workflow calls with, read once when it starts; `None` once the lead
    /// is deleted (or erased).
    pub async fn lead_profile(&self, lead_id: &str) -> Result<Option<LeadProfile>, sqlx::Error> {
        // `phone!`: NULL only for an erased lead (also deleted, so filtered out here) and for a
        // trial's lead (never loaded by id: a trial carries its profile in its input).
        let row = sqlx::query!(
            r#"SELECT l.id, l.name, l.phone AS "phone!", l.language, l.timezone,
                    l.window_timezones, l.email, l.company,
                    l.fields AS "fields: LeadFields"
             FROM leads l
             WHERE l.id = $1 AND l.deleted_at IS NULL"#,
            parse_uuid(lead_id)?,
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let lead: LeadRow = (
                row.id,
                row.name,
                row.phone,
                row.language,
                row.timezone,
                row.window_timezones,
                row.email,
                row.company,
                row.fields,
            );
            lead.into_profile()
        })
        .transpose()
    }

    /// Leads of a campaign after `after_seq`, in calling order, each with the agent version
    /// the campaign's plan gives it (recorded on the campaign's lead row, for the A/B results).
    pub async fn campaign_leads(
        &self,
        campaign_id: &str,
        after_seq: i32,
        limit: i32,
        plan: &AgentPlan,
    ) -> Result<Vec<CampaignLead>, sqlx::Error> {
        let campaign = parse_uuid(campaign_id)?;
        let rows = sqlx::query!(
            "SELECT cl.seq, l.id, l.language
             FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
             WHERE cl.campaign_id = $1 AND cl.seq > $2 AND l.deleted_at IS NULL
             ORDER BY cl.seq LIMIT $3",
            campaign,
            after_seq,
            // LIMIT takes a bigint.
            i64::from(limit),
        )
        .fetch_all(&self.pool)
        .await?;
        let leads: Vec<CampaignLead> = rows
            .into_iter()
            .map(|row| {
                let lead_id = row.id.to_string();
                let agent = plan.agent_for(&lead_id);
                Ok(CampaignLead {
                    seq: row.seq,
                    language: parse_language(&row.language)?,
                    lead_id,
                    agent,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        if !leads.is_empty() {
            let seqs: Vec<i32> = leads.iter().map(|l| l.seq).collect();
            let versions: Vec<i32> = leads
                .iter()
                .map(|l| i32::try_from(l.agent.version).unwrap_or(i32::MAX))
                .collect();
            sqlx::query!(
                "UPDATE campaign_leads cl SET agent_version = t.version
                 FROM UNNEST($2::int[], $3::int[]) AS t(seq, version)
                 WHERE cl.campaign_id = $1 AND cl.seq = t.seq",
                campaign,
                &seqs,
                &versions,
            )
            .execute(&self.pool)
            .await?;
        }
        Ok(leads)
    }
}

/// A lead row as workflows need it: id, name, phone, language, zone, zones, email, company,
/// fields.
type LeadRow = (
    Uuid,
    String,
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
    LeadFields,
);

/// A lead's custom fields as read (`leads.fields`, a JSON object). An alias, as the query macros'
/// type override names it in a column alias, which Postgres cuts at 63 bytes.
type LeadFields = sqlx::types::Json<std::collections::BTreeMap<String, serde_json::Value>>;

/// A stored language code as the domain's language; a code no release knows is a decode error.
fn parse_language(code: &str) -> Result<callwright_domain::Language, sqlx::Error> {
    code.parse()
        .map_err(|e: callwright_domain::language::UnknownLanguage| {
            sqlx::Error::Decode(e.to_string().into())
        })
}

trait IntoProfile {
    fn into_profile(self) -> Result<LeadProfile, sqlx::Error>;
}

impl IntoProfile for LeadRow {
    fn into_profile(self) -> Result<LeadProfile, sqlx::Error> {
        let (id, name, phone, language, timezone, window_timezones, email, company, fields) = self;
        let decode = |e: String| sqlx::Error::Decode(e.into());
        let zone = |z: &str| {
            z.parse::<chrono_tz::Tz>()
                .map_err(|_| decode(format!("'{z}' is not an IANA time zone")))
        };
        Ok(LeadProfile {
            lead_id: id.to_string(),
            name,
            phone: Some(E164::parse(&phone, None).map_err(|e| decode(e.to_string()))?),
            language: parse_language(&language)?,
            timezone: zone(&timezone)?,
            window_timezones: window_timezones
                .iter()
                .map(|z| zone(z))
                .collect::<Result<_, _>>()?,
            email,
            company,
            fields: fields.0,
        })
    }
}

/// Writes transcript lines (idempotently); `intent` goes with the last callee line among them
/// and `tools` with the last agent line.
async fn insert_turns<'e, E: sqlx::PgExecutor<'e>>(
    exec: E,
    call_id: Uuid,
    turns: &[Turn],
    intent: Option<&str>,
    tools: &[ToolUse],
) -> Result<(), sqlx::Error> {
    if turns.is_empty() {
        return Ok(());
    }
    let last_callee = turns.iter().rposition(|t| t.speaker == Speaker::Callee);
    let intents: Vec<Option<&str>> = (0..turns.len())
        .map(|i| intent.filter(|_| Some(i) == last_callee))
        .collect();
    let idx: Vec<i32> = turns
        .iter()
        .map(|t| i32::try_from(t.index).unwrap_or(i32::MAX))
        .collect();
    let speaker: Vec<&str> = turns
        .iter()
        .map(|t| match t.speaker {
            Speaker::Agent => "agent",
            Speaker::Callee => "callee",
        })
        .collect();
    let text: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
    let confidence: Vec<Option<f32>> = turns.iter().map(|t| t.confidence).collect();
    let at: Vec<DateTime<Utc>> = turns.iter().map(|t| t.at).collect();
    let language: Vec<Option<&str>> = turns.iter().map(|t| t.language.map(|l| l.code())).collect();
    // A line written again once the callee cut it off gains what they heard; nothing else of a
    // written line changes.
    let heard: Vec<Option<&str>> = turns.iter().map(|t| t.heard.as_deref()).collect();
    let last_agent = turns.iter().rposition(|t| t.speaker == Speaker::Agent);
    let tool_uses: Vec<Option<serde_json::Value>> = (0..turns.len())
        .map(|i| {
            (Some(i) == last_agent && !tools.is_empty())
                .then(|| serde_json::to_value(tools).unwrap_or_default())
        })
        .collect();
    // The typed parameters (`as &[...]`): the macros check an array parameter against `&[T]`
    // with owned, non-null elements only, so borrowed strings and NULL elements (a turn without
    // a confidence, intent, language or tools) would not pass the check. The SQL's casts pin
    // each array's type; these name the Rust side.
    sqlx::query!(
        "INSERT INTO call_turns (call_id, idx, speaker, text, confidence, spoken_at, intent, language, tools, heard)
         SELECT $1, * FROM UNNEST($2::int[], $3::text[], $4::text[], $5::real[], $6::timestamptz[], $7::text[], $8::text[], $9::jsonb[], $10::text[])
         ON CONFLICT (call_id, idx) DO UPDATE SET heard = EXCLUDED.heard
             WHERE call_turns.heard IS NULL AND EXCLUDED.heard IS NOT NULL",
        call_id,
        &idx,
        &speaker as &[&str],
        &text as &[&str],
        &confidence as &[Option<f32>],
        &at,
        &intents as &[Option<&str>],
        &language as &[Option<&str>],
        &tool_uses as &[Option<serde_json::Value>],
        &heard as &[Option<&str>],
    )
    .execute(exec)
    .await?;
    Ok(())
}

fn parse_uuid(s: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
