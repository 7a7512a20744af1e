//! Deleting and erasing a lead: the mark that takes it out of every list and dial, and the
//! blanking of its personal data in every projection (the caller runs the blanking in one
//! transaction with its audit row).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Locks the lead's row until the transaction ends and reads when it was deleted: None when
/// there is no such lead, Some(None) when it is not deleted.
pub async fn lock(
    tx: &mut PgConnection,
    lead_id: Uuid,
) -> Result<Option<Option<DateTime<Utc>>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT deleted_at FROM leads WHERE id = $1 FOR UPDATE",
        lead_id
    )
    .fetch_optional(tx)
    .await
}

/// Marks the lead deleted now; returns the mark.
pub async fn mark_deleted(
    tx: &mut PgConnection,
    lead_id: Uuid,
) -> Result<DateTime<Utc>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE leads SET deleted_at = now() WHERE id = $1 RETURNING deleted_at AS "deleted_at!""#,
        lead_id,
    )
    .fetch_one(tx)
    .await
}

/// The campaigns in which the lead has not settled yet.
pub async fn open_campaigns(db: &PgPool, lead_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT campaign_id FROM campaign_leads WHERE lead_id = $1 AND outcome IS NULL",
        lead_id,
    )
    .fetch_all(db)
    .await
}

/// Settles the lead as `canceled` wherever it has not settled.
pub async fn cancel_in_campaigns(db: &PgPool, lead_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE campaign_leads SET outcome = 'canceled', settled_at = now()
         WHERE lead_id = $1 AND outcome IS NULL",
        lead_id,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// The trial leads copied from this lead.
pub async fn trial_copies(db: &PgPool, lead_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT lead_id FROM agent_trials WHERE source_lead_id = $1",
        lead_id
    )
    .fetch_all(db)
    .await
}

/// The provider links of the lead's call recordings still to delete: those its calls hold,
/// and those an earlier erasure took out of the calls but did not see deleted.
pub async fn recordings(db: &PgPool, lead_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT recording_url AS "url!" FROM calls
           WHERE lead_id = $1 AND recording_url IS NOT NULL
           UNION
           SELECT url FROM recording_deletions WHERE lead_id = $1 AND deleted_at IS NULL
           ORDER BY 1"#,
        lead_id,
    )
    .fetch_all(db)
    .await
}

/// Notes that the provider has deleted the recording at `url` (or had no such recording):
/// no erasure needs to delete it again.
pub async fn recording_deleted(db: &PgPool, url: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query!(
        "UPDATE recording_deletions SET deleted_at = now() WHERE url = $1 AND deleted_at IS NULL",
        url,
    )
    .execute(&mut *tx)
    .await?;
    // Deleted while the call still links it (before the blanking): the blanking then finds the
    // row done and leaves it so.
    sqlx::query!(
        "INSERT INTO recording_deletions (url, lead_id, deleted_at)
         SELECT recording_url, lead_id, now() FROM calls WHERE recording_url = $1
         ON CONFLICT (url) DO NOTHING",
        url,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What [`blank`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blanked {
    /// Transcript lines removed.
    pub turns: u64,
    /// The recording links still set when the rows were blanked (a recording announced after
    /// the erasure read them): the caller deletes these at the provider, since the link is gone.
    pub recordings: Vec<String>,
}

/// Blanks the personal data of these leads in every projection, in the caller's transaction:
/// transcripts, recording links and transcripts, outcome details, summaries and answers,
/// synthesised speech that names them, meeting attendee fields, and the lead rows themselves
/// (marked deleted and erased).
pub async fn blank(tx: &mut PgConnection, leads: &[Uuid]) -> Result<Blanked, sqlx::Error> {
    let recordings = sqlx::query_scalar!(
        r#"SELECT recording_url AS "url!" FROM calls
           WHERE lead_id = ANY($1) AND recording_url IS NOT NULL FOR UPDATE"#,
        leads,
    )
    .fetch_all(&mut *tx)
    .await?;
    // Kept until the provider has deleted them (see `recording_deleted`): the link leaves the
    // calls here, and a run cut short before deleting them leaves the next run the way.
    sqlx::query!(
        "INSERT INTO recording_deletions (url, lead_id)
         SELECT recording_url, lead_id FROM calls
         WHERE lead_id = ANY($1) AND recording_url IS NOT NULL
         ON CONFLICT (url) DO NOTHING",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    let turns = sqlx::query!(
        "DELETE FROM call_turns WHERE call_id IN (SELECT id FROM calls WHERE lead_id = ANY($1))",
        leads,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE calls SET recording_url = NULL, outcome_detail = NULL, summary = NULL,
                          answers = NULL, recording_transcript = NULL
         WHERE lead_id = ANY($1)",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    // Synthesised speech that names the lead (the greeting and voicemail): the cache only costs
    // a new synthesis if a line is needed again.
    sqlx::query!(
        "DELETE FROM tts_audio t USING leads l
         WHERE l.id = ANY($1) AND length(l.name) > 0 AND strpos(t.text, l.name) > 0",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE meetings SET attendee_name = '(erased)', attendee_email = '',
                             title = 'Meeting (erased lead)', description = NULL
         WHERE lead_id = ANY($1)",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    // Outbound webhook events about the lead, delivered or not, keep their ids, types and times;
    // the words said, the attendee's address and what outcomes and summaries carried go.
    sqlx::query!(
        "UPDATE webhook_outbox
         SET payload = payload - 'text' - 'attendee_email' - 'outcome_detail' - 'summary'
                               - 'answers' - 'tools' - 'name' - 'phone' - 'email'
         WHERE payload->>'lead_id' = ANY($1::uuid[]::text[])",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE leads SET name = '(erased)', phone = NULL, email = NULL, company = NULL,
                          notes = NULL, fields = '{}'::jsonb,
                          deleted_at = coalesce(deleted_at, now()),
                          erased_at = coalesce(erased_at, now())
         WHERE id = ANY($1)",
        leads,
    )
    .execute(&mut *tx)
    .await?;
    Ok(Blanked { turns, recordings })
}

/// The audit detail of an erasure run that already committed its blanking (its key is the
/// erasure workflow's run id), read in the caller's transaction: a retried blanking returns
/// what the first one did instead of auditing twice.
pub async fn erasure_audited(
    tx: &mut PgConnection,
    lead_id: Uuid,
    erasure_run: &str,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT detail FROM audit_log
         WHERE action = 'lead.erase' AND target = $1 AND detail->>'erasure_run' = $2",
        lead_id.to_string(),
        erasure_run,
    )
    .fetch_optional(tx)
    .await
}

/// When the lead was erased: None when there is no such lead, Some(None) when it was not.
pub async fn erased_at(
    db: &PgPool,
    lead_id: Uuid,
) -> Result<Option<Option<DateTime<Utc>>>, sqlx::Error> {
    sqlx::query_scalar!("SELECT erased_at FROM leads WHERE id = $1", lead_id)
        .fetch_optional(db)
        .await
}
