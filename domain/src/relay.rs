//! Twilio ConversationRelay's WebSocket messages: what Twilio sends (`Inbound`) and what the
//! application sends back (`Outbound`), as Twilio documents them
//! (twilio.com/docs/voice/conversationrelay/websocket-messages).
//!
//! A frame comes from the network: [`parse`] reads one without panicking, refuses a frame over
//! [`MAX_FRAME_BYTES`], one that is not JSON, one of an unknown `type` and one missing a field
//! its type needs, each with a reason; it never looks at a workflow. Fields Twilio may add later
//! are ignored, so a new field does not break a live call.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest frame read. Twilio's frames are a few hundred bytes (a `prompt` carries one
/// utterance); anything near this is not Twilio.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// A message from Twilio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Inbound {
    /// The first message of a session: which call it is.
    #[serde(rename_all = "camelCase")]
    Setup {
        /// This session (a reconnected call gets a new one).
        session_id: String,
        /// The call (the same across sessions of one call).
        call_sid: String,
        /// The account.
        #[serde(default)]
        account_sid: String,
        /// The parent call, for a child leg; empty otherwise.
        #[serde(default)]
        parent_call_sid: String,
        /// Caller number.
        #[serde(default)]
        from: String,
        /// Called number.
        #[serde(default)]
        to: String,
        /// `inbound` or `outbound…`.
        #[serde(default)]
        direction: String,
        /// The call's status when the session started.
        #[serde(default)]
        call_status: String,
        /// The `<Parameter>`s of the TwiML.
        #[serde(default)]
        custom_parameters: BTreeMap<String, String>,
    },
    /// What the callee said: partial prompts carry the text so far; `last` is the turn's end.
    #[serde(rename_all = "camelCase")]
    Prompt {
        /// The words.
        voice_prompt: String,
        /// The language they were recognised in (BCP-47).
        #[serde(default)]
        lang: String,
        /// The utterance is complete.
        #[serde(default)]
        last: bool,
    },
    /// The callee spoke over the agent: speech stopped, queued text was dropped.
    #[serde(rename_all = "camelCase")]
    Interrupt {
        /// Exactly what the callee heard of the agent's reply.
        #[serde(default)]
        utterance_until_interrupt: String,
        /// How long the agent had been speaking.
        #[serde(default)]
        duration_until_interrupt_ms: u64,
    },
    /// A key pressed.
    Dtmf {
        /// The key (`0`-`9`, `*`, `#`).
        digit: String,
    },
    /// Twilio refused something the application sent.
    Error {
        /// Why.
        #[serde(default)]
        description: String,
    },
    /// A debugging event (`debug` attribute): round-trip delay, who is speaking, tokens played.
    Info {
        /// What it reports.
        #[serde(default)]
        name: String,
        /// Its value, as Twilio sends it.
        #[serde(default)]
        value: serde_json::Value,
    },
}

/// A message to Twilio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Outbound {
    /// Words to speak; a reply goes as several, the last with `last`.
    #[serde(rename_all = "camelCase")]
    Text {
        /// The words (a clause, or a token).
        token: String,
        /// The end of this reply.
        last: bool,
        /// Whether the callee may cut these words off (the session's setting when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interruptible: Option<bool>,
        /// The language to speak them in, when it is not the session's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
    },
    /// Audio to play (a URL).
    #[serde(rename_all = "camelCase")]
    Play {
        /// Where the audio is.
        source: String,
        /// Times to play it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        r#loop: Option<u32>,
        /// Whether the callee may cut it off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interruptible: Option<bool>,
    },
    /// Keys to press on the call.
    SendDigits {
        /// The keys.
        digits: String,
    },
    /// Speak and listen in another language from now on.
    #[serde(rename_all = "camelCase")]
    Language {
        /// Speech synthesis language (BCP-47).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tts_language: Option<String>,
        /// Transcription language (BCP-47).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transcription_language: Option<String>,
    },
    /// End the session; Twilio then calls the `<Connect action>` URL with this data.
    #[serde(rename_all = "camelCase")]
    End {
        /// What the `action` URL receives as `HandoffData` (a JSON text by convention).
        handoff_data: String,
    },
}

impl Outbound {
    /// The frame to send.
    pub fn to_frame(&self) -> String {
        // A tagged enum of strings, numbers and options always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Over [`MAX_FRAME_BYTES`].
    #[error("frame of {0} bytes is over the limit of {MAX_FRAME_BYTES}")]
    TooLarge(usize),
    /// Not a message of ConversationRelay's: not JSON, an unknown `type`, a field missing or
    /// of the wrong kind.
    #[error("not a ConversationRelay message: {0}")]
    Malformed(String),
}

/// Reads one text frame from Twilio.
pub fn parse(frame: &str) -> Result<Inbound, FrameError> {
    if frame.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge(frame.len()));
    }
    serde_json::from_str(frame).map_err(|e| FrameError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn twilios_documented_messages_are_read() {
        let setup = parse(
            &json!({
                "type": "setup", "sessionId": "VX00000000000000000000000000000000",
                "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "parentCallSid": "",
                "callSid": "CA00000000000000000000000000000000", "from": "+18005550100",
                "to": "+18005550101", "forwardedFrom": "+18005550102", "callType": "PSTN",
                "callerName": "", "direction": "inbound", "callStatus": "RINGING",
                "customParameters": {"callReference": "bar"}
            })
            .to_string(),
        )
        .unwrap();
        match setup {
            Inbound::Setup {
                session_id,
                call_sid,
                custom_parameters,
                ..
            } => {
                assert_eq!(session_id, "VX00000000000000000000000000000000");
                assert_eq!(call_sid, "CA00000000000000000000000000000000");
                assert_eq!(custom_parameters["callReference"], "bar");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse(r#"{"type":"prompt","voicePrompt":"Ahoy","lang":"en-US","last":true}"#),
            Ok(Inbound::Prompt {
                voice_prompt: "Ahoy".into(),
                lang: "en-US".into(),
                last: true
            })
        );
        assert_eq!(
            parse(
                r#"{"type":"interrupt","utteranceUntilInterrupt":"Our review is","durationUntilInterruptMs":1820}"#
            ),
            Ok(Inbound::Interrupt {
                utterance_until_interrupt: "Our review is".into(),
                duration_until_interrupt_ms: 1820
            })
        );
        assert_eq!(
            parse(r#"{"type":"dtmf","digit":"9"}"#),
            Ok(Inbound::Dtmf { digit: "9".into() })
        );
        assert!(matches!(
            parse(r#"{"type":"info","name":"roundTripDelayMs","value":120}"#),
            Ok(Inbound::Info { .. })
        ));
    }

    #[test]
    fn replies_are_written_as_twilio_reads_them() {
        let text = Outbound::Text {
            token: "Hello".into(),
            last: false,
            interruptible: None,
            lang: None,
        };
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text.to_frame()).unwrap(),
            json!({"type": "text", "token": "Hello", "last": false})
        );
        let end = Outbound::End {
            handoff_data: r#"{"reason":"transfer"}"#.into(),
        };
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&end.to_frame()).unwrap(),
            json!({"type": "end", "handoffData": "{\"reason\":\"transfer\"}"})
        );
        let language = Outbound::Language {
            tts_language: Some("fr-FR".into()),
            transcription_language: Some("fr-FR".into()),
        };
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&language.to_frame()).unwrap(),
            json!({"type": "language", "ttsLanguage": "fr-FR", "transcriptionLanguage": "fr-FR"})
        );
    }

    #[test]
    fn bad_frames_are_refused_with_a_reason() {
        for frame in [
            "",
            "not json",
            "{}",
            r#"{"type":"prompt"}"#,
            r#"{"type":"telepathy","text":"hi"}"#,
            r#"{"type":"dtmf","digit":7}"#,
            r#"["prompt"]"#,
        ] {
            assert!(
                matches!(parse(frame), Err(FrameError::Malformed(_))),
                "{frame:?}"
            );
        }
        let huge = format!(
            r#"{{"type":"prompt","voicePrompt":"{}"}}"#,
            "a".repeat(MAX_FRAME_BYTES)
        );
        assert!(matches!(parse(&huge), Err(FrameError::TooLarge(_))));
        // Fields Twilio may add later do not break a call.
        assert!(parse(r#"{"type":"dtmf","digit":"1","newField":{"x":1}}"#).is_ok());
    }

    proptest! {
        /// Any text: a message or a reason, never a panic.
        #[test]
        fn any_frame_is_read_or_refused(frame in ".{0,300}") {
            let _ = parse(&frame);
        }

        /// What Twilio would send reads back as itself.
        #[test]
        fn prompts_read_back(words in ".{0,200}", lang in "[a-z]{2}-[A-Z]{2}", last: bool) {
            let sent = Inbound::Prompt { voice_prompt: words, lang, last };
            let frame = serde_json::to_string(&sent).unwrap();
            prop_assert_eq!(parse(&frame), Ok(sent));
        }

        /// Reply text of any content makes a frame that is one JSON text message.
        #[test]
        fn reply_frames_are_json(token in ".{0,200}", last: bool) {
            let frame = Outbound::Text { token: token.clone(), last, interruptible: None, lang: None }.to_frame();
            let value: serde_json::Value = serde_json::from_str(&frame).unwrap();
            prop_assert_eq!(value["token"].as_str(), Some(token.as_str()));
        }
    }
}
