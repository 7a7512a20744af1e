//! A lead as a person gives it (the API's JSON body, an upload's row, an agent trial's
//! sample lead), checked once by one set of rules, so a lead refused by one door is refused
//! by every door with the same words.

pub use crate::field::FieldError;
use crate::lead::lead_fields;
use crate::timezone::{LeadZones, lead_zones};
use crate::{E164, Language};
use std::collections::BTreeMap;

/// Characters of a refused value quoted back in a reason: enough to recognise it, never a
/// whole pasted document.
pub const SHOWN_CHARS: usize = 64;

/// Longest phone text read at all: every real number, with spaces and punctuation, is shorter.
pub const MAX_PHONE_CHARS: usize = 40;

/// Longest email address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A value quoted back to the client, cut to [`SHOWN_CHARS`] characters.
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]).into(),
        None => value.into(),
    }
}

/// An email address: trimmed, at most [`MAX_EMAIL_CHARS`] characters, text on both sides of
/// an `@`, no whitespace. Deliverability is the mail server's to judge; this refuses only what
/// cannot be an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks an address.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim();
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!(
                "'{}' is longer than {MAX_EMAIL_CHARS} characters",
                shown(email)
            ));
        }
        let well_formed = email.contains('@')
            && !email.starts_with('@')
            && !email.ends_with('@')
            && !email.chars().any(char::is_whitespace);
        if !well_formed {
            return Err(format!("'{}' is not an email address", shown(email)));
        }
        Ok(Self(email.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A lead's values as given, before any check. Blank optional values count as absent.
#[derive(Debug, Clone, Default)]
pub struct LeadInput<'a> {
    /// Display name.
    pub name: &'a str,
    /// Phone number: E.164, or national form with `region`.
    pub phone: &'a str,
    /// Region (`US`) for a number in national form.
    pub region: Option<&'a str>,
    /// Email address.
    pub email: Option<&'a str>,
    /// Company.
    pub company: Option<&'a str>,
    /// Language code overriding the one guessed from the number.
    pub language: Option<&'a str>,
    /// IANA zone overriding the ones guessed from the number.
    pub timezone: Option<&'a str>,
    /// Notes for the rep.
    pub notes: Option<&'a str>,
    /// The lead's own data.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// A lead that passed every check, with the facts derived from its number.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLead<'a> {
    /// Display name, trimmed, not empty.
    pub name: &'a str,
    /// The number, parsed.
    pub phone: E164,
    /// Where the invite goes.
    pub email: Option<Email>,
    /// Company.
    pub company: Option<&'a str>,
    /// The language the agent speaks: the one given, else the number's.
    pub language: Language,
    /// The zones times are shown in and the calling window is checked in.
    pub zones: LeadZones,
    /// Notes for the rep.
    pub notes: Option<&'a str>,
    /// The lead's own data, checked by [`lead_fields`].
    pub fields: BTreeMap<String, serde_json::Value>,
}

fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn no_nul(field: &str, value: Option<&str>) -> Result<(), FieldError> {
    match value {
        Some(v) if v.contains('\0') => Err(FieldError::new(field, "contains a NUL character")),
        _ => Ok(()),
    }
}

impl<'a> NewLead<'a> {
    /// Checks a lead field by field; the first refusal names its field.
    pub fn parse(input: LeadInput<'a>) -> Result<Self, FieldError> {
        // Postgres text cannot hold NUL: refuse it here, naming the field, rather than as a
        // database error about the whole request.
        for (field, value) in [
            ("name", Some(input.name)),
            ("phone", Some(input.phone)),
            ("region", input.region),
            ("email", input.email),
            ("company", input.company),
            ("language", input.language),
            ("timezone", input.timezone),
            ("notes", input.notes),
        ] {
            no_nul(field, value)?;
        }
        for (name, value) in &input.fields {
            if let serde_json::Value::String(text) = value {
                no_nul(&format!("fields.{}", shown(name)), Some(text))?;
            }
        }
        let name = input.name.trim();
        if name.is_empty() {
            return Err(FieldError::new("name", "must not be empty"));
        }
        let raw_phone = input.phone.trim();
        if raw_phone.is_empty() {
            return Err(FieldError::new("phone", "must not be empty"));
        }
        if raw_phone.chars().count() > MAX_PHONE_CHARS {
            return Err(FieldError::new(
                "phone",
                format!("'{}' is not a phone number", shown(raw_phone)),
            ));
        }
        let phone = E164::parse(raw_phone, present(input.region))
            .map_err(|e| FieldError::new("phone", e.to_string()))?;
        let email = present(input.email)
            .map(Email::parse)
            .transpose()
            .map_err(|e| FieldError::new("email", e))?;
        let language = match present(input.language) {
            Some(code) => code.parse::<Language>().map_err(|_| {
                let supported: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
                FieldError::new(
                    "language",
                    format!(
                        "'{}' is not supported (supported: {})",
                        shown(code),
                        supported.join(", ")
                    ),
                )
            })?,
            None => Language::from_number(&phone),
        };
        let explicit_zone = present(input.timezone)
            .map(|zone| {
                zone.parse::<chrono_tz::Tz>().map_err(|_| {
                    FieldError::new(
                        "timezone",
                        format!("'{}' is not an IANA time zone", shown(zone)),
                    )
                })
            })
            .transpose()?;
        let fields = lead_fields(input.fields)?;
        Ok(Self {
            name,
            zones: lead_zones(&phone, explicit_zone),
            phone,
            email,
            company: present(input.company),
            language,
            notes: present(input.notes),
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input<'a>(name: &'a str, phone: &'a str) -> LeadInput<'a> {
        LeadInput {
            name,
            phone,
            ..LeadInput::default()
        }
    }

    fn refused(input: LeadInput<'_>) -> FieldError {
        NewLead::parse(input).expect_err("refused")
    }

    #[test]
    fn a_valid_lead_gets_its_language_and_zones_from_the_number() {
        let lead = NewLead::parse(LeadInput {
            email: Some("  dana@example.com "),
            company: Some(" "),
            ..input(" Dana ", "+972 52 765 4321")
        })
        .unwrap();
        assert_eq!(lead.name, "Dana");
        assert_eq!(lead.phone.as_str(), "+972527654321");
        assert_eq!(lead.language, Language::He);
        assert_eq!(lead.zones.primary, "Asia/Jerusalem");
        assert_eq!(lead.email.unwrap().as_str(), "dana@example.com");
        assert_eq!(lead.company, None, "a blank value is absent");
    }

    #[test]
    fn explicit_language_zone_and_region_win() {
        let lead = NewLead::parse(LeadInput {
            region: Some("US"),
            language: Some("es"),
            timezone: Some("Europe/Madrid"),
            ..input("Ana", "(415) 555-2671")
        })
        .unwrap();
        assert_eq!(lead.phone.as_str(), "+14155552671");
        assert_eq!(lead.language, Language::Es);
        assert_eq!(lead.zones.window, vec!["Europe/Madrid".to_owned()]);
    }

    #[test]
    fn each_refusal_names_its_field() {
        let long_phone = "9".repeat(41);
        let cases: Vec<(LeadInput<'_>, &str, &str)> = vec![
            (input(" ", "+14155552671"), "name", "must not be empty"),
            (input("A", ""), "phone", "must not be empty"),
            (input("A", "12"), "phone", "12"),
            (input("A", &long_phone), "phone", "is not a phone number"),
            (
                LeadInput {
                    email: Some("dana at example.com"),
                    ..input("A", "+14155552671")
                },
                "email",
                "not an email address",
            ),
            (
                LeadInput {
                    email: Some("a b@example.com"),
                    ..input("A", "+14155552671")
                },
                "email",
                "not an email address",
            ),
            (
                LeadInput {
                    language: Some("xx"),
                    ..input("A", "+14155552671")
                },
                "language",
                "supported: ",
            ),
            (
                LeadInput {
                    timezone: Some("Mars/Olympus"),
                    ..input("A", "+14155552671")
                },
                "timezone",
                "IANA",
            ),
            (
                LeadInput {
                    company: Some("a\0b"),
                    ..input("A", "+14155552671")
                },
                "company",
                "NUL",
            ),
        ];
        for (given, field, says) in cases {
            let err = refused(given);
            assert_eq!(err.field, field, "{err}");
            assert!(err.message.contains(says), "{err}");
        }
    }

    #[test]
    fn the_leads_own_fields_are_named_in_refusals() {
        let mut fields = serde_json::Map::new();
        fields.insert("plan".into(), json!("x".repeat(1_001)));
        let err = refused(LeadInput {
            fields,
            ..input("A", "+14155552671")
        });
        assert_eq!(err.field, "fields.plan");
        let mut fields = serde_json::Map::new();
        fields.insert("plan".into(), json!("a\0"));
        let err = refused(LeadInput {
            fields,
            ..input("A", "+14155552671")
        });
        assert_eq!(err.field, "fields.plan");
        assert_eq!(err.to_string(), "fields.plan: contains a NUL character");
    }

    #[test]
    fn long_values_are_cut_in_reasons() {
        let long = format!("{}@", "a".repeat(300));
        let err = refused(LeadInput {
            email: Some(&long),
            ..input("A", "+14155552671")
        });
        assert!(err.message.chars().count() < 120, "{err}");
        assert!(err.message.contains('…'));
    }
}
