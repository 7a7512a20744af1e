//! Call behaviour: callbacks, signatures, Gather, modification, personas.

use std::time::{Duration, Instant};

use crate::stub::*;
use axum::http::StatusCode;

fn call_params(stub: &Stub, to: &str, voice: &str) -> Vec<(&'static str, String)> {
    vec![
        ("To", to.to_owned()),
        ("From", "+15005550006".to_owned()),
        ("Url", format!("{}/voice?mode={voice}", stub.base)),
        ("StatusCallback", format!("{}/status", stub.base)),
        ("StatusCallbackEvent", "initiated ringing".to_owned()),
        ("StatusCallbackEvent", "answered completed".to_owned()),
    ]
}

fn statuses(hits: &[Hit]) -> Vec<(String, String)> {
    hits.iter()
        .filter(|h| h.path == "/status")
        .map(|h| {
            (
                h.get("SequenceNumber").unwrap_or("?").to_owned(),
                h.get("CallStatus").unwrap_or("?").to_owned(),
            )
        })
        .collect()
}

fn has_final_status(hits: &[Hit]) -> bool {
    hits.iter().any(|h| {
        h.path == "/status"
            && matches!(
                h.get("CallStatus"),
                Some("completed" | "busy" | "no-answer" | "failed" | "canceled")
            )
    })
}

#[tokio::test]
async fn books_persona_full_call() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let mut params = call_params(&stub, "+15551230000", "gather");
    params.push(("Record", "true".into()));
    params.push((
        "RecordingStatusCallback",
        format!("{}/recording", stub.base),
    ));
    let (status, created) = create_call(&sim, &params).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "queued");
    assert_eq!(created["direction"], "outbound-api");
    let sid = created["sid"].as_str().unwrap().to_owned();
    assert!(sid.starts_with("CA") && sid.len() == 34);

    let hits = stub
        .wait_for("completed + recording callbacks", |h| {
            has_final_status(h) && h.iter().any(|x| x.path == "/recording")
        })
        .await;
    for hit in &hits {
        assert!(signature_is_valid(hit), "bad signature on {hit:#?}");
        if hit.path != "/recording" {
            assert_eq!(hit.get("CallSid"), Some(sid.as_str()));
            assert_eq!(hit.get("AccountSid"), Some(ACCOUNT));
            assert_eq!(hit.get("Direction"), Some("outbound-api"));
            assert_eq!(hit.get("ApiVersion"), Some("2010-04-01"));
        }
    }
    let expected: Vec<(String, String)> = [
        ("0", "initiated"),
        ("1", "ringing"),
        ("2", "in-progress"),
        ("3", "completed"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(statuses(&hits), expected);
    let completed = hits
        .iter()
        .find(|h| h.get("CallStatus") == Some("completed"))
        .unwrap();
    assert!(
        completed
            .get("CallDuration")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // Duration is in minutes, rounded up.
    assert!(completed.get("Duration").unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(
        completed.get("CallbackSource"),
        Some("call-progress-events")
    );
    assert!(completed.get("Timestamp").unwrap().contains("+0000"));

    let voice = stub.hits_for("/voice");
    assert_eq!(voice.len(), 1);
    assert_eq!(voice[0].get("CallStatus"), Some("in-progress"));
    let gather = stub.hits_for("/gather");
    assert_eq!(gather.len(), 1);
    assert!(
        gather[0].url.ends_with("/gather?turn=1"),
        "relative action resolved: {}",
        gather[0].url
    );
    let speech = gather[0].get("SpeechResult").unwrap();
    assert!(speech.contains("Thursday at 3 pm"), "{speech}");
    let confidence: f64 = gather[0].get("Confidence").unwrap().parse().unwrap();
    assert!(confidence > 0.8);

    let call = wait_final(&sim, &sid).await;
    assert_eq!(call["persona"], "books");
    assert_eq!(call["language"], "en");
    let transcript = call["transcript"].as_array().unwrap();
    let speakers: Vec<&str> = transcript
        .iter()
        .map(|l| l["speaker"].as_str().unwrap())
        .collect();
    assert_eq!(speakers, ["agent", "callee", "agent"]);

    let recording = stub.hits_for("/recording");
    let rec_url = recording[0].get("RecordingUrl").unwrap();
    assert!(recording[0].get("RecordingSid").unwrap().starts_with("RE"));
    assert_eq!(recording[0].get("RecordingStatus"), Some("completed"));
    assert_eq!(call["recording_url"], rec_url);
    // Media sits behind the account's Basic auth, as at Twilio.
    let anonymous = client().get(format!("{rec_url}.wav")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wav = client()
        .get(format!("{rec_url}.wav"))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(wav.status(), 200);
    assert_eq!(&wav.bytes().await.unwrap()[..4], b"RIFF");

    let fetched = client()
        .get(format!(
            "{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(fetched["status"], "completed");
    assert!(fetched["duration"].as_str().is_some());
}

async fn unanswered(to: &str, final_status: &str) {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let mut params = call_params(&stub, to, "gather");
    params.push(("Timeout", "20".into()));
    let (status, created) = create_call(&sim, &params).await;
    assert_eq!(status, StatusCode::CREATED);
    let hits = stub.wait_for("final status", has_final_status).await;
    let expected: Vec<(String, String)> =
        [("0", "initiated"), ("1", "ringing"), ("2", final_status)]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
    assert_eq!(statuses(&hits), expected);
    assert!(hits.iter().all(signature_is_valid));
    let last = hits
        .iter()
        .find(|h| h.get("CallStatus") == Some(final_status))
        .unwrap();
    assert_eq!(last.get("CallDuration"), Some("0"));
    assert!(
        stub.hits_for("/voice").is_empty(),
        "voice URL must not be fetched"
    );
    let call = wait_final(&sim, created["sid"].as_str().unwrap()).await;
    assert_eq!(call["status"], final_status);
}

#[tokio::test]
async fn no_answer_persona() {
    unanswered("+15551230006", "no-answer").await;
}

#[tokio::test]
async fn busy_persona() {
    unanswered("+15551230007", "busy").await;
}

#[tokio::test]
async fn no_answer_then_books_counts_calls_per_number() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let params = call_params(&stub, "+33612345612", "gather");
    let (_, first) = create_call(&sim, &params).await;
    let first = wait_final(&sim, first["sid"].as_str().unwrap()).await;
    assert_eq!(first["status"], "no-answer");
    let (_, second) = create_call(&sim, &params).await;
    let second = wait_final(&sim, second["sid"].as_str().unwrap()).await;
    assert_eq!(second["status"], "completed");
    assert_eq!(second["language"], "fr");
    let gather = stub
        .wait_for("gather", |h| h.iter().any(|x| x.path == "/gather"))
        .await;
    let speech = gather.iter().find(|h| h.path == "/gather").unwrap();
    assert!(speech.get("SpeechResult").unwrap().contains("jeudi à 15h"));
}

#[tokio::test]
async fn rest_twiml_modify_interrupts_waiting_gather() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    // Silent persona + a Gather waiting 600 s (6 s at this speed).
    let (_, created) = create_call(&sim, &call_params(&stub, "+15551230009", "wait")).await;
    let sid = created["sid"].as_str().unwrap().to_owned();
    stub.wait_for("answered", |h| h.iter().any(|x| x.path == "/voice"))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let in_progress = sim_call(&sim, &sid).await;
    assert_eq!(in_progress["status"], "in-progress");

    let started = Instant::now();
    let modify_url = format!("{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json");
    let response = client()
        .post(&modify_url)
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&[(
            "Twiml",
            "<Response><Say>Leaving you a message</Say><Hangup/></Response>",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let call = wait_final(&sim, &sid).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "modify did not interrupt the Gather"
    );
    assert_eq!(call["status"], "completed");
    let said: Vec<&str> = call["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(said, ["Hi there", "Leaving you a message"]);
    assert!(stub.hits_for("/gather").is_empty());

    let late = client()
        .post(&modify_url)
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&[("Status", "completed")])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 400);
    let body: serde_json::Value = late.json().await.unwrap();
    assert_eq!(body["code"], 21220);
}

#[tokio::test]
async fn rest_hangup_ends_call_immediately() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let (_, created) = create_call(&sim, &call_params(&stub, "+15551230009", "wait")).await;
    let sid = created["sid"].as_str().unwrap().to_owned();
    stub.wait_for("answered", |h| h.iter().any(|x| x.path == "/voice"))
        .await;
    let response: serde_json::Value = client()
        .post(format!(
            "{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&[("Status", "completed")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(response["status"], "completed");
}

#[tokio::test]
async fn voicemail_async_amd_reports_machine() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let mut params = call_params(&stub, "+15551230005", "wait");
    params.push(("MachineDetection", "DetectMessageEnd".into()));
    params.push(("AsyncAmd", "true".into()));
    params.push(("AsyncAmdStatusCallback", format!("{}/amd", stub.base)));
    let (_, created) = create_call(&sim, &params).await;
    let sid = created["sid"].as_str().unwrap().to_owned();
    let hits = stub
        .wait_for("amd", |h| h.iter().any(|x| x.path == "/amd"))
        .await;
    let amd = hits.iter().find(|h| h.path == "/amd").unwrap();
    assert!(signature_is_valid(amd));
    assert_eq!(amd.get("AnsweredBy"), Some("machine_end_beep"));
    assert!(
        amd.get("MachineDetectionDuration")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 4000
    );
    // The product then leaves a voicemail by modifying the call.
    client()
        .post(format!(
            "{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&[(
            "Twiml",
            "<Response><Say>Hi, this is Alex, please call us back.</Say><Hangup/></Response>",
        )])
        .send()
        .await
        .unwrap();
    let call = wait_final(&sim, &sid).await;
    assert_eq!(call["answered_by"], "machine_end_beep");
    let transcript = call["transcript"].as_array().unwrap();
    assert_eq!(transcript[0]["speaker"], "callee");
    assert_eq!(
        transcript.last().unwrap()["text"],
        "Hi, this is Alex, please call us back."
    );
}

#[tokio::test]
async fn webhook_failure_plays_application_error() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let (_, created) = create_call(&sim, &call_params(&stub, "+15551230000", "broken")).await;
    let call = wait_final(&sim, created["sid"].as_str().unwrap()).await;
    assert_eq!(call["status"], "completed");
    assert_eq!(
        call["transcript"][0]["text"],
        "An application error has occurred."
    );
    assert!(
        call["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "error")
    );
}
