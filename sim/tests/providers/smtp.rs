//! The SMTP sink, spoken to over a raw TCP socket.

use std::net::SocketAddr;

use crate::{add_faults, client, json, start};
use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

struct Conn {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Conn {
    async fn open(addr: SocketAddr) -> (Conn, String) {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (r, w) = stream.into_split();
        let mut conn = Conn {
            reader: BufReader::new(r),
            writer: w,
        };
        let greeting = conn.response().await;
        (conn, greeting)
    }

    /// Reads one (possibly multi-line) reply.
    async fn response(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            assert!(line.ends_with("\r\n"), "reply lines end in CRLF: {line:?}");
            all.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    }

    async fn send(&mut self, line: &str) -> String {
        self.writer.write_all(line.as_bytes()).await.unwrap();
        self.writer.write_all(b"\r\n").await.unwrap();
        self.response().await
    }

    /// `MAIL FROM` and one `RCPT TO`, both accepted.
    async fn envelope(&mut self) {
        let from = self.send("MAIL FROM:<agent@callwright.test>").await;
        assert!(from.starts_with("250"), "{from}");
        let to = self.send("RCPT TO:<lead@example.com>").await;
        assert!(to.starts_with("250"), "{to}");
    }

    async fn send_raw(&mut self, bytes: &str) -> String {
        self.writer.write_all(bytes.as_bytes()).await.unwrap();
        self.response().await
    }
}

const MESSAGE: &str = "From: Callwright <agent@callwright.test>\r\n\
To: lead@example.com\r\n\
Subject: =?utf-8?B?WW91ciBkZW1vIOKckw==?=\r\n\
Message-ID: <abc123@callwright.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello,\r\n\
..this line started with a dot\r\n\
See you Thursday.\r\n\
.\r\n";

#[tokio::test]
async fn full_conversation_is_stored() {
    let sim = start().await;
    let (mut c, greeting) = Conn::open(sim.smtp).await;
    assert!(greeting.starts_with("220 "), "{greeting}");

    assert!(c.send("MAIL FROM:<a@b.c>").await.starts_with("503"));
    let ehlo = c.send("EHLO product.test").await;
    assert!(ehlo.starts_with("250-"), "{ehlo}");
    for ext in ["8BITMIME", "SMTPUTF8", "AUTH PLAIN LOGIN", "SIZE"] {
        assert!(ehlo.contains(ext), "{ext} in {ehlo}");
    }
    assert!(!ehlo.contains("STARTTLS"));
    assert!(c.send("STARTTLS").await.starts_with("454"));
    let plain = base64::engine::general_purpose::STANDARD.encode("\0mailer\0secret");
    assert!(
        c.send(&format!("AUTH PLAIN {plain}"))
            .await
            .starts_with("235")
    );
    assert!(c.send("NOOP").await.starts_with("250"));
    assert!(c.send("RCPT TO:<x@y.z>").await.starts_with("503"));
    assert!(c.send("DATA").await.starts_with("503"));
    assert!(
        c.send("MAIL FROM:<agent@callwright.test> BODY=8BITMIME SIZE=500")
            .await
            .starts_with("250")
    );
    assert!(c.send("DATA").await.starts_with("503"));
    assert!(
        c.send("RCPT TO:<lead@example.com>")
            .await
            .starts_with("250")
    );
    assert!(
        c.send("rcpt to:<owner@example.com>")
            .await
            .starts_with("250")
    );
    assert!(c.send("DATA").await.starts_with("354"));
    let queued = c.send_raw(MESSAGE).await;
    assert!(queued.starts_with("250 "), "{queued}");
    assert!(c.send("QUIT").await.starts_with("221"));

    let mails = sim_mail(&sim.base).await;
    let mails = mails.as_array().unwrap();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail["from"], "agent@callwright.test");
    assert_eq!(mail["to"], json!(["lead@example.com", "owner@example.com"]));
    assert_eq!(mail["subject"], "Your demo ✓");
    assert_eq!(mail["message_id"], "<abc123@callwright.test>");
    assert_eq!(mail["auth_user"], "mailer");
    assert!(mail["received_at"].is_string());
    let raw = mail["raw"].as_str().unwrap();
    assert!(
        raw.contains("\r\n.this line started with a dot\r\n"),
        "{raw}"
    );
    assert!(raw.ends_with("See you Thursday.\r\n"));
    let id = mail["id"].as_str().unwrap();
    assert!(queued.contains(id));

    let response = client()
        .get(format!("{}/sim/mail/{id}/raw", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "message/rfc822");
    assert_eq!(response.text().await.unwrap(), raw);
    let missing = client()
        .get(format!("{}/sim/mail/nope/raw", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    client()
        .post(format!("{}/sim/reset", sim.base))
        .send()
        .await
        .unwrap();
    let mails = sim_mail(&sim.base).await;
    assert_eq!(mails, json!([]));
}

#[tokio::test]
async fn auth_login_rset_and_temporary_failure() {
    let sim = start().await;
    let (mut c, _) = Conn::open(sim.smtp).await;
    assert!(c.send("HELO product.test").await.starts_with("250 "));
    // AUTH needs EHLO.
    assert!(c.send("AUTH LOGIN").await.starts_with("503"));
    c.send("EHLO product.test").await;
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(c.send("AUTH LOGIN").await, "334 VXNlcm5hbWU6\r\n");
    assert_eq!(c.send(&b64.encode("user")).await, "334 UGFzc3dvcmQ6\r\n");
    assert!(c.send(&b64.encode("pass")).await.starts_with("235"));
    assert!(
        c.send("AUTH PLAIN").await.starts_with("503"),
        "already authenticated"
    );

    assert!(c.send("MAIL FROM:<>").await.starts_with("250"));
    assert!(c.send("RSET").await.starts_with("250"));
    assert!(
        c.send("RCPT TO:<lead@example.com>")
            .await
            .starts_with("503"),
        "RSET cleared MAIL"
    );

    add_faults(&sim.base, json!({"smtp_451": 1})).await;
    c.send("MAIL FROM:<agent@callwright.test>").await;
    c.send("RCPT TO:<lead@example.com>").await;
    assert!(c.send("DATA").await.starts_with("354"));
    let refused = c.send_raw(MESSAGE).await;
    assert_eq!(refused, "451 4.3.0 Temporary failure\r\n");
    let mails = sim_mail(&sim.base).await;
    assert_eq!(mails, json!([]));

    // The client retries on the same connection and succeeds.
    assert!(
        c.send("MAIL FROM:<agent@callwright.test>")
            .await
            .starts_with("250")
    );
    c.send("RCPT TO:<lead@example.com>").await;
    c.send("DATA").await;
    assert!(c.send_raw(MESSAGE).await.starts_with("250"));
    let mails = sim_mail(&sim.base).await;
    assert_eq!(mails.as_array().unwrap().len(), 1);
    assert_eq!(mails[0]["auth_user"], "user");
    assert!(c.send("BOGUS").await.starts_with("502"));
    assert!(c.send("QUIT").await.starts_with("221"));
}

#[tokio::test]
async fn oversized_lines_are_refused_without_harm() {
    let sim = start().await;
    let (mut c, _) = Conn::open(sim.smtp).await;
    c.send("EHLO product.test").await;
    c.send("MAIL FROM:<agent@callwright.test>").await;
    c.send("RCPT TO:<lead@example.com>").await;
    assert!(c.send("DATA").await.starts_with("354"));
    let huge = "x".repeat(2 * 1024 * 1024);
    let reply = c
        .send_raw(&format!("Subject: big\r\n\r\n{huge}\r\nshort\r\n.\r\n"))
        .await;
    assert!(reply.starts_with("552 "), "{reply}");
    assert!(
        c.send("NOOP").await.starts_with("250"),
        "session still usable"
    );
    let mails = sim_mail(&sim.base).await;
    assert_eq!(mails, json!([]));
    let long_command = format!("NOOP {}", "y".repeat(10_000));
    assert!(c.send(&long_command).await.starts_with("500"));
    assert!(
        c.send("QUIT").await.starts_with("221"),
        "session still usable"
    );
}

/// The product sends with lettre; make sure a real client is happy.
#[tokio::test]
async fn lettre_sends_and_sees_the_temporary_failure() {
    use lettre::message::header::ContentType;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    let sim = start().await;
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sim.smtp.port())
        .credentials(Credentials::new("mailer".into(), "secret".into()))
        .build();
    let message = || {
        Message::builder()
            .from("Callwright <agent@callwright.test>".parse().unwrap())
            .to("Lead <lead@example.com>".parse().unwrap())
            .subject("Rendez-vous confirmé ✓")
            .message_id(Some("<lettre-1@callwright.test>".into()))
            .header(ContentType::TEXT_PLAIN)
            .body(String::from("Bonjour,\n.une ligne avec un point\nÀ jeudi."))
            .unwrap()
    };

    add_faults(&sim.base, json!({"smtp_451": 1})).await;
    let err = mailer.send(message()).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    mailer.send(message()).await.unwrap();

    let mails = sim_mail(&sim.base).await;
    let mails = mails.as_array().unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["subject"], "Rendez-vous confirmé ✓");
    assert_eq!(mails[0]["message_id"], "<lettre-1@callwright.test>");
    assert_eq!(mails[0]["to"], json!(["lead@example.com"]));
    assert_eq!(mails[0]["auth_user"], "mailer");
    assert!(
        mails[0]["raw"]
            .as_str()
            .unwrap()
            .contains(".une ligne avec un point")
    );
}

/// What the SMTP sink holds (`GET /sim/mail`): an array of messages.
async fn sim_mail(base: &str) -> serde_json::Value {
    let (status, mails) = json(
        client()
            .get(format!("{base}/sim/mail"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    mails
}

async fn mail_count(base: &str) -> usize {
    sim_mail(base).await.as_array().unwrap().len()
}

/// RFC 3030: chunks are taken as they are (no dot-stuffing) and the message exists only once
/// `BDAT ... LAST` arrives; the 451 fault refuses it there.
#[tokio::test]
async fn bdat_chunks_become_one_message_on_last() {
    let sim = start().await;
    let (mut c, _) = Conn::open(sim.smtp).await;
    let ehlo = c.send("EHLO product.test").await;
    assert!(ehlo.contains("CHUNKING"), "{ehlo}");
    let (head, tail) = MESSAGE.split_at(120);
    let tail = tail.trim_end_matches(".\r\n");

    assert!(
        c.send("MAIL FROM:<agent@callwright.test>")
            .await
            .starts_with("250")
    );
    // The 3 octets of the refused chunk are read, not taken for a command.
    let early = c.send_raw("BDAT 3\r\nabc").await;
    assert!(
        early.starts_with("503"),
        "BDAT needs a recipient first: {early}"
    );
    assert!(
        c.send("RCPT TO:<lead@example.com>")
            .await
            .starts_with("250")
    );
    let first = c.send_raw(&format!("BDAT {}\r\n{head}", head.len())).await;
    assert!(first.starts_with("250"), "{first}");
    let second = c.send_raw(&format!("BDAT {}\r\n{tail}", tail.len())).await;
    assert!(second.starts_with("250"), "{second}");
    assert_eq!(mail_count(&sim.base).await, 0, "nothing before LAST");
    let queued = c.send("BDAT 0 LAST").await;
    assert!(queued.starts_with("250 2.0.0 Ok: queued as"), "{queued}");

    let mails = sim_mail(&sim.base).await;
    let mails = mails.as_array().unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["message_id"], "<abc123@callwright.test>");
    assert_eq!(
        mails[0]["raw"],
        format!("{head}{tail}"),
        "chunks are not unstuffed"
    );

    add_faults(&sim.base, json!({"smtp_451": 1})).await;
    c.envelope().await;
    let refused = c
        .send_raw(&format!("BDAT {} LAST\r\n{head}", head.len()))
        .await;
    assert!(refused.starts_with("451"), "{refused}");
    assert_eq!(mail_count(&sim.base).await, 1);
    assert!(c.send("BDAT x").await.starts_with("501"));
    assert!(c.send("BDAT 1 NOW").await.starts_with("501"));
    assert!(c.send("QUIT").await.starts_with("221"));
}

/// A client that goes away before `BDAT ... LAST` has delivered nothing.
#[tokio::test]
async fn bdat_without_last_delivers_nothing() {
    let sim = start().await;
    let (mut c, _) = Conn::open(sim.smtp).await;
    c.send("EHLO product.test").await;
    c.envelope().await;
    let chunk = c
        .send_raw(&format!("BDAT {}\r\n{MESSAGE}", MESSAGE.len()))
        .await;
    assert!(chunk.starts_with("250"), "{chunk}");
    drop(c);
    // Give the server time to see the connection close (a sink that delivered on close would
    // have done so by then).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(mail_count(&sim.base).await, 0);
}
