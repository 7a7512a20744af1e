//! What the scripted model says, in every supported language.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

use crate::phrases::Lang;
use crate::texts::{fill, texts};

/// Kinds of questions the callee asks the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// What is this call about, what do you offer? (The goal of the call.)
    Offer,
    /// How much does it cost? (The knowledge, preferring a passage with a price.)
    Cost,
    /// Who is calling? (The business.)
    Who,
    /// Anything else. (The knowledge.)
    Other,
}

/// A time of day as the language writes it.
fn clock(lang: Lang, at: DateTime<FixedOffset>) -> String {
    fill(
        &texts(lang).writing.clock,
        &[
            ("hh", &format!("{:02}", at.hour())),
            ("h", &at.hour().to_string()),
            ("mm", &format!("{:02}", at.minute())),
        ],
    )
}

/// Confirms a booked meeting and says goodbye.
pub fn meeting_booked(lang: Lang, at: DateTime<FixedOffset>) -> String {
    let model = &texts(lang).model;
    fill(
        &model.meeting_booked,
        &[
            ("day", model.days.get(at.weekday())),
            ("time", &clock(lang, at)),
        ],
    )
}

/// Confirms a scheduled call back and says goodbye.
pub fn callback_scheduled(
    lang: Lang,
    at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> String {
    let model = &texts(lang).model;
    let when = match (at.date_naive() - now.date_naive()).num_days() {
        0 => &model.today,
        1 => &model.tomorrow,
        _ => model.on_days.get(at.weekday()),
    };
    fill(
        &model.callback_scheduled,
        &[("when", when), ("time", &clock(lang, at))],
    )
}

/// Asks when to call back.
pub fn callback_when(lang: Lang) -> String {
    texts(lang).model.callback_when.clone()
}

/// Confirms the number was removed.
pub fn opted_out(lang: Lang) -> String {
    texts(lang).model.opted_out.clone()
}

/// Putting the callee through to a colleague.
pub fn transferring(lang: Lang) -> String {
    texts(lang).model.transferring.clone()
}

/// Polite goodbye after a refusal.
pub fn not_interested(lang: Lang) -> String {
    texts(lang).model.not_interested.clone()
}

/// Reacts to interest without a time by proposing one.
pub fn propose_meeting(lang: Lang) -> String {
    texts(lang).model.propose_meeting.clone()
}

/// Asks the callee to repeat.
pub fn repeat(lang: Lang) -> String {
    texts(lang).model.repeat.clone()
}

/// Short closing line after a tool result.
pub fn after_tool(lang: Lang) -> String {
    texts(lang).model.after_tool.clone()
}

/// Joins slot labels (or a question's options) as spoken: "A, B or C" (with the language's
/// own comma and "or").
pub fn spoken_list(lang: Lang, labels: &[String]) -> String {
    let writing = &texts(lang).writing;
    let space = writing.space();
    match labels {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => {
            let comma = format!("{}{space}", writing.list_comma);
            format!("{}{space}{}{space}{last}", init.join(&comma), writing.or)
        }
    }
}

/// Offers slots (labels already in the callee's language) and asks which one suits.
pub fn offer(lang: Lang, labels: &[String]) -> String {
    let model = &texts(lang).model;
    let ask = if labels.len() == 1 {
        &model.offer_one
    } else {
        &model.offer_many
    };
    fill(
        &model.offer,
        &[("slots", &spoken_list(lang, labels)), ("ask", ask)],
    )
}

/// No free slots at all: apologises and proposes a call back.
pub fn no_slots(lang: Lang) -> String {
    texts(lang).model.no_slots.clone()
}

/// The picked slot was just taken: apologises and offers `labels` instead
/// (or proposes a call back when nothing else is free).
pub fn slot_taken(lang: Lang, taken: Option<&str>, labels: &[String]) -> String {
    let texts = texts(lang);
    let taken = taken
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(&texts.model.that_time);
    if labels.is_empty() {
        return fill(&texts.model.slot_taken_none_left, &[("slot", taken)]);
    }
    let sorry = fill(&texts.model.slot_taken, &[("slot", taken)]);
    format!("{sorry}{}{}", texts.writing.space(), offer(lang, labels))
}

/// Asks for the email address the invitation should go to.
pub fn ask_email(lang: Lang) -> String {
    texts(lang).model.ask_email.clone()
}

/// Confirms a booked slot (and where the invitation goes) and says goodbye.
pub fn booking_confirmed(lang: Lang, label: &str, email: Option<&str>) -> String {
    let model = &texts(lang).model;
    match email {
        Some(email) => fill(
            &model.booking_confirmed_to,
            &[("slot", label), ("email", email)],
        ),
        None => fill(&model.booking_confirmed, &[("slot", label)]),
    }
}

/// Filler while the model checks the calendar (the product does not speak
/// it when it loops on the tool call).
pub fn checking_calendar(lang: Lang) -> String {
    texts(lang).model.checking_calendar.clone()
}

/// Filler while the model books a slot.
pub fn booking_slot(lang: Lang) -> String {
    texts(lang).model.booking_slot.clone()
}
