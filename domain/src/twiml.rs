//! TwiML documents, built from typed verbs and rendered with proper XML escaping.

use crate::Language;

/// One TwiML verb.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// Speak text in a language's voice.
    Say {
        /// What to say.
        text: String,
        /// Which language (and, unless `voice` is set, the language's voice).
        language: Language,
        /// A voice of the agent's choosing for this language (`Polly.Joanna`, ...).
        voice: Option<String>,
    },
    /// Play audio from a URL.
    Play {
        /// Audio URL.
        url: String,
    },
    /// Wait in silence.
    Pause {
        /// Seconds.
        secs: u32,
    },
    /// Listen for speech and post it to `action`; nested verbs play while listening.
    Gather {
        /// Where Twilio posts the result (may be relative to the current document).
        action: String,
        /// Recognition language.
        language: Language,
        /// Seconds of initial silence before giving up.
        timeout_secs: u32,
        /// Prompt played while listening.
        prompt: Vec<Verb>,
    },
    /// Put the call through to another number; the document goes on when that leg ends.
    Dial {
        /// E.164 number.
        number: String,
        /// Seconds to let it ring.
        timeout_secs: u32,
    },
    /// End the call.
    Hangup,
    /// Fetch and run another document.
    Redirect {
        /// Its URL.
        url: String,
    },
    /// `<Connect action=…><ConversationRelay …/></Connect>`: Twilio recognises the callee's
    /// speech, speaks the text our socket sends, detects the end of turns and barge-ins; when
    /// the session ends (or our socket fails), Twilio posts to `action` and runs its TwiML.
    ConversationRelay(Box<Relay>),
}

/// The settings of one ConversationRelay session.
#[derive(Debug, Clone, PartialEq)]
pub struct Relay {
    /// Where Twilio posts when the session ends (`SessionStatus`, `HandoffData`).
    pub action: String,
    /// Our WebSocket (`wss://` in production).
    pub url: String,
    /// What Twilio says before the first prompt; `None` on a reconnect, so the callee does
    /// not hear the greeting twice.
    pub welcome_greeting: Option<String>,
    /// BCP 47 tag of the conversation (`en-US`, `he-IL`).
    pub language: String,
    /// `Google`, `Amazon` or `ElevenLabs`.
    pub tts_provider: String,
    /// The voice, in the speech provider's naming; empty for Twilio's default voice.
    pub voice: String,
    /// `Google` or `Deepgram`.
    pub transcription_provider: String,
    /// The recognition model (`nova-3-general`, `telephony`, ...).
    pub speech_model: String,
    /// How readily the callee's speech stops the agent: `low`, `medium` or `high`.
    pub interrupt_sensitivity: String,
    /// Keypad digits arrive as `dtmf` messages.
    pub dtmf_detection: bool,
    /// `<Parameter>`s, delivered in the `setup` message's `customParameters`.
    pub parameters: Vec<(String, String)>,
}

/// A TwiML `<Response>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Twiml {
    verbs: Vec<Verb>,
}

impl Twiml {
    /// An empty response.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a verb.
    pub fn push(mut self, verb: Verb) -> Self {
        self.verbs.push(verb);
        self
    }

    /// Appends `<Say>`.
    pub fn say(self, text: impl Into<String>, language: Language) -> Self {
        self.push(Verb::Say {
            text: text.into(),
            language,
            voice: None,
        })
    }

    /// Appends `<Hangup/>`.
    pub fn hangup(self) -> Self {
        self.push(Verb::Hangup)
    }

    /// The verbs, in order.
    pub fn verbs(&self) -> &[Verb] {
        &self.verbs
    }

    /// Renders the XML document.
    pub fn render(&self) -> String {
        let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#);
        for verb in &self.verbs {
            render_verb(verb, &mut out);
        }
        out.push_str("</Response>");
        out
    }
}

fn render_verb(verb: &Verb, out: &mut String) {
    match verb {
        Verb::Say {
            text,
            language,
            voice,
        } => {
            let p = language.profile();
            out.push_str(&format!(
                r#"<Say voice="{}" language="{}">{}</Say>"#,
                escape(voice.as_deref().unwrap_or(p.twilio_voice)),
                escape(p.twilio_say),
                escape(text)
            ));
        }
        Verb::Play { url } => out.push_str(&format!("<Play>{}</Play>", escape(url))),
        Verb::Pause { secs } => out.push_str(&format!(r#"<Pause length="{secs}"/>"#)),
        Verb::Gather {
            action,
            language,
            timeout_secs,
            prompt,
        } => {
            out.push_str(&format!(
                r#"<Gather input="speech" action="{}" method="POST" language="{}" speechTimeout="auto" timeout="{timeout_secs}" actionOnEmptyResult="true">"#,
                escape(action),
                escape(language.profile().twilio_gather)
            ));
            for inner in prompt {
                render_verb(inner, out);
            }
            out.push_str("</Gather>");
        }
        Verb::Dial {
            number,
            timeout_secs,
        } => out.push_str(&format!(
            r#"<Dial timeout="{timeout_secs}"><Number>{}</Number></Dial>"#,
            escape(number)
        )),
        Verb::Hangup => out.push_str("<Hangup/>"),
        Verb::Redirect { url } => out.push_str(&format!(
            r#"<Redirect method="POST">{}</Redirect>"#,
            escape(url)
        )),
        Verb::ConversationRelay(relay) => render_relay(relay, out),
    }
}

fn render_relay(relay: &Relay, out: &mut String) {
    out.push_str(&format!(
        r#"<Connect action="{}"><ConversationRelay url="{}""#,
        escape(&relay.action),
        escape(&relay.url)
    ));
    if let Some(greeting) = &relay.welcome_greeting {
        // The disclosure is in the greeting: the callee hears it whole.
        out.push_str(&format!(
            r#" welcomeGreeting="{}" welcomeGreetingInterruptible="none""#,
            escape(greeting)
        ));
    }
    out.push_str(&format!(
        r#" language="{}" ttsProvider="{}""#,
        escape(&relay.language),
        escape(&relay.tts_provider),
    ));
    if !relay.voice.is_empty() {
        // Without one, Twilio speaks with its documented default voice for the language.
        out.push_str(&format!(r#" voice="{}""#, escape(&relay.voice)));
    }
    // `speaker-events` makes Twilio say when the agent stops speaking (`info agentSpeaking
    // off`): the callee's silence is counted from there, as `<Gather timeout>` counts it.
    out.push_str(&format!(
        r#" transcriptionProvider="{}" speechModel="{}" interruptible="speech" interruptSensitivity="{}" dtmfDetection="{}" debug="speaker-events">"#,
        escape(&relay.transcription_provider),
        escape(&relay.speech_model),
        escape(&relay.interrupt_sensitivity),
        relay.dtmf_detection,
    ));
    for (name, value) in &relay.parameters {
        out.push_str(&format!(
            r#"<Parameter name="{}" value="{}"/>"#,
            escape(name),
            escape(value)
        ));
    }
    out.push_str("</ConversationRelay></Connect>");
}

/// Escapes text for XML element content and attribute values. Tabs and line ends become
/// character references, so a parser reads them back as they were (it would turn a literal
/// `\r\n` into `\n`, and a literal tab or newline in an attribute into a space); characters
/// XML 1.0 cannot carry at all (the other C0 controls, U+FFFE and U+FFFF) are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            // Not allowed in XML 1.0 (not even as a character reference); drop them.
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_transfer() {
        let doc = Twiml::new()
            .push(Verb::Dial {
                number: "+14155550100".into(),
                timeout_secs: 30,
            })
            .hangup()
            .render();
        assert!(
            doc.ends_with(
                r#"<Dial timeout="30"><Number>+14155550100</Number></Dial><Hangup/></Response>"#
            ),
            "{doc}"
        );
    }

    #[test]
    fn renders_say_gather_hangup() {
        let doc = Twiml::new()
            .push(Verb::Gather {
                action: "turn?wf=lead-1&attempt=1&turn=1".into(),
                language: Language::He,
                timeout_secs: 5,
                prompt: vec![Verb::Say {
                    text: "שלום".into(),
                    language: Language::He,
                    voice: None,
                }],
            })
            .hangup()
            .render();
        assert_eq!(
            doc,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#,
                r#"<Gather input="speech" action="turn?wf=lead-1&amp;attempt=1&amp;turn=1" method="POST" language="iw-IL" speechTimeout="auto" timeout="5" actionOnEmptyResult="true">"#,
                r#"<Say voice="Google.he-IL-Standard-A" language="he-IL">שלום</Say></Gather><Hangup/></Response>"#
            )
        );
    }

    fn relay(greeting: Option<&str>) -> Relay {
        Relay {
            action: "relay-ended?wf=lead-1&attempt=1".into(),
            url: "wss://calls.example.com/twilio/relay?wf=lead-1&attempt=1".into(),
            welcome_greeting: greeting.map(str::to_owned),
            language: "he-IL".into(),
            tts_provider: "Google".into(),
            voice: "he-IL-Wavenet-A".into(),
            transcription_provider: "Google".into(),
            speech_model: "telephony".into(),
            interrupt_sensitivity: "low".into(),
            dtmf_detection: true,
            parameters: vec![("attempt".into(), "1".into())],
        }
    }

    #[test]
    fn renders_a_conversation_relay_with_and_without_its_greeting() {
        let first = Twiml::new()
            .push(Verb::ConversationRelay(Box::new(relay(Some(
                "שלום, כאן העוזר של Acme",
            )))))
            .render();
        assert_eq!(
            first,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Response>"#,
                r#"<Connect action="relay-ended?wf=lead-1&amp;attempt=1">"#,
                r#"<ConversationRelay url="wss://calls.example.com/twilio/relay?wf=lead-1&amp;attempt=1""#,
                r#" welcomeGreeting="שלום, כאן העוזר של Acme" welcomeGreetingInterruptible="none""#,
                r#" language="he-IL" ttsProvider="Google" voice="he-IL-Wavenet-A" transcriptionProvider="Google" speechModel="telephony""#,
                r#" interruptible="speech" interruptSensitivity="low" dtmfDetection="true" debug="speaker-events">"#,
                r#"<Parameter name="attempt" value="1"/></ConversationRelay></Connect></Response>"#
            )
        );
        // A reconnect: no greeting, the rest the same.
        let again = Twiml::new()
            .push(Verb::ConversationRelay(Box::new(relay(None))))
            .render();
        assert!(!again.contains("welcomeGreeting"), "{again}");
        check_round_trip(&Twiml::new().push(Verb::ConversationRelay(Box::new(relay(None)))));
    }

    #[test]
    fn escapes_markup_in_speech() {
        let doc = Twiml::new()
            .say(r#"Tom & "Jerry" <script>"#, Language::En)
            .render();
        assert!(doc.contains("Tom &amp; &quot;Jerry&quot; &lt;script&gt;"));
        assert!(!doc.contains("<script>"));
    }

    #[test]
    fn drops_what_xml_cannot_carry_and_keeps_line_ends() {
        assert_eq!(escape("a\u{0}b\u{1b}c\n"), "abc&#10;");
        // Found by the property test below: U+FFFE/U+FFFF made the document malformed.
        assert_eq!(escape("a\u{fffe}b\u{ffff}c"), "abc");
        assert_eq!(escape("\r\n\t"), "&#13;&#10;&#9;");
    }

    /// What an XML parser should read back for `text` after [`escape`]: the text without
    /// the characters XML 1.0 cannot carry.
    fn expected(text: &str) -> String {
        text.chars()
            .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..))
            .collect()
    }

    /// Renders `doc`, parses it back with an XML parser, and checks the tree holds exactly
    /// the verbs and text that went in.
    fn check_round_trip(doc: &Twiml) {
        let xml = doc.render();
        let parsed = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}): {xml:?}"));
        let root = parsed.root_element();
        assert_eq!(root.tag_name().name(), "Response");
        let elements: Vec<_> = root.children().collect();
        assert!(elements.iter().all(|n| n.is_element()), "{xml:?}");
        assert_eq!(elements.len(), doc.verbs().len(), "{xml:?}");
        for (node, verb) in elements.iter().zip(doc.verbs()) {
            check_verb(*node, verb, &xml);
        }
    }

    fn check_verb(node: roxmltree::Node<'_, '_>, verb: &Verb, xml: &str) {
        let text = || node.text().unwrap_or_default().to_owned();
        match verb {
            Verb::Say {
                text: t, language, ..
            } => {
                assert_eq!(node.tag_name().name(), "Say");
                assert_eq!(text(), expected(t), "{xml:?}");
                assert_eq!(
                    node.attribute("voice"),
                    Some(language.profile().twilio_voice)
                );
                assert_eq!(
                    node.attribute("language"),
                    Some(language.profile().twilio_say)
                );
            }
            Verb::Play { url } => {
                assert_eq!(node.tag_name().name(), "Play");
                assert_eq!(text(), expected(url), "{xml:?}");
            }
            Verb::Redirect { url } => {
                assert_eq!(node.tag_name().name(), "Redirect");
                assert_eq!(text(), expected(url), "{xml:?}");
            }
            Verb::Pause { secs } => {
                assert_eq!(node.tag_name().name(), "Pause");
                assert_eq!(node.attribute("length"), Some(secs.to_string().as_str()));
            }
            Verb::Hangup => assert_eq!(node.tag_name().name(), "Hangup"),
            Verb::ConversationRelay(relay) => {
                assert_eq!(node.tag_name().name(), "Connect");
                assert_eq!(
                    node.attribute("action"),
                    Some(expected(&relay.action).as_str())
                );
                let inner = node.first_element_child().expect("a <ConversationRelay>");
                assert_eq!(inner.tag_name().name(), "ConversationRelay");
                let attr = |name: &str| inner.attribute(name).map(str::to_owned);
                assert_eq!(attr("url"), Some(expected(&relay.url)), "{xml:?}");
                assert_eq!(
                    attr("welcomeGreeting"),
                    relay.welcome_greeting.as_deref().map(expected),
                    "{xml:?}"
                );
                assert_eq!(attr("language"), Some(expected(&relay.language)));
                let voice = (!relay.voice.is_empty()).then(|| expected(&relay.voice));
                assert_eq!(attr("voice"), voice, "{xml:?}");
                assert_eq!(attr("debug").as_deref(), Some("speaker-events"));
                let parameters: Vec<(String, String)> = inner
                    .children()
                    .map(|p| {
                        assert_eq!(p.tag_name().name(), "Parameter");
                        (
                            p.attribute("name").unwrap_or_default().to_owned(),
                            p.attribute("value").unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                let sent: Vec<(String, String)> = relay
                    .parameters
                    .iter()
                    .map(|(n, v)| (expected(n), expected(v)))
                    .collect();
                assert_eq!(parameters, sent, "{xml:?}");
            }
            Verb::Dial {
                number,
                timeout_secs,
            } => {
                assert_eq!(node.tag_name().name(), "Dial");
                assert_eq!(
                    node.attribute("timeout"),
                    Some(timeout_secs.to_string().as_str())
                );
                let inner = node.first_element_child().expect("a <Number>");
                assert_eq!(inner.tag_name().name(), "Number");
                assert_eq!(
                    inner.text().unwrap_or_default(),
                    expected(number),
                    "{xml:?}"
                );
            }
            Verb::Gather {
                action,
                language,
                timeout_secs,
                prompt,
            } => {
                assert_eq!(node.tag_name().name(), "Gather");
                assert_eq!(
                    node.attribute("action"),
                    Some(expected(action).as_str()),
                    "{xml:?}"
                );
                assert_eq!(
                    node.attribute("language"),
                    Some(language.profile().twilio_gather)
                );
                assert_eq!(
                    node.attribute("timeout"),
                    Some(timeout_secs.to_string().as_str())
                );
                let inner: Vec<_> = node.children().collect();
                assert_eq!(inner.len(), prompt.len(), "{xml:?}");
                for (n, v) in inner.iter().zip(prompt) {
                    check_verb(*n, v, xml);
                }
            }
        }
    }

    #[test]
    fn awkward_text_survives_escaping() {
        for text in [
            "]]>",
            "<![CDATA[x]]>",
            "a\r\nb\rc",
            "tab\there",
            "\u{feff}bom \u{fffe}\u{ffff} nonchars",
            "\u{202e}RTL override\u{202c} שלום مرحبا",
            "emoji 👋🏽‍♀️ \u{1f600}",
            "&amp; &#0; &#x1; &lt;",
            "\u{7f}\u{85}\u{9f}",
            "",
            " ",
        ] {
            let doc = Twiml::new()
                .say(text, Language::Ar)
                .push(Verb::Gather {
                    action: format!("turn?x={text}"),
                    language: Language::He,
                    timeout_secs: 3,
                    prompt: vec![Verb::Play { url: text.into() }],
                })
                .push(Verb::Redirect { url: text.into() });
            check_round_trip(&doc);
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Text heavy in what trips XML up: markup, entities, CDATA ends, control characters,
        /// line ends, non-characters, bidi controls, emoji; plus any Unicode.
        fn nasty_text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("]]>".to_owned()),
                Just("<![CDATA[".to_owned()),
                "[<>&\"'=;#/]{1,3}",
                "&[a-z#x0-9]{0,5};?",
                "[\u{0}-\u{1f}\u{7f}-\u{9f}]",
                "[\u{fffe}\u{ffff}\u{fdd0}\u{1fffe}\u{10ffff}]",
                "[\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}]",
                "[\u{1f300}-\u{1faff}\u{200d}\u{fe0f}]",
                "[א-ת]{1,4}",
                "[ء-ي]{1,4}",
                any::<String>(),
            ];
            proptest::collection::vec(piece, 0..8).prop_map(|p| p.concat())
        }

        fn verb() -> impl Strategy<Value = Verb> {
            let language = prop::sample::select(Language::ALL.to_vec());
            let leaf = prop_oneof![
                (nasty_text(), language.clone()).prop_map(|(text, language)| Verb::Say {
                    text,
                    language,
                    voice: None,
                }),
                nasty_text().prop_map(|url| Verb::Play { url }),
                nasty_text().prop_map(|url| Verb::Redirect { url }),
                any::<u32>().prop_map(|secs| Verb::Pause { secs }),
                (nasty_text(), any::<u32>()).prop_map(|(number, timeout_secs)| Verb::Dial {
                    number,
                    timeout_secs
                }),
                Just(Verb::Hangup),
                (
                    nasty_text(),
                    nasty_text(),
                    proptest::option::of(nasty_text()),
                    nasty_text()
                )
                    .prop_map(|(action, url, welcome_greeting, value)| {
                        Verb::ConversationRelay(Box::new(Relay {
                            action,
                            url,
                            welcome_greeting,
                            language: "en-US".into(),
                            tts_provider: "ElevenLabs".into(),
                            voice: "UgBBYS2sOqTuMpoF3BR0".into(),
                            transcription_provider: "Deepgram".into(),
                            speech_model: "nova-3-general".into(),
                            interrupt_sensitivity: "low".into(),
                            dtmf_detection: false,
                            parameters: vec![("p".into(), value)],
                        }))
                    }),
            ];
            leaf.prop_recursive(2, 8, 4, move |inner| {
                (
                    nasty_text(),
                    language.clone(),
                    any::<u32>(),
                    proptest::collection::vec(inner, 0..4),
                )
                    .prop_map(|(action, language, timeout_secs, prompt)| {
                        Verb::Gather {
                            action,
                            language,
                            timeout_secs,
                            prompt,
                        }
                    })
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn renders_well_formed_xml_that_keeps_the_text(verbs in proptest::collection::vec(verb(), 0..5)) {
                let doc = verbs.into_iter().fold(Twiml::new(), Twiml::push);
                check_round_trip(&doc);
            }
        }
    }
}
