//! The demo's lead lists: a small CSV reader (RFC 4180 quoting, BOM, CRLF) for the
//! `name,phone,email,language` format of `sim/data/demo-leads.csv`, where any other column
//! (`plan`, `seats` in `sim/data/demo-leads-crm.csv`) is kept as one of the lead's `fields`,
//! as the API's upload does; and the same reader for the API's calls export.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};

/// One lead from the CSV, as the API's `POST /api/leads` wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRow {
    /// 1-based line of the file the record starts on (for error messages).
    pub line: usize,
    /// The record as written, for error messages.
    pub raw: String,
    /// Display name.
    pub name: String,
    /// Phone number, E.164 or anything the API accepts.
    pub phone: String,
    /// Email address, if given.
    pub email: Option<String>,
    /// Language code (`en`, `he`, ...), if given; the API guesses it from the number otherwise.
    pub language: Option<String>,
    /// Company, if given.
    pub company: Option<String>,
    /// IANA time zone, if given; the API guesses it from the number otherwise.
    pub timezone: Option<String>,
    /// Region of a number in national form (`US`), if given.
    pub region: Option<String>,
    /// Every other non-empty column, by its header name: the lead's own data, for the agent's
    /// templates (`{{ lead.fields.plan }}`).
    pub fields: BTreeMap<String, String>,
}

/// A parsed record: its starting line, its raw text and its fields.
struct Record {
    line: usize,
    raw: String,
    fields: Vec<String>,
}

/// Reads and parses the lead file at `path`.
pub fn read_leads(path: &str) -> anyhow::Result<Vec<LeadRow>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    parse_leads(&text).with_context(|| format!("parsing {path}"))
}

/// Parses the lead file's text: a header naming at least `name` and `phone` (in any order;
/// `email`, `language`, `company`, `timezone` and `region` are optional columns, any other
/// named column is a field), then one lead per record.
pub fn parse_leads(text: &str) -> anyhow::Result<Vec<LeadRow>> {
    let mut records = parse_records(text)?.into_iter();
    let Some(header) = records.next() else {
        bail!("the file is empty (expected a header `name,phone,email,language`)");
    };
    let columns = Columns::from_header(&header.fields)?;
    let leads: Vec<LeadRow> = records
        .map(|r| columns.lead(r))
        .collect::<anyhow::Result<_>>()?;
    if leads.is_empty() {
        bail!("no leads after the header");
    }
    Ok(leads)
}

/// Columns the API takes as lead attributes; every other named column is a field.
const KNOWN: [&str; 7] = [
    "name", "phone", "email", "language", "company", "timezone", "region",
];

/// Where each known column is in the header, and the other columns.
struct Columns {
    name: usize,
    phone: usize,
    email: Option<usize>,
    language: Option<usize>,
    company: Option<usize>,
    timezone: Option<usize>,
    region: Option<usize>,
    /// The other named columns: position and name.
    extra: Vec<(usize, String)>,
}

impl Columns {
    /// Finds the columns by (case-insensitive) header name.
    fn from_header(header: &[String]) -> anyhow::Result<Self> {
        let find = |want: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(want))
        };
        let name = find("name").context("the header has no `name` column")?;
        let phone = find("phone").context("the header has no `phone` column")?;
        let mut extra: Vec<(usize, String)> = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim();
            if h.is_empty() || KNOWN.iter().any(|k| h.eq_ignore_ascii_case(k)) {
                continue;
            }
            if extra.iter().any(|(_, n)| n == h) {
                bail!("the header names the column `{h}` twice");
            }
            extra.push((i, h.to_owned()));
        }
        Ok(Self {
            name,
            phone,
            email: find("email"),
            language: find("language"),
            company: find("company"),
            timezone: find("timezone"),
            region: find("region"),
            extra,
        })
    }

    /// The lead in one record; name and phone must be non-empty.
    fn lead(&self, record: Record) -> anyhow::Result<LeadRow> {
        let get = |i: usize| record.fields.get(i).map(|f| f.trim().to_owned());
        let optional = |i: Option<usize>| i.and_then(get).filter(|v| !v.is_empty());
        let name = get(self.name).unwrap_or_default();
        let phone = get(self.phone).unwrap_or_default();
        if name.is_empty() || phone.is_empty() {
            bail!(
                "line {}: name and phone are required: {}",
                record.line,
                record.raw
            );
        }
        let fields = self
            .extra
            .iter()
            .filter_map(|(i, column)| Some((column.clone(), optional(Some(*i))?)))
            .collect();
        Ok(LeadRow {
            line: record.line,
            name,
            phone,
            email: optional(self.email),
            language: optional(self.language),
            company: optional(self.company),
            timezone: optional(self.timezone),
            region: optional(self.region),
            fields,
            raw: record.raw,
        })
    }
}

/// Splits CSV text into rows of fields (the header first), as [`parse_leads`] reads it.
pub fn parse_rows(text: &str) -> anyhow::Result<Vec<Vec<String>>> {
    Ok(parse_records(text)?.into_iter().map(|r| r.fields).collect())
}

/// Splits CSV text into records of fields. Quoted fields may contain commas, doubled quotes
/// and line breaks; a leading UTF-8 BOM and blank lines are ignored.
fn parse_records(text: &str) -> anyhow::Result<Vec<Record>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let at_line_end =
            !parser.quoted && (c == '\n' || (c == '\r' && chars.peek() == Some(&'\n')));
        if !at_line_end {
            parser.raw.push(c);
        }
        if parser.quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    parser.raw.push('"');
                    parser.push('"');
                }
                '"' => parser.quoted = false,
                _ => parser.push(c),
            }
            continue;
        }
        match c {
            '"' if parser.field.is_empty() => parser.quoted = true,
            ',' => parser.end_field(),
            '\r' if at_line_end => {}
            '\n' => parser.end_record(),
            _ => parser.push(c),
        }
    }
    if parser.quoted {
        bail!("line {}: unterminated quoted field", parser.record_line);
    }
    parser.end_record();
    Ok(parser.records)
}

/// State of [`parse_records`].
struct Parser {
    records: Vec<Record>,
    fields: Vec<String>,
    field: String,
    /// The current record as written (without its line break).
    raw: String,
    quoted: bool,
    /// Current line (1-based) and the line the current record started on.
    line: usize,
    record_line: usize,
}

impl Default for Parser {
    fn default() -> Self {
        Self {
            records: Vec::new(),
            fields: Vec::new(),
            field: String::new(),
            raw: String::new(),
            quoted: false,
            line: 1,
            record_line: 1,
        }
    }
}

impl Parser {
    /// Adds a character to the current field.
    fn push(&mut self, c: char) {
        if c == '\n' {
            self.line += 1;
        }
        self.field.push(c);
    }

    /// Ends the current field.
    fn end_field(&mut self) {
        self.fields.push(std::mem::take(&mut self.field));
    }

    /// Ends the current record at a line break (or end of input); blank lines are skipped.
    fn end_record(&mut self) {
        self.fields.push(std::mem::take(&mut self.field));
        let fields = std::mem::take(&mut self.fields);
        let raw = std::mem::take(&mut self.raw);
        if fields.iter().any(|f| !f.trim().is_empty()) {
            self.records.push(Record {
                line: self.record_line,
                raw,
                fields,
            });
        }
        self.line += 1;
        self.record_line = self.line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_rows_with_optional_columns() {
        let leads = parse_leads(
            "name,phone,email,language\nAda Lovelace,+442071838700,ada@example.com,\nנועה כהן,+972527650100,,he\n",
        )
        .unwrap();
        assert_eq!(leads.len(), 2);
        assert_eq!(leads[0].name, "Ada Lovelace");
        assert_eq!(leads[0].phone, "+442071838700");
        assert_eq!(leads[0].email.as_deref(), Some("ada@example.com"));
        assert_eq!(leads[0].language, None);
        assert_eq!(leads[0].line, 2);
        assert_eq!(leads[1].name, "נועה כהן");
        assert_eq!(leads[1].email, None);
        assert_eq!(leads[1].language.as_deref(), Some("he"));
        assert_eq!(leads[1].line, 3);
    }

    #[test]
    fn handles_bom_crlf_quotes_and_blank_lines() {
        let text = "\u{feff}name,phone,email,language\r\n\r\n\"Smith, \"\"JJ\"\" John\",+14155550100,jj@example.com,en\r\n\"Multi\nLine\",+33612345600,,\r\nLast,+34612345600,,";
        let leads = parse_leads(text).unwrap();
        assert_eq!(leads.len(), 3);
        assert_eq!(leads[0].name, "Smith, \"JJ\" John");
        assert_eq!(
            leads[0].raw,
            "\"Smith, \"\"JJ\"\" John\",+14155550100,jj@example.com,en"
        );
        assert_eq!(leads[0].line, 3);
        assert_eq!(leads[0].language.as_deref(), Some("en"));
        assert_eq!(leads[1].name, "Multi\nLine");
        assert_eq!(leads[1].line, 4);
        assert_eq!(leads[2].line, 6);
        assert_eq!(leads[2].phone, "+34612345600");
    }

    #[test]
    fn columns_are_found_by_name() {
        let leads = parse_leads("Phone,Name\n+33612345601,Julien\n").unwrap();
        assert_eq!(leads[0].name, "Julien");
        assert_eq!(leads[0].phone, "+33612345601");
        assert_eq!(leads[0].email, None);
    }

    #[test]
    fn other_columns_are_fields() {
        let leads = parse_leads(
            "Name,Phone,Company,plan,seats,Region\nA,+14155550300,Acme,Team,12,US\nB,+14155550301,,,,\n",
        )
        .unwrap();
        assert_eq!(leads[0].company.as_deref(), Some("Acme"));
        assert_eq!(leads[0].region.as_deref(), Some("US"));
        let fields: Vec<(&str, &str)> = leads[0]
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(fields, [("plan", "Team"), ("seats", "12")]);
        assert!(leads[1].fields.is_empty(), "empty cells are left out");
        assert_eq!(leads[1].company, None);
        assert!(parse_leads("name,phone,plan,plan\nA,+1,x,y\n").is_err());
    }

    #[test]
    fn rows_keep_every_column() {
        let rows = parse_rows("a,b\n1,\"x,y\"\n").unwrap();
        assert_eq!(rows, [vec!["a", "b"], vec!["1", "x,y"]]);
    }

    #[test]
    fn the_crm_file_parses() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../sim/data/demo-leads-crm.csv"
        );
        let leads = read_leads(path).unwrap();
        assert!((4..=10).contains(&leads.len()), "{} leads", leads.len());
        // The software agent's instructions read these columns, with a default when empty.
        assert!(leads.iter().any(|l| l.fields.contains_key("plan")));
        assert!(leads.iter().any(|l| !l.fields.contains_key("plan")));
        assert!(leads.iter().any(|l| l.fields.contains_key("seats")));
        let main = read_leads(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../sim/data/demo-leads.csv"
        ))
        .unwrap();
        for lead in &leads {
            assert!(
                main.iter().all(|m| m.phone != lead.phone),
                "{} is in both files",
                lead.phone
            );
        }
        for prefix in ["+1", "+972", "+33", "+49", "+34"] {
            assert!(
                leads.iter().any(|l| l.phone.starts_with(prefix)),
                "no CRM lead on {prefix}"
            );
        }
    }

    #[test]
    fn rejects_bad_files() {
        assert!(parse_leads("").is_err());
        assert!(parse_leads("name,phone\n").is_err());
        assert!(parse_leads("name,email\nA,a@example.com\n").is_err());
        let err = parse_leads("name,phone\nA,+1\n,+2\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 3"), "{err:#}");
        assert!(parse_leads("name,phone\n\"A,+1\n").is_err());
    }

    #[test]
    fn the_demo_file_parses() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/data/demo-leads.csv");
        let leads = read_leads(path).unwrap();
        assert!(leads.len() >= 32, "{} leads", leads.len());
        let mut phones: Vec<&str> = leads.iter().map(|l| l.phone.as_str()).collect();
        phones.sort_unstable();
        phones.dedup();
        assert_eq!(phones.len(), leads.len(), "phone numbers must be unique");
        for suffix in 0..=16 {
            let s = format!("{suffix:02}");
            assert!(
                leads.iter().any(|l| l.phone.ends_with(&s)),
                "no lead for persona {s}"
            );
        }
        // 14 (asks for another day) and 15 (gives an email on the call) in several countries;
        // the 15s have no email in the file, so the one said on the call is the one booked.
        for suffix in ["14", "15"] {
            let of: Vec<&LeadRow> = leads.iter().filter(|l| l.phone.ends_with(suffix)).collect();
            let countries: std::collections::HashSet<&str> =
                of.iter().map(|l| &l.phone[..4]).collect();
            assert!(countries.len() >= 2, "persona {suffix}: {countries:?}");
        }
        assert!(
            leads
                .iter()
                .filter(|l| l.phone.ends_with("15"))
                .all(|l| l.email.is_none()),
            "persona 15 leads must have no email in the file"
        );
        for prefix in ["+972", "+33", "+49", "+34"] {
            let n = leads.iter().filter(|l| l.phone.starts_with(prefix)).count();
            assert!(n >= 4, "{prefix}: only {n} leads");
        }
        // A lead in every other supported language too.
        for prefix in [
            "+966", "+39", "+55", "+31", "+7", "+48", "+90", "+81", "+91", "+86",
        ] {
            assert!(
                leads.iter().any(|l| l.phone.starts_with(prefix)),
                "no lead on {prefix}"
            );
        }
        let english = leads
            .iter()
            .filter(|l| l.phone.starts_with("+1") || l.phone.starts_with("+44"))
            .count();
        assert!(english >= 4, "English: only {english} leads");
    }
}
