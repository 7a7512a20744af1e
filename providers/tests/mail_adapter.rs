//! The SMTP adapter against the simulator's SMTP server, over a real socket: where the send
//! record is written relative to the moment the server can accept the message, and what a
//! failure on either side of that point does.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use async_trait::async_trait;
use callwright_providers::error::ProviderError;
use callwright_providers::mail::{Delivery, InviteEmail, Mailer, SendRecord, SmtpMailer};
use callwright_sim::{Sim, SimConfig};
use serde_json::{Value, json};
use std::sync::Mutex;
use std::time::Duration;

struct Running {
    base: String,
    mailer: SmtpMailer,
}

async fn sim() -> Running {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let base = sim.base_url();
    let url = format!("smtp://mailer:secret@127.0.0.1:{}", sim.smtp_port());
    sim.spawn();
    Running {
        base,
        mailer: SmtpMailer::from_url(&url, Duration::from_secs(5)).unwrap(),
    }
}

async fn mails(base: &str) -> Vec<Value> {
    let body: Value = reqwest::get(format!("{base}/sim/mail"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body.as_array().unwrap().clone()
}

fn invite() -> InviteEmail {
    InviteEmail {
        message_id: "meeting-1.0.request@acme.example".into(),
        from_name: "Acme".into(),
        from_email: "meetings@acme.example".into(),
        to_name: "Dana Levi".into(),
        to_email: "dana@example.com".into(),
        subject: "Invitation: intro call".into(),
        text: "See you on Thursday.".into(),
        html: "<p>See you on Thursday.</p>".into(),
        ics: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
        calendar_type: "text/calendar; charset=UTF-8; method=REQUEST".into(),
    }
}

/// A send record that remembers what happened to it and how many messages the server held at
/// the moment it was committed.
struct Probe {
    base: String,
    fail_commit: bool,
    log: Mutex<Vec<String>>,
}

impl Probe {
    fn new(base: &str, fail_commit: bool) -> Self {
        Self {
            base: base.to_owned(),
            fail_commit,
            log: Mutex::new(Vec::new()),
        }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

#[async_trait]
impl SendRecord for Probe {
    async fn commit(&self) -> Result<(), ProviderError> {
        let held = mails(&self.base).await.len();
        self.log.lock().unwrap().push(format!("commit with {held}"));
        if self.fail_commit {
            return Err(ProviderError::protocol("postgres", "database unavailable"));
        }
        Ok(())
    }

    async fn refused(&self) -> Result<(), ProviderError> {
        self.log.lock().unwrap().push("refused".into());
        Ok(())
    }
}

#[tokio::test]
async fn the_record_is_committed_just_before_the_server_accepts() {
    let sim = sim().await;
    let probe = Probe::new(&sim.base, false);
    let delivery = sim.mailer.send(&invite(), &probe).await.unwrap();
    assert_eq!(delivery, Delivery::Accepted);
    assert_eq!(
        probe.log(),
        ["commit with 0"],
        "committed while the server held nothing"
    );
    let mails = mails(&sim.base).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["message_id"], "<meeting-1.0.request@acme.example>");
    assert_eq!(mails[0]["to"], json!(["dana@example.com"]));
    assert_eq!(mails[0]["auth_user"], "mailer");
    let raw = mails[0]["raw"].as_str().unwrap();
    assert!(
        raw.contains("method=REQUEST") || raw.contains("method=request"),
        "{raw}"
    );
    assert!(raw.contains("invite.ics"));
}

#[tokio::test]
async fn a_record_that_cannot_be_written_sends_nothing() {
    let sim = sim().await;
    let probe = Probe::new(&sim.base, true);
    let err = sim.mailer.send(&invite(), &probe).await.unwrap_err();
    assert_eq!(err.provider, "postgres", "{err:?}");
    // The connection was dropped before the end of the message: the server discards it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(mails(&sim.base).await.is_empty());
    assert_eq!(probe.log(), ["commit with 0"]);
}

#[tokio::test]
async fn a_refusal_after_the_commit_takes_the_record_back() {
    let sim = sim().await;
    reqwest::Client::new()
        .post(format!("{}/sim/faults", sim.base))
        .json(&json!({"smtp_451": 1}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let probe = Probe::new(&sim.base, false);
    let err = sim.mailer.send(&invite(), &probe).await.unwrap_err();
    assert!(err.retryable, "a 451 is temporary: {err:?}");
    assert_eq!(err.status, Some(451));
    assert_eq!(probe.log(), ["commit with 0", "refused"]);
    assert!(mails(&sim.base).await.is_empty());

    let again = Probe::new(&sim.base, false);
    assert_eq!(
        sim.mailer.send(&invite(), &again).await.unwrap(),
        Delivery::Accepted
    );
    assert_eq!(mails(&sim.base).await.len(), 1);
}

#[test]
fn urls_choose_port_and_security() {
    for ok in [
        "smtp://127.0.0.1:2525",
        "smtp://user:p%40ss@mail.example.com?tls=required",
        "smtp://mail.example.com?tls=opportunistic",
        "smtps://user:pass@mail.example.com/client.example.com",
    ] {
        assert!(
            SmtpMailer::from_url(ok, Duration::from_secs(1)).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "http://mail.example.com",
        "smtp://mail.example.com?tls=maybe",
        "smtp://",
        "not a url",
    ] {
        let err = SmtpMailer::from_url(bad, Duration::from_secs(1))
            .err()
            .unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(err.message.starts_with("bad SMTP_URL"), "{bad}: {err:?}");
    }
}
