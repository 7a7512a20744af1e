//! Text to speech end to end: with ElevenLabs configured (the simulator's), the agent's lines
//! are `<Play>`ed from the API's signed `/tts` links, which the simulated Twilio fetches and
//! the callee hears; each line is synthesised once (the cache is shared); a tampered link is
//! refused; and a provider that fails falls back to `<Say>` without the caller hearing silence.

use crate::support::{SIM_VOICE, SIM_VOICE_HE, Stack, StackOptions, lead_workflow};
use callwright_contracts::api::campaigns::CampaignDetail;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

async fn run_campaign(stack: &Stack, leads: &[String]) -> (String, CampaignDetail) {
    let campaign = stack.start_campaign(leads, 1, 1).await;
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(180))
        .await;
    (campaign, detail)
}

fn verbs(call: &Value) -> Vec<String> {
    call["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "verb")
        .map(|e| e["detail"].as_str().unwrap().to_owned())
        .collect()
}

fn agent_lines(call: &Value) -> Vec<String> {
    call["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speaker"] == "agent")
        .map(|t| t["text"].as_str().unwrap().to_owned())
        .collect()
}

async fn syntheses(stack: &Stack) -> Vec<Value> {
    serde_json::from_value(stack.sim_get("/sim/tts").await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_agent_plays_synthesised_speech_from_signed_links_and_synthesises_each_line_once() {
    // The phone rings about half a second: the dial's result (with the greeting's audio) is
    // in the workflow before the callee answers, as with real ringing times. (At the default
    // speed a loaded machine can answer first, and the greeting is then said with <Say>.)
    let mut stack = Stack::start(StackOptions {
        tts: true,
        sim_speed: 0.2,
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    // 00 books (model replies and fixed lines), 02 is not interested, and a Hebrew lead books.
    let ids = stack
        .create_leads(&[
            ("Grace Hopper", "+14155550100"),
            ("Alan Kay", "+14155550202"),
            ("Dana Levi", "+972527654300"),
        ])
        .await;
    let (campaign, detail) = run_campaign(&stack, &ids).await;
    assert_eq!(detail.outcomes.get("interested"), Some(&2), "{detail:?}");
    // The replay fixture of a call spoken with speech synthesised at the dial.
    crate::lifecycle::record_fixture(&stack, &lead_workflow(&campaign, &ids[0]), "speech_call")
        .await;
    assert_eq!(
        detail.outcomes.get("not_interested"),
        Some(&1),
        "{detail:?}"
    );

    let calls = stack.sim_calls().await;
    let mut play_urls = Vec::new();
    for number in ["+14155550100", "+14155550202", "+972527654300"] {
        let call = calls.iter().find(|c| c["to"] == number).unwrap();
        let verbs = verbs(call);
        // Every line of the agent was played from our API and heard; none fell back to <Say>.
        assert!(
            !verbs.iter().any(|v| v.starts_with("Say")),
            "{number}: {verbs:#?}"
        );
        let played: Vec<&String> = verbs.iter().filter(|v| v.starts_with("Play")).collect();
        assert!(played.len() >= 2, "{number}: {verbs:#?}");
        for verb in &played {
            assert!(
                verb.starts_with(&format!("Play {}/tts/", stack.api))
                    && verb.contains(": speech: "),
                "{number}: {verb}"
            );
            let url = verb
                .strip_prefix("Play ")
                .and_then(|v| v.split_once(": speech: "))
                .unwrap()
                .0;
            play_urls.push(url.to_owned());
        }
        let lines = agent_lines(call);
        assert!(lines[0].contains("Acme Solar"), "{number}: {lines:#?}");
    }

    // One synthesis per (voice, model, text), though every dial asked for the fixed lines.
    let done = syntheses(&stack).await;
    let mut counts: HashMap<(String, String, String), u32> = HashMap::new();
    for s in &done {
        *counts
            .entry((
                s["voice_id"].as_str().unwrap().to_owned(),
                s["model_id"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
            ))
            .or_default() += 1;
        assert_eq!(s["output_format"], "ulaw_8000", "{s}");
    }
    assert!(counts.values().all(|n| *n == 1), "{counts:#?}");
    // Hebrew is spoken by its own voice and by the one model that speaks it.
    assert!(
        done.iter()
            .any(|s| s["voice_id"] == SIM_VOICE_HE && s["model_id"] == "eleven_v3"),
        "{done:#?}"
    );
    assert!(
        done.iter()
            .filter(|s| s["voice_id"] == SIM_VOICE)
            .all(|s| s["model_id"] == "eleven_flash_v2_5"),
        "{done:#?}"
    );
    // The two English calls share the fixed lines: "goodbye" and the like were made once
    // for both, so there are fewer syntheses than lines prepared.
    let english_fixed = done.iter().filter(|s| s["voice_id"] == SIM_VOICE).count();
    assert!(english_fixed < 2 * 8, "{done:#?}");

    // The links: genuine plays (audio), altered or unsigned are refused.
    let http = reqwest::Client::new();
    let url = &play_urls[0];
    let ok = http.get(url).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["content-type"], "audio/x-wav");
    let wav = ok.bytes().await.unwrap();
    assert_eq!(&wav[0..4], b"RIFF");
    assert!(callwright_sim::tts::decode(&wav).is_some());
    let (base, query) = url.split_once('?').unwrap();
    let mut tampered_sig = query.to_owned();
    let last = tampered_sig.pop().unwrap();
    tampered_sig.push(if last == 'A' { 'B' } else { 'A' });
    let refused = http
        .get(format!("{base}?{tampered_sig}"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "link_rejected", "{body}");
    let later = query.replacen("expires=", "expires=9", 1);
    let refused = http.get(format!("{base}?{later}")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    // Another line's signature does not open this line.
    let other = play_urls
        .iter()
        .find(|u| u.split_once('?').unwrap().0 != base)
        .unwrap();
    let other_query = other.split_once('?').unwrap().1;
    let refused = http
        .get(format!("{base}?{other_query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(http.get(base).send().await.unwrap().status(), 400);

    // Erasing a lead drops the cached speech that names it; the shared lines stay.
    let naming = "SELECT count(*) FROM tts_audio WHERE text LIKE '%Grace Hopper%'";
    let db = stack.db.clone();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let named = count(naming).await;
    assert!(named >= 2, "greeting and voicemail");
    let all = count("SELECT count(*) FROM tts_audio").await;
    stack.erase_lead(&ids[0]).await;
    assert_eq!(count(naming).await, 0);
    assert_eq!(count("SELECT count(*) FROM tts_audio").await, all - named);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_speech_provider_falls_back_to_say_without_silence() {
    let mut stack = Stack::start(StackOptions {
        tts: true,
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    stack
        .sim_post("/sim/faults", json!({"tts_500": 1000}))
        .await;
    let ids = stack
        .create_leads(&[("Grace Hopper", "+14155550100")])
        .await;
    let (_, detail) = run_campaign(&stack, &ids).await;
    assert_eq!(detail.outcomes.get("interested"), Some(&1), "{detail:?}");

    let calls = stack.sim_calls().await;
    let call = calls.iter().find(|c| c["to"] == "+14155550100").unwrap();
    let verbs = verbs(call);
    assert!(!verbs.iter().any(|v| v.starts_with("Play")), "{verbs:#?}");
    // The greeting is the first thing on the line, said with the language's voice.
    let first = verbs.iter().find(|v| !v.starts_with("Gather")).unwrap();
    assert!(
        first.starts_with("Say (en-US): ") && first.contains("Acme Solar"),
        "{verbs:#?}"
    );
    // Nothing was synthesised, and the caller heard every agent turn.
    assert!(syntheses(&stack).await.is_empty());
    let lead = stack.get(&format!("/api/leads/{}", ids[0])).await;
    let call_id = lead["calls"][0]["id"].as_str().unwrap();
    let detail = stack.get(&format!("/api/calls/{call_id}")).await;
    let stored_agent = detail["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speaker"] == "agent")
        .count();
    assert_eq!(stored_agent, agent_lines(call).len(), "{detail}");
}
