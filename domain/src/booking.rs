//! Meeting slots: which times may be offered to a lead, which few to propose, and how to say them.
//!
//! The sales team's business hours are wall-clock times in their own zone ([`BookingRules`]);
//! [`free_slots`] lays a grid of slots over them, removes the ones too close to a busy block or
//! outside the lead's waking hours, and [`offer`] picks the handful the agent proposes.
//! [`slot_label`] renders one in the lead's language and zone.
//!
//! The grid rule: on every business day, slots start at `opens` and every `slot_minutes` after
//! it (09:00, 09:30, 10:00 ... with 30-minute slots), local wall-clock time, the last one ending
//! by `closes`. The buffer is not part of the grid: it only keeps a slot away from busy blocks
//! (which include meetings already booked).

use crate::Language;
use crate::phrases::phrases;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A span of time, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// First instant.
    pub start: DateTime<Utc>,
    /// First instant after.
    pub end: DateTime<Utc>,
}

/// When meetings may be booked: the sales team's business hours and the spacing rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingRules {
    /// IANA zone the business hours are in.
    pub timezone: String,
    /// Business days.
    pub days: Vec<Weekday>,
    /// Start of business hours, local wall-clock time (`"HH:MM"` in JSON); the first slot starts here.
    #[serde(with = "hhmm")]
    pub opens: NaiveTime,
    /// End of business hours, local wall-clock time (`"HH:MM"`); the last slot ends by it.
    #[serde(with = "hhmm")]
    pub closes: NaiveTime,
    /// Length of a meeting, and the step of the slot grid.
    pub slot_minutes: u32,
    /// Free time required between a slot and any busy block.
    pub buffer_minutes: u32,
    /// The earliest slot starts at least this long after now.
    pub min_notice_minutes: u32,
    /// The latest slot ends at most this many days after now.
    pub lookahead_days: u32,
    /// A slot must start at or after this time in the lead's zone (`"HH:MM"`).
    #[serde(with = "hhmm")]
    pub lead_earliest: NaiveTime,
    /// A slot must end by this time in the lead's zone (`"HH:MM"`).
    #[serde(with = "hhmm")]
    pub lead_latest: NaiveTime,
}

fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            timezone: "UTC".to_owned(),
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            opens: hm(9, 0),
            closes: hm(17, 0),
            slot_minutes: 30,
            buffer_minutes: 15,
            min_notice_minutes: 120,
            lookahead_days: 14,
            lead_earliest: hm(8, 0),
            lead_latest: hm(20, 0),
        }
    }
}

/// Booking rules that cannot be honoured as configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    /// `timezone` is not an IANA zone name.
    #[error("booking rules: unknown time zone '{0}'")]
    Timezone(String),
    /// `opens` not before `closes`, or `lead_earliest` not before `lead_latest`.
    #[error("booking rules: opening times must be before closing times")]
    Hours,
    /// No business day.
    #[error("booking rules: at least one business day is required")]
    Days,
    /// Slot length zero or longer than a day, or lookahead beyond a year.
    #[error("booking rules: slot_minutes must be 1..=1440 and lookahead_days at most 366")]
    Limits,
}

impl BookingRules {
    /// Checks the rules and returns the business zone.
    pub fn validate(&self) -> Result<Tz, BookingError> {
        let tz: Tz = self
            .timezone
            .parse()
            .map_err(|_| BookingError::Timezone(self.timezone.clone()))?;
        if self.opens >= self.closes || self.lead_earliest >= self.lead_latest {
            return Err(BookingError::Hours);
        }
        if self.days.is_empty() {
            return Err(BookingError::Days);
        }
        if !(1..=1440).contains(&self.slot_minutes) || self.lookahead_days > 366 {
            return Err(BookingError::Limits);
        }
        Ok(tz)
    }
}

/// `"HH:MM"` (seconds accepted on input) for [`NaiveTime`] fields.
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
            .map_err(|_| D::Error::custom(format!("expected a time as HH:MM, got '{text}'")))
    }
}

/// The instant a local wall-clock time happens: the earlier one when the clocks fall back, none
/// when they spring forward over it (that slot does not exist that day).
fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earliest, _) => Some(earliest.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// Busy blocks sorted and merged, so their ends are sorted too. Blocks ending before they
/// start are ignored.
fn merge(busy: &[Interval]) -> Vec<Interval> {
    let mut sorted: Vec<Interval> = busy.iter().filter(|b| b.end >= b.start).copied().collect();
    sorted.sort();
    let mut merged: Vec<Interval> = Vec::with_capacity(sorted.len());
    for block in sorted {
        match merged.last_mut() {
            Some(last) if block.start <= last.end => last.end = last.end.max(block.end),
            _ => merged.push(block),
        }
    }
    merged
}

/// Whether `slot`, widened by `buffer` on both sides, overlaps a (merged) busy block.
fn clashes(merged: &[Interval], slot: Interval, buffer: Duration) -> bool {
    let from = slot.start - buffer;
    let to = slot.end + buffer;
    let first_not_before = merged.partition_point(|b| b.end <= from);
    merged.get(first_not_before).is_some_and(|b| b.start < to)
}

/// Whether `slot` starts at or after `lead_earliest` and ends by `lead_latest` of the same day
/// in the lead's zone.
fn suits_lead(slot: Interval, rules: &BookingRules, lead_tz: Tz) -> bool {
    let start = slot.start.with_timezone(&lead_tz).naive_local();
    let end = slot.end.with_timezone(&lead_tz).naive_local();
    start.time() >= rules.lead_earliest && end <= start.date().and_time(rules.lead_latest)
}

/// Every slot that may be offered, chronologically.
///
/// A slot is on the grid described in the [module docs](self) and:
/// - starts at least `min_notice_minutes` after `now` and ends at most `lookahead_days` after it;
/// - lies inside business hours on a business day in the business zone (wall-clock times, so
///   its UTC time moves with daylight saving; a grid time the clocks skip is left out, and one
///   they repeat is taken the first time);
/// - starts after `lead_earliest` and ends before `lead_latest` of one day in `lead_tz`;
/// - keeps `buffer_minutes` clear of every `busy` block (blocks may overlap, be unsorted, or
///   have zero length).
///
/// Rules that do not [validate](BookingRules::validate) yield no slot.
pub fn free_slots(
    now: DateTime<Utc>,
    busy: &[Interval],
    rules: &BookingRules,
    lead_tz: Tz,
) -> Vec<Interval> {
    let Ok(tz) = rules.validate() else {
        return Vec::new();
    };
    let length = Duration::minutes(i64::from(rules.slot_minutes));
    let buffer = Duration::minutes(i64::from(rules.buffer_minutes));
    let (Some(earliest), Some(horizon)) = (
        now.checked_add_signed(Duration::minutes(i64::from(rules.min_notice_minutes))),
        now.checked_add_signed(Duration::days(i64::from(rules.lookahead_days) + 1)),
    ) else {
        return Vec::new();
    };
    // One spare day above keeps the grid's arithmetic clear of the end of time.
    let horizon = horizon - Duration::days(1);
    let busy = merge(busy);

    let first_day = now.with_timezone(&tz).date_naive();
    let last_day = horizon.with_timezone(&tz).date_naive();
    let mut slots = Vec::new();
    for day in first_day.iter_days().take_while(|d| *d <= last_day) {
        if !rules.days.contains(&day.weekday()) {
            continue;
        }
        let close = day.and_time(rules.closes);
        let mut local = day.and_time(rules.opens);
        while local + length <= close {
            if let Some(start) = instant(tz, local) {
                let slot = Interval {
                    start,
                    end: start + length,
                };
                if slot.start >= earliest
                    && slot.end <= horizon
                    && slot.end.with_timezone(&tz).naive_local() <= close
                    && suits_lead(slot, rules, lead_tz)
                    && !clashes(&busy, slot, buffer)
                {
                    slots.push(slot);
                }
            }
            local += length;
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

/// Minimum time between the starts of two offered slots, so a caller hears 09:00, 11:00, 14:00
/// rather than 09:00, 09:30, 10:00.
pub const OFFER_SPACING_MINUTES: i64 = 120;

/// With `spread`, the offer is drawn from this many candidates per slot offered.
pub const SPREAD_POOL_PER_SLOT: usize = 4;

/// The slots to propose to a caller: at most `count` of `free`, chronological.
///
/// 1. Slots starting before `not_before` (e.g. the start of tomorrow, for "another day") are
///    dropped.
/// 2. If `preferred` is exactly the start of a remaining slot, that slot is offered first (the
///    only exception to chronological order) and counts towards `count`.
/// 3. The other candidates are ranked: by distance from `preferred` when one is given (free or
///    not; ties go to the earlier slot), else chronologically.
/// 4. With `spread: Some(seed)` (after the slot a caller wanted was taken by a concurrent caller)
///    only the best `SPREAD_POOL_PER_SLOT * count` candidates are kept, in an order shuffled
///    deterministically from `seed`, so callers who lost the same slot do not all race for the
///    same next one. Derive the seed from something stable, such as the call id, so a replay
///    makes the same offer.
/// 5. Picks are taken in rank order, skipping any that starts within
///    [`OFFER_SPACING_MINUTES`] of a slot already picked; if that leaves fewer than `count`,
///    the skipped ones fill up, again in rank order.
pub fn offer(
    free: &[Interval],
    preferred: Option<DateTime<Utc>>,
    not_before: Option<DateTime<Utc>>,
    count: usize,
    spread: Option<u64>,
) -> Vec<Interval> {
    if count == 0 {
        return Vec::new();
    }
    let mut candidates: Vec<Interval> = free
        .iter()
        .filter(|s| not_before.is_none_or(|limit| s.start >= limit))
        .copied()
        .collect();
    candidates.sort();
    candidates.dedup();

    let first = preferred
        .and_then(|p| candidates.iter().position(|s| s.start == p))
        .map(|i| candidates.remove(i));
    if let Some(p) = preferred {
        candidates.sort_by_key(|s| ((s.start - p).abs(), s.start));
    }
    if let Some(seed) = spread {
        candidates.truncate(SPREAD_POOL_PER_SLOT.saturating_mul(count));
        shuffle(&mut candidates, seed);
    }

    let mut picked: Vec<Interval> = first.into_iter().collect();
    let spacing = Duration::minutes(OFFER_SPACING_MINUTES);
    let mut skipped = Vec::new();
    for slot in candidates {
        if picked.len() == count {
            break;
        }
        if picked
            .iter()
            .all(|p| (p.start - slot.start).abs() >= spacing)
        {
            picked.push(slot);
        } else {
            skipped.push(slot);
        }
    }
    let missing = count - picked.len();
    picked.extend(skipped.into_iter().take(missing));

    let pinned = usize::from(first.is_some());
    picked[pinned..].sort();
    picked
}

/// SplitMix64: a tiny, well-mixed deterministic generator.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fisher–Yates shuffle driven by [`next_random`].
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        let bound = u64::try_from(i + 1).unwrap_or(u64::MAX);
        let j = usize::try_from(next_random(&mut state) % bound).unwrap_or(0);
        items.swap(i, j);
    }
}

/// How the agent says a slot: in the lead's language and zone, e.g. "Thursday 26 November at
/// 14:00" or "jeudi 26 novembre à 14h00".
///
/// Weekday and month names and the pattern (`slot_label`, with `{weekday}`, `{day}`, `{month}`,
/// `{hour}` and `{minute}`) come from the language's file in `domain/lang/`.
pub fn slot_label(start: DateTime<Utc>, lead_tz: Tz, language: Language) -> String {
    let p = phrases(language);
    let local = start.with_timezone(&lead_tz);
    let weekday = usize::try_from(local.weekday().num_days_from_monday())
        .ok()
        .and_then(|i| p.weekdays.get(i))
        .cloned()
        .unwrap_or_else(|| local.format("%A").to_string());
    let month = usize::try_from(local.month0())
        .ok()
        .and_then(|i| p.months.get(i))
        .cloned()
        .unwrap_or_else(|| local.format("%B").to_string());
    let day = match (local.day(), &p.first_of_month) {
        (1, Some(first)) => first.clone(),
        (day, _) => day.to_string(),
    };
    p.slot_label
        .replace("{weekday}", &weekday)
        .replace("{day}", &day)
        .replace("{month}", &month)
        .replace("{hour}", &local.hour().to_string())
        .replace("{minute}", &format!("{:02}", local.minute()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn slot(start: &str, minutes: i64) -> Interval {
        let start = utc(start);
        Interval {
            start,
            end: start + Duration::minutes(minutes),
        }
    }

    fn rules_in(zone: &str) -> BookingRules {
        BookingRules {
            timezone: zone.to_owned(),
            ..BookingRules::default()
        }
    }

    /// The local wall-clock start times of the slots on one local date.
    fn local_starts(slots: &[Interval], tz: Tz, date: &str) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.with_timezone(&tz))
            .filter(|t| t.date_naive().to_string() == date)
            .map(|t| t.format("%H:%M").to_string())
            .collect()
    }

    fn utc_starts(slots: &[Interval]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.start.format("%Y-%m-%dT%H:%M").to_string())
            .collect()
    }

    #[test]
    fn default_rules_make_a_weekday_grid_of_half_hours() {
        let rules = BookingRules::default();
        assert_eq!(rules.validate(), Ok(chrono_tz::UTC));
        // Monday 2026-11-23 06:00 UTC: min notice moves the first slot to 09:00 anyway.
        let slots = free_slots(utc("2026-11-23T06:00:00Z"), &[], &rules, chrono_tz::UTC);
        let monday = local_starts(&slots, chrono_tz::UTC, "2026-11-23");
        assert_eq!(monday.len(), 16);
        assert_eq!(monday.first().map(String::as_str), Some("09:00"));
        assert_eq!(monday.last().map(String::as_str), Some("16:30"));
        assert!(
            slots
                .iter()
                .all(|s| s.end - s.start == Duration::minutes(30))
        );
        assert!(slots.windows(2).all(|w| w[0].start < w[1].start));
    }

    #[test]
    fn weekends_are_skipped() {
        let slots = free_slots(
            utc("2026-11-27T18:00:00Z"), // Friday evening
            &[],
            &BookingRules::default(),
            chrono_tz::UTC,
        );
        assert_eq!(slots[0].start, utc("2026-11-30T09:00:00Z"));
        for date in ["2026-11-28", "2026-11-29", "2026-12-05", "2026-12-06"] {
            assert!(
                local_starts(&slots, chrono_tz::UTC, date).is_empty(),
                "{date}"
            );
        }
    }

    #[test]
    fn min_notice_is_respected() {
        let rules = BookingRules::default();
        // 10:10 with two hours' notice: 12:10 at the earliest, so the first slot is 12:30.
        let slots = free_slots(utc("2026-11-24T10:10:00Z"), &[], &rules, chrono_tz::UTC);
        assert_eq!(slots[0].start, utc("2026-11-24T12:30:00Z"));
        // Exactly on the grid counts.
        let slots = free_slots(utc("2026-11-24T10:00:00Z"), &[], &rules, chrono_tz::UTC);
        assert_eq!(slots[0].start, utc("2026-11-24T12:00:00Z"));
    }

    #[test]
    fn lookahead_is_respected() {
        let rules = BookingRules {
            lookahead_days: 2,
            ..BookingRules::default()
        };
        // Tuesday 12:00: up to Thursday 12:00, so Thursday's last slot is 11:30-12:00.
        let slots = free_slots(utc("2026-11-24T12:00:00Z"), &[], &rules, chrono_tz::UTC);
        let last = slots.last().unwrap();
        assert_eq!(*last, slot("2026-11-26T11:30:00Z", 30));
        let none = BookingRules {
            lookahead_days: 0,
            ..BookingRules::default()
        };
        assert!(free_slots(utc("2026-11-24T06:00:00Z"), &[], &none, chrono_tz::UTC).is_empty());
    }

    #[test]
    fn busy_blocks_keep_a_buffer_and_may_overlap_unsorted() {
        let rules = BookingRules {
            lookahead_days: 1,
            min_notice_minutes: 0,
            ..BookingRules::default()
        };
        let busy = [
            slot("2026-11-24T14:00:00Z", 60),  // 14:00-15:00
            slot("2026-11-24T10:00:00Z", 30),  // 10:00-10:30
            slot("2026-11-24T10:15:00Z", 30),  // overlaps: 10:00-10:45 together
            slot("2026-11-24T12:40:00Z", 0),   // a zero-length block
            slot("2026-11-24T16:00:00Z", -30), // ends before it starts: ignored
        ];
        let slots = free_slots(utc("2026-11-24T08:00:00Z"), &busy, &rules, chrono_tz::UTC);
        assert_eq!(
            local_starts(&slots, chrono_tz::UTC, "2026-11-24"),
            // 09:30 would end 0 min before 10:00; the merged 10:00-10:45 block frees 11:00;
            // 12:00 ends 10 min before the 12:40 point and 12:30 contains it; 13:00 ends 30 min
            // before 14:00; 15:00 starts right at the end of 14:00-15:00.
            [
                "09:00", "11:00", "11:30", "13:00", "15:30", "16:00", "16:30"
            ]
        );
        // A buffer of zero lets meetings touch busy blocks.
        let tight = BookingRules {
            buffer_minutes: 0,
            ..rules
        };
        let slots = free_slots(utc("2026-11-24T08:00:00Z"), &busy, &tight, chrono_tz::UTC);
        let day = local_starts(&slots, chrono_tz::UTC, "2026-11-24");
        assert!(day.contains(&"09:30".to_owned()) && day.contains(&"15:00".to_owned()));
        assert!(!day.contains(&"12:30".to_owned()) && !day.contains(&"10:30".to_owned()));
    }

    #[test]
    fn slots_follow_european_daylight_saving_changes() {
        let paris = Europe::Paris;
        let rules = rules_in("Europe/Paris");
        // Spring forward on Sunday 2026-03-29: Friday 09:00 is 08:00 UTC, Monday 09:00 is 07:00 UTC.
        let slots = free_slots(utc("2026-03-27T05:00:00Z"), &[], &rules, paris);
        assert_eq!(local_starts(&slots, paris, "2026-03-27")[0], "09:00");
        assert_eq!(local_starts(&slots, paris, "2026-03-30")[0], "09:00");
        assert!(slots.contains(&slot("2026-03-27T08:00:00Z", 30)));
        assert!(slots.contains(&slot("2026-03-30T07:00:00Z", 30)));
        assert_eq!(
            local_starts(&slots, paris, "2026-03-30").last().unwrap(),
            "16:30"
        );
        // Fall back on Sunday 2026-10-25: Friday 09:00 is 07:00 UTC, Monday 09:00 is 08:00 UTC.
        let slots = free_slots(utc("2026-10-23T04:00:00Z"), &[], &rules, paris);
        assert!(slots.contains(&slot("2026-10-23T07:00:00Z", 30)));
        assert!(slots.contains(&slot("2026-10-26T08:00:00Z", 30)));
        assert_eq!(local_starts(&slots, paris, "2026-10-26")[0], "09:00");
        assert_eq!(local_starts(&slots, paris, "2026-10-26").len(), 16);
    }

    #[test]
    fn slots_follow_us_daylight_saving_changes() {
        let ny = America::New_York;
        let rules = rules_in("America/New_York");
        // Spring forward on Sunday 2026-03-08: 09:00 is 14:00 UTC on Friday, 13:00 UTC on Monday.
        let slots = free_slots(utc("2026-03-06T10:00:00Z"), &[], &rules, ny);
        assert_eq!(slots[0], slot("2026-03-06T14:00:00Z", 30));
        assert!(slots.contains(&slot("2026-03-09T13:00:00Z", 30)));
        assert_eq!(local_starts(&slots, ny, "2026-03-09")[0], "09:00");
        // Fall back on Sunday 2026-11-01: 09:00 is 13:00 UTC on Friday, 14:00 UTC on Monday.
        let slots = free_slots(utc("2026-10-30T10:00:00Z"), &[], &rules, ny);
        assert_eq!(slots[0], slot("2026-10-30T13:00:00Z", 30));
        assert!(slots.contains(&slot("2026-11-02T14:00:00Z", 30)));
        assert_eq!(local_starts(&slots, ny, "2026-11-02")[0], "09:00");
    }

    #[test]
    fn night_hours_across_the_clock_changes_do_not_panic() {
        // Business hours over the skipped and the repeated hour, on Sundays.
        let rules = BookingRules {
            timezone: "America/New_York".to_owned(),
            days: vec![Weekday::Sun],
            opens: hm(1, 0),
            closes: hm(4, 0),
            lead_earliest: hm(0, 0),
            lead_latest: hm(23, 59),
            buffer_minutes: 0,
            min_notice_minutes: 0,
            ..BookingRules::default()
        };
        let ny = America::New_York;
        // 2026-03-08: 02:00-03:00 does not exist, so 02:00 and 02:30 are left out.
        let spring = free_slots(utc("2026-03-08T00:00:00Z"), &[], &rules, ny);
        assert_eq!(
            local_starts(&spring, ny, "2026-03-08"),
            ["01:00", "01:30", "03:00", "03:30"]
        );
        // 2026-11-01: 01:00-02:00 happens twice; each slot is taken the first time.
        let fall = free_slots(utc("2026-11-01T00:00:00Z"), &[], &rules, ny);
        assert_eq!(fall[0].start, utc("2026-11-01T05:00:00Z")); // 01:00 EDT
        assert!(
            fall.iter()
                .all(|s| s.end - s.start == Duration::minutes(30))
        );
    }

    #[test]
    fn lead_hours_limit_slots_across_zones() {
        // Business in Jerusalem 09:00-17:00 is 23:00-07:00 in Los Angeles: nothing suits the lead.
        let rules = rules_in("Asia/Jerusalem");
        let now = utc("2026-11-23T00:00:00Z");
        assert!(free_slots(now, &[], &rules, America::Los_Angeles).is_empty());
        // A lead in New York (7 hours behind) gets 15:00-17:00 Jerusalem, i.e. 08:00-10:00 theirs.
        let slots = free_slots(now, &[], &rules, America::New_York);
        assert!(!slots.is_empty());
        let jerusalem = local_starts(&slots, Asia::Jerusalem, "2026-11-24");
        assert_eq!(jerusalem, ["15:00", "15:30", "16:00", "16:30"]);
        assert_eq!(
            local_starts(&slots, America::New_York, "2026-11-24")[0],
            "08:00"
        );
        // With later business hours in Jerusalem, Los Angeles overlaps from 08:00 LA (18:00 IL).
        let late = BookingRules {
            closes: hm(20, 0),
            ..rules
        };
        let slots = free_slots(now, &[], &late, America::Los_Angeles);
        assert_eq!(
            local_starts(&slots, Asia::Jerusalem, "2026-11-24"),
            ["18:00", "18:30", "19:00", "19:30"]
        );
    }

    #[test]
    fn invalid_rules_yield_nothing() {
        let now = utc("2026-11-23T00:00:00Z");
        for (rules, error) in [
            (
                rules_in("Mars/Olympus"),
                BookingError::Timezone("Mars/Olympus".into()),
            ),
            (
                BookingRules {
                    opens: hm(17, 0),
                    ..BookingRules::default()
                },
                BookingError::Hours,
            ),
            (
                BookingRules {
                    days: vec![],
                    ..BookingRules::default()
                },
                BookingError::Days,
            ),
            (
                BookingRules {
                    slot_minutes: 0,
                    ..BookingRules::default()
                },
                BookingError::Limits,
            ),
        ] {
            assert_eq!(rules.validate(), Err(error));
            assert!(free_slots(now, &[], &rules, chrono_tz::UTC).is_empty());
        }
    }

    #[test]
    fn rules_read_hours_as_hh_mm_and_fill_defaults() {
        let rules: BookingRules = serde_json::from_str(
            r#"{"timezone":"Europe/Berlin","days":["Mon","Wednesday"],"opens":"08:30","closes":"12:00:00"}"#,
        )
        .unwrap();
        assert_eq!(rules.opens, hm(8, 30));
        assert_eq!(rules.closes, hm(12, 0));
        assert_eq!(rules.days, [Weekday::Mon, Weekday::Wed]);
        assert_eq!(rules.slot_minutes, 30);
        let json = serde_json::to_value(&rules).unwrap();
        assert_eq!(json["opens"], "08:30");
        assert_eq!(json["lead_latest"], "20:00");
        let back: BookingRules = serde_json::from_value(json).unwrap();
        assert_eq!(back, rules);
        assert!(serde_json::from_str::<BookingRules>(r#"{"opens":"9am"}"#).is_err());
    }

    /// Every half hour 09:00-17:00 UTC on Tuesday to Thursday, 24-26 November 2026.
    fn three_days() -> Vec<Interval> {
        free_slots(
            utc("2026-11-24T00:00:00Z"),
            &[],
            &BookingRules {
                lookahead_days: 3,
                min_notice_minutes: 0,
                ..BookingRules::default()
            },
            chrono_tz::UTC,
        )
    }

    #[test]
    fn offers_are_spaced_two_hours_apart() {
        let free = three_days();
        let offered = offer(&free, None, None, 3, None);
        assert_eq!(
            utc_starts(&offered),
            ["2026-11-24T09:00", "2026-11-24T11:00", "2026-11-24T13:00"]
        );
        // Gaps in availability: the next pick is the first slot two hours after the previous.
        let sparse: Vec<Interval> = ["09:00", "09:30", "10:00", "11:30", "14:00"]
            .iter()
            .map(|t| slot(&format!("2026-11-24T{t}:00Z"), 30))
            .collect();
        assert_eq!(
            utc_starts(&offer(&sparse, None, None, 3, None)),
            ["2026-11-24T09:00", "2026-11-24T11:30", "2026-11-24T14:00"]
        );
        // Too few spaced slots: the closer ones fill up, still chronological.
        assert_eq!(
            utc_starts(&offer(&sparse[..3], None, None, 3, None)),
            ["2026-11-24T09:00", "2026-11-24T09:30", "2026-11-24T10:00"]
        );
        assert!(offer(&free, None, None, 0, None).is_empty());
        assert!(offer(&[], None, None, 3, None).is_empty());
    }

    #[test]
    fn not_before_moves_the_offer_to_another_day() {
        let free = three_days();
        let offered = offer(&free, None, Some(utc("2026-11-25T00:00:00Z")), 2, None);
        assert_eq!(
            utc_starts(&offered),
            ["2026-11-25T09:00", "2026-11-25T11:00"]
        );
    }

    #[test]
    fn a_free_preferred_slot_comes_first_then_nearby_ones() {
        let free = three_days();
        let offered = offer(&free, Some(utc("2026-11-25T14:00:00Z")), None, 3, None);
        assert_eq!(
            utc_starts(&offered),
            ["2026-11-25T14:00", "2026-11-25T12:00", "2026-11-25T16:00"]
        );
        // Taken: the nearest spaced alternatives, chronologically.
        let without: Vec<Interval> = free
            .iter()
            .filter(|s| s.start != utc("2026-11-25T14:00:00Z"))
            .copied()
            .collect();
        let offered = offer(&without, Some(utc("2026-11-25T14:00:00Z")), None, 3, None);
        assert_eq!(
            utc_starts(&offered),
            ["2026-11-25T11:30", "2026-11-25T13:30", "2026-11-25T15:30"]
        );
        // A preferred slot before `not_before` is not offered.
        let offered = offer(
            &free,
            Some(utc("2026-11-24T10:00:00Z")),
            Some(utc("2026-11-25T00:00:00Z")),
            1,
            None,
        );
        assert_eq!(utc_starts(&offered), ["2026-11-25T09:00"]);
    }

    #[test]
    fn spread_is_deterministic_and_varies_with_the_seed() {
        let free = three_days();
        let a = offer(&free, None, None, 3, Some(42));
        assert_eq!(a, offer(&free, None, None, 3, Some(42)));
        assert_eq!(a.len(), 3);
        assert!(a.windows(2).all(|w| w[0].start < w[1].start));
        // Drawn from the earliest 12 slots (09:00-14:30 on the first day).
        let pool = &free[..SPREAD_POOL_PER_SLOT * 3];
        assert!(a.iter().all(|s| pool.contains(s)));
        let offers: std::collections::HashSet<Vec<Interval>> = (0..20)
            .map(|seed| offer(&free, None, None, 3, Some(seed)))
            .collect();
        assert!(offers.len() >= 5, "only {} distinct offers", offers.len());
        assert_ne!(
            offer(&free, None, None, 3, Some(1)),
            offer(&free, None, None, 3, Some(2))
        );
        // The first picks are still spaced when the pool allows it.
        for seed in 0..20 {
            let o = offer(&free, None, None, 2, Some(seed));
            assert!(o[1].start - o[0].start >= Duration::minutes(OFFER_SPACING_MINUTES));
        }
        // Different seeds lead to different first slots across a crowd of callers.
        let firsts: std::collections::HashSet<DateTime<Utc>> = (0..20)
            .map(|seed| offer(&free, None, None, 1, Some(seed))[0].start)
            .collect();
        assert!(firsts.len() >= 3);
    }

    #[test]
    fn labels_in_every_language() {
        let start = utc("2026-11-26T13:00:00Z");
        let paris = Europe::Paris; // 14:00 there
        let cases = [
            (Language::En, "Thursday 26 November at 14:00"),
            (Language::Fr, "jeudi 26 novembre à 14h00"),
            (Language::De, "Donnerstag, 26. November um 14:00 Uhr"),
            (Language::Es, "jueves 26 de noviembre a las 14:00"),
            (Language::He, "יום חמישי, 26 בנובמבר בשעה 14:00"),
            (Language::Ar, "يوم الخميس 26 نوفمبر الساعة 14:00"),
            (Language::It, "giovedì 26 novembre alle 14:00"),
            (Language::Pt, "quinta-feira, 26 de novembro, às 14:00"),
            (Language::Nl, "donderdag 26 november om 14:00"),
            (Language::Ru, "в четверг, 26 ноября, в 14:00"),
            (Language::Pl, "w czwartek, 26 listopada, o 14:00"),
            (Language::Tr, "26 Kasım Perşembe, saat 14:00"),
            (Language::Ja, "11月26日（木曜日）14:00"),
            (Language::Hi, "गुरुवार, 26 नवंबर को 14:00 बजे"),
            (Language::Zh, "11月26日（星期四）14:00"),
        ];
        assert_eq!(cases.len(), Language::ALL.len());
        for (language, expected) in cases {
            assert_eq!(slot_label(start, paris, language), expected, "{language}");
        }
    }

    #[test]
    fn labels_use_the_lead_zone_and_first_of_month() {
        // 08:30 UTC on Monday 1 March 2027 is 09:30 in Paris and 03:30 in New York.
        let start = utc("2027-03-01T08:30:00Z");
        for (zone, language, label) in [
            (Europe::Paris, Language::Fr, "lundi 1er mars à 9h30"),
            (Europe::Paris, Language::En, "Monday 1 March at 9:30"),
            (Europe::Berlin, Language::De, "Montag, 1. März um 9:30 Uhr"),
            (
                America::New_York,
                Language::Es,
                "lunes 1 de marzo a las 3:30",
            ),
            (Europe::Rome, Language::It, "lunedì 1º marzo alle 9:30"),
            (
                America::Sao_Paulo,
                Language::Pt,
                "segunda-feira, 1º de março, às 5:30",
            ),
            (Asia::Tokyo, Language::Ja, "3月1日（月曜日）17:30"),
        ] {
            assert_eq!(slot_label(start, zone, language), label, "{language:?}");
        }
        // Midnight in Jerusalem is still Monday there, Sunday in UTC.
        assert_eq!(
            slot_label(utc("2027-02-28T22:00:00Z"), Asia::Jerusalem, Language::He),
            "יום שני, 1 במרץ בשעה 0:00"
        );
    }
}
