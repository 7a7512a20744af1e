//! TwiML parser: turns a `<Response>` document into a list of [`Verb`]s.
//! Unknown verbs are kept as [`Verb::Unsupported`] so the interpreter can log
//! and skip them.

/// Why a document could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TwimlError {
    /// Not well-formed XML.
    #[error("invalid XML: {0}")]
    Xml(String),
    /// The root element is not `<Response>`.
    #[error("root element is <{0}>, expected <Response>")]
    NotResponse(String),
}

/// The `<Gather>` verb.
#[derive(Debug, Clone, PartialEq)]
pub struct Gather {
    /// `input` attribute (`speech`, `dtmf`, `dtmf speech`); default `dtmf`.
    pub input: String,
    /// Where results are posted; defaults to the current document URL.
    pub action: Option<String>,
    /// HTTP method for the action; default `POST`.
    pub method: String,
    /// Speech recognition language.
    pub language: Option<String>,
    /// `speechTimeout` (seconds or `auto`).
    pub speech_timeout: Option<String>,
    /// Seconds to wait for input to start; default 5.
    pub timeout: u64,
    /// Post to the action even without a result.
    pub action_on_empty_result: bool,
    /// Recognition hints.
    pub hints: Option<String>,
    /// Nested Say/Play/Pause played before listening.
    pub prompts: Vec<Verb>,
}

/// `<ConversationRelay>` inside `<Connect>`: Twilio opens a WebSocket to `url` and relays
/// the call as text (see [`crate::relay`]). Attributes keep their TwiML spelling in the docs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationRelay {
    /// `url`: the `ws://` or `wss://` endpoint, exactly as written (it is signed as written).
    pub url: String,
    /// `welcomeGreeting`: spoken when the session starts; absent on a reconnect.
    pub welcome_greeting: Option<String>,
    /// `welcomeGreetingInterruptible`: `none`, `dtmf`, `speech` or `any` (Twilio's default).
    pub welcome_greeting_interruptible: Option<String>,
    /// `language` (default `en-US`).
    pub language: Option<String>,
    /// `ttsProvider`.
    pub tts_provider: Option<String>,
    /// `voice`.
    pub voice: Option<String>,
    /// `transcriptionProvider`.
    pub transcription_provider: Option<String>,
    /// `speechModel`.
    pub speech_model: Option<String>,
    /// `interruptible`: `none`, `dtmf`, `speech` or `any` (Twilio's default; `true`/`false`
    /// are the older spellings of `any`/`none`).
    pub interruptible: Option<String>,
    /// `interruptSensitivity`: `low`, `medium` or `high` (Twilio's default).
    pub interrupt_sensitivity: Option<String>,
    /// `dtmfDetection`.
    pub dtmf_detection: bool,
    /// `debug`: space-separated options; `speaker-events` turns on the `info` messages.
    pub debug: Option<String>,
    /// `<Parameter name value>` children, sent as `customParameters` in `setup`.
    pub parameters: Vec<(String, String)>,
    /// `code` of each `<Language>` child (accepted, not used by the simulator).
    pub languages: Vec<String>,
}

/// The `<Connect>` verb.
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    /// Requested when the connection ends; relative to the document URL. Without it the
    /// document goes on after `<Connect>`.
    pub action: Option<String>,
    /// HTTP method for the action; default `POST`.
    pub method: String,
    /// The `<ConversationRelay>` noun; `None` for nouns the simulator does not implement
    /// (`<Stream>`, `<Room>`, ...).
    pub relay: Option<ConversationRelay>,
}

/// One TwiML instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// Text to speech.
    Say {
        /// Spoken text (SSML tags flattened).
        text: String,
        /// `voice` attribute.
        voice: Option<String>,
        /// `language` attribute.
        language: Option<String>,
    },
    /// Play an audio file.
    Play {
        /// Audio URL.
        url: String,
    },
    /// Silence.
    Pause {
        /// Seconds; default 1.
        length: u64,
    },
    /// Collect speech or digits.
    Gather(Gather),
    /// Put the call through to a number (`<Dial>+1…</Dial>` or `<Dial><Number>`).
    Dial {
        /// The number.
        number: String,
        /// `timeout` attribute, seconds; default 30.
        timeout: u64,
    },
    /// End the call.
    Hangup,
    /// Reject the call (treated like a hangup for outbound calls).
    Reject,
    /// Continue with another document.
    Redirect {
        /// Target URL (may be relative).
        url: String,
        /// HTTP method; default `POST`.
        method: String,
    },
    /// Connect the call to something else; only `<ConversationRelay>` is simulated.
    Connect(Connect),
    /// A verb the simulator does not implement; skipped.
    Unsupported(String),
}

/// Parses a TwiML document.
pub fn parse(xml: &str) -> Result<Vec<Verb>, TwimlError> {
    let doc = roxmltree::Document::parse(xml.trim()).map_err(|e| TwimlError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Response" {
        return Err(TwimlError::NotResponse(root.tag_name().name().to_owned()));
    }
    Ok(root
        .children()
        .filter(|n| n.is_element())
        .map(verb)
        .collect())
}

fn verb(node: roxmltree::Node<'_, '_>) -> Verb {
    let attr = |name: &str| node.attribute(name).map(str::to_owned);
    let method = || {
        attr("method")
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| "POST".to_owned())
    };
    match node.tag_name().name() {
        "Say" => Verb::Say {
            text: text_of(node),
            voice: attr("voice"),
            language: attr("language"),
        },
        "Play" => Verb::Play { url: text_of(node) },
        "Pause" => Verb::Pause {
            length: attr("length")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1),
        },
        "Gather" => Verb::Gather(Gather {
            input: attr("input").unwrap_or_else(|| "dtmf".to_owned()),
            action: attr("action").filter(|a| !a.trim().is_empty()),
            method: method(),
            language: attr("language"),
            speech_timeout: attr("speechTimeout"),
            timeout: attr("timeout")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(5),
            action_on_empty_result: attr("actionOnEmptyResult")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            hints: attr("hints"),
            prompts: node
                .children()
                .filter(|n| n.is_element())
                .map(verb)
                .filter(|v| matches!(v, Verb::Say { .. } | Verb::Play { .. } | Verb::Pause { .. }))
                .collect(),
        }),
        "Dial" => Verb::Dial {
            number: text_of(node),
            timeout: attr("timeout")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(30),
        },
        "Hangup" => Verb::Hangup,
        "Reject" => Verb::Reject,
        "Redirect" => Verb::Redirect {
            url: text_of(node),
            method: method(),
        },
        "Connect" => Verb::Connect(Connect {
            action: attr("action").filter(|a| !a.trim().is_empty()),
            method: method(),
            relay: node
                .children()
                .find(|n| n.is_element() && n.tag_name().name() == "ConversationRelay")
                .map(relay),
        }),
        other => Verb::Unsupported(other.to_owned()),
    }
}

fn relay(node: roxmltree::Node<'_, '_>) -> ConversationRelay {
    let attr = |name: &str| node.attribute(name).map(str::to_owned);
    let children = |tag: &'static str| {
        node.children()
            .filter(move |n| n.is_element() && n.tag_name().name() == tag)
    };
    ConversationRelay {
        url: attr("url").unwrap_or_default().trim().to_owned(),
        welcome_greeting: attr("welcomeGreeting").filter(|g| !g.trim().is_empty()),
        welcome_greeting_interruptible: attr("welcomeGreetingInterruptible"),
        language: attr("language"),
        tts_provider: attr("ttsProvider"),
        voice: attr("voice"),
        transcription_provider: attr("transcriptionProvider"),
        speech_model: attr("speechModel"),
        interruptible: attr("interruptible"),
        interrupt_sensitivity: attr("interruptSensitivity"),
        dtmf_detection: attr("dtmfDetection")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        debug: attr("debug"),
        parameters: children("Parameter")
            .filter_map(|p| {
                Some((
                    p.attribute("name")?.to_owned(),
                    p.attribute("value").unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
        languages: children("Language")
            .filter_map(|l| l.attribute("code").map(str::to_owned))
            .collect(),
    }
}

/// All text below `node`, whitespace-collapsed (flattens SSML inside `<Say>`).
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    let raw: Vec<&str> = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    raw.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_verbs() {
        let verbs = parse(
            r#"<?xml version="1.0" encoding="UTF-8"?>
            <Response>
              <Say voice="Polly.Joanna" language="en-US">Hello <prosody rate="slow">there</prosody></Say>
              <Gather input="speech" action="/turn?n=1" timeout="3" actionOnEmptyResult="true" speechTimeout="auto">
                <Say>Question?</Say><Pause length="2"/>
              </Gather>
              <Dial timeout="20"><Number>+14155550100</Number></Dial>
              <Redirect method="get">/next</Redirect>
              <Hangup/>
            </Response>"#,
        )
        .expect("parse");
        assert_eq!(verbs.len(), 5);
        assert!(matches!(&verbs[0], Verb::Say { text, .. } if text == "Hello there"));
        let Verb::Gather(g) = &verbs[1] else {
            panic!("expected gather")
        };
        assert_eq!(g.action.as_deref(), Some("/turn?n=1"));
        assert_eq!(g.timeout, 3);
        assert!(g.action_on_empty_result);
        assert_eq!(g.prompts.len(), 2);
        assert_eq!(
            verbs[2],
            Verb::Dial {
                number: "+14155550100".into(),
                timeout: 20
            }
        );
        assert_eq!(
            verbs[3],
            Verb::Redirect {
                url: "/next".into(),
                method: "GET".into()
            }
        );
        assert_eq!(verbs[4], Verb::Hangup);
    }

    #[test]
    fn parses_connect_conversation_relay() {
        let verbs = parse(
            r#"<Response><Connect action="relay-action?wf=lead-1&amp;attempt=1"><ConversationRelay url="wss://calls.example.com/twilio/relay?wf=lead-1&amp;attempt=1" welcomeGreeting="Hi, this is an AI assistant." welcomeGreetingInterruptible="none" language="en-US" ttsProvider="ElevenLabs" voice="v1" transcriptionProvider="Deepgram" speechModel="nova-3-general" interruptible="speech" interruptSensitivity="low" dtmfDetection="true" debug="speaker-events"><Language code="fr-FR" voice="v2"/><Parameter name="wf" value="lead-1"/><Parameter name="attempt" value="1"/></ConversationRelay></Connect><Hangup/></Response>"#,
        )
        .expect("parse");
        assert_eq!(verbs.len(), 2);
        let Verb::Connect(c) = &verbs[0] else {
            panic!("expected connect")
        };
        assert_eq!(
            c.action.as_deref(),
            Some("relay-action?wf=lead-1&attempt=1")
        );
        assert_eq!(c.method, "POST");
        let r = c.relay.as_ref().expect("relay");
        assert_eq!(
            r.url,
            "wss://calls.example.com/twilio/relay?wf=lead-1&attempt=1"
        );
        assert_eq!(
            r.welcome_greeting.as_deref(),
            Some("Hi, this is an AI assistant.")
        );
        assert_eq!(r.welcome_greeting_interruptible.as_deref(), Some("none"));
        assert_eq!(r.language.as_deref(), Some("en-US"));
        assert_eq!(r.tts_provider.as_deref(), Some("ElevenLabs"));
        assert_eq!(r.voice.as_deref(), Some("v1"));
        assert_eq!(r.transcription_provider.as_deref(), Some("Deepgram"));
        assert_eq!(r.speech_model.as_deref(), Some("nova-3-general"));
        assert_eq!(r.interruptible.as_deref(), Some("speech"));
        assert_eq!(r.interrupt_sensitivity.as_deref(), Some("low"));
        assert!(r.dtmf_detection);
        assert_eq!(r.debug.as_deref(), Some("speaker-events"));
        assert_eq!(
            r.parameters,
            vec![
                ("wf".to_owned(), "lead-1".to_owned()),
                ("attempt".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(r.languages, vec!["fr-FR".to_owned()]);
        assert_eq!(verbs[1], Verb::Hangup);
    }

    #[test]
    fn connect_with_minimal_or_other_nouns() {
        let verbs = parse(
            r#"<Response><Connect><ConversationRelay url="ws://127.0.0.1:9/relay"/></Connect><Connect action="/a" method="get"><Stream url="wss://x"/></Connect></Response>"#,
        )
        .expect("parse");
        let Verb::Connect(c) = &verbs[0] else {
            panic!("expected connect")
        };
        assert_eq!(c.action, None);
        let r = c.relay.as_ref().expect("relay");
        assert_eq!(r.url, "ws://127.0.0.1:9/relay");
        assert_eq!(r.welcome_greeting, None);
        assert_eq!(r.interruptible, None);
        assert!(!r.dtmf_detection);
        assert!(r.parameters.is_empty());
        let Verb::Connect(c) = &verbs[1] else {
            panic!("expected connect")
        };
        assert_eq!(c.method, "GET");
        assert_eq!(c.relay, None);
    }

    #[test]
    fn rejects_bad_documents() {
        assert!(matches!(parse("<Response>"), Err(TwimlError::Xml(_))));
        assert!(matches!(parse("<Foo/>"), Err(TwimlError::NotResponse(_))));
        assert!(matches!(parse(""), Err(TwimlError::Xml(_))));
    }
}
