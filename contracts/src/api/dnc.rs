//! The do-not-call list.

use super::imports::RejectedRow;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A do-not-call entry.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DncEntry)]
pub struct Entry {
    /// The number, in E.164.
    #[schema(example = "+14155552671")]
    pub phone: String,
    /// Why it is on the list.
    pub reason: String,
    /// Added at.
    pub created_at: DateTime<Utc>,
}

/// `POST /api/dnc` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewDncEntry)]
pub struct NewEntry {
    /// The number, in E.164.
    #[schema(example = "+14155552671")]
    pub phone: String,
    /// Why (default: "added by an operator").
    pub reason: Option<String>,
}

/// `POST /api/dnc/bulk` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkEntries {
    /// The numbers: E.164, or national form with `region` (at most 50,000).
    #[schema(example = json!(["+14155552671", "+972 52-765-4300"]), min_items = 1, max_items = 50_000)]
    pub phones: Vec<String>,
    /// Why, for every number (default: "imported by an operator").
    pub reason: Option<String>,
    /// Region for numbers written in national form (e.g. "US").
    #[schema(pattern = r"^([A-Za-z]{2})?$")]
    pub region: Option<String>,
}

/// A number a bulk import did not take, and why.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulkRejected {
    /// Position in `phones`, from 0.
    pub index: usize,
    /// The number as sent.
    pub phone: String,
    /// Why.
    pub reason: String,
}

/// What a bulk import did.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulkReport {
    /// Numbers newly on the list.
    pub added: u64,
    /// Valid numbers that were on the list already (or twice in the request).
    pub already_listed: u64,
    /// Numbers refused, with their position (every one of them).
    pub rejected: Vec<BulkRejected>,
}

/// What a do-not-call import did.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DncImportReport {
    /// Data rows read (the header and blank rows not counted).
    pub rows: u64,
    /// Numbers newly listed.
    pub added: u64,
    /// Valid numbers that were listed already (or earlier in the file).
    pub already_listed: u64,
    /// Rows that were not a phone number.
    pub rejected: u64,
    /// Header columns that were not used.
    pub ignored_columns: Vec<String>,
    /// The first 1,000 rejected rows, by line.
    pub rejected_rows: Vec<RejectedRow>,
}
