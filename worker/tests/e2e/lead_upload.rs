//! `POST /api/leads/upload` end to end: CSV files as people export them (byte-order mark,
//! columns in any order, extra columns, CRLF), every kind of bad row reported by line,
//! duplicates in the file and against existing leads, multipart, the size and row limits, and a
//! 100,000-row file.

use crate::support::{Stack, StackOptions};
use serde_json::Value;

const UPLOAD: &str = "/api/leads/upload";

async fn lead_count(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(&stack.db)
        .await
        .unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct LeadRow {
    name: String,
    phone: String,
    email: Option<String>,
    company: Option<String>,
    language: String,
    timezone: String,
    window_timezones: Vec<String>,
    notes: Option<String>,
}

/// `(line, reason)` of every listed rejected row.
fn rejected(report: &Value) -> Vec<(u64, String)> {
    report["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A valid US number per index (area codes × exchanges 230-239 × 10,000 lines).
fn phone(i: usize) -> String {
    const AREAS: [u32; 10] = [415, 650, 408, 510, 212, 646, 718, 312, 617, 206];
    let area = AREAS[i / 100_000 % AREAS.len()];
    let exchange = 230 + (i / 10_000) % 10;
    format!("+1{area}{exchange}{:04}", i % 10_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spreadsheet_export_imports_and_bad_rows_are_reported_by_line() {
    let stack = Stack::start(StackOptions::default()).await;
    // A byte-order mark, CRLF, columns in another order and case, a column we do not know, a
    // quoted value with a comma and a line break, and a blank row.
    let csv = [
        "\u{feff}Phone,Notes,NAME,Shoe Size,email,Language,TimeZone,company",
        "+1 415 555 0100,\"likes solar, asked twice\r\nabout batteries\",Ada Lovelace,42,ada@example.com,,,Acme",
        "+972 52 765 4302,,Dana Levi,,,,,",
        "+33 6 12 34 56 02,,Jean Martin,,,de,America/New_York,",
        "+1 555,,Bad Phone,,,,,",
        ",,,,,,,",
        "+14155550101,,Bad Email,,not-an-email,,,",
        "+14155550102,,Bad Language,,,klingon,,",
        "+14155550103,,Bad Zone,,,,Mars/Olympus,",
        "+14155550104,,,,,,,",
        "+14155550105,,Short Row",
        "+14155550106,,Grace Hopper,,grace@example.com,en-US,,Navy",
    ]
    .join("\r\n");
    let (status, report) = stack
        .post_bytes(UPLOAD, "text/csv; charset=utf-8", csv)
        .await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["rows"], 10, "{report}");
    assert_eq!(report["accepted"], 4, "{report}");
    assert_eq!(report["rejected"], 6, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    // A column the product does not know is kept as the lead's own field (for templates).
    assert_eq!(report["field_columns"], serde_json::json!(["Shoe Size"]));
    let rejected = rejected(&report);
    let lines: Vec<u64> = rejected.iter().map(|(l, _)| *l).collect();
    // Line 2's value spans two lines, so the rows after it are one further down.
    assert_eq!(lines, vec![6, 8, 9, 10, 11, 12], "{rejected:?}");
    let reason = |line: u64| {
        rejected
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, r)| r.clone())
            .unwrap()
    };
    assert_eq!(
        reason(6),
        "phone: '+1 555' is not a valid number in its numbering plan"
    );
    assert!(
        reason(8).starts_with("email: 'not-an-email'"),
        "{}",
        reason(8)
    );
    assert!(
        reason(9).starts_with("language: 'klingon'"),
        "{}",
        reason(9)
    );
    assert!(
        reason(10).starts_with("timezone: 'Mars/Olympus'"),
        "{}",
        reason(10)
    );
    assert!(reason(11).starts_with("name: "), "{}", reason(11));
    assert!(reason(12).starts_with("row: 3 fields"), "{}", reason(12));

    let leads: Vec<LeadRow> = sqlx::query_as(
        "SELECT name, phone, email, company, language, timezone, window_timezones, notes
         FROM leads ORDER BY phone",
    )
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(leads.len(), 4);
    let lead = |name: &str| leads.iter().find(|l| l.name == name).unwrap();
    let ada = lead("Ada Lovelace");
    assert_eq!(ada.phone, "+14155550100");
    assert_eq!(ada.email.as_deref(), Some("ada@example.com"));
    assert_eq!(ada.company.as_deref(), Some("Acme"));
    assert_eq!(
        (ada.language.as_str(), ada.timezone.as_str()),
        ("en", "America/Los_Angeles")
    );
    assert_eq!(
        ada.notes.as_deref(),
        Some("likes solar, asked twice\r\nabout batteries")
    );
    let fields: serde_json::Value =
        sqlx::query_scalar("SELECT fields FROM leads WHERE phone = '+14155550100'")
            .fetch_one(&stack.db)
            .await
            .unwrap();
    assert_eq!(fields, serde_json::json!({"Shoe Size": "42"}));
    let dana = lead("Dana Levi");
    assert_eq!(
        (dana.language.as_str(), dana.timezone.as_str()),
        ("he", "Asia/Jerusalem")
    );
    assert_eq!(dana.email, None);
    assert_eq!(dana.notes, None);
    // Explicit language and zone win over the number's.
    let jean = lead("Jean Martin");
    assert_eq!(jean.phone, "+33612345602");
    assert_eq!(
        (jean.language.as_str(), jean.timezone.as_str()),
        ("de", "America/New_York")
    );
    assert_eq!(jean.window_timezones, vec!["America/New_York".to_owned()]);
    assert_eq!(lead("Grace Hopper").language, "en");

    // The import keeps which leads it created, by line.
    let import_id = uuid::Uuid::parse_str(report["import_id"].as_str().unwrap()).unwrap();
    let recorded: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.line, l.name FROM lead_import_rows r JOIN leads l ON l.id = r.lead_id
         WHERE r.import_id = $1 ORDER BY r.line",
    )
    .bind(import_id)
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(
        recorded,
        vec![
            (2, "Ada Lovelace".to_owned()),
            (4, "Dana Levi".to_owned()),
            (5, "Jean Martin".to_owned()),
            (13, "Grace Hopper".to_owned()),
        ]
    );
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT row_count, accepted, rejected, duplicates FROM lead_imports WHERE id = $1",
    )
    .bind(import_id)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(counts, (10, 4, 6, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn duplicates_in_the_file_and_against_existing_leads_are_reported() {
    let stack = Stack::start(StackOptions::default()).await;
    let existing = stack
        .create_leads(&[("Already Here", "+14155550100")])
        .await
        .remove(0);
    let csv = "name,phone\n\
               New One,+14155550111\n\
               Same As Existing,+1 (415) 555-0100\n\
               New One Again,+1 415 555 0111\n\
               Another,+14155550112\n\
               Existing Again,14155550100\n";
    let (status, report) = stack.post_bytes(UPLOAD, "text/csv", csv).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["accepted"], 2, "{report}");
    assert_eq!(report["duplicates"], 2, "{report}");
    assert_eq!(report["rejected"], 1, "{report}"); // no + and no region: not a number
    let dups = report["duplicate_rows"].as_array().unwrap();
    let summary: Vec<(u64, &str, Option<u64>, Option<&str>)> = dups
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["phone"].as_str().unwrap(),
                d["first_line"].as_u64(),
                d["existing_lead_id"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, "+14155550100", None, Some(existing.as_str())),
            (4, "+14155550111", Some(2), None),
        ],
        "{report}"
    );
    // The third duplicate is line 6 once its number is read with the region.
    let (status, report) = stack
        .post_bytes(&format!("{UPLOAD}?region=US"), "text/csv", csv)
        .await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["accepted"], 0, "{report}");
    assert_eq!(report["duplicates"], 5, "{report}");
    let lines: Vec<u64> = report["duplicate_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6]);
    assert_eq!(lead_count(&stack).await, 3);
    // The existing lead is untouched.
    let name: String = sqlx::query_scalar("SELECT name FROM leads WHERE phone = '+14155550100'")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(name, "Already Here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_multipart_form_with_a_file_part_imports() {
    let stack = Stack::start(StackOptions::default()).await;
    let boundary = "----callwright-test-boundary";
    let file = "email,phone,name\r\nada@example.com,+14155550100,Ada\r\n,+14155550101,Bob\r\n";
    let body = format!(
        "--{boundary}\r\n\
         Content-Disposition: form-data; name=\"comment\"\r\n\r\n\
         spring list\r\n\
         --{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"leads.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n\
         {file}\r\n\
         --{boundary}--\r\n"
    );
    let (status, report) = stack
        .post_bytes(
            UPLOAD,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["accepted"], 2, "{report}");
    assert_eq!(report["rejected"], 0, "{report}");
    let filename: Option<String> =
        sqlx::query_scalar("SELECT filename FROM lead_imports WHERE id = $1::uuid")
            .bind(report["import_id"].as_str().unwrap())
            .fetch_one(&stack.db)
            .await
            .unwrap();
    assert_eq!(filename.as_deref(), Some("leads.csv"));

    // A form without a file part names what is missing.
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nx\r\n--{boundary}--\r\n"
    );
    let (status, report) = stack
        .post_bytes(
            UPLOAD,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await;
    assert_eq!(status, 422, "{report}");
    assert!(report.to_string().contains("'file'"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limits_and_malformed_files_refuse_the_whole_upload() {
    let stack = Stack::start(StackOptions {
        api_env: vec![
            ("UPLOAD_MAX_BYTES", "2048".to_owned()),
            ("UPLOAD_MAX_ROWS", "5".to_owned()),
        ],
        ..StackOptions::default()
    })
    .await;
    let rows = |n: usize| {
        let mut csv = String::from("name,phone\n");
        for i in 0..n {
            csv.push_str(&format!("Lead {i},{}\n", phone(i)));
        }
        csv
    };

    // Over the byte limit: 413, as JSON, nothing imported.
    let big = format!("{}{}", rows(5), "x".repeat(4096));
    let (status, body) = stack.post_bytes(UPLOAD, "text/csv", big.clone()).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.to_string().contains("UPLOAD_MAX_BYTES"), "{body}");
    // The same in a multipart form.
    let boundary = "b0undary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n{big}\r\n--{boundary}--\r\n"
    );
    let (status, body) = stack
        .post_bytes(
            UPLOAD,
            &format!("multipart/form-data; boundary={boundary}"),
            form,
        )
        .await;
    assert_eq!(status, 413, "{body}");

    // Over the row limit: 422 naming it.
    let (status, body) = stack.post_bytes(UPLOAD, "text/csv", rows(6)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("UPLOAD_MAX_ROWS"), "{body}");

    // A header without phone, or without name.
    let (status, body) = stack
        .post_bytes(UPLOAD, "text/csv", "name,mobile\nAda,+14155550100\n")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("'phone' is missing"), "{body}");
    let (status, body) = stack
        .post_bytes(UPLOAD, "text/csv", "full name;phone\n")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("'name' is missing"), "{body}");

    // Not UTF-8 (Latin-1 é on line 3): 422 with the line, and the valid line 2 is not kept.
    let mut latin1 = b"name,phone\nAda,+14155550100\nRen".to_vec();
    latin1.extend_from_slice(&[0xe9]);
    latin1.extend_from_slice(b",+14155550101\n");
    let (status, body) = stack.post_bytes(UPLOAD, "text/csv", latin1).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("line 3"), "{body}");

    // An empty file, and a body that is not a CSV.
    let (status, body) = stack.post_bytes(UPLOAD, "text/csv", "").await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = stack
        .post_bytes(UPLOAD, "application/json", "{\"name\": \"x\"}")
        .await;
    assert_eq!(status, 415, "{body}");

    assert_eq!(lead_count(&stack).await, 0);
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM lead_imports")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(imports, 0);

    // At the limits, it goes through.
    let (status, body) = stack.post_bytes(UPLOAD, "text/csv", rows(5)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["accepted"], 5, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_100_000_row_file_imports_every_row() {
    let stack = Stack::start(StackOptions::default()).await;
    const ROWS: usize = 100_000;
    let mut csv = String::with_capacity(ROWS * 48);
    csv.push_str("name,phone,email,notes\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "Lead {i},{},lead{i}@example.com,row {i}\n",
            phone(i)
        ));
    }
    // Every thousandth number again at the end: duplicates of the file's own rows.
    for i in (0..ROWS).step_by(1000) {
        csv.push_str(&format!("Again {i},{},,\n", phone(i)));
    }
    let started = std::time::Instant::now();
    let (status, report) = stack.post_bytes(UPLOAD, "text/csv", csv).await;
    eprintln!("100,000 rows imported in {:?}", started.elapsed());
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["rows"], ROWS + 100, "{}", report["rejected_rows"]);
    assert_eq!(report["accepted"], ROWS, "{}", report["rejected_rows"]);
    assert_eq!(report["duplicates"], 100);
    assert_eq!(report["rejected"], 0);
    assert_eq!(lead_count(&stack).await, ROWS as i64);
    let first_dup = &report["duplicate_rows"][0];
    assert_eq!(first_dup["line"], ROWS + 2);
    assert_eq!(first_dup["first_line"], 2);
    let (name, notes): (String, Option<String>) =
        sqlx::query_as("SELECT name, notes FROM leads WHERE phone = $1")
            .bind(phone(54_321))
            .fetch_one(&stack.db)
            .await
            .unwrap();
    assert_eq!(name, "Lead 54321");
    assert_eq!(notes.as_deref(), Some("row 54321"));
}
