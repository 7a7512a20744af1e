//! Lead uploads: what was imported and what was refused, row by row.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A valid row whose phone number was already taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicateRow {
    /// Line in the file where the record starts.
    pub line: i64,
    /// The number, in E.164.
    pub phone: String,
    /// The earlier line of the file with the same number, if any.
    pub first_line: Option<i64>,
    /// The lead that had the number before this upload, if any.
    pub existing_lead_id: Option<Uuid>,
}

/// A row the upload did not import, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RejectedRow {
    /// Line in the file where the record starts (the header is line 1).
    pub line: u64,
    /// Field and reason, e.g. `phone: '+1 555' is not a phone number`.
    pub reason: String,
    /// The column the reason is about (`fields.<name>` for one of the lead's own columns,
    /// `row` for the row as a whole).
    #[schema(example = "phone")]
    pub field: String,
}

/// What an upload did.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The import: its created leads are recorded under this id.
    pub import_id: Uuid,
    /// Data rows read (the header not counted).
    pub rows: u64,
    /// Leads created.
    pub accepted: u64,
    /// Rows that failed validation.
    pub rejected: u64,
    /// Valid rows whose number was earlier in the file or already a lead.
    pub duplicates: u64,
    /// The other columns of the header, kept with each lead as its `fields` (for the agent's
    /// templates: `{{ lead.fields.<column> }}`).
    pub field_columns: Vec<String>,
    /// The first [`LISTED_ROWS`] rejected rows, by line.
    pub rejected_rows: Vec<RejectedRow>,
    /// The first [`LISTED_ROWS`] duplicate rows, by line.
    pub duplicate_rows: Vec<DuplicateRow>,
}
