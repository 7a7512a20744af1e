//! `GET /api/calls/export`: the calls of a campaign (or an agent, a window) as CSV, streamed
//! from Postgres row by row: the lead, the call, its outcome, the agent version, the summary's
//! interest level and next step, and one column per qualification question with the typed
//! answer (a number, `true`/`false`, one of the options, or text).
//!
//! A cell a person or a caller wrote (names, answers, notes) that starts with `=`, `+`, `-` or
//! `@` gets a leading `'`, so a spreadsheet never runs it as a formula; numbers and ids are
//! written as they are.

use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::ErrorBody;
use callwright_domain::agent::Question;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// Rows read and written per chunk of the response.
const PAGE_ROWS: usize = 500;

/// `GET /api/calls/export` filters (at least one of `campaign_id` and `agent_id`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The campaign's calls.
    campaign_id: Option<Uuid>,
    /// The agent's calls.
    agent_id: Option<Uuid>,
    /// Dialled at or after.
    from: Option<DateTime<Utc>>,
    /// Dialled before.
    to: Option<DateTime<Utc>>,
}

/// The fixed columns, before the questions' (no question may take one of these ids).
const COLUMNS: [&str; 19] = callwright_domain::agent::RESERVED_QUESTION_IDS;

/// A free-text cell, defused for spreadsheets.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A typed answer as a cell: numbers and booleans as written, text defused.
fn answer(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => text(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => text(&other.to_string()),
    }
}

use callwright_store::calls::ExportRow;

fn record(row: &ExportRow, questions: &[String]) -> Vec<String> {
    let opt = |v: &Option<String>| v.as_deref().map(text).unwrap_or_default();
    let meeting_start = row
        .outcome_detail
        .as_ref()
        .and_then(|d| d.get("meeting_time").or_else(|| d.get("start")))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let summary_field = |key: &str| answer(row.summary.as_ref().and_then(|s| s.get(key)));
    let mut cells = vec![
        row.id.to_string(),
        row.lead_id.to_string(),
        text(&row.name),
        row.phone.clone().unwrap_or_default(),
        opt(&row.email),
        opt(&row.company),
        row.campaign_id.map(|c| c.to_string()).unwrap_or_default(),
        row.agent_id.map(|a| a.to_string()).unwrap_or_default(),
        row.agent_version.map(|v| v.to_string()).unwrap_or_default(),
        row.attempt.to_string(),
        row.language.clone(),
        row.dialed_at.to_rfc3339(),
        row.ended_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        row.duration_secs.map(|d| d.to_string()).unwrap_or_default(),
        row.status.clone(),
        row.outcome.clone().unwrap_or_default(),
        meeting_start,
        summary_field("interest_level"),
        summary_field("next_step"),
    ];
    cells.extend(
        questions
            .iter()
            .map(|q| answer(row.answers.as_ref().and_then(|a| a.get(q)))),
    );
    cells
}

fn csv_line(cells: &[String]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells)?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// The question ids of the agent versions in scope, in the order the agents ask them.
async fn question_columns(state: &AppState, q: &ExportQuery) -> Result<Vec<String>, ApiError> {
    let specs =
        callwright_store::calls::question_specs(&state.db, q.campaign_id, q.agent_id).await?;
    let mut columns: Vec<String> = Vec::new();
    for spec in specs {
        let questions: Vec<Question> = serde_json::from_value(spec)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("a stored agent's questions: {e}")))?;
        for question in &questions {
            if !columns.contains(&question.id) {
                columns.push(question.id.clone());
            }
        }
    }
    Ok(columns)
}

/// The calls as CSV, oldest first, streamed.
#[utoipa::path(
    get,
    path = "/api/calls/export",
    operation_id = "exportCalls",
    tag = "calls",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "CSV: the fixed columns, then one column per qualification question (its id) with the typed answer", body = String, content_type = "text/csv"),
        (status = 400, description = "Neither campaign_id nor agent_id, or a malformed parameter", body = ErrorBody),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    FieldQuery(q): FieldQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if q.campaign_id.is_none() && q.agent_id.is_none() {
        return Err(ApiError::bad_field(
            "campaign_id",
            "give campaign_id or agent_id",
        ));
    }
    let questions = question_columns(&state, &q).await?;
    let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    header.extend(questions.iter().cloned());
    let head = csv_line(&header).map_err(|e| ApiError::Internal(e.into()))?;
    let db = state.db.clone();
    let rows = async_stream(db, q, questions);
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(rows);
    let filename = "calls.csv";
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// The rows, a page of CSV at a time, each page read from Postgres (by keyset, after the
/// last row sent) only when the client has taken the one before.
fn async_stream(
    db: sqlx::PgPool,
    q: ExportQuery,
    questions: Vec<String>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    type Cursor = Option<(DateTime<Utc>, Uuid)>;
    futures::stream::try_unfold(
        (Some(None::<(DateTime<Utc>, Uuid)>), db, q, questions),
        |(next, db, q, questions): (Option<Cursor>, _, _, _)| async move {
            let Some(after) = next else {
                return Ok(None);
            };
            let rows = callwright_store::calls::export_page(
                &db,
                q.campaign_id,
                q.agent_id,
                q.from,
                q.to,
                after,
                i64::try_from(PAGE_ROWS).unwrap_or(500),
            )
            .await
            .map_err(std::io::Error::other)?;
            if rows.is_empty() {
                return Ok(None);
            }
            let mut out = Vec::new();
            for row in &rows {
                out.extend(csv_line(&record(row, &questions)).map_err(std::io::Error::other)?);
            }
            let last = rows.last().map(|r| (r.dialed_at, r.id));
            let more = rows.len() == PAGE_ROWS;
            Ok(Some((out, (more.then_some(last), db, q, questions))))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_typed_cells_and_formulas_are_defused() {
        assert_eq!(answer(Some(&json!(42))), "42");
        assert_eq!(answer(Some(&json!(true))), "true");
        assert_eq!(answer(Some(&json!("pro"))), "pro");
        assert_eq!(
            answer(Some(&json!("=HYPERLINK(\"x\")"))),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(answer(None), "");
        let line =
            csv_line(&["a,b".to_owned(), "say \"hi\"".to_owned(), "x\ny".to_owned()]).expect("csv");
        assert_eq!(
            String::from_utf8(line).expect("utf8"),
            "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
    }
}
