//! The acceptance table: real-format numbers from 58 countries (libphonenumber's own example
//! numbers, written as people write them: international, bare E.164, national with a region),
//! and what public numbering data says of each: the E.164 form, the country and the time
//! zones (libphonenumber's lookup, through the independent Python port; see
//! `scripts/gen-phone-cases.py`), with the language we greet that country in. Every row must
//! derive the same through our parser, our vendored zone map and our language table.

#![allow(clippy::unwrap_used, missing_docs)] // test code: a failed unwrap is a failed test

use callwright_domain::timezone::{candidate_zones, lead_zones};
use callwright_domain::{E164, Language};
use std::collections::{BTreeSet, HashSet};

static CASES: &str = include_str!("../data/phone_cases.tsv");

/// Toll-free numbers of Russia, Kazakhstan and Belarus written nationally (`8 800 …`): the
/// `phonenumber` crate reads the 8 of 800 as a second trunk prefix, even in international form,
/// so it cannot represent them. They must be refused with a clear error, never misread as
/// another number. (Nobody is called on a toll-free line; a lead's mobile or landline is fine.)
const UNSUPPORTED: [&str; 2] = ["8 (800) 123-45-67", "8 801 123 4567"];

#[test]
fn numbers_derive_the_country_language_and_zone_public_data_gives_them() {
    let mut countries = HashSet::new();
    let mut rows = 0;
    let mut failures = Vec::new();
    for line in CASES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [raw, hint, e164, country, language, zones] = cols[..] else {
            panic!("bad row: {line}");
        };
        let parsed = E164::parse(raw, (!hint.is_empty()).then_some(hint));
        if UNSUPPORTED.contains(&raw) {
            assert!(parsed.is_err(), "{raw} was read as {parsed:?}");
            continue;
        }
        rows += 1;
        countries.insert(country);
        let phone = match parsed {
            Ok(phone) => phone,
            Err(e) => {
                failures.push(format!("{raw} ({hint}): {e}"));
                continue;
            }
        };
        let mut wrong = Vec::new();
        if phone.as_str() != e164 {
            wrong.push(format!("E.164 {} ≠ {e164}", phone.as_str()));
        }
        if phone.region() != Some(country) {
            wrong.push(format!("country {:?} ≠ {country}", phone.region()));
        }
        let derived = Language::from_number(&phone);
        if derived.code() != language {
            wrong.push(format!("language {derived} ≠ {language}"));
        }
        let expected: BTreeSet<&str> = zones.split(',').filter(|z| !z.is_empty()).collect();
        let ours: BTreeSet<&str> = candidate_zones(&phone).into_iter().collect();
        if ours != expected {
            wrong.push(format!("zones {ours:?} ≠ {expected:?}"));
        }
        // The zone a lead's times are shown in is one of them.
        let primary = lead_zones(&phone, None).primary;
        if !expected.is_empty() && !expected.contains(primary.as_str()) {
            wrong.push(format!("primary zone {primary} not in {expected:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!("{raw} ({hint}): {}", wrong.join("; ")));
        }
    }
    assert!(rows >= 200, "only {rows} numbers");
    assert!(countries.len() >= 40, "only {} countries", countries.len());
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
