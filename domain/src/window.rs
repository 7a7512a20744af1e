//! Calling windows: when a lead may be dialled, in the lead's own local time.
//!
//! US TCPA allows 08:00–21:00 local; that is the default, with the days of the week and the
//! hours configurable per campaign, and per country within a campaign (`countries`: a lead
//! whose number belongs to that country follows that window instead). The lead workflow asks
//! [`next_opening`] before every dial and waits on a durable timer until it returns `None`.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Hours of the day and days of the week on which calls may be placed, in the callee's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CallingWindow {
    /// Opening, minutes after local midnight (480 = 08:00).
    pub start_minute: u16,
    /// Closing, minutes after local midnight, exclusive (1260 = 21:00; 1440 = midnight).
    pub end_minute: u16,
    /// Days on which calls are allowed (ISO: 1 = Monday ... 7 = Sunday).
    pub days: Vec<u8>,
    /// Windows that replace this one for leads whose number belongs to a country, by ISO
    /// 3166-1 alpha-2 code (e.g. `{"FR": {"start_minute": 600, "end_minute": 1200, "days":
    /// [1,2,3,4,5]}}`). An override has no overrides of its own.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(no_recursion)]
    pub countries: BTreeMap<String, CallingWindow>,
}

impl Default for CallingWindow {
    fn default() -> Self {
        Self {
            start_minute: 8 * 60,
            end_minute: 21 * 60,
            days: vec![1, 2, 3, 4, 5, 6, 7],
            countries: BTreeMap::new(),
        }
    }
}

/// A window that cannot be honoured as configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// Start not before end, or past midnight.
    #[error("calling window: start_minute must be before end_minute, and end_minute at most 1440")]
    Hours,
    /// No day, or a day outside 1..=7.
    #[error("calling window: days must list ISO weekdays 1 (Monday) to 7 (Sunday), at least one")]
    Days,
    /// A country override keyed by something other than an ISO 3166-1 alpha-2 code, invalid
    /// itself, or with overrides of its own.
    #[error(
        "calling window: countries.{0} must be an uppercase ISO country code (e.g. FR) with a valid window and no countries of its own"
    )]
    Country(String),
}

impl CallingWindow {
    /// Checks the window can ever open.
    pub fn validate(&self) -> Result<(), WindowError> {
        if self.start_minute >= self.end_minute || self.end_minute > 1440 {
            return Err(WindowError::Hours);
        }
        if self.days.is_empty() || self.days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(WindowError::Days);
        }
        for (code, window) in &self.countries {
            let iso = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
            if !iso || !window.countries.is_empty() || window.validate().is_err() {
                return Err(WindowError::Country(code.clone()));
            }
        }
        Ok(())
    }

    /// The window for a lead whose number belongs to `region` (ISO 3166-1 alpha-2): its
    /// country's override if there is one, else this window.
    pub fn for_region(&self, region: Option<&str>) -> &CallingWindow {
        region.and_then(|r| self.countries.get(r)).unwrap_or(self)
    }

    fn allows_day(&self, day: Weekday) -> bool {
        let iso = u8::try_from(day.number_from_monday()).unwrap_or(0);
        self.days.contains(&iso)
    }
}

/// The instant a local wall-clock time happens; in a spring-forward gap, the first instant after.
fn local_instant(tz: Tz, date: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    let mut naive = date.and_time(time);
    for _ in 0..4 {
        match tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
            // Fall back: the earlier of the two is the first moment that wall time is reached.
            LocalResult::Ambiguous(earliest, _) => return Some(earliest.with_timezone(&Utc)),
            // Spring forward: this wall time does not exist; try 30 minutes later.
            LocalResult::None => naive += Duration::minutes(30),
        }
    }
    None
}

/// `None` when a call may be placed at `now`; otherwise when the window next opens.
///
/// A window that can never open (see [`CallingWindow::validate`]) yields `None` so a
/// misconfiguration cannot stall a lead forever; campaigns are validated when they start.
pub fn next_opening(now: DateTime<Utc>, tz: Tz, window: &CallingWindow) -> Option<DateTime<Utc>> {
    if window.validate().is_err() {
        return None;
    }
    let today = now.with_timezone(&tz).date_naive();
    for offset in 0..=7 {
        let date = today + Duration::days(offset);
        if !window.allows_day(date.weekday()) {
            continue;
        }
        let (Some(open), Some(close)) = (
            local_instant(tz, date, window.start_minute),
            local_instant(tz, date, window.end_minute.min(1439)),
        ) else {
            continue;
        };
        // An end of 1440 means "until midnight".
        let close = if window.end_minute == 1440 {
            close + Duration::minutes(1)
        } else {
            close
        };
        if now < open {
            return Some(open);
        }
        if now < close {
            return None;
        }
    }
    None
}

/// The calling window never opens in all the given zones at once within a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the calling window never opens in all of the lead's time zones at once")]
pub struct NoCommonWindow;

/// Like [`next_opening`], for a lead that may be in any of `zones`: `None` when the window is
/// open in every zone now, else the first instant it is.
pub fn next_common_opening(
    now: DateTime<Utc>,
    zones: &[Tz],
    window: &CallingWindow,
) -> Result<Option<DateTime<Utc>>, NoCommonWindow> {
    let mut at = now;
    // Each round moves to the latest opening among the zones; a week of rounds is plenty.
    for _ in 0..64 {
        match zones
            .iter()
            .filter_map(|tz| next_opening(at, *tz, window))
            .max()
        {
            None => return Ok((at > now).then_some(at)),
            Some(later) if later > now + Duration::days(8) => return Err(NoCommonWindow),
            Some(later) => at = later,
        }
    }
    Err(NoCommonWindow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_country_override_replaces_the_window_for_its_numbers_only() {
        let mut w = CallingWindow::default();
        let france = CallingWindow {
            start_minute: 10 * 60,
            end_minute: 20 * 60,
            days: vec![1, 2, 3, 4, 5],
            ..CallingWindow::default()
        };
        w.countries.insert("FR".into(), france.clone());
        assert_eq!(w.validate(), Ok(()));
        assert_eq!(w.for_region(Some("FR")), &france);
        assert_eq!(w.for_region(Some("DE")), &w);
        assert_eq!(w.for_region(None), &w);
        // 09:00 in Paris on a Tuesday: open by default, closed under the French override.
        let tuesday_nine = utc("2026-11-24T08:00:00Z");
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            next_opening(tuesday_nine, paris, w.for_region(Some("DE"))),
            None
        );
        assert_eq!(
            next_opening(tuesday_nine, paris, w.for_region(Some("FR"))),
            Some(utc("2026-11-24T09:00:00Z"))
        );
        // Saturday: the override waits for Monday 10:00.
        assert_eq!(
            next_opening(utc("2026-11-28T12:00:00Z"), paris, &france),
            Some(utc("2026-11-30T09:00:00Z"))
        );
        // Overrides are checked like the window, by an ISO code, one level deep.
        let mut bad = CallingWindow::default();
        bad.countries.insert("fr".into(), france.clone());
        assert_eq!(bad.validate(), Err(WindowError::Country("fr".into())));
        let mut nested = france.clone();
        nested.countries.insert("BE".into(), france.clone());
        let mut bad = CallingWindow::default();
        bad.countries.insert("FR".into(), nested);
        assert!(bad.validate().is_err());
        // Serialised without the field when empty, so recorded workflow inputs stay as they were.
        assert!(
            !serde_json::to_string(&CallingWindow::default())
                .unwrap()
                .contains("countries")
        );
    }

    #[test]
    fn inside_the_window_calls_now() {
        let w = CallingWindow::default();
        // 10:00 in New York.
        assert_eq!(
            next_opening(
                utc("2026-11-24T15:00:00Z"),
                chrono_tz::America::New_York,
                &w
            ),
            None
        );
        // 20:59 in Jerusalem.
        assert_eq!(
            next_opening(utc("2026-11-24T18:59:00Z"), chrono_tz::Asia::Jerusalem, &w),
            None
        );
    }

    #[test]
    fn before_opening_waits_for_eight_local() {
        let w = CallingWindow::default();
        // 06:00 in Paris waits until 08:00 Paris (07:00 UTC in winter).
        assert_eq!(
            next_opening(utc("2026-11-24T05:00:00Z"), chrono_tz::Europe::Paris, &w),
            Some(utc("2026-11-24T07:00:00Z"))
        );
    }

    #[test]
    fn after_closing_waits_for_tomorrow() {
        let w = CallingWindow::default();
        // 21:00 in Los Angeles is closed: next is 08:00 the next day (16:00 UTC).
        assert_eq!(
            next_opening(
                utc("2026-11-25T05:00:00Z"),
                chrono_tz::America::Los_Angeles,
                &w
            ),
            Some(utc("2026-11-25T16:00:00Z"))
        );
    }

    #[test]
    fn skips_days_not_allowed() {
        let w = CallingWindow {
            days: vec![1, 2, 3, 4, 5],
            ..CallingWindow::default()
        };
        // Saturday 2026-11-28 10:00 in Berlin: wait for Monday 08:00 Berlin.
        assert_eq!(
            next_opening(utc("2026-11-28T09:00:00Z"), chrono_tz::Europe::Berlin, &w),
            Some(utc("2026-11-30T07:00:00Z"))
        );
    }

    #[test]
    fn opening_follows_daylight_saving_changes() {
        let w = CallingWindow::default();
        // US DST starts 2026-03-08: 08:00 New York is 13:00 UTC the day before, 12:00 UTC after.
        assert_eq!(
            next_opening(
                utc("2026-03-08T03:00:00Z"),
                chrono_tz::America::New_York,
                &w
            ),
            Some(utc("2026-03-08T12:00:00Z"))
        );
        // A window opening at 02:30 on the night the clocks skip it opens at 03:00 local.
        let night = CallingWindow {
            start_minute: 150,
            end_minute: 300,
            ..CallingWindow::default()
        };
        assert_eq!(
            next_opening(
                utc("2026-03-08T05:00:00Z"),
                chrono_tz::America::New_York,
                &night
            ),
            Some(utc("2026-03-08T07:00:00Z"))
        );
    }

    #[test]
    fn several_zones_wait_for_the_window_to_open_in_all() {
        let w = CallingWindow::default();
        let zones = [
            chrono_tz::America::New_York,
            chrono_tz::America::Los_Angeles,
        ];
        // 09:00 in New York is 06:00 in Los Angeles: wait for 08:00 there (16:00 UTC).
        assert_eq!(
            next_common_opening(utc("2026-11-24T14:00:00Z"), &zones, &w),
            Ok(Some(utc("2026-11-24T16:00:00Z")))
        );
        assert_eq!(
            next_common_opening(utc("2026-11-24T17:00:00Z"), &zones, &w),
            Ok(None)
        );
        // 21:00 in New York (18:00 in LA) closes it for both: tomorrow 08:00 LA.
        assert_eq!(
            next_common_opening(utc("2026-11-25T02:00:00Z"), &zones, &w),
            Ok(Some(utc("2026-11-25T16:00:00Z")))
        );
        // Guam's clock is 4 hours behind Hawaii's (a day ahead): a morning window never overlaps.
        let mornings = CallingWindow {
            start_minute: 480,
            end_minute: 720,
            ..CallingWindow::default()
        };
        let apart = [chrono_tz::Pacific::Guam, chrono_tz::Pacific::Honolulu];
        assert_eq!(
            next_common_opening(utc("2026-11-24T14:00:00Z"), &apart, &mornings),
            Err(NoCommonWindow)
        );
    }

    #[test]
    fn whole_day_window_is_always_open_and_bad_windows_are_rejected() {
        let always = CallingWindow {
            start_minute: 0,
            end_minute: 1440,
            ..CallingWindow::default()
        };
        assert_eq!(
            next_opening(utc("2026-11-24T23:59:30Z"), chrono_tz::UTC, &always),
            None
        );
        assert_eq!(
            CallingWindow {
                start_minute: 600,
                end_minute: 600,
                ..CallingWindow::default()
            }
            .validate(),
            Err(WindowError::Hours)
        );
        assert_eq!(
            CallingWindow {
                days: vec![],
                ..CallingWindow::default()
            }
            .validate(),
            Err(WindowError::Days)
        );
        assert_eq!(
            CallingWindow {
                days: vec![0],
                ..CallingWindow::default()
            }
            .validate(),
            Err(WindowError::Days)
        );
    }
}
