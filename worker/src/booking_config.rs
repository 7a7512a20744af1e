//! Booking settings: the calendar (Google), the video provider (Zoom, optional), the mail relay
//! and the rules slots are cut by.

use callwright_activities::booking::BookingSettings;
use callwright_domain::booking::BookingRules;
use callwright_providers::calendar::{GoogleAuth, GoogleCalendarConfig, ServiceAccountKey};
use callwright_providers::video::ZoomConfig;
use callwright_runtime::settings::{ConfigError, number, var};
use chrono::{NaiveTime, Weekday};
use secrecy::SecretString;
use std::path::Path;
use std::time::Duration;

/// Everything booking needs.
#[derive(Clone)]
pub struct BookingConfig {
    /// Google Calendar.
    pub calendar: GoogleCalendarConfig,
    /// Zoom, when `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID` and `ZOOM_CLIENT_SECRET` are set.
    pub zoom: Option<ZoomConfig>,
    /// Mail relay (`SMTP_URL`).
    pub smtp_url: String,
    /// Rules and invite sender.
    pub settings: BookingSettings,
}

impl std::fmt::Debug for BookingConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookingConfig")
            .field("calendar_id", &self.calendar.calendar_id)
            .field("zoom", &self.zoom.is_some())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn optional(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

fn time(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: &str,
) -> Result<(NaiveTime, NaiveTime), ConfigError> {
    let raw = var(lookup, name, Some(default))?;
    let parsed = raw.split_once('-').and_then(|(a, b)| {
        Some((
            NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?,
            NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?,
        ))
    });
    parsed.ok_or_else(|| ConfigError(format!("{name} '{raw}' is not HH:MM-HH:MM")))
}

fn days(lookup: &impl Fn(&str) -> Option<String>) -> Result<Vec<Weekday>, ConfigError> {
    let raw = var(lookup, "BOOKING_DAYS", Some("mon,tue,wed,thu,fri"))?;
    raw.split(',')
        .map(|d| {
            d.trim()
                .parse::<Weekday>()
                .map_err(|_| ConfigError(format!("BOOKING_DAYS: '{d}' is not a weekday")))
        })
        .collect()
}

fn google_auth(lookup: &impl Fn(&str) -> Option<String>) -> Result<GoogleAuth, ConfigError> {
    if let Some(path) = optional(lookup, "GOOGLE_SERVICE_ACCOUNT_KEY_FILE") {
        let key = ServiceAccountKey::from_file(Path::new(&path))
            .map_err(|e| ConfigError(format!("GOOGLE_SERVICE_ACCOUNT_KEY_FILE: {}", e.message)))?;
        return Ok(GoogleAuth::ServiceAccount {
            key,
            subject: optional(lookup, "GOOGLE_IMPERSONATE_SUBJECT"),
        });
    }
    match (
        optional(lookup, "GOOGLE_OAUTH_CLIENT_ID"),
        optional(lookup, "GOOGLE_OAUTH_CLIENT_SECRET"),
        optional(lookup, "GOOGLE_OAUTH_REFRESH_TOKEN"),
    ) {
        (Some(client_id), Some(secret), Some(refresh)) => Ok(GoogleAuth::RefreshToken {
            token_uri: var(
                lookup,
                "GOOGLE_TOKEN_URI",
                Some("https://oauth2.googleapis.com/token"),
            )?,
            client_id,
            client_secret: SecretString::from(secret),
            refresh_token: SecretString::from(refresh),
        }),
        _ => Err(ConfigError(
            "Google Calendar credentials: set GOOGLE_SERVICE_ACCOUNT_KEY_FILE, or \
             GOOGLE_OAUTH_CLIENT_ID, GOOGLE_OAUTH_CLIENT_SECRET and GOOGLE_OAUTH_REFRESH_TOKEN"
                .into(),
        )),
    }
}

fn zoom(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<ZoomConfig>, ConfigError> {
    let parts = (
        optional(lookup, "ZOOM_ACCOUNT_ID"),
        optional(lookup, "ZOOM_CLIENT_ID"),
        optional(lookup, "ZOOM_CLIENT_SECRET"),
    );
    match parts {
        (None, None, None) => Ok(None),
        (Some(account_id), Some(client_id), Some(secret)) => Ok(Some(ZoomConfig {
            oauth_base_url: var(lookup, "ZOOM_OAUTH_BASE_URL", Some("https://zoom.us"))?,
            api_base_url: var(lookup, "ZOOM_API_BASE_URL", Some("https://api.zoom.us/v2"))?,
            account_id,
            client_id,
            client_secret: SecretString::from(secret),
            timeout: Duration::from_secs(15),
        })),
        _ => Err(ConfigError(
            "Zoom: set all of ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET, or none"
                .into(),
        )),
    }
}

impl BookingConfig {
    /// Reads the booking variables through `lookup`.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let l = lookup;
        let (opens, closes) = time(l, "BOOKING_HOURS", "09:00-17:00")?;
        let (lead_earliest, lead_latest) = time(l, "BOOKING_LEAD_HOURS", "08:00-20:00")?;
        let rules = BookingRules {
            timezone: var(l, "BOOKING_TIMEZONE", Some("UTC"))?,
            days: days(l)?,
            opens,
            closes,
            slot_minutes: number(l, "BOOKING_SLOT_MINUTES", "30")?,
            buffer_minutes: number(l, "BOOKING_BUFFER_MINUTES", "15")?,
            min_notice_minutes: number(l, "BOOKING_MIN_NOTICE_MINUTES", "120")?,
            lookahead_days: number(l, "BOOKING_LOOKAHEAD_DAYS", "14")?,
            lead_earliest,
            lead_latest,
        };
        rules.validate().map_err(|e| ConfigError(e.to_string()))?;
        let zoom = zoom(l)?;
        let google_meet: bool = var(l, "GOOGLE_MEET", Some("true"))?
            .parse()
            .map_err(|_| ConfigError("GOOGLE_MEET must be true or false".into()))?;
        Ok(Self {
            calendar: GoogleCalendarConfig {
                base_url: var(
                    l,
                    "GOOGLE_CALENDAR_BASE_URL",
                    Some("https://www.googleapis.com/calendar/v3"),
                )?,
                calendar_id: var(l, "GOOGLE_CALENDAR_ID", Some("primary"))?,
                auth: google_auth(l)?,
                timeout: Duration::from_secs(10),
            },
            zoom,
            smtp_url: var(l, "SMTP_URL", None)?,
            settings: BookingSettings {
                rules,
                offer_size: number(l, "BOOKING_OFFER_SIZE", "3")?,
                organizer_name: var(l, "BOOKING_ORGANIZER_NAME", Some("Callwright"))?,
                organizer_email: var(l, "BOOKING_ORGANIZER_EMAIL", None)?,
                google_meet,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_missing_and_malformed_settings() {
        let base = |k: &str| match k {
            "GOOGLE_OAUTH_CLIENT_ID" => Some("id".to_owned()),
            "GOOGLE_OAUTH_CLIENT_SECRET" => Some("s".to_owned()),
            "GOOGLE_OAUTH_REFRESH_TOKEN" => Some("r".to_owned()),
            "SMTP_URL" => Some("smtp://127.0.0.1:2525".to_owned()),
            "BOOKING_ORGANIZER_EMAIL" => Some("sales@example.com".to_owned()),
            _ => None,
        };
        let ok = BookingConfig::from_lookup(&base).unwrap();
        assert_eq!(ok.settings.rules.slot_minutes, 30);
        assert!(ok.zoom.is_none());
        let no_google = |k: &str| base(k).filter(|_| !k.starts_with("GOOGLE"));
        let err = BookingConfig::from_lookup(&no_google).unwrap_err();
        assert!(
            err.to_string().contains("GOOGLE_SERVICE_ACCOUNT_KEY_FILE"),
            "{err}"
        );
        let bad_hours = |k: &str| match k {
            "BOOKING_HOURS" => Some("9-5".to_owned()),
            _ => base(k),
        };
        let err = BookingConfig::from_lookup(&bad_hours).unwrap_err();
        assert!(err.to_string().contains("BOOKING_HOURS"), "{err}");
        let half_zoom = |k: &str| match k {
            "ZOOM_CLIENT_ID" => Some("z".to_owned()),
            _ => base(k),
        };
        let err = BookingConfig::from_lookup(&half_zoom).unwrap_err();
        assert!(err.to_string().contains("ZOOM_ACCOUNT_ID"), "{err}");
    }
}
