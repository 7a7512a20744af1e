//! The booking protocol: offered slots and the callee's email from the system
//! prompt, `check_availability` / `book_meeting` tool results, and the
//! decisions that lead from "interested" to a booked slot.
//!
//! System prompt lines read (label, then value):
//!
//! ```text
//! Callee email on file: dana@example.com        (or: none)
//! Offered slots: none                           (or the block below)
//! Offered slots:
//! - s1: 2026-11-26T15:00:00+02:00 | Thursday 26 November at 15:00
//! ```
//!
//! Kept in one file: the booking dialogue is one protocol (what the prompt offers, what the
//! tools answer, what the callee decides), and its rules read best side by side.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike};
use serde_json::{Value, json};

use super::grounded::{self, Grounding};
use super::intent::{self, Decision, Intent};
use super::replies;
use super::text::{fold, has_any, rfind};
use super::when::{self, Day};
use crate::phrases::{self, AgentCue, Lang};

/// One bookable slot as offered by the product.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Opaque slot id, passed back verbatim to `book_meeting`.
    pub id: String,
    /// Start time (callee-local offset), when it could be parsed.
    pub start: Option<DateTime<FixedOffset>>,
    /// Spoken label, already in the callee's language.
    pub label: String,
}

/// The callee's email from `Callee email on file:`; `none` (or anything
/// without an `@`) means none.
pub fn email_on_file(system: &str) -> Option<String> {
    system.lines().find_map(|line| {
        let idx = line.find("Callee email on file")?;
        let value = line[idx + "Callee email on file".len()..]
            .trim_start_matches(':')
            .trim();
        find_email(value)
    })
}

/// Slots from the `Offered slots:` block of the system prompt: empty for
/// `Offered slots: none`, `None` when the prompt has no such line.
pub fn offered_slots(system: &str) -> Option<Vec<Slot>> {
    let mut lines = system.lines();
    let mut slots = None;
    while let Some(line) = lines.next() {
        let Some(idx) = line.find("Offered slots") else {
            continue;
        };
        let rest = line[idx + "Offered slots".len()..]
            .trim_start_matches(':')
            .trim();
        let mut found = Vec::new();
        if rest.is_empty() {
            for item in lines.by_ref() {
                let Some(item) = item.trim_start().strip_prefix('-') else {
                    break;
                };
                found.extend(parse_slot_line(item));
            }
        }
        slots = Some(found);
    }
    slots
}

/// `s1: 2026-11-26T15:00:00+02:00 | Thursday 26 November at 15:00` (the id
/// is everything before the start time, so it may itself contain `:`).
fn parse_slot_line(item: &str) -> Option<Slot> {
    let (head, label) = match item.split_once('|') {
        Some((head, label)) => (head.trim(), label.trim()),
        None => (item.trim(), ""),
    };
    let (id, start) = head.rsplit_once(char::is_whitespace)?;
    let id = id.trim().trim_end_matches(':').trim();
    if id.is_empty() {
        return None;
    }
    Some(Slot {
        id: id.to_owned(),
        start: DateTime::parse_from_rfc3339(start).ok(),
        label: if label.is_empty() { start } else { label }.to_owned(),
    })
}

/// Slots from a tool result's `slots` array.
pub fn slots_from_json(result: &Value) -> Vec<Slot> {
    result
        .get("slots")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let id = item.get("id").and_then(Value::as_str)?;
                    let start_text = item.get("start").and_then(Value::as_str);
                    let label = item
                        .get("label")
                        .and_then(Value::as_str)
                        .or(start_text)
                        .unwrap_or(id);
                    Some(Slot {
                        id: id.to_owned(),
                        start: start_text.and_then(|s| DateTime::parse_from_rfc3339(s).ok()),
                        label: label.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn labels(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(|s| s.label.clone()).collect()
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// Byte ranges of written email addresses (`local@domain.tld`) in `text`.
fn email_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = &text[at + 1..];
        let domain_len = after
            .char_indices()
            .find(|(_, c)| !is_domain_char(*c))
            .map_or(after.len(), |(i, _)| i);
        let domain = after[..domain_len].trim_end_matches(['.', '-']);
        let local = text[start..at].trim_start_matches('.');
        let local_start = at - local.len();
        let valid_domain = domain.contains('.')
            && domain
                .split('.')
                .all(|part| !part.is_empty() && !part.starts_with('-'));
        if !local.is_empty() && valid_domain {
            spans.push((local_start, at + 1 + domain.len()));
        }
    }
    spans
}

const SPOKEN_AT: &[&str] = &["at", "arobase", "arroba", "chiocciola", "ät", "שטרודל"];
const SPOKEN_DOT: &[&str] = &["dot", "point", "punkt", "punto", "נקודה"];

fn is_address_word(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A spoken address: `dana at example dot com`, `dana arobase example point fr`.
fn spoken_email(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '!' | '?' | '(' | ')'))
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\''))
                .to_owned()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let is_dot = |w: &str| SPOKEN_DOT.contains(&w);
    for (i, word) in words.iter().enumerate() {
        if !SPOKEN_AT.contains(&word.as_str()) || i == 0 {
            continue;
        }
        // Local part, possibly "first dot last".
        let mut local = vec![words[i - 1].as_str()];
        let mut j = i - 1;
        while j >= 2 && is_dot(&words[j - 1]) && is_address_word(&words[j - 2]) {
            local.insert(0, words[j - 2].as_str());
            j -= 2;
        }
        if !local.iter().all(|w| is_address_word(w)) {
            continue;
        }
        let mut domain = Vec::new();
        let mut k = i + 1;
        if let Some(first) = words.get(k).filter(|w| is_address_word(w)) {
            domain.push(first.as_str());
            k += 1;
            while let (Some(dot), Some(part)) = (words.get(k), words.get(k + 1)) {
                if !is_dot(dot) || !is_address_word(part) {
                    break;
                }
                domain.push(part.as_str());
                k += 2;
            }
        }
        if domain.len() >= 2 {
            return Some(format!("{}@{}", local.join("."), domain.join(".")));
        }
    }
    None
}

/// The first email address in `text`, written (`dana@example.com`) or spoken
/// (`dana at example dot com`), lowercased.
pub fn find_email(text: &str) -> Option<String> {
    email_spans(text)
        .first()
        .map(|(start, end)| text[*start..*end].to_lowercase())
        .or_else(|| spoken_email(text))
}

/// `text` with written email addresses blanked out, so their digits and words
/// are not mistaken for times or keywords.
pub fn without_emails(text: &str) -> String {
    let mut out = text.to_owned();
    for (start, end) in email_spans(text).into_iter().rev() {
        out.replace_range(start..end, " ");
    }
    out
}

/// Which of the offered slots the callee points at by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordinal {
    /// 1-based position.
    Nth(usize),
    /// The last one offered.
    Last,
}

const ORDINALS: [(Ordinal, &[&str]); 5] = [
    (
        Ordinal::Nth(1),
        &[
            "first",
            "1st",
            "premier",
            "premiere",
            "erste",
            "ersten",
            "erster",
            "erstes",
            "primera",
            "primero",
            "primer",
            "prima",
            "primo",
            "הראשון",
            "הראשונה",
            "الاول",
            "الاولى",
            "primeira",
            "primeiro",
            "eerste",
            "первый",
            "первая",
            "первое",
            "первую",
            "pierwszy",
            "pierwsza",
            "pierwsze",
            "birinci",
            "最初",
            "一番目",
            "1番目",
            "一つ目",
            "पहला",
            "पहली",
            "第一",
        ],
    ),
    (
        Ordinal::Nth(2),
        &[
            "second",
            "2nd",
            "deuxieme",
            "seconde",
            "zweite",
            "zweiten",
            "zweiter",
            "zweites",
            "segunda",
            "segundo",
            "seconda",
            "secondo",
            "השני",
            "השנייה",
            "השניה",
            "الثاني",
            "الثانية",
            "tweede",
            "второй",
            "вторая",
            "второе",
            "вторую",
            "drugi",
            "druga",
            "drugie",
            "ikinci",
            "二番目",
            "2番目",
            "二つ目",
            "दूसरा",
            "दूसरी",
            "第二",
        ],
    ),
    (
        Ordinal::Nth(3),
        &[
            "third",
            "3rd",
            "troisieme",
            "dritte",
            "dritten",
            "dritter",
            "drittes",
            "tercera",
            "tercero",
            "tercer",
            "terza",
            "terzo",
            "השלישי",
            "השלישית",
            "الثالث",
            "الثالثة",
            "terceira",
            "terceiro",
            "derde",
            "третий",
            "третья",
            "третье",
            "третью",
            "trzeci",
            "trzecia",
            "trzecie",
            "ucuncu",
            "三番目",
            "3番目",
            "三つ目",
            "तीसरा",
            "तीसरी",
            "第三",
        ],
    ),
    (
        Ordinal::Nth(4),
        &[
            "fourth",
            "4th",
            "quatrieme",
            "vierte",
            "vierten",
            "cuarta",
            "cuarto",
            "quarta",
            "quarto",
            "הרביעי",
            "הרביעית",
            "الرابع",
            "الرابعة",
            "vierde",
            "четвертый",
            "четвертая",
            "четвертую",
            "czwarty",
            "czwarta",
            "dorduncu",
            "四番目",
            "4番目",
            "चौथा",
            "चौथी",
            "第四",
        ],
    ),
    (
        Ordinal::Last,
        &[
            "last",
            "dernier",
            "derniere",
            "letzte",
            "letzten",
            "letzter",
            "ultima",
            "ultimo",
            "האחרון",
            "האחרונה",
            "الاخير",
            "الاخيرة",
            "laatste",
            "последний",
            "последняя",
            "последнее",
            "последнюю",
            "ostatni",
            "ostatnia",
            "ostatnie",
            "sonuncu",
            "最後",
            "आखिरी",
            "अंतिम",
            "最后",
        ],
    ),
];

/// Portuguese weekdays whose first word is an ordinal ("segunda-feira" is
/// Monday, not "the second").
const FEIRA_DAYS: &[&str] = &["segunda", "terca", "quarta", "quinta", "sexta"];

/// The ordinal the callee said ("the second one", "la deuxième", "השני",
/// "второй вариант", "二番目"); the last one mentioned wins ("not the first,
/// the second").
pub fn ordinal(text: &str) -> Option<Ordinal> {
    let mut folded = fold(text);
    for day in FEIRA_DAYS {
        folded = folded.replace(&format!(" {day} feira "), " ");
    }
    ORDINALS
        .iter()
        .flat_map(|(ordinal, words)| {
            let folded = &folded;
            words
                .iter()
                .filter_map(move |word| rfind(folded, word).map(|p| (p, *ordinal)))
        })
        .max_by_key(|(position, _)| *position)
        .map(|(_, ordinal)| ordinal)
}

/// The offered slot the callee picks: by ordinal, else by a spoken day and/or
/// time matching a slot's start.
pub fn pick<'a>(text: &str, slots: &'a [Slot], now: DateTime<FixedOffset>) -> Option<&'a Slot> {
    let text = without_emails(text);
    if let Some(ordinal) = ordinal(&text) {
        return match ordinal {
            Ordinal::Nth(n) => slots.get(n - 1),
            Ordinal::Last => slots.last(),
        };
    }
    let spoken = when::parse(&text);
    if !spoken.is_some() {
        return None;
    }
    let today = now.date_naive();
    slots.iter().find(|slot| {
        let Some(start) = slot.start else {
            return false;
        };
        let day_ok = match spoken.day {
            None => true,
            Some(Day::Weekday(w)) => start.weekday() == w,
            Some(Day::Tomorrow) => start.date_naive() == today + Duration::days(1),
            Some(Day::Today) => start.date_naive() == today,
        };
        let time_ok = spoken
            .time
            .is_none_or(|(h, m)| start.hour() == h && start.minute() == m);
        day_ok && time_ok
    })
}

const ANOTHER_DAY: &[&str] = &[
    "another day",
    "other day",
    "different day",
    "none of those",
    "none of them",
    "none of these",
    "יום אחר",
    "מועד אחר",
    "אף אחד מה",
    "autre jour",
    "autre date",
    "aucun de",
    "aucune de",
    "aucun ne",
    "anderen tag",
    "anderer tag",
    "anderes datum",
    "keiner dieser",
    "keiner davon",
    "keine davon",
    "keiner passt",
    "otro dia",
    "ninguno de",
    "ninguna de",
    "ninguno me",
    "altro giorno",
    "nessuno di",
    "nessuna di",
    "nessuno mi",
    "يوم آخر",
    "يوما آخر",
    "موعد آخر",
    "ولا واحد",
    "outro dia",
    "outra data",
    "nenhum desses",
    "nenhum destes",
    "nenhuma dessas",
    "andere dag",
    "ander moment",
    "geen van deze",
    "другой день",
    "другое время",
    "ни одно из",
    "ни один из",
    "inny dzien",
    "innego dnia",
    "inny termin",
    "zaden z",
    "baska bir gun",
    "baska gun",
    "hicbiri",
    "別の日",
    "他の日",
    "ほかの日",
    "どの日時も",
    "别的日子",
    "其他日子",
    "换一天",
    "都不太合适",
    "都不合适",
    "कोई और दिन",
    "दूसरा दिन",
    "दूसरे दिन",
    "इनमें से कोई",
];

/// Whether the callee turns down the offer and asks for another day.
pub fn asks_another_day(text: &str) -> bool {
    has_any(&fold(text), ANOTHER_DAY)
}

/// The day to search from after the callee declined `slots`: the day after
/// the latest offered slot's local date.
pub fn next_search_day(slots: &[Slot]) -> Option<NaiveDate> {
    slots
        .iter()
        .filter_map(|s| s.start)
        .map(|s| s.date_naive())
        .max()
        .and_then(|d| d.succ_opt())
}

/// What the model knows when the callee has just spoken.
#[derive(Debug, Clone)]
pub struct Turn<'a> {
    /// Conversation language.
    pub lang: Lang,
    /// The callee's local time.
    pub now: DateTime<FixedOffset>,
    /// Slots currently offered (system prompt, else the latest tool result).
    pub offered: Vec<Slot>,
    /// Earlier user and assistant texts, newest first.
    pub earlier: Vec<&'a str>,
    /// Earlier user texts only, newest first.
    pub earlier_user: Vec<&'a str>,
    /// The agent's previous line, if any.
    pub last_agent: Option<&'a str>,
    /// Earlier user and assistant texts with their role, newest first.
    pub history: Vec<(&'a str, &'a str)>,
    /// What questions are answered from.
    pub grounding: Grounding<'a>,
}

fn decision(content: String, tool: Option<(&str, Value)>) -> Decision {
    Decision {
        content,
        tool: tool.map(|(name, args)| (name.to_owned(), args)),
    }
}

/// A `check_availability` call from `day` (around `time`), with the filler said meanwhile.
pub fn check_availability(lang: Lang, day: NaiveDate, time: Option<(u32, u32)>) -> Decision {
    let mut args = json!({"day": day.format("%Y-%m-%d").to_string()});
    if let Some((h, m)) = time {
        args["time"] = json!(format!("{h:02}:{m:02}"));
    }
    decision(
        replies::checking_calendar(lang),
        Some(("check_availability", args)),
    )
}

fn book(lang: Lang, slot: &Slot, email: Option<String>) -> Decision {
    let mut args = json!({"slot_id": slot.id});
    if let Some(email) = email {
        args["email"] = json!(email);
    }
    decision(replies::booking_slot(lang), Some(("book_meeting", args)))
}

/// Decides the reply to the callee's `last` words when the booking tools are offered.
pub fn decide(last: &str, turn: &Turn<'_>) -> Decision {
    let lang = turn.lang;
    let now = turn.now;
    let clean = without_emails(last);
    let intent = intent::classify(&clean, &turn.earlier, now);
    if matches!(
        intent,
        Intent::OptOut | Intent::NotInterested | Intent::Callback(_)
    ) {
        return intent::decide(&intent, last, lang, now, &turn.grounding);
    }
    let email = find_email(last).or_else(|| turn.earlier_user.iter().find_map(|t| find_email(t)));
    let offered = &turn.offered;
    let spoken = when::parse(&clean);
    let tomorrow = now.date_naive() + Duration::days(1);

    if offered.is_empty() {
        let proposed_callback = turn
            .last_agent
            .is_some_and(|t| phrases::agent_cue(t) == AgentCue::NoSlots);
        return match intent {
            Intent::Meeting(at) if spoken.is_some() => {
                check_availability(lang, at.date_naive(), spoken.time)
            }
            Intent::Meeting(at) => {
                check_availability(lang, at.date_naive(), Some((at.hour(), at.minute())))
            }
            Intent::Interested if proposed_callback => decision(replies::callback_when(lang), None),
            Intent::Interested => check_availability(lang, tomorrow, None),
            _ if asks_another_day(&clean) => check_availability(lang, tomorrow, None),
            Intent::Question(kind) => grounded::answer(kind, last, lang, &turn.grounding),
            _ => decision(replies::repeat(lang), None),
        };
    }

    if asks_another_day(&clean) {
        let day = next_search_day(offered).unwrap_or(tomorrow);
        return check_availability(lang, day, None);
    }
    if let Some(slot) = pick(&clean, offered, now) {
        return book(lang, slot, email);
    }
    if find_email(last).is_some() {
        let earlier_pick = turn.earlier_user.iter().find_map(|t| pick(t, offered, now));
        return match (earlier_pick, offered.as_slice()) {
            (Some(slot), _) | (None, [slot]) => book(lang, slot, email),
            _ => decision(replies::offer(lang, &labels(offered)), None),
        };
    }
    match intent {
        // A time that is not on offer: search around it.
        Intent::Meeting(at) if spoken.is_some() => {
            check_availability(lang, at.date_naive(), spoken.time)
        }
        Intent::Meeting(_) | Intent::Interested if offered.len() == 1 => {
            book(lang, &offered[0], email)
        }
        Intent::Question(kind) => grounded::answer(kind, last, lang, &turn.grounding),
        _ => decision(replies::offer(lang, &labels(offered)), None),
    }
}

/// Which tool produced a result: its `tool` field, else its shape.
fn tool_of(result: &Value) -> Option<&str> {
    result.get("tool").and_then(Value::as_str).or_else(|| {
        if result.get("booked").is_some() {
            Some("book_meeting")
        } else if result.get("slots").is_some() {
            Some("check_availability")
        } else {
            None
        }
    })
}

/// The reply to the last tool result, or `None` when it is not a booking
/// tool result.
pub fn after_tool(lang: Lang, content: &str, email_on_file: Option<&str>) -> Option<String> {
    let result: Value = serde_json::from_str(content.trim()).ok()?;
    let slots = slots_from_json(&result);
    let text = |key: &str| result.get(key).and_then(Value::as_str);
    match tool_of(&result)? {
        "check_availability" if slots.is_empty() => Some(replies::no_slots(lang)),
        "check_availability" => Some(replies::offer(lang, &labels(&slots))),
        "book_meeting" if result.get("booked").and_then(Value::as_bool) == Some(true) => {
            let label = text("label")
                .or_else(|| text("start"))
                .unwrap_or_default()
                .to_owned();
            let email = text("email")
                .and_then(find_email)
                .or_else(|| email_on_file.map(str::to_owned));
            Some(replies::booking_confirmed(lang, &label, email.as_deref()))
        }
        "book_meeting" => Some(match text("reason") {
            Some("email_needed") => replies::ask_email(lang),
            Some("slot_taken") => replies::slot_taken(lang, text("taken"), &labels(&slots)),
            _ if slots.is_empty() => replies::no_slots(lang),
            _ => replies::offer(lang, &labels(&slots)),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::agent::Brief;

    static NO_BRIEF: Brief = Brief::EMPTY;

    const LANGS: [Lang; crate::phrases::LANGS] = Lang::ALL;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T12:00:00+02:00").expect("time")
    }

    const SYSTEM: &str = "You are Alex.\nConversation language: he-IL\nCurrent local time for the callee: 2026-11-24T12:00:00+02:00 (Tuesday)\nCallee email on file: none\nOffered slots:\n- s1: 2026-11-26T15:00:00+02:00 | Thursday 26 November at 15:00\n- s2: 2026-11-26T17:00:00+02:00 | Thursday 26 November at 17:00\n- s3: 2026-11-27T09:00:00+02:00 | Friday 27 November at 09:00\nBe brief.";

    fn slots() -> Vec<Slot> {
        offered_slots(SYSTEM).expect("offered slots line")
    }

    fn turn<'a>(lang: Lang, offered: Vec<Slot>, earlier_user: Vec<&'a str>) -> Turn<'a> {
        Turn {
            lang,
            now: now(),
            offered,
            earlier: earlier_user.clone(),
            history: earlier_user.iter().map(|t| ("user", *t)).collect(),
            earlier_user,
            last_agent: None,
            grounding: Grounding {
                brief: &NO_BRIEF,
                can_search: false,
            },
        }
    }

    fn tool(d: &Decision) -> (&str, &Value) {
        let (name, args) = d.tool.as_ref().expect("a tool call");
        (name.as_str(), args)
    }

    #[test]
    fn parses_prompt_lines() {
        let s = slots();
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].id, "s2");
        assert_eq!(s[1].label, "Thursday 26 November at 17:00");
        assert_eq!(
            s[2].start.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-27T09:00:00+02:00")
        );
        assert_eq!(email_on_file(SYSTEM), None);
        assert_eq!(
            email_on_file("Callee email on file: dana@example.com").as_deref(),
            Some("dana@example.com")
        );
        assert_eq!(
            offered_slots("Offered slots: none\nBe brief."),
            Some(vec![])
        );
        assert_eq!(offered_slots("Be brief."), None);
        let odd = offered_slots("Offered slots:\n- slot-A: 2026-11-26T15:00:00+02:00 | jeudi\nend")
            .expect("slots");
        assert_eq!(odd[0].id, "slot-A");
        assert_eq!(odd[0].label, "jeudi");
        let colon =
            offered_slots("Offered slots:\n- 2026-11-26T15:00: 2026-11-26T15:00:00+02:00 | x")
                .expect("slots");
        assert_eq!(colon[0].id, "2026-11-26T15:00");
        assert!(colon[0].start.is_some());
    }

    #[test]
    fn ordinal_picks_in_every_language() {
        let s = slots();
        let cases: [(&str, &str); 36] = [
            ("The first one, please.", "s1"),
            ("the second one", "s2"),
            ("I'll take the last one", "s3"),
            ("La deuxième, s'il vous plaît", "s2"),
            ("le troisième", "s3"),
            ("Die zweite, bitte", "s2"),
            ("den letzten Termin", "s3"),
            ("La segunda", "s2"),
            ("el primero", "s1"),
            ("la última", "s3"),
            ("השני", "s2"),
            ("השנייה בבקשה", "s2"),
            ("הראשון", "s1"),
            ("השלישי, בבקשה", "s3"),
            ("האחרונה", "s3"),
            ("la seconda", "s2"),
            ("la terza opzione", "s3"),
            ("l'ultimo", "s3"),
            ("not the first, the second", "s2"),
            ("Thursday at 5 pm works", "s2"),
            ("Friday morning at 9", "s3"),
            ("jeudi à 15h", "s1"),
            ("الموعد الأخير", "s3"),
            ("A última, por favor", "s3"),
            ("quinta-feira às 15h", "s1"),
            ("sexta-feira às 9h", "s3"),
            ("De laatste graag", "s3"),
            ("Давайте последний", "s3"),
            ("в четверг в 17:00", "s2"),
            ("Ostatni termin", "s3"),
            ("Sonuncu lütfen", "s3"),
            ("最後の日時で", "s3"),
            ("金曜日の9時", "s3"),
            ("आखिरी वाला", "s3"),
            ("最后一个", "s3"),
            ("星期四下午5点", "s2"),
        ];
        for (text, id) in cases {
            assert_eq!(
                pick(text, &s, now()).map(|s| s.id.as_str()),
                Some(id),
                "{text}"
            );
        }
        assert_eq!(pick("the fourth one", &s, now()), None);
        assert_eq!(pick("Monday at 10", &s, now()), None);
        for lang in LANGS {
            for n in 1..=3 {
                let line = phrases::pick_line(n, lang);
                assert_eq!(
                    pick(line, &s, now()).map(|s| s.id.clone()),
                    Some(format!("s{n}")),
                    "{lang:?}: {line}"
                );
            }
        }
    }

    #[test]
    fn finds_emails() {
        assert_eq!(
            find_email("My email is Lead4500@Example.com.").as_deref(),
            Some("lead4500@example.com")
        );
        assert_eq!(
            find_email("it's dana at example dot com").as_deref(),
            Some("dana@example.com")
        );
        assert_eq!(
            find_email("dana dot levi arobase example point fr").as_deref(),
            Some("dana.levi@example.fr")
        );
        assert_eq!(find_email("Thursday at 3 pm"), None);
        assert_eq!(find_email("write to me@ later"), None);
        for lang in LANGS {
            let line = phrases::email_line(lang, "lead4515@example.com");
            assert_eq!(
                find_email(&line).as_deref(),
                Some("lead4515@example.com"),
                "{line}"
            );
            // Digits of the address are not a time.
            assert!(pick(&line, &slots(), now()).is_none(), "{line}");
        }
    }

    #[test]
    fn picks_book_the_slot_with_any_email_given() {
        for lang in LANGS {
            let d = decide(phrases::pick_line(2, lang), &turn(lang, slots(), vec![]));
            let (name, args) = tool(&d);
            assert_eq!(name, "book_meeting", "{lang:?}");
            assert_eq!(args, &json!({"slot_id": "s2"}));

            let words = format!(
                "{} {}",
                phrases::pick_line(1, lang),
                phrases::email_line(lang, "lead4515@example.com")
            );
            let d = decide(&words, &turn(lang, slots(), vec![]));
            assert_eq!(
                tool(&d).1,
                &json!({"slot_id": "s1", "email": "lead4515@example.com"})
            );

            // The email alone books the slot picked earlier.
            let email = phrases::email_line(lang, "lead4500@example.com");
            let earlier = vec![phrases::pick_line(3, lang), "Yes, that sounds interesting."];
            let d = decide(&email, &turn(lang, slots(), earlier));
            assert_eq!(
                tool(&d),
                (
                    "book_meeting",
                    &json!({"slot_id": "s3", "email": "lead4500@example.com"})
                ),
                "{lang:?}"
            );
        }
    }

    #[test]
    fn another_day_searches_after_the_latest_slot() {
        for lang in LANGS {
            let d = decide(
                phrases::line(phrases::Line::AskAnotherDay, lang),
                &turn(lang, slots(), vec![]),
            );
            assert_eq!(
                tool(&d),
                ("check_availability", &json!({"day": "2026-11-28"})),
                "{lang:?}"
            );
        }
        for text in [
            "None of those work, do you have another day?",
            "Aucun ne me va, vous avez un autre jour ?",
            "Haben Sie einen anderen Tag?",
            "¿Tiene otro día?",
            "Avete un altro giorno?",
            "יש לך יום אחר?",
            "هل لديك يوم آخر؟",
            "Você tem outro dia?",
            "Heeft u een andere dag?",
            "Есть другой день?",
            "Czy jest możliwy inny dzień?",
            "Başka bir gün olur mu?",
            "別の日はありますか？",
            "有没有别的日子？",
            "क्या कोई और दिन हो सकता है?",
        ] {
            assert!(asks_another_day(text), "{text}");
        }
    }

    #[test]
    fn interest_without_offer_checks_availability() {
        for lang in LANGS {
            let d = decide(
                phrases::line(phrases::Line::ProposeTime, lang),
                &turn(lang, vec![], vec![]),
            );
            assert_eq!(
                tool(&d),
                (
                    "check_availability",
                    &json!({"day": "2026-11-26", "time": "15:00"})
                ),
                "{lang:?}"
            );
            let d = decide(
                phrases::line(phrases::Line::Confirm, lang),
                &turn(lang, vec![], vec![]),
            );
            assert_eq!(
                tool(&d),
                ("check_availability", &json!({"day": "2026-11-25"})),
                "{lang:?}"
            );
            let d = decide(
                phrases::line(phrases::Line::OptOut, lang),
                &turn(lang, slots(), vec![]),
            );
            assert_eq!(tool(&d).0, "opt_out");
            let d = decide(
                phrases::line(phrases::Line::CallbackLater, lang),
                &turn(lang, vec![], vec![]),
            );
            assert_eq!(
                tool(&d),
                (
                    "schedule_callback",
                    &json!({"callback_at": "2026-11-25T17:00:00+02:00"})
                ),
                "{lang:?}"
            );
        }
        // "Yes" after the no-slots apology asks when to call back.
        let mut t = turn(Lang::En, vec![], vec![]);
        let apology = replies::no_slots(Lang::En);
        t.last_agent = Some(&apology);
        let d = decide("Yes, sure.", &t);
        assert!(d.tool.is_none());
        assert_eq!(d.content, replies::callback_when(Lang::En));
    }

    #[test]
    fn tool_results_become_lines() {
        let offer = r#"{"tool":"check_availability","slots":[{"id":"s1","start":"2026-11-26T15:00:00+02:00","label":"L-one"},{"id":"s2","start":"2026-11-26T17:00:00+02:00","label":"L-two"},{"id":"s3","start":"2026-11-27T09:00:00+02:00","label":"L-three"}]}"#;
        let taken = r#"{"tool":"book_meeting","booked":false,"reason":"slot_taken","taken":"L-gone","slots":[{"id":"s4","start":"2026-11-27T11:00:00+02:00","label":"L-four"},{"id":"s5","start":"2026-11-27T13:00:00+02:00","label":"L-five"}]}"#;
        let booked = r#"{"tool":"book_meeting","booked":true,"label":"L-booked","email":"dana@example.com"}"#;
        for lang in LANGS {
            let line = after_tool(lang, offer, None).expect("offer");
            for l in ["L-one", "L-two", "L-three"] {
                assert!(line.contains(l), "{line}");
            }
            assert_eq!(phrases::agent_cue(&line), AgentCue::Offer, "{line}");

            let line = after_tool(lang, taken, None).expect("taken");
            assert!(line.contains("L-gone") && line.contains("L-four") && line.contains("L-five"));
            assert_eq!(phrases::agent_cue(&line), AgentCue::Taken, "{line}");

            let line = after_tool(lang, booked, None).expect("booked");
            assert!(line.contains("L-booked") && line.contains("dana@example.com"));
            assert!(phrases::is_goodbye(&line), "{line}");
            assert_eq!(phrases::agent_cue(&line), AgentCue::Goodbye);
            let line = after_tool(
                lang,
                r#"{"tool":"book_meeting","booked":true,"label":"L-booked"}"#,
                Some("on@file.com"),
            )
            .expect("booked");
            assert!(line.contains("on@file.com") && phrases::is_goodbye(&line));

            let line = after_tool(
                lang,
                r#"{"tool":"book_meeting","booked":false,"reason":"email_needed"}"#,
                None,
            )
            .expect("email");
            assert_eq!(phrases::agent_cue(&line), AgentCue::AskEmail, "{line}");

            for empty in [
                r#"{"tool":"check_availability","slots":[]}"#,
                r#"{"tool":"book_meeting","booked":false,"reason":"slot_taken","taken":"L","slots":[]}"#,
            ] {
                let line = after_tool(lang, empty, None).expect("no slots");
                assert_eq!(phrases::agent_cue(&line), AgentCue::NoSlots, "{line}");
                assert!(!phrases::is_goodbye(&line), "{line}");
            }
            let line = after_tool(
                lang,
                r#"{"tool":"book_meeting","booked":false,"reason":"unknown_slot","slots":[{"id":"s9","label":"L-nine"}]}"#,
                None,
            )
            .expect("unknown");
            assert!(line.contains("L-nine"));
            assert_eq!(phrases::agent_cue(&line), AgentCue::Offer);

            for filler in [
                replies::checking_calendar(lang),
                replies::booking_slot(lang),
            ] {
                assert_eq!(phrases::agent_cue(&filler), AgentCue::Other, "{filler}");
            }
        }
        assert_eq!(after_tool(Lang::En, "ok", None), None);
        assert_eq!(after_tool(Lang::En, r#"{"status":"done"}"#, None), None);
    }
}
