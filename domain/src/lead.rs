//! A lead as workflows see it, and the settings that govern calling it.

use crate::agent::AgentRef;
use crate::window::CallingWindow;
use crate::{E164, Language};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything a lead workflow needs to know about the person it calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadProfile {
    /// Stable lead id (the `leads` row id).
    pub lead_id: String,
    /// Display name.
    pub name: String,
    /// Number to dial; none for a trial's lead, which is talked to over a text channel.
    pub phone: Option<E164>,
    /// Language to speak.
    pub language: Language,
    /// IANA time zone of the lead (times are shown and told to the model in it).
    pub timezone: chrono_tz::Tz,
    /// Every zone the lead may be in (a number's prefix can span zones); a call is placed only
    /// when all of them are inside the calling window. Empty means `timezone` alone.
    #[serde(default)]
    pub window_timezones: Vec<chrono_tz::Tz>,
    /// Email, if known.
    pub email: Option<String>,
    /// Company, if known.
    pub company: Option<String>,
    /// The lead's other columns (an upload's unmapped columns, `fields` of `POST /api/leads`):
    /// text, numbers or booleans by column name, for the agent's templates
    /// (`{{ lead.fields.plan }}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// Most columns a lead's `fields` may hold.
pub const MAX_FIELDS: usize = 50;
/// Longest field name, in characters.
pub const MAX_FIELD_NAME: usize = 64;
/// Longest text value of a field, in characters.
pub const MAX_FIELD_VALUE: usize = 1_000;

/// A lead's own columns, checked: at most [`MAX_FIELDS`] names of 1 to [`MAX_FIELD_NAME`]
/// characters, each holding text (up to [`MAX_FIELD_VALUE`] characters), a number or a
/// boolean; empty text and nulls are left out. The error names the field (`fields.plan: ...`).
pub fn lead_fields(
    given: impl IntoIterator<Item = (String, serde_json::Value)>,
) -> Result<BTreeMap<String, serde_json::Value>, crate::FieldError> {
    use crate::FieldError;
    use serde_json::Value;
    let mut out = BTreeMap::new();
    for (name, value) in given {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_FIELD_NAME {
            return Err(FieldError::new(
                "fields",
                format!(
                    "a column name must have 1 to {MAX_FIELD_NAME} characters ('{}')",
                    crate::new_lead::shown(&name)
                ),
            ));
        }
        let field = || format!("fields.{name}");
        let value = match value {
            Value::Null => continue,
            Value::String(s) if s.trim().is_empty() => continue,
            Value::String(s) if s.chars().count() > MAX_FIELD_VALUE => {
                return Err(FieldError::new(
                    field(),
                    format!("at most {MAX_FIELD_VALUE} characters"),
                ));
            }
            Value::String(s) => Value::String(s.trim().to_owned()),
            v @ (Value::Number(_) | Value::Bool(_)) => v,
            Value::Array(_) | Value::Object(_) => {
                return Err(FieldError::new(
                    field(),
                    "must be text, a number or a boolean",
                ));
            }
        };
        if out.insert(name.clone(), value).is_some() {
            return Err(FieldError::new(field(), "given twice"));
        }
        if out.len() > MAX_FIELDS {
            return Err(FieldError::new(
                "fields",
                format!("at most {MAX_FIELDS} columns"),
            ));
        }
    }
    Ok(out)
}

/// Seconds to wait before the next attempt, per retryable outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RetryCadence {
    /// After nobody answered.
    pub no_answer_secs: u64,
    /// After a busy line.
    pub busy_secs: u64,
    /// After reaching voicemail.
    pub voicemail_secs: u64,
    /// After the call could not be placed.
    pub failed_secs: u64,
    /// After the callee hung up or never spoke.
    pub incomplete_secs: u64,
}

impl Default for RetryCadence {
    fn default() -> Self {
        Self {
            no_answer_secs: 4 * 3600,
            busy_secs: 30 * 60,
            voicemail_secs: 24 * 3600,
            failed_secs: 15 * 60,
            incomplete_secs: 24 * 3600,
        }
    }
}

/// Per-campaign rules for each lead's calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CallSettings {
    /// Attempts per lead, callbacks excluded.
    pub max_attempts: u32,
    /// Wait before retrying, by outcome.
    pub retry: RetryCadence,
    /// Callee turns before the agent wraps up.
    pub max_turns: u32,
    /// Silent turns in a row before the agent hangs up.
    pub max_silences: u32,
    /// Unclear (low confidence) turns in a row before the agent hangs up.
    pub max_unclear: u32,
    /// Speech below this ASR confidence is asked again.
    pub min_confidence: f32,
    /// Seconds to let the phone ring.
    pub ring_timeout_secs: u32,
    /// A call still not over after this long is checked with the provider.
    pub max_call_secs: u64,
    /// Callbacks honoured per lead.
    pub max_callbacks: u32,
    /// When leads may be dialled, in their local time.
    pub calling_window: CallingWindow,
    /// Where a callee who asks for a person is put through (E.164); without one the agent
    /// offers no transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "+14155550100")]
    pub transfer_number: Option<String>,
}

impl Default for CallSettings {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            retry: RetryCadence::default(),
            max_turns: 12,
            max_silences: 2,
            max_unclear: 2,
            min_confidence: 0.4,
            ring_timeout_secs: 25,
            max_call_secs: 1800,
            max_callbacks: 2,
            calling_window: CallingWindow::default(),
            transfer_number: None,
        }
    }
}

/// A per-country guess of a number's zone, used where the prefix map
/// ([`crate::timezone::lead_zones`]) has nothing finer.
pub fn default_timezone(phone: &E164) -> &'static str {
    match phone.region() {
        Some("IL") => "Asia/Jerusalem",
        Some("FR") => "Europe/Paris",
        Some("DE") => "Europe/Berlin",
        Some("ES") => "Europe/Madrid",
        Some("GB") => "Europe/London",
        Some("IT") => "Europe/Rome",
        Some("NL") => "Europe/Amsterdam",
        Some("BE") => "Europe/Brussels",
        Some("CH") => "Europe/Zurich",
        Some("AT") => "Europe/Vienna",
        Some("US") => "America/New_York",
        Some("CA") => "America/Toronto",
        Some("MX") => "America/Mexico_City",
        Some("AU") => "Australia/Sydney",
        Some("PT") => "Europe/Lisbon",
        Some("BR") => "America/Sao_Paulo",
        Some("AO") => "Africa/Luanda",
        Some("MZ") => "Africa/Maputo",
        Some("SR") => "America/Paramaribo",
        Some("RU") => "Europe/Moscow",
        Some("BY") => "Europe/Minsk",
        Some("KZ") => "Asia/Almaty",
        Some("PL") => "Europe/Warsaw",
        Some("TR") => "Europe/Istanbul",
        Some("JP") => "Asia/Tokyo",
        Some("IN") => "Asia/Kolkata",
        Some("CN") => "Asia/Shanghai",
        Some("TW") => "Asia/Taipei",
        Some("HK") => "Asia/Hong_Kong",
        Some("MO") => "Asia/Macau",
        Some("EG") => "Africa/Cairo",
        Some("MA") => "Africa/Casablanca",
        Some("DZ") => "Africa/Algiers",
        Some("TN") => "Africa/Tunis",
        Some("LY") => "Africa/Tripoli",
        Some("SD") => "Africa/Khartoum",
        Some("LB") => "Asia/Beirut",
        Some("JO") => "Asia/Amman",
        Some("SY") => "Asia/Damascus",
        Some("IQ") => "Asia/Baghdad",
        Some("KW") => "Asia/Kuwait",
        Some("SA") => "Asia/Riyadh",
        Some("YE") => "Asia/Aden",
        Some("OM") => "Asia/Muscat",
        Some("PS") => "Asia/Hebron",
        Some("AE") => "Asia/Dubai",
        Some("BH") => "Asia/Bahrain",
        Some("QA") => "Asia/Qatar",
        _ => "UTC",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lead_fields_are_checked_and_named() {
        let ok = lead_fields([
            ("plan".to_owned(), json!(" Pro ")),
            ("seats".to_owned(), json!(12)),
            ("vip".to_owned(), json!(true)),
            ("empty".to_owned(), json!("")),
            ("nothing".to_owned(), json!(null)),
        ])
        .expect("valid");
        assert_eq!(ok.get("plan"), Some(&json!("Pro")));
        assert_eq!(ok.len(), 3);
        let err = lead_fields([("tags".to_owned(), json!(["a"]))]).expect_err("array");
        assert_eq!(err.field, "fields.tags");
        let err = lead_fields([("x".to_owned(), json!("y".repeat(1_001)))]).expect_err("long");
        assert_eq!(err.field, "fields.x");
        let err = lead_fields([(" ".to_owned(), json!("y"))]).expect_err("no name");
        assert_eq!(err.field, "fields");
        let many = (0..51).map(|i| (format!("c{i}"), json!(i)));
        assert!(lead_fields(many).is_err());
    }

    #[test]
    fn default_zones_are_real_iana_zones() {
        for raw in [
            "+972527654321",
            "+33612345678",
            "+4915123456789",
            "+34612345678",
            "+14155552671",
            "+442071838750",
            "+966501234500",
            "+201012345600",
            "+971501234500",
            "+393123456700",
            "+5511912345600",
            "+351912345600",
            "+31612345600",
            "+79123456700",
            "+48512345600",
            "+905321234500",
            "+819012345600",
            "+919812345600",
            "+8613812345600",
            "+886912345600",
            "+85291234500",
        ] {
            let phone = E164::parse(raw, None).expect("valid");
            let zone = default_timezone(&phone);
            assert!(zone.parse::<chrono_tz::Tz>().is_ok(), "{zone}");
            assert_ne!(zone, "UTC", "{raw}");
        }
    }

    /// A lead profile travels in workflow payloads and is decoded again on every replay, on
    /// whichever worker, with whatever libphonenumber data that worker was built with. The facts
    /// the workflow decides by (the number's region picks the calling window) must come back as
    /// they were recorded: decoding may not consult the numbering plan, or a data update that
    /// withdraws a range (here `+1 555 000 0000`, which today's plan rejects) would fail the
    /// decode or change a replayed decision.
    #[test]
    fn recorded_profiles_decode_without_the_numbering_plan() {
        let profile = LeadProfile {
            lead_id: "l1".into(),
            name: "Ada".into(),
            phone: Some(E164::parse("+14155552671", None).expect("valid")),
            language: Language::En,
            timezone: chrono_tz::America::Los_Angeles,
            window_timezones: Vec::new(),
            email: None,
            company: None,
            fields: BTreeMap::new(),
        };
        assert!(
            E164::parse("+15550000000", None).is_err(),
            "the plan rejects it today"
        );
        let mut recorded = serde_json::to_value(&profile).expect("encode");
        match &mut recorded["phone"] {
            serde_json::Value::String(number) => *number = "+15550000000".into(),
            facts => facts["number"] = json!("+15550000000"),
        }
        let decoded: LeadProfile = serde_json::from_value(recorded).expect("decodes as recorded");
        let phone = decoded.phone.expect("phone");
        assert_eq!(phone.as_str(), "+15550000000");
        assert_eq!(phone.region(), Some("US"));
        assert_eq!(phone.country_code(), 1);
        assert!(phone.is_geographic());
    }
}

/// One lead of a campaign, in calling order, as the campaign's history keeps it: ids only, no
/// personal data. The campaign's history outlives an erasure of one of its leads (it is the
/// campaign's, not the lead's), so the lead's own workflow loads the profile by id and only its
/// history, which the erasure deletes, holds the name and number.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CampaignLead {
    /// Position in the campaign.
    pub seq: i32,
    /// The lead's id (the `leads` row id).
    pub lead_id: String,
    /// The language the lead is spoken to in (for the lead workflow's search attributes).
    pub language: Language,
    /// The agent version that calls it (the plan's pick for the lead).
    pub agent: AgentRef,
}
