//! The life of a turn as a pure state machine: what the callee said decides whether the agent
//! answers from fixed phrases, asks the LLM, or hangs up. The lead workflow owns one
//! [`Conversation`] per answered call and calls these methods from its update handlers.

use crate::detect::detect_language;
use crate::outcome::{AgentAction, ConversationEnd};
use crate::phrases::Phrases;
use crate::safety::is_opt_out_request;
use crate::twiml::{Twiml, Verb};
use crate::{CallSettings, Language};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// Our AI agent.
    Agent,
    /// The person called.
    Callee,
}

/// One utterance of the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Turn {
    /// Position in the call, from 0.
    pub index: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said (empty for a silent callee turn).
    pub text: String,
    /// When (workflow time).
    pub at: DateTime<Utc>,
    /// ASR confidence of a callee turn.
    pub confidence: Option<f32>,
    /// The language of the words: the one spoken by the agent, the one recognised in the
    /// callee's (see [`detect_language`]; none when the words do not tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// What the callee heard of an agent line they cut off (barge-in on a realtime call);
    /// `None` when the line was heard whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heard: Option<String>,
}

/// A tool the agent used while answering a line (kept with the line, shown in transcripts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ToolUse {
    /// The tool (`check_availability`, `book_meeting`, `search_knowledge`, `end_call`, ...).
    pub name: String,
    /// What the model passed it.
    #[schema(value_type = Object)]
    pub arguments: serde_json::Value,
    /// What it returned to the model (none for the tools that end the call).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

/// The callee answered in another supported language, and the agent went over to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LanguageSwitch {
    /// Index of the callee turn in the new language.
    pub turn: u32,
    /// Language spoken until then.
    pub from: Language,
    /// Language spoken from then on.
    pub to: Language,
    /// When (workflow time).
    pub at: DateTime<Utc>,
}

/// A meeting slot the agent proposed on this call (the model may only book one of these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedSlot {
    /// Id the model refers to, unique within the call (`s1`, `s2`, ...).
    pub id: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// How the agent says it to the callee (their language and zone).
    pub label: String,
}

/// What to do with a callee turn.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Answer with this TwiML without asking the model.
    Reply(Twiml),
    /// Ask the model for the agent's reply, then call [`Conversation::answer`].
    AskModel,
}

/// The conversation of one answered call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Language spoken.
    pub language: Language,
    /// Gather action URL without the turn number, relative to the voice webhook.
    pub action_base: String,
    /// The transcript so far.
    pub turns: Vec<Turn>,
    /// Callee turns that reached the model.
    pub callee_turns: u32,
    /// Silent turns in a row.
    pub silences_in_row: u32,
    /// Low-confidence turns in a row.
    pub unclear_in_row: u32,
    /// Set once the agent has ended the conversation.
    pub end: Option<ConversationEnd>,
    /// The Gather number the next turn webhook must carry.
    pub next_turn: u32,
    /// The slots most recently proposed to the callee.
    #[serde(default)]
    pub offered: Vec<OfferedSlot>,
    /// Slots proposed so far on this call (ids are numbered from it).
    #[serde(default)]
    pub slots_offered: u32,
    /// Every change of language during the call, in order.
    #[serde(default)]
    pub switches: Vec<LanguageSwitch>,
    /// Synthesised audio of lines the agent may say: exact text → `<Play>` URL. A line
    /// without audio here is spoken with `<Say>` in the language's voice (the fallback when
    /// text-to-speech is not configured or failed).
    #[serde(default)]
    pub audio: BTreeMap<String, String>,
    /// The agent's `<Say>` voices, by language (the language table's voice otherwise).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub say_voices: BTreeMap<Language, String>,
}

/// The verb that speaks `text`: `<Play>` of its synthesised audio when `audio` has it,
/// otherwise `<Say>` with `voice` (the agent's for the language) or the language's own.
pub fn speech(
    audio: &BTreeMap<String, String>,
    text: &str,
    language: Language,
    voice: Option<&str>,
) -> Verb {
    match audio.get(text) {
        Some(url) => Verb::Play { url: url.clone() },
        None => Verb::Say {
            text: text.to_owned(),
            language,
            voice: voice.map(str::to_owned),
        },
    }
}

impl Conversation {
    /// A conversation whose Gather actions post to `action_base` + `&turn=N`.
    pub fn new(language: Language, action_base: String) -> Self {
        Self {
            language,
            action_base,
            turns: Vec::new(),
            callee_turns: 0,
            silences_in_row: 0,
            unclear_in_row: 0,
            end: None,
            next_turn: 1,
            offered: Vec::new(),
            slots_offered: 0,
            switches: Vec::new(),
            audio: BTreeMap::new(),
            say_voices: BTreeMap::new(),
        }
    }

    /// The verb that speaks `text` in the conversation's language and voice.
    pub fn speech(&self, text: &str) -> Verb {
        speech(
            &self.audio,
            text,
            self.language,
            self.say_voices.get(&self.language).map(String::as_str),
        )
    }

    /// The supported language the callee's words are clearly in, when it is not the one spoken.
    pub fn other_language_heard(&self, speech: Option<&str>) -> Option<Language> {
        if self.end.is_some() {
            return None;
        }
        speech
            .and_then(detect_language)
            .filter(|&heard| heard != self.language)
    }

    /// Goes over to `to` from the next callee turn on: the agent's lines, the recogniser's
    /// language and the fixed phrases all follow, and the switch is kept in [`Self::switches`].
    pub fn switch_language(&mut self, to: Language, now: DateTime<Utc>) {
        if to == self.language {
            return;
        }
        self.switches.push(LanguageSwitch {
            turn: u32::try_from(self.turns.len()).unwrap_or(u32::MAX),
            from: self.language,
            to,
            at: now,
        });
        self.language = to;
    }

    /// The language recognised in the callee's last words, if they told.
    pub fn last_heard_language(&self) -> Option<Language> {
        self.turns
            .iter()
            .rev()
            .find(|t| t.speaker == Speaker::Callee)
            .and_then(|t| t.language)
    }

    /// The agent's opening line, then listen.
    pub fn open(&mut self, greeting: String, now: DateTime<Utc>) -> Twiml {
        self.push(Speaker::Agent, greeting.clone(), now, None);
        self.gather(greeting)
    }

    /// Says the agent's last line again and listens (a repeated voice webhook).
    pub fn repeat_last(&mut self) -> Twiml {
        let last = self.last_agent_line();
        self.gather(last)
    }

    /// What the agent said last.
    pub fn last_agent_line(&self) -> String {
        self.turns
            .iter()
            .rev()
            .find(|t| t.speaker == Speaker::Agent)
            .map(|t| t.text.clone())
            .unwrap_or_default()
    }

    /// The callee cut an agent line off after hearing `heard` (Twilio's
    /// `utteranceUntilInterrupt`): the line keeps what was said and records what was heard.
    /// The line is the latest of the last two agent lines that begins with the heard words and
    /// is not marked yet: the interrupt can reach the workflow after the next reply was written
    /// (the callee spoke again while the cut line was being answered). Returns the line's index,
    /// or `None` when no line fits (a repeat, or a line heard whole).
    pub fn interrupted(&mut self, heard: &str) -> Option<u32> {
        let heard = words(heard);
        let line = self
            .turns
            .iter_mut()
            .rev()
            .filter(|t| t.speaker == Speaker::Agent)
            .take(2)
            .find(|t| {
                let said = words(&t.text);
                t.heard.is_none() && said.starts_with(&heard) && said.len() > heard.len()
            })?;
        line.heard = Some(heard.join(" "));
        Some(line.index)
    }

    /// Whether the callee said anything yet.
    pub fn callee_spoke(&self) -> bool {
        self.turns
            .iter()
            .any(|t| t.speaker == Speaker::Callee && !t.text.is_empty())
    }

    /// Takes in a callee turn (a Gather result).
    pub fn hear(
        &mut self,
        speech: Option<&str>,
        confidence: Option<f32>,
        now: DateTime<Utc>,
        settings: &CallSettings,
        phrases: &Phrases,
    ) -> Step {
        if self.end.is_some() {
            return Step::Reply(Twiml::new().hangup());
        }
        let text = speech.map(str::trim).unwrap_or_default();
        self.push(Speaker::Callee, text.to_owned(), now, confidence);
        if text.is_empty() {
            self.silences_in_row += 1;
            if self.silences_in_row >= settings.max_silences {
                return Step::Reply(self.close(
                    ConversationEnd::Silence,
                    phrases.goodbye.clone(),
                    now,
                ));
            }
            return Step::Reply(self.agent_says(phrases.reprompt_silence.clone(), now));
        }
        self.silences_in_row = 0;
        if is_opt_out_request(text) {
            return Step::Reply(self.close(
                ConversationEnd::OptOutPhrase,
                phrases.opt_out_confirmation.clone(),
                now,
            ));
        }
        if confidence.is_some_and(|c| c < settings.min_confidence) {
            self.unclear_in_row += 1;
            if self.unclear_in_row >= settings.max_unclear {
                return Step::Reply(self.close(
                    ConversationEnd::Unintelligible,
                    phrases.goodbye.clone(),
                    now,
                ));
            }
            return Step::Reply(self.agent_says(phrases.ask_again.clone(), now));
        }
        self.unclear_in_row = 0;
        self.callee_turns += 1;
        Step::AskModel
    }

    /// Takes in the model's reply to the last callee turn.
    pub fn answer(
        &mut self,
        reply: &str,
        action: Option<AgentAction>,
        now: DateTime<Utc>,
        settings: &CallSettings,
        phrases: &Phrases,
    ) -> Twiml {
        let fallback = match &action {
            Some(AgentAction::OptOut) => &phrases.opt_out_confirmation,
            Some(_) => &phrases.goodbye,
            None => &phrases.ask_again,
        };
        let text = if reply.trim().is_empty() {
            fallback.clone()
        } else {
            reply.trim().to_owned()
        };
        if let Some(action) = action {
            // A person was asked for: say the line, then put the call through.
            let transfer = matches!(action, AgentAction::TransferToHuman { .. })
                .then(|| settings.transfer_number.clone())
                .flatten()
                .map(|number| Verb::Dial {
                    number,
                    timeout_secs: 30,
                });
            return self.close_then(ConversationEnd::Agent { action }, text, now, transfer);
        }
        if self.callee_turns >= settings.max_turns {
            // Two verbs, so each part can play its own audio; one line in the transcript.
            let parts = [text, phrases.max_turns_goodbye.clone()];
            return self.close_parts(ConversationEnd::MaxTurns, &parts, now, None);
        }
        self.agent_says(text, now)
    }

    /// What follows a realtime session the agent ended (its last line already spoken over the
    /// socket): the transfer to a person it announced, when the campaign has a number for one,
    /// else the hang-up.
    pub fn after_session(&self, settings: &CallSettings) -> Twiml {
        let transfer = matches!(
            &self.end,
            Some(ConversationEnd::Agent {
                action: AgentAction::TransferToHuman { .. }
            })
        );
        let twiml = Twiml::new();
        let twiml = match settings.transfer_number.clone().filter(|_| transfer) {
            Some(number) => twiml.push(Verb::Dial {
                number,
                timeout_secs: 30,
            }),
            None => twiml,
        };
        twiml.hangup()
    }

    /// The model could not answer: apologise and hang up rather than leave the callee in silence.
    pub fn fail(&mut self, now: DateTime<Utc>, phrases: &Phrases) -> Twiml {
        self.close(
            ConversationEnd::AgentError,
            phrases.error_apology.clone(),
            now,
        )
    }

    fn agent_says(&mut self, text: String, now: DateTime<Utc>) -> Twiml {
        self.push(Speaker::Agent, text.clone(), now, None);
        self.gather(text)
    }

    fn close(&mut self, end: ConversationEnd, text: String, now: DateTime<Utc>) -> Twiml {
        self.close_parts(end, &[text], now, None)
    }

    /// Says the last line, runs `then` (a transfer), and hangs up.
    fn close_then(
        &mut self,
        end: ConversationEnd,
        text: String,
        now: DateTime<Utc>,
        then: Option<Verb>,
    ) -> Twiml {
        self.close_parts(end, &[text], now, then)
    }

    /// Says the last line (in parts, one verb each), runs `then`, and hangs up.
    fn close_parts(
        &mut self,
        end: ConversationEnd,
        parts: &[String],
        now: DateTime<Utc>,
        then: Option<Verb>,
    ) -> Twiml {
        self.push(Speaker::Agent, parts.join(" "), now, None);
        self.end = Some(end);
        let mut twiml = Twiml::new();
        for part in parts {
            twiml = twiml.push(self.speech(part));
        }
        if let Some(verb) = then {
            twiml = twiml.push(verb);
        }
        twiml.hangup()
    }

    fn gather(&mut self, prompt: String) -> Twiml {
        let turn = self.next_turn;
        self.next_turn += 1;
        Twiml::new()
            .push(Verb::Gather {
                action: format!("{}&turn={turn}", self.action_base),
                language: self.language,
                timeout_secs: 6,
                prompt: vec![self.speech(&prompt)],
            })
            // Reached only if the Gather ends without posting (it posts even when empty).
            .hangup()
    }

    fn push(&mut self, speaker: Speaker, text: String, at: DateTime<Utc>, confidence: Option<f32>) {
        let index = u32::try_from(self.turns.len()).unwrap_or(u32::MAX);
        let language = match speaker {
            Speaker::Agent => Some(self.language),
            Speaker::Callee => detect_language(&text),
        };
        self.turns.push(Turn {
            index,
            speaker,
            text,
            at,
            confidence,
            language,
            heard: None,
        });
    }
}

/// The words of a line, for comparing what was said with what was heard (Twilio's heard text
/// is the spoken words, spaced its own way).
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// One utterance of a recording's transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordedUtterance {
    /// Who spoke: the agent or the callee (the lead).
    pub speaker: Speaker,
    /// Seconds from the start of the recording.
    pub start_secs: f64,
    /// Seconds from the start of the recording.
    pub end_secs: f64,
    /// What was said.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::EndCallReason;
    use crate::phrases::phrases;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
    }

    fn convo() -> Conversation {
        let mut c = Conversation::new(Language::En, "turn?wf=w&attempt=1".into());
        c.open("Hello".into(), now());
        c
    }

    #[test]
    fn a_callee_in_another_language_is_followed_and_the_switch_recorded() {
        let s = CallSettings::default();
        let mut c = Conversation::new(Language::Fr, "turn?wf=w&attempt=1".into());
        c.open("Bonjour".into(), now());
        // A lone word proves nothing; the callee's own language proves nothing new.
        assert_eq!(c.other_language_heard(Some("OK")), None);
        assert_eq!(c.other_language_heard(Some("Oui, je suis d'accord")), None);
        let said = "Sorry, can we continue in English?";
        let heard = c.other_language_heard(Some(said));
        assert_eq!(heard, Some(Language::En));
        c.switch_language(Language::En, now());
        let step = c.hear(Some(said), Some(0.9), now(), &s, phrases(c.language));
        assert_eq!(step, Step::AskModel);
        assert_eq!(
            c.switches,
            vec![LanguageSwitch {
                turn: 1,
                from: Language::Fr,
                to: Language::En,
                at: now()
            }]
        );
        assert_eq!(c.last_heard_language(), Some(Language::En));
        let doc = c
            .answer("Of course.", None, now(), &s, phrases(c.language))
            .render();
        assert!(doc.contains(r#"language="en-US""#), "{doc}");
        assert_eq!(c.turns[0].language, Some(Language::Fr));
        assert_eq!(c.turns[2].language, Some(Language::En));
        // Once the call is over, nothing switches.
        c.fail(now(), phrases(c.language));
        assert_eq!(c.other_language_heard(Some("Bonjour, je suis là")), None);
    }

    #[test]
    fn a_cut_off_line_keeps_what_was_heard_once() {
        let s = CallSettings::default();
        let p = phrases(Language::En);
        let mut c = convo();
        // The greeting, heard whole: there is no cut to record.
        assert_eq!(c.interrupted("Hello"), None);
        assert_eq!(
            c.hear(Some("What is it?"), None, now(), &s, p),
            Step::AskModel
        );
        // Nothing of the agent's after the callee's last line: a late interrupt marks nothing.
        assert_eq!(c.interrupted("Hello"), None);
        c.answer(
            "We survey roofs, and the survey is free.",
            None,
            now(),
            &s,
            p,
        );
        assert_eq!(c.interrupted(" We survey roofs, "), Some(2));
        assert_eq!(c.turns[2].heard.as_deref(), Some("We survey roofs,"));
        assert_eq!(c.turns[2].text, "We survey roofs, and the survey is free.");
        // Twilio says it once; a repeat changes nothing.
        assert_eq!(c.interrupted("We survey"), None);
        assert_eq!(c.turns[2].heard.as_deref(), Some("We survey roofs,"));
        assert_eq!(c.turns[0].heard, None);
        // The interrupt of a line reaches the workflow after the next reply was written: the
        // line that begins with the heard words is marked, not the newest.
        assert_eq!(
            c.hear(Some("And the price?"), None, now(), &s, p),
            Step::AskModel
        );
        c.answer("It costs nothing at all.", None, now(), &s, p);
        assert_eq!(c.hear(Some("Sorry?"), None, now(), &s, p), Step::AskModel);
        c.answer("I said it is free of charge.", None, now(), &s, p);
        assert_eq!(c.interrupted("It costs"), Some(4));
        assert_eq!(c.turns[6].heard, None);
        // Words the agent never said mark nothing.
        assert_eq!(c.interrupted("Something else"), None);
    }

    #[test]
    fn opening_gathers_turn_one() {
        let mut c = Conversation::new(Language::Fr, "turn?wf=w&attempt=2".into());
        let doc = c.open("Bonjour".into(), now()).render();
        assert!(
            doc.contains(r#"action="turn?wf=w&amp;attempt=2&amp;turn=1""#),
            "{doc}"
        );
        assert!(doc.contains("Bonjour"));
        assert_eq!(c.next_turn, 2);
    }

    #[test]
    fn speech_goes_to_the_model_and_a_tool_ends_the_call() {
        let s = CallSettings::default();
        let p = phrases(Language::En);
        let mut c = convo();
        assert_eq!(
            c.hear(Some("What is it about?"), Some(0.9), now(), &s, p),
            Step::AskModel
        );
        let doc = c
            .answer("We survey roofs for solar panels.", None, now(), &s, p)
            .render();
        assert!(doc.contains("<Gather") && doc.contains("turn=2"), "{doc}");
        assert_eq!(
            c.hear(Some("Thursday at 3 pm"), Some(0.9), now(), &s, p),
            Step::AskModel
        );
        let action = AgentAction::BookMeeting {
            meeting_id: "m1".into(),
            start: chrono::DateTime::parse_from_rfc3339("2026-11-26T15:00:00-05:00").expect("time"),
            label: "Thursday at 3 pm".into(),
            email: "ada@example.com".into(),
        };
        let doc = c
            .answer("Great, noted.", Some(action.clone()), now(), &s, p)
            .render();
        assert!(
            doc.ends_with("<Hangup/></Response>") && !doc.contains("<Gather"),
            "{doc}"
        );
        assert_eq!(c.end, Some(ConversationEnd::Agent { action }));
        assert_eq!(c.turns.len(), 5);
    }

    #[test]
    fn lines_with_audio_play_it_and_the_rest_are_said() {
        let s = CallSettings {
            max_turns: 1,
            ..CallSettings::default()
        };
        let p = phrases(Language::En);
        let mut c = Conversation::new(Language::En, "turn?wf=w&attempt=1".into());
        c.audio
            .insert("Hello".into(), "https://api.test/tts/a.wav?x=1&y=2".into());
        let doc = c.open("Hello".into(), now()).render();
        assert!(
            doc.contains("<Play>https://api.test/tts/a.wav?x=1&amp;y=2</Play>")
                && !doc.contains("<Say"),
            "{doc}"
        );
        c.audio.insert(
            p.max_turns_goodbye.clone(),
            "https://api.test/tts/b.wav".into(),
        );
        assert_eq!(c.hear(Some("hmm"), Some(0.9), now(), &s, p), Step::AskModel);
        let doc = c.answer("Tell me more?", None, now(), &s, p).render();
        // The model's line has no audio (said); the fixed goodbye has (played).
        assert!(
            doc.contains("Tell me more?</Say><Play>https://api.test/tts/b.wav</Play><Hangup/>"),
            "{doc}"
        );
        assert_eq!(
            c.turns.last().map(|t| t.text.clone()),
            Some(format!("Tell me more? {}", p.max_turns_goodbye))
        );
    }

    #[test]
    fn silence_reprompts_then_hangs_up() {
        let s = CallSettings::default();
        let p = phrases(Language::En);
        let mut c = convo();
        let Step::Reply(doc) = c.hear(None, None, now(), &s, p) else {
            panic!("expected reply")
        };
        assert!(doc.render().contains(&p.reprompt_silence));
        let Step::Reply(doc) = c.hear(Some("  "), None, now(), &s, p) else {
            panic!("expected reply")
        };
        assert!(doc.render().contains("<Hangup/>"));
        assert_eq!(c.end, Some(ConversationEnd::Silence));
        assert!(!c.callee_spoke());
    }

    #[test]
    fn low_confidence_asks_again_then_gives_up() {
        let s = CallSettings::default();
        let p = phrases(Language::En);
        let mut c = convo();
        let Step::Reply(doc) = c.hear(Some("grr mm"), Some(0.2), now(), &s, p) else {
            panic!("expected reply")
        };
        assert!(doc.render().contains("say it again"));
        assert!(matches!(
            c.hear(Some("mm grr"), Some(0.1), now(), &s, p),
            Step::Reply(_)
        ));
        assert_eq!(c.end, Some(ConversationEnd::Unintelligible));
    }

    #[test]
    fn opt_out_phrase_ends_without_the_model() {
        let s = CallSettings::default();
        let p = phrases(Language::He);
        let mut c = convo();
        let Step::Reply(doc) = c.hear(Some("תפסיקו להתקשר אליי"), Some(0.9), now(), &s, p)
        else {
            panic!()
        };
        assert!(doc.render().contains(&p.opt_out_confirmation));
        assert_eq!(c.end, Some(ConversationEnd::OptOutPhrase));
    }

    #[test]
    fn max_turns_wraps_up() {
        let s = CallSettings {
            max_turns: 1,
            ..CallSettings::default()
        };
        let p = phrases(Language::En);
        let mut c = convo();
        assert_eq!(c.hear(Some("hmm"), Some(0.9), now(), &s, p), Step::AskModel);
        let doc = c.answer("Tell me more?", None, now(), &s, p).render();
        assert!(doc.contains(&p.max_turns_goodbye) && doc.contains("<Hangup/>"));
        assert_eq!(c.end, Some(ConversationEnd::MaxTurns));
    }

    #[test]
    fn empty_tool_reply_uses_the_fixed_phrase_and_late_turns_hang_up() {
        let s = CallSettings::default();
        let p = phrases(Language::En);
        let mut c = convo();
        c.hear(Some("no thanks"), Some(0.9), now(), &s, p);
        let end = AgentAction::EndCall {
            reason: EndCallReason::NotInterested,
        };
        let doc = c.answer("", Some(end), now(), &s, p).render();
        assert!(doc.contains(&p.goodbye));
        assert_eq!(
            c.hear(Some("hello?"), Some(0.9), now(), &s, p),
            Step::Reply(Twiml::new().hangup())
        );
    }

    #[test]
    fn model_failure_apologises() {
        let p = phrases(Language::En);
        let mut c = convo();
        let doc = c.fail(now(), p).render();
        assert!(doc.contains(&crate::twiml::escape(&p.error_apology)) && doc.contains("<Hangup/>"));
        assert_eq!(c.end, Some(ConversationEnd::AgentError));
    }
}
