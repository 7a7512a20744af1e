//! The TwiML renderer on arbitrary verbs and text: the output is always well-formed XML
//! (roxmltree parses it) and every text and URL reads back as it went in, minus the
//! characters XML 1.0 cannot carry.
#![no_main]

use arbitrary::{Result, Unstructured};
use callwright_domain::Language;
use callwright_domain::twiml::{Relay, Twiml, Verb};
use libfuzzer_sys::fuzz_target;

fn verb(u: &mut Unstructured<'_>, depth: u32) -> Result<Verb> {
    let language = *u.choose(&Language::ALL)?;
    Ok(match u.int_in_range(0..=7)? {
        0 => Verb::Say {
            text: u.arbitrary()?,
            language,
            // An agent's own voice for the language, or the language's default.
            voice: u.arbitrary()?,
        },
        1 => Verb::Play {
            url: u.arbitrary()?,
        },
        2 => Verb::Pause {
            secs: u.arbitrary()?,
        },
        3 if depth < 3 => {
            let mut prompt = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                prompt.push(verb(u, depth + 1)?);
            }
            Verb::Gather {
                action: u.arbitrary()?,
                language,
                timeout_secs: u.arbitrary()?,
                prompt,
            }
        }
        4 => Verb::Redirect {
            url: u.arbitrary()?,
        },
        5 => Verb::Dial {
            number: u.arbitrary()?,
            timeout_secs: u.arbitrary()?,
        },
        6 => Verb::ConversationRelay(Box::new(Relay {
            action: u.arbitrary()?,
            url: u.arbitrary()?,
            welcome_greeting: u.arbitrary()?,
            language: u.arbitrary()?,
            tts_provider: u.arbitrary()?,
            voice: u.arbitrary()?,
            transcription_provider: u.arbitrary()?,
            speech_model: u.arbitrary()?,
            interrupt_sensitivity: u.arbitrary()?,
            dtmf_detection: u.arbitrary()?,
            parameters: u.arbitrary()?,
        })),
        _ => Verb::Hangup,
    })
}

/// What an XML parser should read back for `text`.
fn expected(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        })
        .collect()
}

fn check(node: roxmltree::Node<'_, '_>, verb: &Verb, xml: &str) {
    let text = || node.text().unwrap_or_default().to_owned();
    match verb {
        Verb::Say {
            text: t,
            language,
            voice,
        } => {
            assert_eq!(node.tag_name().name(), "Say");
            assert_eq!(text(), expected(t), "{xml:?}");
            let voice = expected(voice.as_deref().unwrap_or(language.profile().twilio_voice));
            assert_eq!(node.attribute("voice"), Some(voice.as_str()), "{xml:?}");
        }
        Verb::Play { url } => assert_eq!((node.tag_name().name(), text()), ("Play", expected(url))),
        Verb::Redirect { url } => {
            assert_eq!(
                (node.tag_name().name(), text()),
                ("Redirect", expected(url))
            )
        }
        Verb::Pause { secs } => {
            assert_eq!(node.attribute("length"), Some(secs.to_string().as_str()))
        }
        Verb::Hangup => assert_eq!(node.tag_name().name(), "Hangup"),
        Verb::ConversationRelay(relay) => {
            assert_eq!(node.tag_name().name(), "Connect");
            assert_eq!(node.attribute("action"), Some(expected(&relay.action).as_str()));
            let inner = node.first_element_child().expect("a <ConversationRelay>");
            let attr = |name: &str| inner.attribute(name).map(str::to_owned);
            assert_eq!(attr("url"), Some(expected(&relay.url)), "{xml:?}");
            assert_eq!(
                attr("welcomeGreeting"),
                relay.welcome_greeting.as_deref().map(expected),
                "{xml:?}"
            );
            assert_eq!(attr("voice"), Some(expected(&relay.voice)), "{xml:?}");
            let parameters: Vec<(String, String)> = inner
                .children()
                .map(|p| {
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
            let timeout = timeout_secs.to_string();
            assert_eq!(node.attribute("timeout"), Some(timeout.as_str()));
            let dialled = node.first_element_child().expect("a <Number>");
            assert_eq!(dialled.tag_name().name(), "Number");
            assert_eq!(
                dialled.text().unwrap_or_default(),
                expected(number),
                "{xml:?}"
            );
        }
        Verb::Gather { action, prompt, .. } => {
            assert_eq!(
                node.attribute("action"),
                Some(expected(action).as_str()),
                "{xml:?}"
            );
            let inner: Vec<_> = node.children().collect();
            assert_eq!(inner.len(), prompt.len(), "{xml:?}");
            for (n, v) in inner.iter().zip(prompt) {
                check(*n, v, xml);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut doc = Twiml::new();
    while !u.is_empty() {
        match verb(&mut u, 0) {
            Ok(v) => doc = doc.push(v),
            Err(_) => break,
        }
    }
    let xml = doc.render();
    let parsed = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}): {xml:?}"));
    let root = parsed.root_element();
    assert_eq!(root.tag_name().name(), "Response");
    let nodes: Vec<_> = root.children().collect();
    assert_eq!(nodes.len(), doc.verbs().len(), "{xml:?}");
    for (node, verb) in nodes.iter().zip(doc.verbs()) {
        check(*node, verb, &xml);
    }
});
