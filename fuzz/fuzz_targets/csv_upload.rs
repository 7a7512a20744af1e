//! The lead upload's CSV reader and row validation on arbitrary bytes: never panics; every
//! staged row has a non-empty name and a phone the database accepts; every rejected row has a
//! line inside the file and a reason naming the field; no line is used twice.
#![no_main]

use callwright_api::routes::parse_upload;
use callwright_domain::{E164, Language};
use libfuzzer_sys::fuzz_target;

fn db_check(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = futures::executor::block_on(parse_upload(data, Some("US"), 1_000_000)) else {
        return;
    };
    let last_line = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let text = std::str::from_utf8(&parsed.copy_rows).expect("COPY text is UTF-8");
    let mut lines = Vec::new();
    let mut staged = 0;
    for row in text.lines() {
        staged += 1;
        let fields: Vec<&str> = row.split('\t').collect();
        // line, name, phone, email, company, language, timezone, zones, notes, fields (a
        // JSON object of the file's other columns).
        assert_eq!(fields.len(), 10, "{row:?}");
        assert!(
            fields[9].starts_with('{') && fields[9].ends_with('}'),
            "{row:?}"
        );
        lines.push(fields[0].parse::<u64>().expect("line number"));
        assert!(
            !fields[1].trim().is_empty() && fields[1] != "\\N",
            "{row:?}"
        );
        assert!(db_check(fields[2]), "{row:?}");
        assert_eq!(
            E164::parse(fields[2], None).map(|n| n.as_str().to_owned()).as_deref(),
            Ok(fields[2])
        );
        assert!(fields[5].parse::<Language>().is_ok(), "{row:?}");
        assert!(fields[6].parse::<chrono_tz::Tz>().is_ok(), "{row:?}");
    }
    assert_eq!(staged + parsed.rejected, parsed.rows);
    for rejected in &parsed.rejected_rows {
        lines.push(rejected.line);
        // Each refusal names its field: a known column, or one of the lead's own (`fields.x`).
        let field = rejected.field.as_str();
        assert!(
            [
                "row", "name", "phone", "email", "language", "timezone", "company", "notes",
                "region",
            ]
            .contains(&field)
                || field.starts_with("fields."),
            "{rejected:?}"
        );
    }
    for line in &lines {
        assert!((2..=last_line).contains(line), "line {line} of {last_line}");
    }
    let count = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), count, "a line used twice");
});
