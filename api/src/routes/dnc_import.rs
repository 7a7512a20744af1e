//! `POST /api/dnc/import`: a do-not-call list as a CSV file (what a sales team exports from
//! its CRM or a national registry extract), read the way lead uploads are read: the same
//! parser, header rules and line numbers, a report row by row, and one transaction.
//!
//! The file needs a `phone` column; `region` (for numbers in national form) and `reason` are
//! optional, other columns are ignored and named in the report. Numbers already listed stay
//! as they are (their first reason is kept).

use super::csv_input::{CsvInput, csv_reader, is_blank, record_line, region_code, utf8_fields};
use super::upload::LISTED_ROWS;
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use callwright_contracts::api::dnc::DncImportReport;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::imports::RejectedRow;
use callwright_domain::new_lead::shown;
use callwright_domain::{E164, FieldError};
use csv_async::ByteRecord;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// Numbers written to Postgres in one statement.
const BATCH: usize = 10_000;

/// Query parameters of the import.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DncImportQuery {
    /// Region for numbers in national form (e.g. `US`); a `region` column overrides it.
    #[param(example = "US", pattern = r"^([A-Za-z]{2})?$")]
    region: Option<String>,
    /// Why the numbers are listed, for rows without a `reason` (default: "imported by an
    /// operator").
    reason: Option<String>,
}

/// Where the known columns are.
struct Columns {
    phone: usize,
    region: Option<usize>,
    reason: Option<usize>,
    ignored: Vec<String>,
}

impl Columns {
    fn from_header(fields: &[&str]) -> Result<Self, FieldError> {
        let (mut phone, mut region, mut reason, mut ignored) = (None, None, None, Vec::new());
        for (i, raw) in fields.iter().enumerate() {
            let key = raw.trim_start_matches('\u{feff}').trim().to_lowercase();
            let slot = match key.as_str() {
                "phone" => &mut phone,
                "region" => &mut region,
                "reason" => &mut reason,
                "" => continue,
                _ => {
                    ignored.push(shown(raw.trim()).into_owned());
                    continue;
                }
            };
            if slot.replace(i).is_some() {
                return Err(FieldError::new(
                    "header",
                    format!("the column '{key}' appears twice"),
                ));
            }
        }
        Ok(Self {
            phone: phone.ok_or_else(|| {
                FieldError::new(
                    "header",
                    "the required column 'phone' is missing (the first line must name the columns, e.g. phone,reason)",
                )
            })?,
            region,
            reason,
            ignored,
        })
    }
}

/// Valid numbers with their reasons, and the report so far.
#[derive(Debug, Default)]
struct Parsed {
    numbers: Vec<String>,
    reasons: Vec<String>,
    rows: u64,
    rejected: u64,
    rejected_rows: Vec<RejectedRow>,
    ignored_columns: Vec<String>,
}

impl Parsed {
    fn reject(&mut self, line: u64, refused: FieldError) {
        self.rejected += 1;
        if self.rejected_rows.len() < LISTED_ROWS {
            self.rejected_rows.push(RejectedRow {
                line,
                reason: refused.to_string(),
                field: refused.field,
            });
        }
    }
}

/// Reads the CSV; an error refuses the whole file (nothing is listed).
async fn parse(
    data: &[u8],
    region: Option<&str>,
    default_reason: &str,
    max_rows: u64,
) -> Result<Parsed, ApiError> {
    let record_end = Arc::new(AtomicU64::new(0));
    let too_long = Arc::new(AtomicBool::new(false));
    let mut csv = csv_reader(CsvInput::new(data, record_end.clone(), too_long.clone()));
    let mut record = ByteRecord::new();
    let unreadable =
        |e: csv_async::Error| ApiError::bad_request(format!("the file could not be read: {e}"));
    let mut columns = None;
    let mut parsed = Parsed::default();
    let mut seen = HashSet::new();
    while csv
        .read_byte_record(&mut record)
        .await
        .map_err(unreadable)?
    {
        record_end.store(csv.position().byte(), std::sync::atomic::Ordering::SeqCst);
        let line = record_line(&csv, &record);
        let Ok(fields) = utf8_fields(&record) else {
            if columns.is_none() {
                return Err(ApiError::invalid("header", "the file is not UTF-8 text"));
            }
            parsed.rows += 1;
            parsed.reject(line, FieldError::new("row", "not UTF-8 text"));
            continue;
        };
        if is_blank(&fields) {
            continue;
        }
        let Some(cols) = &columns else {
            let cols = Columns::from_header(&fields)?;
            parsed.ignored_columns = cols.ignored.clone();
            columns = Some(cols);
            continue;
        };
        parsed.rows += 1;
        if parsed.rows > max_rows {
            return Err(ApiError::unprocessable(format!(
                "the file has more than {max_rows} rows (UPLOAD_MAX_ROWS); nothing was listed"
            )));
        }
        let field = |i: Option<usize>| i.and_then(|i| fields.get(i)).map(|f| f.trim());
        let row_region = match field(cols.region).map(region_code).transpose() {
            Ok(r) => r.flatten(),
            Err(reason) => {
                parsed.reject(line, reason);
                continue;
            }
        };
        let raw = field(Some(cols.phone)).unwrap_or_default();
        match E164::parse(raw, row_region.as_deref().or(region)) {
            Ok(phone) => {
                if seen.insert(phone.as_str().to_owned()) {
                    parsed.numbers.push(phone.as_str().to_owned());
                    let reason = field(cols.reason).filter(|r| !r.is_empty());
                    parsed
                        .reasons
                        .push(reason.unwrap_or(default_reason).chars().take(500).collect());
                }
            }
            Err(e) => parsed.reject(
                line,
                FieldError::new("phone", format!("'{}' {e}", shown(raw))),
            ),
        }
    }
    if columns.is_none() {
        return Err(ApiError::invalid(
            "header",
            "the file is empty (the first line must name the columns, e.g. phone,reason)",
        ));
    }
    Ok(parsed)
}

/// Lists every number of a CSV file on the do-not-call list.
#[utoipa::path(
    post,
    path = "/api/dnc/import",
    operation_id = "importDncCsv",
    tag = "do-not-call",
    security(("bearer" = [])),
    params(DncImportQuery),
    request_body(content = String, content_type = "text/csv", description = "CSV with a header row: `phone` required; `region`, `reason` optional; other columns ignored."),
    responses(
        (status = 201, description = "Imported: numbers added, already listed, and rejected rows with their line and reason", body = DncImportReport),
        (status = 400, description = "The CSV could not be read", body = ErrorBody),
        (status = 413, description = "Larger than `UPLOAD_MAX_BYTES`; nothing listed", body = ErrorBody),
        (status = 415, description = "Not `text/csv`", body = ErrorBody),
        (status = 422, description = "No `phone` column, over `UPLOAD_MAX_ROWS`, a bad `region`, or not UTF-8; nothing listed", body = ErrorBody),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    FieldQuery(query): FieldQuery<DncImportQuery>,
    request: Request,
) -> Result<(StatusCode, Json<DncImportReport>), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !["text/csv", "application/csv", "text/plain"]
        .iter()
        .any(|t| essence.eq_ignore_ascii_case(t))
    {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send the file as text/csv, not '{}'",
            shown(content_type)
        )));
    }
    let region = region_code(query.region.as_deref().unwrap_or_default())?;
    let limit = usize::try_from(state.config.upload_max_bytes).unwrap_or(usize::MAX);
    let data = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge {
            message: format!(
                "the file is larger than {limit} bytes (UPLOAD_MAX_BYTES); nothing was listed"
            ),
            limit_bytes: limit as u64,
        })?;
    let default_reason = query
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("imported by an operator");
    let parsed = parse(
        &data,
        region.as_deref(),
        default_reason,
        state.config.upload_max_rows,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let mut added = 0;
    for (numbers, reasons) in parsed
        .numbers
        .chunks(BATCH)
        .zip(parsed.reasons.chunks(BATCH))
    {
        added += callwright_store::dnc::add_pairs(&mut tx, numbers, reasons).await?;
    }
    tx.commit().await?;
    let valid = parsed.rows - parsed.rejected;
    tracing::info!(
        rows = parsed.rows,
        added,
        rejected = parsed.rejected,
        "do-not-call CSV imported"
    );
    Ok((
        StatusCode::CREATED,
        Json(DncImportReport {
            rows: parsed.rows,
            added,
            already_listed: valid.saturating_sub(added),
            rejected: parsed.rejected,
            ignored_columns: parsed.ignored_columns,
            rejected_rows: parsed.rejected_rows,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(csv: &str) -> Result<Parsed, String> {
        parse(csv.as_bytes(), None, "imported", 100)
            .await
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn rows_are_read_with_their_lines_and_reasons() {
        let csv = "\u{feff}Name,Phone,Reason,Region\n\
                   Ann,+14155552671,asked on the phone,\n\
                   \n\
                   Bob,not a number,,\n\
                   Cat,06 12 34 56 78,,FR\n\
                   \"Dan\nSmith\",+14155552671,,\n\
                   Eve,0612345679,,XYZ\n";
        let parsed = run(csv).await.unwrap();
        assert_eq!(parsed.numbers, ["+14155552671", "+33612345678"]);
        assert_eq!(parsed.reasons, ["asked on the phone", "imported"]);
        assert_eq!(parsed.rows, 5);
        assert_eq!(parsed.rejected, 2);
        let lines: Vec<u64> = parsed.rejected_rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 8]);
        assert!(
            parsed.rejected_rows[0]
                .reason
                .starts_with("phone: 'not a number'")
        );
        assert!(parsed.rejected_rows[1].reason.contains("two-letter region"));
        assert_eq!(parsed.ignored_columns, ["Name"]);
    }

    #[tokio::test]
    async fn a_file_without_a_phone_column_or_over_the_limit_is_refused() {
        let missing = run("name,email\nAnn,a@example.com\n").await.unwrap_err();
        assert!(missing.contains("'phone' is missing"), "{missing}");
        assert!(run("").await.unwrap_err().contains("empty"));
        let twice = run("phone,Phone\n1,2\n").await.unwrap_err();
        assert!(twice.contains("appears twice"), "{twice}");
        let many = format!("phone\n{}", "+14155552671\n".repeat(101));
        assert!(run(&many).await.unwrap_err().contains("more than 100 rows"));
    }
}
