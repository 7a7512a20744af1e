//! The ElevenLabs and Deepgram adapters over real HTTP, against the simulator: request shape
//! and auth, and the retry classification of what comes back (401 permanent, 5xx retryable).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use callwright_domain::Language;
use callwright_providers::stt::{Deepgram, DeepgramConfig, Transcriber};
use callwright_providers::tts::{ElevenLabs, ElevenLabsConfig, SpeechSynthesizer};
use callwright_sim::{Sim, SimConfig};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

async fn sim() -> String {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let url = sim.base_url();
    sim.spawn();
    url
}

fn elevenlabs(base_url: &str, key: &str) -> ElevenLabs {
    ElevenLabs::new(ElevenLabsConfig {
        base_url: base_url.to_owned(),
        api_key: SecretString::from(key.to_owned()),
        default_voice_id: "voice-a".to_owned(),
        voices: HashMap::from([(Language::He, "voice-he".to_owned())]),
        timeout: Duration::from_secs(2),
    })
    .unwrap()
}

fn deepgram(base_url: &str, key: &str) -> Deepgram {
    Deepgram::new(DeepgramConfig {
        base_url: base_url.to_owned(),
        api_key: SecretString::from(key.to_owned()),
        model: "nova-3".to_owned(),
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

async fn fault(base: &str, body: Value) {
    reqwest::Client::new()
        .post(format!("{base}/sim/faults"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

#[tokio::test]
async fn elevenlabs_synthesises_wav_and_classifies_failures() {
    let base = sim().await;
    let tts = elevenlabs(&base, "xi-key");
    let voice = tts.voice(Language::He);
    assert_eq!(voice.voice_id, "voice-he");
    assert_eq!(voice.model_id, "eleven_v3");
    assert_eq!(tts.voice(Language::Fr).voice_id, "voice-a");
    let wav = tts.synthesize(&voice, "שלום דנה").await.unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(
        callwright_sim::tts::decode(&wav).as_deref(),
        Some("שלום דנה")
    );
    let done: Vec<Value> = reqwest::get(format!("{base}/sim/tts"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        done,
        [json!({"voice_id": "voice-he", "model_id": "eleven_v3",
                "output_format": "ulaw_8000", "text": "שלום דנה"})]
    );

    fault(&base, json!({"tts_500": 1})).await;
    let err = tts.synthesize(&voice, "again").await.unwrap_err();
    assert!(err.retryable && err.status == Some(500), "{err}");
    let err = elevenlabs(&base, " ")
        .synthesize(&voice, "no key")
        .await
        .unwrap_err();
    assert!(!err.retryable && err.status == Some(401), "{err}");
}

#[tokio::test]
async fn deepgram_sends_the_audio_with_its_options_and_classifies_failures() {
    let base = sim().await;
    let stt = deepgram(&base, "dg-key");
    // Audio the simulator did not record: heard as silence.
    let heard = stt
        .transcribe(vec![0u8; 64], "audio/wav", Language::Fr)
        .await
        .unwrap();
    assert!(heard.is_empty());
    let done: Vec<Value> = reqwest::get(format!("{base}/sim/deepgram"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let params = &done[0]["params"];
    assert_eq!(params["model"], "nova-3");
    assert_eq!(params["language"], "fr");
    assert_eq!(params["diarize"], "true");
    assert_eq!(params["utterances"], "true");

    fault(&base, json!({"deepgram_500": 1})).await;
    let err = stt
        .transcribe(vec![0u8; 64], "audio/wav", Language::En)
        .await
        .unwrap_err();
    assert!(err.retryable && err.status == Some(500), "{err}");
    let err = deepgram(&base, "")
        .transcribe(vec![0u8; 64], "audio/wav", Language::En)
        .await
        .unwrap_err();
    assert!(!err.retryable && err.status == Some(401), "{err}");
}
