//! Scripted callees. The persona is chosen by the last two digits of the
//! dialled number (like Twilio's magic test numbers), its language by the
//! country calling code; it decides how the phone is picked up and what the
//! callee says at each `<Gather>`.

use rand::Rng as _;

use crate::phrases::{self, Lang, Line};

/// A persona gives up (hangs up) after this many exchanges.
pub const MAX_EXCHANGES: u32 = 12;

/// The scripted behaviours, keyed by the number's last two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaKind {
    /// 00 (and any unknown suffix): proposes a time, confirms, says goodbye.
    Books,
    /// 01: asks two questions, then books.
    AsksQuestionsThenBooks,
    /// 02: declines.
    NotInterested,
    /// 03: asks to be called back tomorrow at 17:00.
    Callback,
    /// 04: asks to be removed from the list.
    OptOut,
    /// 05: an answering machine.
    Voicemail,
    /// 06: rings out.
    NoAnswer,
    /// 07: line busy.
    Busy,
    /// 08: asks who is calling, then hangs up after the next agent line.
    HangsUp,
    /// 09: answers and never speaks.
    Silent,
    /// 10: low-confidence mumbling.
    Unintelligible,
    /// 11: the call fails.
    Failed,
    /// 12: no answer on the first call, books on later ones.
    NoAnswerThenBooks,
    /// 13: starts in the local language, then switches.
    SwitchesLanguage,
}

impl PersonaKind {
    /// The persona for a dialled number.
    pub fn for_number(e164: &str) -> Self {
        let digits: Vec<char> = e164.chars().filter(char::is_ascii_digit).collect();
        let suffix: String = digits[digits.len().saturating_sub(2)..].iter().collect();
        match suffix.as_str() {
            "01" => Self::AsksQuestionsThenBooks,
            "02" => Self::NotInterested,
            "03" => Self::Callback,
            "04" => Self::OptOut,
            "05" => Self::Voicemail,
            "06" => Self::NoAnswer,
            "07" => Self::Busy,
            "08" => Self::HangsUp,
            "09" => Self::Silent,
            "10" => Self::Unintelligible,
            "11" => Self::Failed,
            "12" => Self::NoAnswerThenBooks,
            "13" => Self::SwitchesLanguage,
            _ => Self::Books,
        }
    }

    /// Snake-case name shown in the inspection API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Books => "books",
            Self::AsksQuestionsThenBooks => "asks_questions_then_books",
            Self::NotInterested => "not_interested",
            Self::Callback => "callback",
            Self::OptOut => "opt_out",
            Self::Voicemail => "voicemail",
            Self::NoAnswer => "no_answer",
            Self::Busy => "busy",
            Self::HangsUp => "hangs_up",
            Self::Silent => "silent",
            Self::Unintelligible => "unintelligible",
            Self::Failed => "failed",
            Self::NoAnswerThenBooks => "no_answer_then_books",
            Self::SwitchesLanguage => "switches_language",
        }
    }
}

/// How the phone is picked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pickup {
    /// A person answers.
    Human,
    /// An answering machine answers.
    Machine,
    /// Rings until the timeout.
    NoAnswer,
    /// Busy signal.
    Busy,
    /// The call cannot be connected.
    Failed,
}

/// What the callee does when the agent listens.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Says something; `confidence` is the speech recogniser's score.
    Speak {
        /// Recognised words.
        text: String,
        /// Recognition confidence in 0..1.
        confidence: f64,
    },
    /// Says nothing.
    Silent,
    /// Hangs up.
    HangUp,
}

/// The state of one callee during one call.
#[derive(Debug, Clone)]
pub struct Persona {
    kind: PersonaKind,
    behaves_as: PersonaKind,
    lang: Lang,
    turns: u32,
    heard_goodbye: bool,
    said_goodbye: bool,
    armed_hangup: bool,
}

impl Persona {
    /// The persona answering a call to `to`; `dial_count` is 1 for the first call to that number.
    pub fn new(to: &str, dial_count: u32) -> Self {
        let kind = PersonaKind::for_number(to);
        let behaves_as = match kind {
            PersonaKind::NoAnswerThenBooks if dial_count <= 1 => PersonaKind::NoAnswer,
            PersonaKind::NoAnswerThenBooks => PersonaKind::Books,
            other => other,
        };
        Self {
            kind,
            behaves_as,
            lang: Lang::from_number(to),
            turns: 0,
            heard_goodbye: false,
            said_goodbye: false,
            armed_hangup: false,
        }
    }

    /// The configured persona (independent of the call count).
    pub fn kind(&self) -> PersonaKind {
        self.kind
    }

    /// The language the callee speaks at the start of the call.
    pub fn language(&self) -> Lang {
        self.lang
    }

    /// How this call is picked up.
    pub fn pickup(&self) -> Pickup {
        match self.behaves_as {
            PersonaKind::Voicemail => Pickup::Machine,
            PersonaKind::NoAnswer => Pickup::NoAnswer,
            PersonaKind::Busy => Pickup::Busy,
            PersonaKind::Failed => Pickup::Failed,
            _ => Pickup::Human,
        }
    }

    /// What the answering machine plays when it picks up.
    pub fn machine_greeting(&self) -> Option<&'static str> {
        (self.pickup() == Pickup::Machine)
            .then(|| phrases::line(Line::VoicemailGreeting, self.lang))
    }

    /// The callee hears an agent line. Returns true when the callee hangs up right after it.
    pub fn hear(&mut self, agent_text: &str) -> bool {
        if phrases::is_goodbye(agent_text) {
            self.heard_goodbye = true;
        }
        self.armed_hangup
    }

    /// The callee's next turn at a `<Gather>`.
    pub fn reply(&mut self) -> Reply {
        if self.said_goodbye || self.turns >= MAX_EXCHANGES || self.armed_hangup {
            return Reply::HangUp;
        }
        let turn = self.turns;
        self.turns += 1;
        let talks = !matches!(
            self.behaves_as,
            PersonaKind::Voicemail | PersonaKind::Silent | PersonaKind::Unintelligible
        );
        if talks && self.heard_goodbye {
            return self.goodbye();
        }
        let script: &[Line] = match self.behaves_as {
            PersonaKind::Books | PersonaKind::NoAnswerThenBooks => {
                &[Line::ProposeTime, Line::Confirm]
            }
            PersonaKind::AsksQuestionsThenBooks => &[
                Line::AskOffer,
                Line::AskCost,
                Line::ProposeTime,
                Line::Confirm,
            ],
            PersonaKind::NotInterested => &[Line::NotInterested],
            PersonaKind::Callback => &[Line::Callback],
            PersonaKind::OptOut => &[Line::OptOut],
            PersonaKind::HangsUp => {
                self.armed_hangup = true;
                &[Line::WhoIsThis]
            }
            PersonaKind::SwitchesLanguage => return self.switching(turn),
            PersonaKind::Unintelligible => {
                let confidence = rand::thread_rng().gen_range(0.15..0.30);
                return speak(phrases::garbled(self.lang, turn as usize), confidence);
            }
            PersonaKind::Voicemail
            | PersonaKind::Silent
            | PersonaKind::NoAnswer
            | PersonaKind::Busy
            | PersonaKind::Failed => return Reply::Silent,
        };
        match script.get(turn as usize) {
            Some(line) => speak(phrases::line(*line, self.lang), clear_confidence()),
            None => self.goodbye(),
        }
    }

    fn switching(&mut self, turn: u32) -> Reply {
        if turn == 0 {
            return speak(phrases::line(Line::AskOffer, self.lang), clear_confidence());
        }
        if turn == 1 {
            self.lang = if self.lang == Lang::En {
                Lang::Es
            } else {
                Lang::En
            };
            let text = format!(
                "{} {}",
                phrases::line(Line::SwitchIntro, self.lang),
                phrases::line(Line::ProposeTime, self.lang)
            );
            return speak(&text, clear_confidence());
        }
        if turn == 2 {
            return speak(phrases::line(Line::Confirm, self.lang), clear_confidence());
        }
        self.goodbye()
    }

    fn goodbye(&mut self) -> Reply {
        self.said_goodbye = true;
        speak(phrases::line(Line::Goodbye, self.lang), clear_confidence())
    }
}

fn speak(text: &str, confidence: f64) -> Reply {
    Reply::Speak {
        text: text.to_owned(),
        confidence,
    }
}

fn clear_confidence() -> f64 {
    rand::thread_rng().gen_range(0.86..0.97)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: Reply) -> String {
        match r {
            Reply::Speak { text, .. } => text,
            other => panic!("expected speech, got {other:?}"),
        }
    }

    #[test]
    fn persona_by_suffix() {
        assert_eq!(PersonaKind::for_number("+15550000000"), PersonaKind::Books);
        assert_eq!(PersonaKind::for_number("+15550000007"), PersonaKind::Busy);
        assert_eq!(
            PersonaKind::for_number("+15550000013"),
            PersonaKind::SwitchesLanguage
        );
        assert_eq!(PersonaKind::for_number("+15550000099"), PersonaKind::Books);
    }

    #[test]
    fn books_flow_and_goodbye() {
        let mut p = Persona::new("+33612345600", 1);
        assert_eq!(p.pickup(), Pickup::Human);
        assert!(text(p.reply()).contains("jeudi à 15h"));
        assert!(text(p.reply()).contains("ça me va"));
        assert!(!p.hear("Parfait, au revoir !"));
        assert!(text(p.reply()).contains("au revoir"));
        assert_eq!(p.reply(), Reply::HangUp);
    }

    #[test]
    fn no_answer_then_books() {
        assert_eq!(Persona::new("+15550000012", 1).pickup(), Pickup::NoAnswer);
        assert_eq!(Persona::new("+15550000012", 2).pickup(), Pickup::Human);
    }

    #[test]
    fn hangs_up_after_next_agent_line() {
        let mut p = Persona::new("+15550000008", 1);
        assert_eq!(text(p.reply()), "Who is this?");
        assert!(p.hear("This is Alex from Callwright."));
    }

    #[test]
    fn silent_gives_up_after_max_exchanges() {
        let mut p = Persona::new("+15550000009", 1);
        for _ in 0..MAX_EXCHANGES {
            assert_eq!(p.reply(), Reply::Silent);
        }
        assert_eq!(p.reply(), Reply::HangUp);
    }

    #[test]
    fn switches_language() {
        let mut p = Persona::new("+972501234513", 1);
        assert!(text(p.reply()).contains("מה בדיוק"));
        assert!(text(p.reply()).contains("Thursday at 3 pm"));
        let mut p = Persona::new("+15550000013", 1);
        p.reply();
        assert!(text(p.reply()).contains("jueves"));
    }

    #[test]
    fn unintelligible_has_low_confidence() {
        let mut p = Persona::new("+15550000010", 1);
        match p.reply() {
            Reply::Speak { confidence, .. } => assert!((0.15..0.3).contains(&confidence)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
