//! TwiML documents, built from typed verbs and rendered with proper XML escaping.

use crate::Language;

/// One TwiML verb.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// Speak text in a language's voice.
    Say {
        /// What to say.
        text: String,
        /// Which voice.
        language: Language,
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
        Verb::Say { text, language } => {
            let p = language.profile();
            out.push_str(&format!(
                r#"<Say voice="{}" language="{}">{}</Say>"#,
                escape(p.twilio_voice),
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
    }
}

/// Escapes text for XML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0; drop them.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
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

    #[test]
    fn escapes_markup_in_speech() {
        let doc = Twiml::new()
            .say(r#"Tom & "Jerry" <script>"#, Language::En)
            .render();
        assert!(doc.contains("Tom &amp; &quot;Jerry&quot; &lt;script&gt;"));
        assert!(!doc.contains("<script>"));
    }

    #[test]
    fn drops_control_characters() {
        assert_eq!(escape("a\u{0}b\u{1b}c\n"), "abc\n");
    }
}
