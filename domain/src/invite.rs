//! The calendar invite for a booked meeting: an iCalendar (RFC 5545) object carrying an iTIP
//! (RFC 5546) `REQUEST` or `CANCEL`, built with the `icalendar` crate.
//!
//! One meeting keeps one `UID` for its whole life; every change (a new time, a cancellation)
//! is sent with a higher `SEQUENCE`, so calendar clients update the event instead of adding one.

use crate::Language;
use crate::phrases::phrases;
use chrono::{DateTime, Utc};
use icalendar::{
    Alarm, Attendee, Calendar, Component, EventLike, EventStatus, PartStat, Property, Role, Trigger,
};
use serde::{Deserialize, Serialize};

/// Product identifier written to every calendar.
pub const PRODID: &str = "-//Callwright//Meeting Booking//EN";

/// Minutes before the start at which the invite's reminder fires.
pub const REMINDER_MINUTES: i64 = 15;

/// The iTIP method of an invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InviteMethod {
    /// Book, or update, the meeting (`METHOD:REQUEST`, `STATUS:CONFIRMED`).
    Request,
    /// Call it off (`METHOD:CANCEL`, `STATUS:CANCELLED`).
    Cancel,
}

impl InviteMethod {
    /// The `METHOD` value.
    pub fn as_str(self) -> &'static str {
        match self {
            InviteMethod::Request => "REQUEST",
            InviteMethod::Cancel => "CANCEL",
        }
    }

    /// The event `STATUS` that goes with the method.
    pub fn status(self) -> &'static str {
        match self {
            InviteMethod::Request => "CONFIRMED",
            InviteMethod::Cancel => "CANCELLED",
        }
    }

    fn event_status(self) -> EventStatus {
        match self {
            InviteMethod::Request => EventStatus::Confirmed,
            InviteMethod::Cancel => EventStatus::Cancelled,
        }
    }
}

/// A meeting invite between the sales adviser (organizer) and the lead (attendee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// Stable for the meeting's whole life; see [`Invite::uid_for`].
    pub uid: String,
    /// Revision: 0 first, one more for every update or cancellation.
    pub sequence: u32,
    /// Request (book or update) or cancel.
    pub method: InviteMethod,
    /// When this revision was created (`DTSTAMP`); passed in, never read from a clock.
    pub dtstamp: DateTime<Utc>,
    /// Start of the meeting.
    pub start: DateTime<Utc>,
    /// End of the meeting.
    pub end: DateTime<Utc>,
    /// Title.
    pub summary: String,
    /// Body text; a line with the video link, or saying there is none, is appended.
    pub description: String,
    /// Video meeting link, also written as `LOCATION` (and `URL` when it is http or https).
    pub video_url: Option<String>,
    /// The adviser's email.
    pub organizer_email: String,
    /// The adviser's name.
    pub organizer_name: String,
    /// The lead's email.
    pub attendee_email: String,
    /// The lead's name.
    pub attendee_name: String,
    /// Language of the line about the video link.
    pub language: Language,
}

/// Text value with CR LF and lone CR turned into LF (the crate escapes LF as `\n`) and other
/// control characters dropped.
fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect()
}

/// One-line text: newlines become spaces.
fn clean_line(text: &str) -> String {
    clean_text(text).replace('\n', " ").trim().to_owned()
}

/// A parameter value (`CN`): one line, and no double quote, which parameter values cannot hold.
fn clean_param(text: &str) -> String {
    clean_line(text).replace('"', "'")
}

/// `mailto:` address, without whitespace or control characters.
fn mailto(email: &str) -> String {
    let address: String = email
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    format!("mailto:{address}")
}

/// Whether `url` can go into a `URL` (URI) property as is.
fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Invite {
    /// The `UID` for a meeting id: `{meeting_id}@callwright`.
    pub fn uid_for(meeting_id: &str) -> String {
        format!("{meeting_id}@callwright")
    }

    /// The event `STATUS` (from the method).
    pub fn status(&self) -> &'static str {
        self.method.status()
    }

    /// The cancellation of this invite: same meeting, `CANCEL`, next sequence, new stamp.
    pub fn cancellation(&self, dtstamp: DateTime<Utc>) -> Invite {
        Invite {
            method: InviteMethod::Cancel,
            sequence: self.sequence.saturating_add(1),
            dtstamp,
            ..self.clone()
        }
    }

    /// The MIME type of the email part carrying [`Invite::to_ics`].
    pub fn content_type(&self) -> String {
        format!(
            "text/calendar; charset=UTF-8; method={}",
            self.method.as_str()
        )
    }

    /// The description with the video-link line appended.
    pub fn full_description(&self) -> String {
        let p = phrases(self.language);
        let link_line = match self.video_url.as_deref().map(str::trim) {
            Some(link) if !link.is_empty() => p.invite_video_link.replace("{link}", link),
            _ => p.invite_no_video_link.clone(),
        };
        let body = self.description.trim_end();
        if body.is_empty() {
            link_line
        } else {
            format!("{body}\n\n{link_line}")
        }
    }

    /// The invite as an iCalendar object: CRLF line endings, lines folded at 75 octets,
    /// text escaped; one `VEVENT` with times in UTC, and for a request a display reminder
    /// [`REMINDER_MINUTES`] before the start.
    pub fn to_ics(&self) -> String {
        let summary = clean_line(&self.summary);
        let mut event = icalendar::Event::new();
        event
            .uid(&clean_line(&self.uid))
            .sequence(self.sequence)
            .timestamp(self.dtstamp)
            .starts(self.start)
            .ends(self.end)
            .summary(&summary)
            .description(&clean_text(&self.full_description()))
            .status(self.method.event_status())
            .add_property("TRANSP", "OPAQUE")
            .append_property(
                Property::new("ORGANIZER", mailto(&self.organizer_email))
                    .add_parameter("CN", &clean_param(&self.organizer_name))
                    .done(),
            )
            .attendee(
                Attendee::new(mailto(&self.attendee_email))
                    .cn(clean_param(&self.attendee_name))
                    .role(Role::ReqParticipant)
                    .partstat(PartStat::NeedsAction)
                    .rsvp(true),
            );
        if let Some(link) = self.video_url.as_deref().map(str::trim)
            && !link.is_empty()
        {
            event.location(&clean_line(link));
            if is_web_url(link) {
                event.url(link);
            }
        }
        if self.method == InviteMethod::Request {
            let mut alarm = Alarm::display(
                &summary,
                Trigger::before_start(chrono::Duration::minutes(REMINDER_MINUTES)),
            );
            // Set so the crate does not read the clock or draw a random UID; both lines are
            // removed below, since a VALARM takes neither in RFC 5545.
            alarm
                .timestamp(self.dtstamp)
                .uid(&self.uid)
                .append_property(Property::new("TRIGGER", format!("-PT{REMINDER_MINUTES}M")));
            event.alarm(alarm);
        }

        let mut calendar = Calendar::empty();
        calendar
            .append_property(("PRODID", PRODID))
            .append_property(("VERSION", "2.0"))
            .append_property(("CALSCALE", "GREGORIAN"))
            .append_property(("METHOD", self.method.as_str()))
            .push(event);
        refold(&calendar.to_string())
    }
}

/// Unfolds the crate's output, drops `DTSTAMP` and `UID` inside `VALARM`, and folds again with
/// [`fold`]. Escaped text never holds a raw line break, so every CRLF followed by a space in the
/// crate's output is a fold.
fn refold(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 64 * 3);
    let mut in_alarm = false;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        match line {
            "BEGIN:VALARM" => in_alarm = true,
            "END:VALARM" => in_alarm = false,
            _ if in_alarm && (line.starts_with("DTSTAMP") || line.starts_with("UID")) => continue,
            _ => {}
        }
        fold(line, &mut out);
    }
    out
}

/// Maximum octets on one line, line break excluded (RFC 5545 §3.1).
const FOLD_LIMIT: usize = 75;

/// Writes `line` with CRLF, folded so no physical line exceeds [`FOLD_LIMIT`] octets (a
/// continuation line's leading space included), never inside a UTF-8 character, and where it can
/// never right after or before a space (some parsers trim line ends).
fn fold(line: &str, out: &mut String) {
    let mut rest = line;
    let mut limit = FOLD_LIMIT;
    while rest.len() > limit {
        let boundaries = (1..=limit).rev().filter(|i| rest.is_char_boundary(*i));
        let mut cut = 0;
        for i in boundaries {
            if cut == 0 {
                cut = i; // the longest piece, if no break between two non-spaces is near
            }
            let before = rest[..i].chars().next_back();
            let after = rest[i..].chars().next();
            if !before.is_some_and(char::is_whitespace) && !after.is_some_and(char::is_whitespace) {
                cut = i;
                break;
            }
            if i + 16 < limit {
                break;
            }
        }
        let (piece, tail) = rest.split_at(cut);
        out.push_str(piece);
        out.push_str("\r\n ");
        rest = tail;
        limit = FOLD_LIMIT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};
    use ical::parser::ical::component::{IcalCalendar, IcalEvent};
    use ical::property::Property as IcalProperty;
    use std::io::BufReader;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn invite() -> Invite {
        Invite {
            uid: Invite::uid_for("mtg-42"),
            sequence: 0,
            method: InviteMethod::Request,
            dtstamp: utc("2026-11-20T10:15:00Z"),
            start: utc("2026-11-26T13:00:00Z"),
            end: utc("2026-11-26T13:30:00Z"),
            summary: "Roof survey: Acme, Inc.; with Dana".to_owned(),
            description: "Agenda:\n1. Your bills, contracts; and costs\r\n2. Savings \\ next steps"
                .to_owned(),
            video_url: Some("https://meet.example.com/abc-defg-hij?pwd=x,y;z".to_owned()),
            organizer_email: "adviser@callwright.example".to_owned(),
            organizer_name: "Sam Adviser, Callwright".to_owned(),
            attendee_email: "dana@acme.example".to_owned(),
            attendee_name: "Dana Levi".to_owned(),
            language: Language::En,
        }
    }

    fn parse(ics: &str) -> IcalCalendar {
        let mut parser = ical::IcalParser::new(BufReader::new(ics.as_bytes()));
        let calendar = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none(), "exactly one calendar");
        calendar
    }

    /// Reverses RFC 5545 TEXT escaping (the `ical` parser leaves values escaped).
    fn unescape(value: &str) -> String {
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn props<'a>(all: &'a [IcalProperty], name: &str) -> Vec<&'a IcalProperty> {
        all.iter().filter(|p| p.name == name).collect()
    }

    fn value<'a>(all: &'a [IcalProperty], name: &str) -> &'a str {
        let found = props(all, name);
        assert_eq!(found.len(), 1, "{name} must occur once");
        found[0].value.as_deref().unwrap_or_default()
    }

    fn param<'a>(p: &'a IcalProperty, key: &str) -> Option<&'a str> {
        p.params
            .as_ref()?
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    fn only_event(calendar: &IcalCalendar) -> &IcalEvent {
        assert_eq!(calendar.events.len(), 1);
        &calendar.events[0]
    }

    fn assert_wire_format(ics: &str) {
        assert!(ics.ends_with("\r\n"));
        let body = ics.strip_suffix("\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(
                !line.contains('\n') && !line.contains('\r'),
                "bare line break"
            );
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            assert!(!line.ends_with(' '), "line ends with a space: {line:?}");
        }
    }

    #[test]
    fn request_has_every_property() {
        let inv = invite();
        let ics = inv.to_ics();
        assert_wire_format(&ics);
        let cal = parse(&ics);

        assert_eq!(value(&cal.properties, "PRODID"), PRODID);
        assert_eq!(value(&cal.properties, "VERSION"), "2.0");
        assert_eq!(value(&cal.properties, "CALSCALE"), "GREGORIAN");
        assert_eq!(value(&cal.properties, "METHOD"), "REQUEST");

        let event = only_event(&cal);
        let p = &event.properties;
        assert_eq!(value(p, "UID"), "mtg-42@callwright");
        assert_eq!(value(p, "DTSTAMP"), "20261120T101500Z");
        assert_eq!(value(p, "DTSTART"), "20261126T130000Z");
        assert_eq!(value(p, "DTEND"), "20261126T133000Z");
        assert_eq!(value(p, "SEQUENCE"), "0");
        assert_eq!(value(p, "STATUS"), "CONFIRMED");
        assert_eq!(value(p, "TRANSP"), "OPAQUE");
        assert_eq!(
            unescape(value(p, "SUMMARY")),
            "Roof survey: Acme, Inc.; with Dana"
        );
        assert_eq!(
            unescape(value(p, "DESCRIPTION")),
            "Agenda:\n1. Your bills, contracts; and costs\n2. Savings \\ next steps\n\n\
             Video link: https://meet.example.com/abc-defg-hij?pwd=x,y;z"
        );
        // Commas, semicolons and backslashes are escaped on the wire.
        assert!(value(p, "SUMMARY").contains(r"Acme\, Inc.\; with"));
        assert!(value(p, "DESCRIPTION").contains(r"Savings \\ next"));
        assert_eq!(
            unescape(value(p, "LOCATION")),
            "https://meet.example.com/abc-defg-hij?pwd=x,y;z"
        );
        assert_eq!(
            value(p, "URL"),
            "https://meet.example.com/abc-defg-hij?pwd=x,y;z"
        );

        let organizer = props(p, "ORGANIZER")[0];
        assert_eq!(
            organizer.value.as_deref(),
            Some("mailto:adviser@callwright.example")
        );
        assert_eq!(param(organizer, "CN"), Some("Sam Adviser, Callwright"));

        let attendees = props(p, "ATTENDEE");
        assert_eq!(attendees.len(), 1);
        let attendee = attendees[0];
        assert_eq!(attendee.value.as_deref(), Some("mailto:dana@acme.example"));
        assert_eq!(param(attendee, "CN"), Some("Dana Levi"));
        assert_eq!(param(attendee, "ROLE"), Some("REQ-PARTICIPANT"));
        assert_eq!(param(attendee, "PARTSTAT"), Some("NEEDS-ACTION"));
        assert_eq!(param(attendee, "RSVP"), Some("TRUE"));

        assert_eq!(event.alarms.len(), 1);
        let alarm = &event.alarms[0].properties;
        assert_eq!(value(alarm, "ACTION"), "DISPLAY");
        assert_eq!(value(alarm, "TRIGGER"), "-PT15M");
        assert_eq!(
            unescape(value(alarm, "DESCRIPTION")),
            "Roof survey: Acme, Inc.; with Dana"
        );
        assert!(props(alarm, "DTSTAMP").is_empty() && props(alarm, "UID").is_empty());

        assert_eq!(
            inv.content_type(),
            "text/calendar; charset=UTF-8; method=REQUEST"
        );
        assert_eq!(inv.status(), "CONFIRMED");
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(invite().to_ics(), invite().to_ics());
    }

    #[test]
    fn cancel_bumps_sequence_and_cancels() {
        let request = Invite {
            sequence: 2,
            ..invite()
        };
        let cancel = request.cancellation(utc("2026-11-21T08:00:00Z"));
        assert_eq!(cancel.method, InviteMethod::Cancel);
        assert_eq!(cancel.sequence, 3);
        assert_eq!(cancel.status(), "CANCELLED");
        let ics = cancel.to_ics();
        assert_wire_format(&ics);
        let cal = parse(&ics);
        assert_eq!(value(&cal.properties, "METHOD"), "CANCEL");
        let event = only_event(&cal);
        let p = &event.properties;
        assert_eq!(value(p, "UID"), "mtg-42@callwright");
        assert_eq!(value(p, "SEQUENCE"), "3");
        assert_eq!(value(p, "STATUS"), "CANCELLED");
        assert_eq!(value(p, "DTSTAMP"), "20261121T080000Z");
        assert_eq!(value(p, "DTSTART"), "20261126T130000Z");
        assert_eq!(value(p, "DTEND"), "20261126T133000Z");
        assert_eq!(value(p, "TRANSP"), "OPAQUE");
        assert!(!value(p, "SUMMARY").is_empty());
        let organizer = props(p, "ORGANIZER")[0];
        assert_eq!(
            organizer.value.as_deref(),
            Some("mailto:adviser@callwright.example")
        );
        let attendee = props(p, "ATTENDEE")[0];
        assert_eq!(attendee.value.as_deref(), Some("mailto:dana@acme.example"));
        assert_eq!(param(attendee, "ROLE"), Some("REQ-PARTICIPANT"));
        assert!(
            event.alarms.is_empty(),
            "no reminder for a cancelled meeting"
        );
        assert_eq!(
            cancel.content_type(),
            "text/calendar; charset=UTF-8; method=CANCEL"
        );
    }

    #[test]
    fn hebrew_survives_and_long_lines_fold_between_characters() {
        let summary = "פגישת ייעוץ להוזלת עלויות האנרגיה עם דנה לוי, חברת אקמה בע\"מ";
        let description = "שלום דנה, תודה על השיחה. ".repeat(12);
        let inv = Invite {
            summary: summary.to_owned(),
            description: description.clone(),
            video_url: None,
            attendee_name: "דנה לוי".to_owned(),
            language: Language::He,
            ..invite()
        };
        let ics = inv.to_ics();
        assert_wire_format(&ics);
        assert!(ics.contains("\r\n "), "long lines are folded");
        let cal = parse(&ics);
        let p = &only_event(&cal).properties;
        assert_eq!(unescape(value(p, "SUMMARY")), summary);
        assert_eq!(
            unescape(value(p, "DESCRIPTION")),
            format!(
                "{}\n\n{}",
                description.trim_end(),
                phrases(Language::He).invite_no_video_link
            )
        );
        assert_eq!(param(props(p, "ATTENDEE")[0], "CN"), Some("דנה לוי"));
        assert!(props(p, "LOCATION").is_empty() && props(p, "URL").is_empty());
    }

    #[test]
    fn without_a_link_the_description_says_so() {
        let inv = Invite {
            video_url: None,
            description: String::new(),
            ..invite()
        };
        assert_eq!(
            inv.full_description(),
            "There is no video link for this meeting."
        );
        let ics = inv.to_ics();
        assert!(!ics.contains("LOCATION") && !ics.contains("\r\nURL"));
        let blank = Invite {
            video_url: Some("  ".to_owned()),
            language: Language::Fr,
            ..invite()
        };
        assert!(
            blank
                .full_description()
                .ends_with("Ce rendez-vous n'a pas de lien de visioconférence.")
        );
        // A link that is not a web address is still the location, but not a URL.
        let phone = Invite {
            video_url: Some("Phone bridge +1 555 0100, PIN 42".to_owned()),
            ..invite()
        };
        let p = parse(&phone.to_ics()).events.remove(0).properties;
        assert_eq!(
            unescape(value(&p, "LOCATION")),
            "Phone bridge +1 555 0100, PIN 42"
        );
        assert!(props(&p, "URL").is_empty());
    }

    #[test]
    fn hostile_text_cannot_inject_properties() {
        let inv = Invite {
            summary: "Hi\r\nMETHOD:CANCEL".to_owned(),
            attendee_name: "Dana \"The Boss\" Levi\nX-EVIL:1".to_owned(),
            attendee_email: "dana@acme.example\r\nX-EVIL:2".to_owned(),
            ..invite()
        };
        let ics = inv.to_ics();
        assert_wire_format(&ics);
        assert!(!ics.contains("\r\nMETHOD:CANCEL") && !ics.contains("\r\nX-EVIL"));
        let cal = parse(&ics);
        assert_eq!(value(&cal.properties, "METHOD"), "REQUEST");
        let p = &only_event(&cal).properties;
        assert_eq!(unescape(value(p, "SUMMARY")), "Hi METHOD:CANCEL");
        assert_eq!(
            param(props(p, "ATTENDEE")[0], "CN"),
            Some("Dana 'The Boss' Levi X-EVIL:1")
        );
    }

    #[test]
    fn paris_meeting_after_dst_change_is_in_utc() {
        // 10:00 in Paris on Monday 30 March 2026, the day after clocks went forward: 08:00 UTC.
        let start = chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 3, 30, 10, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(start.hour(), 8);
        let inv = Invite {
            start,
            end: start + chrono::Duration::minutes(30),
            ..invite()
        };
        let cal = parse(&inv.to_ics());
        let p = &only_event(&cal).properties;
        assert_eq!(value(p, "DTSTART"), "20260330T080000Z");
        assert_eq!(value(p, "DTEND"), "20260330T083000Z");
        // The Friday before, 10:00 Paris was still 09:00 UTC.
        let before = chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 3, 27, 10, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc);
        let cal = parse(
            &Invite {
                start: before,
                end: before + chrono::Duration::minutes(30),
                ..invite()
            }
            .to_ics(),
        );
        assert_eq!(
            value(&only_event(&cal).properties, "DTSTART"),
            "20260327T090000Z"
        );
    }

    #[test]
    fn folding_keeps_every_octet_and_respects_the_limit() {
        for (line, spaces_only) in [
            ("DESCRIPTION:".to_owned() + &"a".repeat(200), false),
            ("DESCRIPTION:".to_owned() + &["ab"; 80].join(" "), false),
            ("SUMMARY:".to_owned() + &["老虎 שלום"; 30].join(" "), false),
            ("X:".to_owned() + &"€".repeat(100), false),
            ("X:".to_owned() + &" ".repeat(160), true),
        ] {
            let mut out = String::new();
            fold(&line, &mut out);
            assert_eq!(
                out.replace("\r\n ", "").strip_suffix("\r\n"),
                Some(line.as_str())
            );
            for physical in out.trim_end_matches("\r\n").split("\r\n") {
                assert!(physical.len() <= 75, "{} octets", physical.len());
                assert!(spaces_only || !physical.ends_with(' '), "{physical:?}");
            }
        }
    }
}
