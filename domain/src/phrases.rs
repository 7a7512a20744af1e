//! Fixed phrases the agent speaks without the LLM, one file per language under `domain/lang/`.

use crate::Language;
use serde::Deserialize;
use std::sync::OnceLock;

/// The fixed phrases of one language. `{name}` and `{business}` are filled in by [`fill`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phrases {
    /// What opens every call, whatever the agent: names the business (`{business}`), addresses
    /// the lead (`{name}`), says the caller is an AI assistant and that the call is recorded.
    pub disclosure: String,
    /// Said after the disclosure when the agent has no greeting of its own in this language: a
    /// neutral question that asks for nothing but a moment.
    pub opener: String,
    /// Said after a silent turn.
    pub reprompt_silence: String,
    /// Said after a turn the recogniser was unsure of.
    pub ask_again: String,
    /// Closing.
    pub goodbye: String,
    /// Closing when the turn limit is reached.
    pub max_turns_goodbye: String,
    /// Confirms an opt-out before hanging up.
    pub opt_out_confirmation: String,
    /// Message left on an answering machine.
    pub voicemail: String,
    /// Said when the agent cannot continue (provider failure).
    pub error_apology: String,
    /// Weekday names, Monday first, as used inside [`slot_label`](Self::slot_label).
    pub weekdays: Vec<String>,
    /// Month names, January first, as used inside [`slot_label`](Self::slot_label).
    pub months: Vec<String>,
    /// How a meeting slot is said (see [`crate::booking::slot_label`]): `{weekday}`, `{day}`,
    /// `{month}`, `{hour}` (no leading zero) and `{minute}` (two digits).
    pub slot_label: String,
    /// Replaces `{day}` on the first of the month where the language says it differently
    /// (French "1er").
    #[serde(default)]
    pub first_of_month: Option<String>,
    /// Line added to a meeting invite's description with the video link, `{link}`.
    pub invite_video_link: String,
    /// Line added to a meeting invite's description when there is no video link.
    pub invite_no_video_link: String,
    /// Invite email salutation, `{name}`.
    pub invite_greeting: String,
    /// Subject of the first invite: `{title}`, `{when}` (as [`crate::booking::slot_label`]).
    pub invite_subject: String,
    /// Subject of an invite after the meeting moved.
    pub invite_update_subject: String,
    /// Subject of a cancellation.
    pub invite_cancel_subject: String,
    /// Body of the first invite: `{when}`, `{zone}`.
    pub invite_booked: String,
    /// Body after the meeting moved.
    pub invite_moved: String,
    /// Body of a cancellation.
    pub invite_cancelled: String,
}

fn source(language: Language) -> &'static str {
    match language {
        Language::En => include_str!("../lang/en.json"),
        Language::He => include_str!("../lang/he.json"),
        Language::Fr => include_str!("../lang/fr.json"),
        Language::De => include_str!("../lang/de.json"),
        Language::Es => include_str!("../lang/es.json"),
        Language::Ar => include_str!("../lang/ar.json"),
        Language::It => include_str!("../lang/it.json"),
        Language::Pt => include_str!("../lang/pt.json"),
        Language::Nl => include_str!("../lang/nl.json"),
        Language::Ru => include_str!("../lang/ru.json"),
        Language::Pl => include_str!("../lang/pl.json"),
        Language::Tr => include_str!("../lang/tr.json"),
        Language::Ja => include_str!("../lang/ja.json"),
        Language::Hi => include_str!("../lang/hi.json"),
        Language::Zh => include_str!("../lang/zh.json"),
    }
}

/// The phrases for `language`. The files are compiled in and checked by a unit test, so a
/// parse failure here can only come from an untested edit; it falls back to English then.
pub fn phrases(language: Language) -> &'static Phrases {
    static TABLE: OnceLock<Vec<Phrases>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let english: Phrases =
            serde_json::from_str(source(Language::En)).unwrap_or_else(|_| fallback());
        Language::ALL
            .iter()
            .map(|l| serde_json::from_str(source(*l)).unwrap_or_else(|_| english.clone()))
            .collect()
    });
    &table[language as usize]
}

fn fallback() -> Phrases {
    let bye = "Thank you, goodbye.".to_owned();
    Phrases {
        disclosure: "Hello {name}, this is the AI assistant of {business}. This call is recorded."
            .to_owned(),
        opener: "Do you have a moment?".to_owned(),
        reprompt_silence: "Are you still there?".to_owned(),
        ask_again: "Could you say that again?".to_owned(),
        goodbye: bye.clone(),
        max_turns_goodbye: bye.clone(),
        opt_out_confirmation: "Your number is removed. Goodbye.".to_owned(),
        voicemail: "Hello {name}, this is {business}. We will call again.".to_owned(),
        error_apology: bye,
        weekdays: [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .map(str::to_owned)
        .to_vec(),
        months: [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        .map(str::to_owned)
        .to_vec(),
        slot_label: "{weekday} {day} {month} at {hour}:{minute}".to_owned(),
        first_of_month: None,
        invite_video_link: "Video link: {link}".to_owned(),
        invite_no_video_link: "There is no video link for this meeting.".to_owned(),
        invite_greeting: "Hello {name},".to_owned(),
        invite_subject: "Invitation: {title}, {when}".to_owned(),
        invite_update_subject: "Updated invitation: {title}, {when}".to_owned(),
        invite_cancel_subject: "Cancelled: {title}, {when}".to_owned(),
        invite_booked: "Your meeting is booked for {when} ({zone}).".to_owned(),
        invite_moved: "Your meeting has moved to {when} ({zone}).".to_owned(),
        invite_cancelled: "Your meeting on {when} ({zone}) is cancelled.".to_owned(),
    }
}

/// Fills the `{name}` and `{business}` placeholders.
pub fn fill(template: &str, name: &str, business: &str) -> String {
    template
        .replace("{name}", name)
        .replace("{business}", business)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_parses_and_is_complete() {
        for lang in Language::ALL {
            let p: Phrases =
                serde_json::from_str(source(lang)).unwrap_or_else(|e| panic!("{lang}: {e}"));
            for (key, text) in [
                ("disclosure", &p.disclosure),
                ("opener", &p.opener),
                ("reprompt_silence", &p.reprompt_silence),
                ("ask_again", &p.ask_again),
                ("goodbye", &p.goodbye),
                ("max_turns_goodbye", &p.max_turns_goodbye),
                ("opt_out_confirmation", &p.opt_out_confirmation),
                ("voicemail", &p.voicemail),
                ("error_apology", &p.error_apology),
            ] {
                assert!(!text.trim().is_empty(), "{lang}.{key} is empty");
            }
            assert!(
                p.disclosure.contains("{business}"),
                "{lang}: the disclosure must name the business"
            );
            assert!(
                p.disclosure.contains("{name}"),
                "{lang}: the disclosure must address the lead"
            );
            assert!(
                p.voicemail.contains("{business}"),
                "{lang}: voicemail must name the business"
            );
        }
    }

    #[test]
    fn disclosures_say_ai_and_recording() {
        let disclosures = [
            (Language::En, "AI assistant", "recorded"),
            (Language::He, "בינה המלאכותית", "מוקלטת"),
            (Language::Fr, "assistant IA", "enregistré"),
            (Language::De, "KI-Assistent", "aufgezeichnet"),
            (Language::Es, "inteligencia artificial", "se graba"),
            (Language::Ar, "ذكاء اصطناعي", "مسجلة"),
            (Language::It, "intelligenza artificiale", "registrata"),
            (Language::Pt, "inteligência artificial", "gravada"),
            (Language::Nl, "AI-assistent", "opgenomen"),
            (Language::Ru, "искусственного интеллекта", "записывается"),
            (Language::Pl, "sztucznej inteligencji", "nagrywana"),
            (Language::Tr, "yapay zekâ", "kaydediliyor"),
            (Language::Ja, "AIアシスタント", "録音"),
            (Language::Hi, "एआई सहायक", "रिकॉर्ड"),
            (Language::Zh, "人工智能助手", "录音"),
        ];
        assert_eq!(
            disclosures.len(),
            Language::ALL.len(),
            "a language lacks its row"
        );
        for (lang, ai, recorded) in disclosures {
            let g = &phrases(lang).disclosure;
            assert!(g.contains(ai) && g.contains(recorded), "{lang}: {g}");
        }
    }

    #[test]
    fn every_language_names_days_and_months_and_says_slots() {
        for lang in Language::ALL {
            let p: Phrases =
                serde_json::from_str(source(lang)).unwrap_or_else(|e| panic!("{lang}: {e}"));
            assert_eq!(p.weekdays.len(), 7, "{lang}: weekdays");
            assert_eq!(p.months.len(), 12, "{lang}: months");
            for name in p.weekdays.iter().chain(&p.months) {
                assert!(!name.trim().is_empty(), "{lang}: empty day or month name");
            }
            for placeholder in ["{weekday}", "{day}", "{month}", "{hour}", "{minute}"] {
                assert!(
                    p.slot_label.contains(placeholder),
                    "{lang}: slot_label lacks {placeholder}"
                );
            }
            assert!(p.invite_video_link.contains("{link}"), "{lang}");
            assert!(!p.invite_no_video_link.trim().is_empty(), "{lang}");
            for (key, text, placeholders) in [
                ("invite_greeting", &p.invite_greeting, &["{name}"][..]),
                (
                    "invite_subject",
                    &p.invite_subject,
                    &["{title}", "{when}"][..],
                ),
                (
                    "invite_update_subject",
                    &p.invite_update_subject,
                    &["{title}", "{when}"][..],
                ),
                (
                    "invite_cancel_subject",
                    &p.invite_cancel_subject,
                    &["{title}", "{when}"][..],
                ),
                ("invite_booked", &p.invite_booked, &["{when}", "{zone}"][..]),
                ("invite_moved", &p.invite_moved, &["{when}", "{zone}"][..]),
                (
                    "invite_cancelled",
                    &p.invite_cancelled,
                    &["{when}", "{zone}"][..],
                ),
            ] {
                for ph in placeholders {
                    assert!(text.contains(ph), "{lang} {key} lacks {ph}");
                }
            }
        }
        // The fallback is complete too.
        let f = fallback();
        assert_eq!((f.weekdays.len(), f.months.len()), (7, 12));
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            fill("Hi {name} from {business}", "Dana", "Acme"),
            "Hi Dana from Acme"
        );
    }
}
