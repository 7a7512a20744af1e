//! Scripted callees. The persona is chosen by the last two digits of the
//! dialled number (like Twilio's magic test numbers), its language by the
//! country calling code; it decides how the phone is picked up and what the
//! callee says at each `<Gather>`.
//!
//! | suffix | persona | behaviour |
//! |---|---|---|
//! | 00 | `books` | proposes "Thursday at 3 pm"; answers qualification questions; picks the first offered slot, a random one (1st–3rd) after "just taken", gives `lead{last 4 digits}@example.com` when asked, goodbye after the confirmation |
//! | 01 | `asks_questions_then_books` | asks what you offer and the price, then as 00 |
//! | 02 | `not_interested` | declines |
//! | 03 | `callback` | asks to be called back tomorrow at 17:00 |
//! | 04 | `opt_out` | asks to be removed from the list |
//! | 05 | `voicemail` | answering machine |
//! | 06 | `no_answer` | rings out |
//! | 07 | `busy` | busy |
//! | 08 | `hangs_up` | asks who is calling, hangs up after the next agent line |
//! | 09 | `silent` | answers and never speaks |
//! | 10 | `unintelligible` | low-confidence mumbling |
//! | 11 | `failed` | the call fails |
//! | 12 | `no_answer_then_books` | no answer on the first call, then as 00 |
//! | 13 | `switches_language` | asks a question, switches language (English, or Spanish on English numbers), then as 00 in the new language |
//! | 14 | `asks_another_day` | as 00, but declines the first offer and asks for another day, then picks the second slot |
//! | 15 | `gives_email` | as 00, and says its email together with every pick (and whenever asked) |
//! | 16 | `asks_for_person` | asks to speak with a person |
//! | 17 | `interrupts` | as 00; on ConversationRelay, the first time an agent reply is longer than 8 words it takes its turn after hearing 5 of them (an `interrupt` when the line is interruptible) |
//! | 18 | `talks_over_greeting` | as 00; on ConversationRelay, takes its first turn after 3 words of the welcome greeting (cut only when `welcomeGreetingInterruptible` allows speech) |
//! | 19 | `backchannels` | as 00; on ConversationRelay, says "uh-huh" after 4 words of agent lines longer than 8 words (at most 3 times): ignored at `interruptSensitivity="low"`, an interruption otherwise |
//! | 20 | `drops_socket` | as 00; on ConversationRelay, the simulator drops the socket (no close frame) once the agent's answer to the callee's second turn has been heard |
//! | other | `books` | |
//!
//! 17–20 differ from 00 only on a ConversationRelay call ([`Persona::talk_over`],
//! [`Persona::drops_socket_after`]); at a `<Gather>` they behave as 00.
//!
//! The booking personas react to what the agent says ([`phrases::agent_cue`]):
//! an offer, "that slot was just taken", a request for the email address, "no
//! free slots" (answered with "call me back tomorrow at 5 pm"), a goodbye.
//! A question the agent asks after the callee has spoken, with no such cue and none of the
//! scripted model's "shall we meet / do you have a minute / say again" prompts
//! ([`phrases::is_open_question`]), is a qualification question: they answer it from what
//! is asked ([`callee_answers`]) and then carry on with their script.
//! Anything else advances their script (propose a time, then confirm). They
//! say goodbye after [`MAX_OFFERS`] offers, and hang up after
//! [`MAX_EXCHANGES`] turns.

use rand::Rng as _;

use crate::callee_answers;
use crate::phrases::{self, AgentCue, Lang, Line};

/// A persona gives up (hangs up) after this many exchanges.
pub const MAX_EXCHANGES: u32 = 16;

/// A booking persona says goodbye when offered slots more often than this.
pub const MAX_OFFERS: u32 = 6;

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
    /// 14: declines the first offer and asks for another day, then picks the second slot.
    AsksAnotherDay,
    /// 15: books like 00 and says its email with every pick.
    GivesEmail,
    /// 16: asks to speak with a person (put through when the campaign has a transfer number).
    AsksForPerson,
    /// 17: books like 00; on ConversationRelay it cuts into the first long agent reply.
    Interrupts,
    /// 18: books like 00; on ConversationRelay it starts talking during the welcome greeting.
    TalksOverGreeting,
    /// 19: books like 00; on ConversationRelay it says "uh-huh" while the agent talks.
    Backchannels,
    /// 20: books like 00; on ConversationRelay the simulator drops the socket mid-call.
    DropsSocket,
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
            "14" => Self::AsksAnotherDay,
            "15" => Self::GivesEmail,
            "16" => Self::AsksForPerson,
            "17" => Self::Interrupts,
            "18" => Self::TalksOverGreeting,
            "19" => Self::Backchannels,
            "20" => Self::DropsSocket,
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
            Self::AsksAnotherDay => "asks_another_day",
            Self::GivesEmail => "gives_email",
            Self::AsksForPerson => "asks_for_person",
            Self::Interrupts => "interrupts",
            Self::TalksOverGreeting => "talks_over_greeting",
            Self::Backchannels => "backchannels",
            Self::DropsSocket => "drops_socket",
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

/// What the callee does while the agent is still talking on a ConversationRelay call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TalkOver {
    /// Takes its turn now (the words come from [`Persona::reply`]).
    Turn,
    /// Says a short acknowledgement and listens on.
    Backchannel(String),
}

/// How many times the `backchannels` persona says "uh-huh" in one call: a listener stops after
/// a while, and at high sensitivity each one cuts the agent off.
const MAX_BACKCHANNELS: u32 = 3;

/// One step of a booking persona's script, taken when the agent's line asks
/// nothing specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Say(Line),
    /// Switch language, then propose a time in the new one.
    SwitchAndPropose,
}

/// The state of one callee during one call.
#[derive(Debug, Clone)]
pub struct Persona {
    kind: PersonaKind,
    behaves_as: PersonaKind,
    lang: Lang,
    email: String,
    seed: u32,
    question: Option<String>,
    turns: u32,
    step: usize,
    cue: AgentCue,
    offers_heard: u32,
    asked_another_day: bool,
    heard_goodbye: bool,
    said_goodbye: bool,
    armed_hangup: bool,
    talked_over: bool,
    backchannels: u32,
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
        let digits: String = to.chars().filter(char::is_ascii_digit).collect();
        let last4 = &digits[digits.len().saturating_sub(4)..];
        Self {
            kind,
            behaves_as,
            lang: Lang::from_number(to),
            email: format!("lead{last4}@example.com"),
            seed: last4.parse().unwrap_or(0),
            question: None,
            turns: 0,
            step: 0,
            cue: AgentCue::Other,
            offers_heard: 0,
            asked_another_day: false,
            heard_goodbye: false,
            said_goodbye: false,
            armed_hangup: false,
            talked_over: false,
            backchannels: 0,
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

    /// The email address the callee gives: `lead{last 4 digits}@example.com`.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The callee hears an agent line. Returns true when the callee hangs up right after it.
    pub fn hear(&mut self, agent_text: &str) -> bool {
        match phrases::agent_cue(agent_text) {
            AgentCue::Goodbye => self.heard_goodbye = true,
            // The opening, heard before the callee said anything, asks nothing to answer.
            AgentCue::Other if self.turns > 0 && phrases::is_open_question(agent_text) => {
                self.question = Some(agent_text.to_owned());
            }
            AgentCue::Other => {}
            cue => {
                self.cue = cue;
                self.question = None;
            }
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
            PersonaKind::NotInterested => &[Line::NotInterested],
            PersonaKind::Callback => &[Line::Callback],
            PersonaKind::OptOut => &[Line::OptOut],
            PersonaKind::AsksForPerson => &[Line::AskForPerson],
            PersonaKind::HangsUp => {
                self.armed_hangup = true;
                &[Line::WhoIsThis]
            }
            PersonaKind::Unintelligible => {
                let confidence = rand::thread_rng().gen_range(0.15..0.30);
                return speak(phrases::garbled(self.lang, turn as usize), confidence);
            }
            PersonaKind::Voicemail
            | PersonaKind::Silent
            | PersonaKind::NoAnswer
            | PersonaKind::Busy
            | PersonaKind::Failed => return Reply::Silent,
            PersonaKind::Books
            | PersonaKind::AsksQuestionsThenBooks
            | PersonaKind::NoAnswerThenBooks
            | PersonaKind::SwitchesLanguage
            | PersonaKind::AsksAnotherDay
            | PersonaKind::GivesEmail
            | PersonaKind::Interrupts
            | PersonaKind::TalksOverGreeting
            | PersonaKind::Backchannels
            | PersonaKind::DropsSocket => return self.booking(),
        };
        match script.get(turn as usize) {
            Some(line) => speak(phrases::line(*line, self.lang), clear_confidence()),
            None => self.goodbye(),
        }
    }

    /// Whether the callee speaks up while an agent line is still playing, asked each time one
    /// more word of it has been heard: `heard` words so far of a line known to have at least
    /// `known` words (more may still be streaming); `greeting` for the welcome greeting. Only
    /// the word counts matter, never the wording, so this holds whatever the product says.
    pub fn talk_over(&mut self, greeting: bool, heard: usize, known: usize) -> Option<TalkOver> {
        match self.behaves_as {
            PersonaKind::Interrupts
                if !greeting && !self.talked_over && heard == 5 && known > 8 =>
            {
                self.talked_over = true;
                Some(TalkOver::Turn)
            }
            PersonaKind::TalksOverGreeting
                if greeting && !self.talked_over && heard == 3 && known > 3 =>
            {
                self.talked_over = true;
                Some(TalkOver::Turn)
            }
            PersonaKind::Backchannels
                if !greeting && self.backchannels < MAX_BACKCHANNELS && heard == 4 && known > 8 =>
            {
                self.backchannels += 1;
                Some(TalkOver::Backchannel(
                    phrases::line(Line::Backchannel, self.lang).to_owned(),
                ))
            }
            _ => None,
        }
    }

    /// After how many of the callee's turns, each answered by the agent, the simulator drops
    /// the ConversationRelay socket without a close frame (once per call).
    pub fn drops_socket_after(&self) -> Option<u32> {
        (self.behaves_as == PersonaKind::DropsSocket).then_some(2)
    }

    /// A booking persona's turn: react to the agent's last cue, else follow the script.
    fn booking(&mut self) -> Reply {
        let cue = std::mem::replace(&mut self.cue, AgentCue::Other);
        if cue == AgentCue::Other
            && let Some(asked) = self.question.take()
        {
            let answer = callee_answers::answer(&asked, self.lang, self.seed);
            return speak(&answer, clear_confidence());
        }
        self.question = None;
        let text = match cue {
            AgentCue::NoSlots => phrases::line(Line::CallbackLater, self.lang).to_owned(),
            AgentCue::AskEmail => phrases::email_line(self.lang, &self.email),
            AgentCue::Offer | AgentCue::Taken => {
                self.offers_heard += 1;
                if self.offers_heard > MAX_OFFERS {
                    return self.goodbye();
                }
                if cue == AgentCue::Taken {
                    let n = rand::thread_rng().gen_range(1..=3);
                    self.pick(n)
                } else if self.behaves_as == PersonaKind::AsksAnotherDay {
                    if self.asked_another_day {
                        self.pick(2)
                    } else {
                        self.asked_another_day = true;
                        phrases::line(Line::AskAnotherDay, self.lang).to_owned()
                    }
                } else {
                    self.pick(1)
                }
            }
            AgentCue::Goodbye | AgentCue::Other => {
                let script: &[Step] = match self.behaves_as {
                    PersonaKind::AsksQuestionsThenBooks => &[
                        Step::Say(Line::AskOffer),
                        Step::Say(Line::AskCost),
                        Step::Say(Line::ProposeTime),
                        Step::Say(Line::Confirm),
                    ],
                    PersonaKind::SwitchesLanguage => &[
                        Step::Say(Line::AskOffer),
                        Step::SwitchAndPropose,
                        Step::Say(Line::Confirm),
                    ],
                    _ => &[Step::Say(Line::ProposeTime), Step::Say(Line::Confirm)],
                };
                let Some(step) = script.get(self.step).copied() else {
                    return self.goodbye();
                };
                self.step += 1;
                match step {
                    Step::Say(line) => phrases::line(line, self.lang).to_owned(),
                    Step::SwitchAndPropose => {
                        self.lang = if self.lang == Lang::En {
                            Lang::Es
                        } else {
                            Lang::En
                        };
                        format!(
                            "{} {}",
                            phrases::line(Line::SwitchIntro, self.lang),
                            phrases::line(Line::ProposeTime, self.lang)
                        )
                    }
                }
            }
        };
        speak(&text, clear_confidence())
    }

    /// Picks the `n`-th offered slot, with the email for `gives_email`.
    fn pick(&self, n: usize) -> String {
        let pick = phrases::pick_line(n, self.lang);
        if self.behaves_as == PersonaKind::GivesEmail {
            format!("{pick} {}", phrases::email_line(self.lang, &self.email))
        } else {
            pick.to_owned()
        }
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
    use crate::llm::agent::Brief;
    use crate::llm::grounded::{self, Grounding};
    use crate::llm::replies::{self, Question};

    fn brief() -> Brief {
        Brief {
            business: Some("Acme Solar".into()),
            goal: Some("a review of your energy bills".into()),
            ..Brief::default()
        }
    }

    fn answer(lang: Lang, kind: Question) -> String {
        let brief = brief();
        let grounding = Grounding {
            brief: &brief,
            can_search: false,
        };
        grounded::answer(kind, "?", lang, &grounding).content
    }

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

    const LANGS: [(&str, Lang); crate::phrases::LANGS] = [
        ("+1555123", Lang::En),
        ("+97250123", Lang::He),
        ("+3361234", Lang::Fr),
        ("+4915112", Lang::De),
        ("+3461234", Lang::Es),
        ("+3931234", Lang::It),
        ("+96650123", Lang::Ar),
        ("+55119123", Lang::Pt),
        ("+3161234", Lang::Nl),
        ("+7912345", Lang::Ru),
        ("+4851234", Lang::Pl),
        ("+9053212", Lang::Tr),
        ("+8190123", Lang::Ja),
        ("+9198123", Lang::Hi),
        ("+8613812", Lang::Zh),
    ];

    #[test]
    fn the_number_picks_the_language() {
        for (prefix, lang) in LANGS {
            assert_eq!(Persona::new(&format!("{prefix}4500"), 1).language(), lang);
        }
    }

    #[test]
    fn every_persona_script_runs_in_every_language() {
        // The non-booking personas say their one line, then goodbye after the agent's.
        for (prefix, lang) in LANGS {
            for (suffix, first) in [
                ("02", Line::NotInterested),
                ("03", Line::Callback),
                ("04", Line::OptOut),
                ("08", Line::WhoIsThis),
            ] {
                let mut p = Persona::new(&format!("{prefix}45{suffix}"), 1);
                assert!(!p.hear(&grounded::greeting(lang, &brief())));
                assert_eq!(text(p.reply()), phrases::line(first, lang), "{lang:?}");
            }
            let mut p = Persona::new(&format!("{prefix}4501"), 1);
            p.hear(&grounded::greeting(lang, &brief()));
            assert_eq!(text(p.reply()), phrases::line(Line::AskOffer, lang));
            p.hear(&answer(lang, Question::Offer));
            assert_eq!(text(p.reply()), phrases::line(Line::AskCost, lang));
            p.hear(&answer(lang, Question::Cost));
            assert_eq!(text(p.reply()), phrases::line(Line::ProposeTime, lang));
            let p = Persona::new(&format!("{prefix}4505"), 1);
            assert_eq!(
                p.machine_greeting(),
                Some(phrases::line(Line::VoicemailGreeting, lang))
            );
        }
    }

    fn labels() -> Vec<String> {
        ["Label one", "Label two", "Label three"]
            .map(str::to_owned)
            .to_vec()
    }

    /// The slot the scripted model books for what the callee said.
    fn picked(words: &str) -> Option<usize> {
        match crate::llm::booking::ordinal(words)? {
            crate::llm::booking::Ordinal::Nth(n) => Some(n),
            crate::llm::booking::Ordinal::Last => Some(3),
        }
    }

    #[test]
    fn books_through_offer_email_taken_and_confirmation_in_every_language() {
        for (prefix, lang) in LANGS {
            let mut p = Persona::new(&format!("{prefix}4500"), 1);
            assert_eq!(p.email(), "lead4500@example.com");
            assert!(!p.hear(&grounded::greeting(lang, &brief())));
            assert_eq!(text(p.reply()), phrases::line(Line::ProposeTime, lang));
            p.hear(&replies::offer(lang, &labels()));
            let pick = text(p.reply());
            assert_eq!(picked(&pick), Some(1), "{lang:?}: {pick}");
            p.hear(&replies::ask_email(lang));
            let said = text(p.reply());
            assert_eq!(
                crate::llm::booking::find_email(&said).as_deref(),
                Some("lead4500@example.com"),
                "{said}"
            );
            p.hear(&replies::slot_taken(lang, Some("Label one"), &labels()));
            let again = text(p.reply());
            assert!(
                picked(&again).is_some_and(|n| (1..=3).contains(&n)),
                "{lang:?}: {again}"
            );
            let confirmation =
                replies::booking_confirmed(lang, "Label two", Some("lead4500@example.com"));
            assert!(phrases::is_goodbye(&confirmation), "{confirmation}");
            p.hear(&confirmation);
            assert_eq!(text(p.reply()), phrases::line(Line::Goodbye, lang));
            assert_eq!(p.reply(), Reply::HangUp);
        }
    }

    #[test]
    fn taken_picks_stay_within_the_first_three() {
        let mut seen = [false; 3];
        for _ in 0..200 {
            let mut p = Persona::new("+15550000000", 1);
            p.hear(&replies::slot_taken(Lang::En, None, &labels()));
            let n = picked(&text(p.reply())).expect("a pick");
            assert!((1..=3).contains(&n));
            seen[n - 1] = true;
        }
        assert_eq!(seen, [true; 3], "all three ordinals are used");
    }

    #[test]
    fn asks_another_day_then_picks_the_second() {
        for (prefix, lang) in LANGS {
            let mut p = Persona::new(&format!("{prefix}0014"), 1);
            assert_eq!(p.kind(), PersonaKind::AsksAnotherDay);
            assert_eq!(text(p.reply()), phrases::line(Line::ProposeTime, lang));
            p.hear(&replies::offer(lang, &labels()));
            let ask = text(p.reply());
            assert!(crate::llm::booking::asks_another_day(&ask), "{ask}");
            p.hear(&replies::offer(lang, &labels()));
            assert_eq!(picked(&text(p.reply())), Some(2));
        }
    }

    #[test]
    fn gives_email_with_the_pick() {
        for (prefix, lang) in LANGS {
            let mut p = Persona::new(&format!("{prefix}0015"), 1);
            assert_eq!(p.kind(), PersonaKind::GivesEmail);
            p.reply();
            p.hear(&replies::offer(lang, &labels()));
            let said = text(p.reply());
            assert_eq!(picked(&said), Some(1), "{said}");
            assert_eq!(
                crate::llm::booking::find_email(&said).as_deref(),
                Some("lead0015@example.com")
            );
        }
    }

    #[test]
    fn no_slots_asks_for_a_callback() {
        for (prefix, lang) in LANGS {
            let mut p = Persona::new(&format!("{prefix}0000"), 1);
            p.reply();
            p.hear(&replies::no_slots(lang));
            assert_eq!(text(p.reply()), phrases::line(Line::CallbackLater, lang));
        }
    }

    #[test]
    fn switches_language_then_books_in_the_new_one() {
        let mut p = Persona::new("+33612345613", 1);
        assert!(text(p.reply()).contains("Qu'est-ce que"));
        assert!(text(p.reply()).contains("Thursday at 3 pm"));
        p.hear(&replies::offer(Lang::Fr, &labels()));
        assert_eq!(text(p.reply()), "The first one, please.");
    }

    #[test]
    fn gives_up_after_too_many_offers() {
        let mut p = Persona::new("+15550000000", 1);
        p.reply();
        for _ in 0..MAX_OFFERS {
            p.hear(&replies::offer(Lang::En, &labels()));
            assert!(picked(&text(p.reply())).is_some());
        }
        p.hear(&replies::offer(Lang::En, &labels()));
        assert_eq!(text(p.reply()), phrases::line(Line::Goodbye, Lang::En));
        assert_eq!(p.reply(), Reply::HangUp);
        const { assert!(MAX_EXCHANGES >= 14) };
    }

    #[test]
    fn booking_callees_answer_qualification_questions_then_carry_on_in_every_language() {
        use crate::callee_answers::tests::QUESTIONS;
        use crate::llm::agent::AnswerKind;
        use crate::llm::answers;
        use crate::llm::intent::{Intent, classify};

        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00+02:00").expect("t");
        for ((prefix, lang), (q_lang, questions)) in LANGS.into_iter().zip(QUESTIONS) {
            assert_eq!(lang, q_lang);
            let kinds = [
                AnswerKind::Number,
                AnswerKind::YesNo,
                AnswerKind::OneOf(crate::callee_answers::options(questions[2]).expect("options")),
                AnswerKind::Text,
            ];
            for suffix in ["00", "01", "13", "14", "15"] {
                let mut p = Persona::new(&format!("{prefix}45{suffix}"), 1);
                // An opening that asks something is no question to answer.
                p.hear(questions[1]);
                let first = text(p.reply());
                assert_ne!(
                    first,
                    crate::callee_answers::answer(questions[1], lang, 4500)
                );
                let spoken_lang = p.lang;
                for (question, kind) in questions.iter().zip(&kinds) {
                    p.hear(question);
                    let said = text(p.reply());
                    // The model takes it as an answer, never as an ending or a question...
                    let intent = classify(&said, &[], now);
                    assert!(
                        !matches!(
                            intent,
                            Intent::OptOut
                                | Intent::NotInterested
                                | Intent::Callback(_)
                                | Intent::Question(_)
                        ),
                        "{lang:?} {suffix}: {said} is {intent:?}"
                    );
                    // ...and the summary reads it by type.
                    let read = answers::read(kind, &said);
                    assert!(read.is_some(), "{lang:?} {suffix}: {question} -> {said}");
                    let seed: u32 = format!("45{suffix}").parse().expect("digits");
                    if *kind == AnswerKind::Number {
                        let n = crate::callee_answers::number_for(seed);
                        assert_eq!(read, Some(serde_json::json!(n)), "{said}");
                    }
                    if spoken_lang == lang && *kind == AnswerKind::YesNo {
                        assert_eq!(
                            read,
                            Some(serde_json::json!(seed.is_multiple_of(2))),
                            "{said}"
                        );
                    }
                }
                // Then the script goes on where it was, and an offer is picked from.
                let next = text(p.reply());
                assert_ne!(next, first, "{lang:?} {suffix}");
                p.hear(&replies::offer(p.lang, &labels()));
                let pick = text(p.reply());
                assert!(
                    picked(&pick).is_some() || crate::llm::booking::asks_another_day(&pick),
                    "{lang:?} {suffix}: {pick}"
                );
            }
            // The other callees keep to their line.
            let mut p = Persona::new(&format!("{prefix}4502"), 1);
            p.reply();
            p.hear(questions[0]);
            assert_eq!(text(p.reply()), phrases::line(Line::Goodbye, lang));
        }
    }

    #[test]
    fn the_models_own_questions_are_not_answered() {
        for (prefix, lang) in LANGS {
            let mut p = Persona::new(&format!("{prefix}4500"), 1);
            p.reply();
            for prompt in [
                replies::repeat(lang),
                replies::callback_when(lang),
                replies::propose_meeting(lang),
                grounded::greeting(lang, &brief()),
                answer(lang, Question::Who),
            ] {
                assert!(!phrases::is_open_question(&prompt), "{lang:?}: {prompt}");
            }
        }
    }

    #[test]
    fn relay_personas_book_like_00_at_a_gather() {
        for suffix in ["17", "18", "19", "20"] {
            let mut p = Persona::new(&format!("+155500000{suffix}"), 1);
            assert_eq!(text(p.reply()), phrases::line(Line::ProposeTime, Lang::En));
            p.hear(&replies::offer(Lang::En, &labels()));
            assert_eq!(picked(&text(p.reply())), Some(1), "{suffix}");
        }
    }

    #[test]
    fn talk_over_by_word_counts() {
        let mut p = Persona::new("+15550000017", 1);
        assert_eq!(p.kind(), PersonaKind::Interrupts);
        assert_eq!(p.talk_over(true, 5, 20), None, "not the greeting");
        assert_eq!(p.talk_over(false, 5, 8), None, "not a short line");
        assert_eq!(p.talk_over(false, 4, 20), None);
        assert_eq!(p.talk_over(false, 5, 9), Some(TalkOver::Turn));
        assert_eq!(p.talk_over(false, 5, 20), None, "only once");

        let mut p = Persona::new("+15550000018", 1);
        assert_eq!(p.talk_over(false, 3, 20), None);
        assert_eq!(p.talk_over(true, 3, 20), Some(TalkOver::Turn));
        assert_eq!(p.talk_over(true, 3, 20), None);

        let mut p = Persona::new("+15550000019", 1);
        for _ in 0..MAX_BACKCHANNELS {
            assert_eq!(
                p.talk_over(false, 4, 12),
                Some(TalkOver::Backchannel("Uh-huh.".into()))
            );
        }
        assert_eq!(p.talk_over(false, 4, 12), None);
        for (prefix, lang) in LANGS {
            let said = phrases::line(Line::Backchannel, lang);
            assert!(said.split_whitespace().count() <= 2, "{lang:?}: {said}");
            let mut p = Persona::new(&format!("{prefix}4519"), 1);
            assert_eq!(
                p.talk_over(false, 4, 9),
                Some(TalkOver::Backchannel(said.into()))
            );
        }

        let p = Persona::new("+15550000020", 1);
        assert_eq!(p.drops_socket_after(), Some(2));
        assert_eq!(Persona::new("+15550000000", 1).drops_socket_after(), None);
        assert_eq!(
            Persona::new("+15550000000", 1).talk_over(false, 5, 20),
            None
        );
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
