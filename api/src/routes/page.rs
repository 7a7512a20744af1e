//! Keyset pagination shared by the list endpoints: rows ordered by (time, id), a page of `limit`
//! rows, and an opaque cursor naming the last row, so pages stay stable while rows are added
//! and a page costs one index range scan however deep it is.

use crate::error::ApiError;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest page.
pub const MAX_LIMIT: i64 = 500;

/// Where a page starts: after this (time, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Sort time of the last row of the previous page.
    pub at: DateTime<Utc>,
    /// Its id (ties on time).
    pub id: Uuid,
}

impl Cursor {
    /// The opaque text form.
    pub fn encode(at: DateTime<Utc>, id: Uuid) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.to_rfc3339()))
    }

    /// Reads a cursor this API gave out.
    pub fn decode(text: &str) -> Result<Self, ApiError> {
        let bad =
            || ApiError::bad_field("cursor", format!("'{text}' is not one this API gave out"));
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad())?;
        let raw = String::from_utf8(raw).map_err(|_| bad())?;
        let (at, id) = raw.split_once('|').ok_or_else(bad)?;
        Ok(Self {
            at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| bad())?
                .with_timezone(&Utc),
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

/// The page size asked for, checked.
pub fn limit(asked: Option<i64>) -> Result<i64, ApiError> {
    let limit = asked.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::bad_field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ))
    }
}

/// Cuts the `limit + 1` rows a query fetched to a page; the cursor is set when more follow.
pub fn finish<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> (DateTime<Utc>, Uuid),
) -> (Vec<T>, Option<String>) {
    if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        rows.pop();
        let next = rows.last().map(|r| {
            let (at, id) = key(r);
            Cursor::encode(at, id)
        });
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let at = DateTime::parse_from_rfc3339("2026-11-24T10:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let id = Uuid::new_v4();
        let c = Cursor::decode(&Cursor::encode(at, id)).unwrap();
        assert_eq!((c.at, c.id), (at, id));
        assert!(Cursor::decode("nonsense").is_err());
        assert!(limit(Some(0)).is_err() && limit(Some(501)).is_err());
        let (rows, next) = finish(vec![1, 2, 3], 2, |_| (at, id));
        assert_eq!(rows, vec![1, 2]);
        assert!(next.is_some());
        let (_, next) = finish(vec![1, 2], 2, |_| (at, id));
        assert!(next.is_none());
    }
}
