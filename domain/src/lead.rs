//! A lead as workflows see it, and the settings that govern calling it.

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
    /// Number to dial.
    pub phone: E164,
    /// Language to speak.
    pub language: Language,
    /// IANA time zone of the lead (times are shown and told to the model in it).
    pub timezone: String,
    /// Every zone the lead may be in (a number's prefix can span zones); a call is placed only
    /// when all of them are inside the calling window. Empty means `timezone` alone.
    #[serde(default)]
    pub window_timezones: Vec<String>,
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
    /// Name of the business the agent calls for (said in the greeting).
    pub business_name: String,
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
            business_name: "Callwright".to_owned(),
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
}
