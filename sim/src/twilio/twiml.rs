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
        other => Verb::Unsupported(other.to_owned()),
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
    fn rejects_bad_documents() {
        assert!(matches!(parse("<Response>"), Err(TwimlError::Xml(_))));
        assert!(matches!(parse("<Foo/>"), Err(TwimlError::NotResponse(_))));
        assert!(matches!(parse(""), Err(TwimlError::Xml(_))));
    }
}
