//! Everything the simulator says, per language, read from `sim/lang/<code>.json`.
//!
//! Each language's texts are one file with named keys, so a text is found by its name, never
//! by its position among the languages, and adding a text or a language touches no other
//! language's entries. The files are compiled in and parsed once, on first use; a missing or
//! misspelt key fails the parse (and the completeness test below).
//!
//! Texts are templates where they quote a value: `{email}`, `{number}`, `{slot}`, ... are
//! replaced by [`fill`].

use std::sync::LazyLock;

use chrono::Weekday;
use serde::Deserialize;

use crate::phrases::Lang;

/// Everything the simulator says in one language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// How the language writes lists, sentences and times.
    pub writing: Writing,
    /// What the scripted callees say.
    pub callee: Callee,
    /// What the scripted model says.
    pub model: Model,
}

/// How a language writes lists, sentences and times.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Writing {
    /// Whether words and sentences are separated by spaces (not in Japanese and Chinese).
    pub spaced: bool,
    /// The comma between list items, without the space that follows it in a spaced language.
    pub list_comma: String,
    /// "or" before a list's last item.
    pub or: String,
    /// A short answer as a sentence: `{words}` and the full stop.
    pub sentence: String,
    /// A question with its options: `{question}` and `{options}`.
    pub choice: String,
    /// A time of day: `{hh}` (two-digit hour) or `{h}` (hour), and `{mm}`.
    pub clock: String,
}

impl Writing {
    /// What separates sentences (and "or" from the items around it): a space, or nothing.
    pub fn space(&self) -> &'static str {
        if self.spaced { " " } else { "" }
    }
}

/// What the scripted callees say.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Callee {
    /// Interested, proposes Thursday at 15:00.
    pub propose_time: String,
    /// Confirms a proposed meeting.
    pub confirm: String,
    /// Polite goodbye.
    pub goodbye: String,
    /// Asks what the company offers.
    pub ask_offer: String,
    /// Asks about the price.
    pub ask_cost: String,
    /// Declines.
    pub not_interested: String,
    /// Asks for a call back tomorrow at 17:00.
    pub callback: String,
    /// Asks to be removed from the list.
    pub opt_out: String,
    /// Asks who is calling.
    pub who_is_this: String,
    /// Voicemail greeting played by the answering machine.
    pub voicemail_greeting: String,
    /// Announces a switch to this language.
    pub switch_intro: String,
    /// Picks the first offered slot.
    pub pick_first: String,
    /// Picks the second offered slot.
    pub pick_second: String,
    /// Picks the third offered slot.
    pub pick_third: String,
    /// None of the offered slots fit: asks for another day.
    pub ask_another_day: String,
    /// Answers "no free slots, shall I call you back?" with tomorrow at 17:00.
    pub callback_later: String,
    /// Asks to speak with a person instead of the assistant.
    pub ask_for_person: String,
    /// A short acknowledgement while the agent talks ("Uh-huh."), at most two words.
    pub backchannel: String,
    /// Spells out the callee's email address: `{email}`.
    pub my_email: String,
    /// Mumbled speech for the `unintelligible` persona.
    pub mumbles: [String; 3],
    /// Answers a how-many question: `{number}`.
    pub about_number: String,
    /// Answers a yes/no question with yes.
    pub yes: String,
    /// Answers a yes/no question with no.
    pub no: String,
    /// Answers an open question.
    pub open_answer: String,
}

/// What the scripted model says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Opens the call.
    pub hello: String,
    /// Who is calling: `{business}`.
    pub who: String,
    /// Who is calling, when the prompt names no business.
    pub who_anonymous: String,
    /// What the call is about: `{goal}`.
    pub calling_about: String,
    /// Who is calling and what about: `{business}`, `{goal}`.
    pub calling_for: String,
    /// Asks for a minute to talk.
    pub a_minute: String,
    /// Asks for the meeting after an answer.
    pub meeting_ask: String,
    /// Quotes a knowledge passage: `{passage}`.
    pub from_knowledge: String,
    /// Nothing in the knowledge answers the question.
    pub dont_know: String,
    /// Said with the `search_knowledge` call.
    pub checking_knowledge: String,
    /// Reacts to interest without a time by proposing one.
    pub propose_meeting: String,
    /// Asks the callee to repeat.
    pub repeat: String,
    /// Confirms the number was removed.
    pub opted_out: String,
    /// Polite goodbye after a refusal.
    pub not_interested: String,
    /// Putting the callee through to a colleague.
    pub transferring: String,
    /// Asks when to call back.
    pub callback_when: String,
    /// Confirms a call back: `{when}` (today, tomorrow or a day) and `{time}`.
    pub callback_scheduled: String,
    /// "today", as `{when}` of [`Model::callback_scheduled`].
    pub today: String,
    /// "tomorrow", as `{when}` of [`Model::callback_scheduled`].
    pub tomorrow: String,
    /// "on Thursday", as `{when}` of [`Model::callback_scheduled`].
    pub on_days: Week,
    /// Day names as `{day}` of [`Model::meeting_booked`].
    pub days: Week,
    /// Confirms a meeting the callee agreed to: `{day}`, `{time}`.
    pub meeting_booked: String,
    /// Filler while the model checks the calendar.
    pub checking_calendar: String,
    /// Offers slots: `{slots}` (a spoken list) and `{ask}` ([`Model::offer_one`] or
    /// [`Model::offer_many`]).
    pub offer: String,
    /// Asks whether the one offered slot suits.
    pub offer_one: String,
    /// Asks which of the offered slots suits.
    pub offer_many: String,
    /// No free slots: apologises and proposes a call back.
    pub no_slots: String,
    /// The picked slot, when its label is unknown.
    pub that_time: String,
    /// The picked slot was just taken: `{slot}` (an offer follows).
    pub slot_taken: String,
    /// The picked slot was just taken and nothing else is free: `{slot}`.
    pub slot_taken_none_left: String,
    /// Filler while the model books a slot.
    pub booking_slot: String,
    /// Asks for the email address the invitation should go to.
    pub ask_email: String,
    /// Confirms a booked slot: `{slot}`.
    pub booking_confirmed: String,
    /// Confirms a booked slot and where the invitation goes: `{slot}`, `{email}`.
    pub booking_confirmed_to: String,
    /// Short closing line after a tool result.
    pub after_tool: String,
}

/// One text per day of the week.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Week {
    /// Monday.
    pub monday: String,
    /// Tuesday.
    pub tuesday: String,
    /// Wednesday.
    pub wednesday: String,
    /// Thursday.
    pub thursday: String,
    /// Friday.
    pub friday: String,
    /// Saturday.
    pub saturday: String,
    /// Sunday.
    pub sunday: String,
}

impl Week {
    /// The text for `day`.
    pub fn get(&self, day: Weekday) -> &str {
        match day {
            Weekday::Mon => &self.monday,
            Weekday::Tue => &self.tuesday,
            Weekday::Wed => &self.wednesday,
            Weekday::Thu => &self.thursday,
            Weekday::Fri => &self.friday,
            Weekday::Sat => &self.saturday,
            Weekday::Sun => &self.sunday,
        }
    }
}

/// Declares the table: one file per language, each found through an exhaustive match on
/// [`Lang`], so a language without a file (or a file that is not there) does not compile.
macro_rules! languages {
    ($($variant:ident => $code:ident),* $(,)?) => {
        /// Every language's texts, parsed.
        struct Table {
            $($code: Texts,)*
        }

        /// The file of `lang`, as compiled in.
        fn source(lang: Lang) -> &'static str {
            match lang {
                $(Lang::$variant => include_str!(concat!("../lang/", stringify!($code), ".json")),)*
            }
        }

        static TABLE: LazyLock<Table> = LazyLock::new(|| Table {
            $($code: parse(Lang::$variant),)*
        });

        /// Everything the simulator says in `lang`.
        pub fn texts(lang: Lang) -> &'static Texts {
            match lang {
                $(Lang::$variant => &TABLE.$code,)*
            }
        }
    };
}

languages! {
    En => en,
    He => he,
    Fr => fr,
    De => de,
    Es => es,
    It => it,
    Ar => ar,
    Pt => pt,
    Nl => nl,
    Ru => ru,
    Pl => pl,
    Tr => tr,
    Ja => ja,
    Hi => hi,
    Zh => zh,
}

/// Parses the compiled-in file of `lang`. The files are part of the build and the tests parse
/// every one, so a broken file is a bug to stop on, not a condition to handle.
fn parse(lang: Lang) -> Texts {
    serde_json::from_str(source(lang))
        .unwrap_or_else(|e| panic!("sim/lang/{}.json: {e}", lang.code()))
}

/// `template` with each `{key}` of `values` replaced, in one pass (so a value that contains a
/// placeholder, such as a goal quoted from the prompt, is left as written). Unknown
/// placeholders stay.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    #[test]
    fn fills_placeholders_once() {
        assert_eq!(
            fill("a {b} c {g}", &[("b", "{g}"), ("g", "x")]),
            "a {g} c x"
        );
        assert_eq!(fill("{x} {b", &[("b", "B")]), "{x} {b");
        assert_eq!(fill("{h}h{mm}", &[("h", "9"), ("mm", "05")]), "9h05");
        assert_eq!(fill("{a}{a}", &[("a", "é")]), "éé");
    }

    /// Every string of a file, by its path ("model.on_days.monday", "callee.mumbles.1").
    fn strings(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            Value::String(s) => out.push((path.to_owned(), s.clone())),
            Value::Object(map) => {
                for (key, v) in map {
                    strings(
                        v,
                        &format!("{path}{}{key}", if path.is_empty() { "" } else { "." }),
                        out,
                    );
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    strings(v, &format!("{path}.{i}"), out);
                }
            }
            Value::Bool(_) | Value::Null | Value::Number(_) => {}
        }
    }

    /// The `{placeholder}` names in `text`.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect()
    }

    #[test]
    fn every_language_has_complete_texts() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lang");
        // Every file is a language's (a stray or misnamed file is caught here) ...
        for entry in std::fs::read_dir(dir).expect("sim/lang") {
            let name = entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("name");
            let code = name.strip_suffix(".json").expect("only .json files");
            assert_eq!(Lang::from_tag(code).code(), code, "{name} is no language");
        }
        let codes: BTreeSet<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(
            codes.len(),
            Lang::ALL.len(),
            "Lang::ALL lists each language once"
        );
        let english: Value = serde_json::from_str(source(Lang::En)).expect("en.json");
        let mut english_strings = Vec::new();
        strings(&english, "", &mut english_strings);
        for lang in Lang::ALL {
            // ... and every language's file is the one compiled in.
            let path = format!("{dir}/{}.json", lang.code());
            let on_disk = std::fs::read_to_string(&path).expect(&path);
            assert_eq!(on_disk, source(lang), "{path}");
            // Every key is there and spelt right (the structs deny unknown fields).
            let parsed: Result<Texts, _> = serde_json::from_str(source(lang));
            assert!(parsed.is_ok(), "{path}: {:?}", parsed.err());
            let value: Value = serde_json::from_str(source(lang)).expect(&path);
            let mut found = Vec::new();
            strings(&value, "", &mut found);
            assert_eq!(found.len(), english_strings.len(), "{path}");
            for (key, text) in &found {
                assert!(!text.trim().is_empty(), "{path}: {key} is empty");
            }
            for (key, english_text) in &english_strings {
                let (_, text) = found
                    .iter()
                    .find(|(k, _)| k == key)
                    .unwrap_or_else(|| panic!("{path}: no {key}"));
                let wanted = placeholders(english_text);
                let used = placeholders(text);
                for name in &wanted {
                    // The clock may write the hour without its leading zero ("9h05").
                    let alternative = (key == "writing.clock" && *name == "hh")
                        .then_some("h")
                        .filter(|h| used.contains(h));
                    assert!(
                        used.contains(name) || alternative.is_some(),
                        "{path}: {key} lacks {{{name}}}: {text}"
                    );
                }
                // Nothing fills a placeholder English does not use (but the clock's hour).
                for name in &used {
                    assert!(
                        wanted.contains(name) || (key == "writing.clock" && *name == "h"),
                        "{path}: {key} has an unknown {{{name}}}: {text}"
                    );
                }
            }
        }
    }
}
