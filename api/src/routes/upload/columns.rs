//! The upload's header (which column is which, the lead's own columns) and each row checked
//! by the rules every lead passes.

use callwright_domain::lead::{MAX_FIELD_NAME, MAX_FIELDS};
use callwright_domain::new_lead::shown;
use callwright_domain::{FieldError, LeadInput, NewLead};

pub(super) fn header_error(message: String) -> FieldError {
    FieldError::new("header", message)
}

/// Where each known column is in the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    pub(super) name: usize,
    pub(super) phone: usize,
    pub(super) email: Option<usize>,
    pub(super) language: Option<usize>,
    pub(super) timezone: Option<usize>,
    pub(super) company: Option<usize>,
    pub(super) notes: Option<usize>,
    pub(super) region: Option<usize>,
    /// Fields in the header.
    pub(super) width: usize,
    /// The other columns (position, name as written): kept as the lead's `fields`.
    pub(super) extra: Vec<(usize, String)>,
}

impl Columns {
    /// Reads the header row: names trimmed and case-insensitive (a UTF-8 byte-order mark before
    /// the first is dropped), any order; `name` and `phone` required and no known column twice.
    /// Every other named column is kept as one of the lead's `fields` (up to
    /// [`MAX_FIELDS`], names up to [`MAX_FIELD_NAME`] characters, each once).
    pub fn from_header<'a>(fields: impl IntoIterator<Item = &'a str>) -> Result<Self, FieldError> {
        let mut found: [Option<usize>; 8] = [None; 8];
        const KNOWN: [&str; 8] = [
            "name", "phone", "email", "language", "timezone", "company", "notes", "region",
        ];
        let mut extra: Vec<(usize, String)> = Vec::new();
        let mut width = 0;
        for (i, raw) in fields.into_iter().enumerate() {
            width = i + 1;
            let key = raw.trim_start_matches('\u{feff}').trim().to_lowercase();
            match KNOWN.iter().position(|k| *k == key) {
                Some(k) => {
                    if found[k].is_some() {
                        return Err(header_error(format!("the column '{key}' appears twice")));
                    }
                    found[k] = Some(i);
                }
                None if key.is_empty() => {}
                None => {
                    let name = raw.trim_start_matches('\u{feff}').trim();
                    if name.chars().count() > MAX_FIELD_NAME {
                        return Err(header_error(format!(
                            "the column name '{}' is longer than {MAX_FIELD_NAME} characters",
                            shown(name)
                        )));
                    }
                    if extra.iter().any(|(_, n)| n == name) {
                        return Err(header_error(format!(
                            "the column '{}' appears twice",
                            shown(name)
                        )));
                    }
                    extra.push((i, name.to_owned()));
                }
            }
        }
        if extra.len() > MAX_FIELDS {
            return Err(header_error(format!(
                "at most {MAX_FIELDS} columns besides name, phone, email, language, timezone, company, notes and region (got {})",
                extra.len()
            )));
        }
        let required = |k: usize| {
            found[k].ok_or_else(|| {
                header_error(format!(
                    "the required column '{}' is missing (the first line must name the columns, e.g. name,phone,email)",
                    KNOWN[k]
                ))
            })
        };
        Ok(Self {
            name: required(0)?,
            phone: required(1)?,
            email: found[2],
            language: found[3],
            timezone: found[4],
            company: found[5],
            notes: found[6],
            region: found[7],
            width,
            extra,
        })
    }

    /// The names of the columns kept as fields.
    pub(super) fn field_names(&self) -> Vec<String> {
        self.extra.iter().map(|(_, n)| n.clone()).collect()
    }
}

/// Checks one data row (its fields already known to be UTF-8) with the rules every lead
/// passes ([`NewLead::parse`]); the refusal names the column.
pub fn validate_row<'a>(
    columns: &Columns,
    fields: &[&'a str],
    default_region: Option<&'a str>,
) -> Result<NewLead<'a>, FieldError> {
    if fields.len() != columns.width {
        return Err(FieldError::new(
            "row",
            format!(
                "{} fields where the header has {} (a comma in an unquoted value?)",
                fields.len(),
                columns.width
            ),
        ));
    }
    let get = |i: Option<usize>| i.map(|i| fields[i]);
    let own = columns
        .extra
        .iter()
        .map(|(i, column)| {
            (
                column.clone(),
                serde_json::Value::String(fields[*i].to_owned()),
            )
        })
        .collect();
    NewLead::parse(LeadInput {
        name: fields[columns.name],
        phone: fields[columns.phone],
        region: get(columns.region)
            .filter(|r| !r.trim().is_empty())
            .or(default_region),
        email: get(columns.email),
        company: get(columns.company),
        language: get(columns.language),
        timezone: get(columns.timezone),
        notes: get(columns.notes),
        fields: own,
    })
}
