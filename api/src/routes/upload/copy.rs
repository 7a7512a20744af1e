//! Valid rows as Postgres reads them in `COPY … FROM STDIN` text format, for the staging
//! table.

use callwright_domain::{Email, NewLead};

/// Appends one value in `COPY … FROM STDIN` text format (`\N` for NULL).
pub(super) fn push_copy_value(buf: &mut Vec<u8>, value: Option<&str>) {
    let Some(value) = value else {
        buf.extend_from_slice(b"\\N");
        return;
    };
    for b in value.bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            _ => buf.push(b),
        }
    }
}

/// Appends a staging-table row: `line, name, phone, email, company, language, timezone,
/// window_timezones, notes, fields`.
pub(super) fn push_copy_row(buf: &mut Vec<u8>, line: u64, row: &NewLead<'_>) {
    buf.extend_from_slice(line.to_string().as_bytes());
    for value in [
        Some(row.name),
        Some(row.phone.as_str()),
        row.email.as_ref().map(Email::as_str),
        row.company,
        Some(row.language.code()),
        Some(row.zones.primary.as_str()),
    ] {
        buf.push(b'\t');
        push_copy_value(buf, value);
    }
    // An array literal of quoted zone names (zone names hold no quote or backslash).
    buf.extend_from_slice(b"\t{");
    for (i, zone) in row.zones.window.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'"');
        push_copy_value(buf, Some(zone));
        buf.push(b'"');
    }
    buf.push(b'}');
    buf.push(b'\t');
    push_copy_value(buf, row.notes);
    buf.push(b'\t');
    // A map of JSON values always serialises.
    let fields = serde_json::to_string(&row.fields).unwrap_or_else(|_| "{}".to_owned());
    push_copy_value(buf, Some(&fields));
    buf.push(b'\n');
}
