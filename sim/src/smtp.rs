//! SMTP sink: a plaintext ESMTP server (RFC 5321 subset) on its own TCP
//! listener that accepts every message and keeps it for inspection through
//! `GET /sim/mail` and `GET /sim/mail/{id}/raw`.
//!
//! Supported: greeting `220`; `EHLO` (advertises `8BITMIME`, `SMTPUTF8`,
//! `SIZE`, `AUTH PLAIN LOGIN`, `ENHANCEDSTATUSCODES`, `CHUNKING`) and `HELO`;
//! `AUTH PLAIN` and `AUTH LOGIN` with any credentials; `MAIL FROM`, `RCPT TO`,
//! `DATA` (dot unstuffing, ends on CRLF.CRLF) and `BDAT` (RFC 3030 chunks, the
//! message is accepted on `LAST`; a connection closed before it delivers
//! nothing); `RSET`, `NOOP`, `VRFY`, `HELP`, `QUIT`. No `STARTTLS` (answered
//! `454`). The `smtp_451` fault refuses the next message at its end (after the
//! data, or on `BDAT ... LAST`) with `451 4.3.0 Temporary failure` (nothing
//! stored).
//!
//! Kept in one file: one protocol's state machine (the session, its commands and replies) and
//! its inspection endpoints, which read the same store.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::state::SharedState;
use crate::store::FaultKind;

/// The name the server announces.
pub const HOSTNAME: &str = "smtp.callwright-sim.test";
/// Largest accepted message, in bytes (advertised as `SIZE`).
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;
/// Most recipients per message.
const MAX_RECIPIENTS: usize = 100;
/// Longest accepted command line.
const MAX_COMMAND_LINE: usize = 4096;
/// Longest accepted data line (RFC 5321 says 1000; be lenient).
const MAX_DATA_LINE: usize = 1024 * 1024;
/// Idle time before the server drops a connection.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// One accepted message.
#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    /// Simulator id (used in `/sim/mail/{id}/raw`).
    pub id: String,
    /// Envelope sender (`MAIL FROM`, empty for the null sender).
    pub from: String,
    /// Envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// `Subject` header, RFC 2047 encoded words decoded.
    pub subject: Option<String>,
    /// `Message-ID` header as sent (with its angle brackets).
    pub message_id: Option<String>,
    /// When the end of the message (the final `.`, or `BDAT ... LAST`) was received.
    pub received_at: DateTime<Utc>,
    /// The message (RFC 5322 text, CRLF line ends, dot-unstuffed), lossily UTF-8.
    pub raw: String,
    /// `EHLO` / `HELO` name of the client.
    pub helo: Option<String>,
    /// The user name given in `AUTH`, if the client authenticated.
    pub auth_user: Option<String>,
    #[serde(skip)]
    raw_bytes: Vec<u8>,
}

/// Every accepted message, in arrival order.
#[derive(Debug, Default)]
pub struct Mailbox {
    mails: Mutex<Vec<Mail>>,
}

impl Mailbox {
    fn lock(&self) -> MutexGuard<'_, Vec<Mail>> {
        self.mails
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// All messages, oldest first.
    pub fn list(&self) -> Vec<Mail> {
        self.lock().clone()
    }

    /// Forgets every message.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn push(&self, mail: Mail) {
        self.lock().push(mail);
    }
}

/// `GET /sim/mail`, `GET /sim/mail/{id}`, `GET /sim/mail/{id}/raw`.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/sim/mail", get(list))
        .route("/sim/mail/{id}", get(one))
        .route("/sim/mail/{id}/raw", get(raw))
}

async fn list(State(state): State<SharedState>) -> Response {
    Json(state.mail.list()).into_response()
}

fn find(state: &SharedState, id: &str) -> Option<Mail> {
    state.mail.lock().iter().find(|m| m.id == id).cloned()
}

fn missing(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": format!("mail {id} not found")})),
    )
        .into_response()
}

async fn one(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Some(mail) => Json(mail).into_response(),
        None => missing(&id),
    }
}

async fn raw(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    match find(&state, &id) {
        Some(mail) => ([(header::CONTENT_TYPE, "message/rfc822")], mail.raw_bytes).into_response(),
        None => missing(&id),
    }
}

/// Accepts connections until the future is dropped; dropping it also ends
/// every open session.
pub async fn serve(listener: TcpListener, state: SharedState) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    tracing::debug!(%peer, "smtp connection");
                    let state = state.clone();
                    sessions.spawn(async move {
                        if let Err(e) = session(stream, state).await {
                            tracing::debug!(error = %e, "smtp session ended with an error");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "smtp accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// What a line read produced.
enum Line {
    /// A complete line without its line end.
    Text(Vec<u8>),
    /// Longer than allowed (the rest of it was not read).
    TooLong,
    /// The peer closed the connection.
    Eof,
}

async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R, max: usize) -> std::io::Result<Line> {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        IDLE_TIMEOUT,
        (&mut *reader)
            .take(max as u64 + 2)
            .read_until(b'\n', &mut buf),
    )
    .await
    .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle timeout"))??;
    if read == 0 {
        return Ok(Line::Eof);
    }
    if buf.last() != Some(&b'\n') {
        return Ok(if buf.len() > max {
            Line::TooLong
        } else {
            Line::Eof
        });
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Text(buf))
}

/// Discards input up to and including the next line end, in bounded chunks.
async fn skip_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let mut chunk = Vec::new();
        let read = tokio::time::timeout(
            IDLE_TIMEOUT,
            (&mut *reader).take(64 * 1024).read_until(b'\n', &mut chunk),
        )
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle timeout"))??;
        if read == 0 || chunk.last() == Some(&b'\n') {
            return Ok(());
        }
    }
}

/// Per-connection protocol state.
#[derive(Default)]
struct Session {
    helo: Option<String>,
    esmtp: bool,
    auth_user: Option<String>,
    from: Option<String>,
    to: Vec<String>,
    /// The chunks received so far by `BDAT` in this transaction.
    chunks: Vec<u8>,
    /// A `BDAT` chunk took the message past the size limit.
    chunks_too_big: bool,
}

impl Session {
    fn reset_transaction(&mut self) {
        self.from = None;
        self.to.clear();
        self.chunks.clear();
        self.chunks_too_big = false;
    }
}

async fn reply<W: AsyncWriteExt + Unpin>(writer: &mut W, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes()).await?;
    writer.write_all(b"\r\n").await?;
    writer.flush().await
}

async fn session(stream: TcpStream, state: SharedState) -> std::io::Result<()> {
    let (read_half, mut writer) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let mut s = Session::default();
    reply(
        &mut writer,
        &format!("220 {HOSTNAME} ESMTP callwright-sim ready"),
    )
    .await?;
    loop {
        let line = match read_line(&mut reader, MAX_COMMAND_LINE).await? {
            Line::Text(line) => String::from_utf8_lossy(&line).into_owned(),
            Line::TooLong => {
                skip_line(&mut reader).await?;
                reply(&mut writer, "500 5.5.2 Error: line too long").await?;
                continue;
            }
            Line::Eof => return Ok(()),
        };
        let (verb, args) = match line.split_once(' ') {
            Some((verb, args)) => (verb.to_ascii_uppercase(), args.trim()),
            None => (line.trim().to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" | "HELO" => {
                if args.is_empty() {
                    reply(&mut writer, &format!("501 5.5.4 Syntax: {verb} hostname")).await?;
                    continue;
                }
                s.reset_transaction();
                s.helo = Some(args.to_owned());
                s.esmtp = verb == "EHLO";
                let text = if s.esmtp {
                    format!(
                        "250-{HOSTNAME} Hello {args}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE {MAX_MESSAGE_BYTES}\r\n250-AUTH PLAIN LOGIN\r\n250-CHUNKING\r\n250 ENHANCEDSTATUSCODES"
                    )
                } else {
                    format!("250 {HOSTNAME}")
                };
                reply(&mut writer, &text).await?;
            }
            "AUTH" => {
                let text = auth(&mut reader, &mut writer, &mut s, args).await?;
                reply(&mut writer, &text).await?;
            }
            "MAIL" => {
                let text = mail_from(&mut s, args);
                reply(&mut writer, &text).await?;
            }
            "RCPT" => {
                let text = rcpt_to(&mut s, args);
                reply(&mut writer, &text).await?;
            }
            "DATA" => {
                if !args.is_empty() {
                    reply(&mut writer, "501 5.5.4 Syntax: DATA").await?;
                } else if s.from.is_none() {
                    reply(&mut writer, "503 5.5.1 Error: need MAIL command").await?;
                } else if s.to.is_empty() {
                    reply(&mut writer, "503 5.5.1 Error: need RCPT command").await?;
                } else {
                    reply(&mut writer, "354 End data with <CR><LF>.<CR><LF>").await?;
                    let text = data(&mut reader, &mut s, &state).await?;
                    reply(&mut writer, &text).await?;
                }
            }
            "BDAT" => {
                let text = bdat(&mut reader, &mut s, &state, args).await?;
                reply(&mut writer, &text).await?;
            }
            "RSET" => {
                s.reset_transaction();
                reply(&mut writer, "250 2.0.0 Ok").await?;
            }
            "NOOP" => reply(&mut writer, "250 2.0.0 Ok").await?,
            "VRFY" => {
                reply(
                    &mut writer,
                    "252 2.0.0 Cannot VRFY user, but will accept message",
                )
                .await?
            }
            "HELP" => reply(&mut writer, "214 2.0.0 See RFC 5321").await?,
            "STARTTLS" => reply(&mut writer, "454 4.7.0 TLS not available").await?,
            "QUIT" => {
                reply(&mut writer, "221 2.0.0 Bye").await?;
                return Ok(());
            }
            "" => reply(&mut writer, "500 5.5.2 Error: bad syntax").await?,
            _ => reply(&mut writer, "502 5.5.2 Error: command not recognized").await?,
        }
    }
}

/// Splits `FROM:<addr> PARAMS` / `TO:<addr> PARAMS` into the address and parameters.
fn path_argument<'a>(args: &'a str, keyword: &str) -> Option<(String, &'a str)> {
    let head = args.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = args.get(keyword.len()..)?.trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        let address = &inner[..end];
        // Source routes (`<@a,@b:user@c>`) are ignored as RFC 5321 allows.
        let address = address.rsplit_once(':').map_or(address, |(_, a)| a);
        Some((address.to_owned(), inner[end + 1..].trim()))
    } else {
        let (address, params) = rest.split_once(' ').unwrap_or((rest, ""));
        (!address.is_empty()).then(|| (address.to_owned(), params.trim()))
    }
}

fn mail_from(s: &mut Session, args: &str) -> String {
    if s.helo.is_none() {
        return "503 5.5.1 Error: send HELO/EHLO first".into();
    }
    if s.from.is_some() {
        return "503 5.5.1 Error: nested MAIL command".into();
    }
    let Some((address, params)) = path_argument(args, "FROM:") else {
        return "501 5.5.4 Syntax: MAIL FROM:<address>".into();
    };
    for param in params.split_whitespace() {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if name.eq_ignore_ascii_case("SIZE") {
            match value.parse::<usize>() {
                Ok(size) if size > MAX_MESSAGE_BYTES => {
                    return "552 5.3.4 Message size exceeds fixed maximum message size".into();
                }
                Ok(_) => {}
                Err(_) => return "501 5.5.4 Bad SIZE parameter".into(),
            }
        }
    }
    s.from = Some(address);
    "250 2.1.0 Ok".into()
}

fn rcpt_to(s: &mut Session, args: &str) -> String {
    if s.from.is_none() {
        return "503 5.5.1 Error: need MAIL command".into();
    }
    let Some((address, _params)) = path_argument(args, "TO:").filter(|(a, _)| !a.is_empty()) else {
        return "501 5.5.4 Syntax: RCPT TO:<address>".into();
    };
    if s.to.len() >= MAX_RECIPIENTS {
        return "452 4.5.3 Error: too many recipients".into();
    }
    s.to.push(address);
    "250 2.1.5 Ok".into()
}

async fn data<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    s: &mut Session,
    state: &SharedState,
) -> std::io::Result<String> {
    let mut message = Vec::new();
    let mut too_big = false;
    loop {
        let line = match read_line(reader, MAX_DATA_LINE).await? {
            Line::Text(line) => line,
            Line::TooLong => {
                too_big = true;
                skip_line(reader).await?;
                continue;
            }
            Line::Eof => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed during DATA",
                ));
            }
        };
        if line == b"." {
            break;
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        if message.len() + unstuffed.len() + 2 > MAX_MESSAGE_BYTES {
            too_big = true;
        }
        if !too_big {
            message.extend_from_slice(unstuffed);
            message.extend_from_slice(b"\r\n");
        }
    }
    Ok(accept(s, state, message, too_big))
}

/// `BDAT <size> [LAST]`: reads exactly `size` octets; the message is complete on `LAST`.
async fn bdat<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    s: &mut Session,
    state: &SharedState,
    args: &str,
) -> std::io::Result<String> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let (size, last) = match words.as_slice() {
        [size] => (size.parse::<usize>().ok(), false),
        [size, last] if last.eq_ignore_ascii_case("LAST") => (size.parse::<usize>().ok(), true),
        _ => (None, false),
    };
    let Some(size) = size else {
        // Without a size the chunk cannot be told apart from the commands after it.
        return Ok("501 5.5.4 Syntax: BDAT size [LAST]".into());
    };
    // The chunk follows the command whatever the reply, so it is always read (or skipped).
    let fits = s.chunks.len() + size <= MAX_MESSAGE_BYTES;
    let mut chunk = Vec::new();
    let mut limited = (&mut *reader).take(size as u64);
    let read = if fits {
        tokio::io::copy(&mut limited, &mut chunk).await?
    } else {
        tokio::io::copy(&mut limited, &mut tokio::io::sink()).await?
    };
    if read < size as u64 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed during BDAT",
        ));
    }
    if s.from.is_none() {
        return Ok("503 5.5.1 Error: need MAIL command".into());
    }
    if s.to.is_empty() {
        return Ok("503 5.5.1 Error: need RCPT command".into());
    }
    if !fits {
        s.chunks_too_big = true;
    }
    if !s.chunks_too_big {
        s.chunks.extend_from_slice(&chunk);
    }
    if !last {
        return Ok(format!("250 2.0.0 {size} octets received"));
    }
    let message = std::mem::take(&mut s.chunks);
    let too_big = std::mem::take(&mut s.chunks_too_big);
    Ok(accept(s, state, message, too_big))
}

/// The end of a message: stores it (or refuses it) and ends the transaction.
fn accept(s: &mut Session, state: &SharedState, message: Vec<u8>, too_big: bool) -> String {
    let from = s.from.take().unwrap_or_default();
    let to = std::mem::take(&mut s.to);
    s.reset_transaction();
    if too_big {
        return "552 5.3.4 Message size exceeds fixed maximum message size".into();
    }
    if state.store.take_fault(FaultKind::Smtp451) {
        tracing::info!("fault smtp_451: message refused");
        return "451 4.3.0 Temporary failure".into();
    }
    let headers = parse_headers(&message);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mail = Mail {
        id: id.clone(),
        from,
        to,
        subject: header("Subject").map(|v| decode_encoded_words(&v)),
        message_id: header("Message-ID"),
        received_at: Utc::now(),
        raw: String::from_utf8_lossy(&message).into_owned(),
        helo: s.helo.clone(),
        auth_user: s.auth_user.clone(),
        raw_bytes: message,
    };
    tracing::info!(mail = %id, from = %mail.from, to = ?mail.to, subject = ?mail.subject, "mail accepted");
    state.mail.push(mail);
    format!("250 2.0.0 Ok: queued as {id}")
}

async fn auth<R, W>(
    reader: &mut R,
    writer: &mut W,
    s: &mut Session,
    args: &str,
) -> std::io::Result<String>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWriteExt + Unpin,
{
    if !s.esmtp {
        return Ok("503 5.5.1 Error: send EHLO first".into());
    }
    if s.auth_user.is_some() {
        return Ok("503 5.5.1 Error: already authenticated".into());
    }
    if s.from.is_some() {
        return Ok("503 5.5.1 Error: MAIL transaction in progress".into());
    }
    let mut parts = args.split_whitespace();
    let mechanism = parts.next().unwrap_or_default().to_ascii_uppercase();
    let initial = parts.next().map(str::to_owned);
    let b64 = base64::engine::general_purpose::STANDARD;
    let decode = |text: &str| -> Option<Vec<u8>> {
        if text == "=" {
            Some(Vec::new())
        } else {
            b64.decode(text.trim()).ok()
        }
    };
    // Reads one client response to a 334 challenge; None when cancelled or closed.
    async fn challenge<R: AsyncBufRead + Unpin, W: AsyncWriteExt + Unpin>(
        reader: &mut R,
        writer: &mut W,
        prompt: &str,
    ) -> std::io::Result<Option<String>> {
        reply(writer, &format!("334 {prompt}")).await?;
        Ok(match read_line(reader, MAX_COMMAND_LINE).await? {
            Line::Text(line) => {
                let line = String::from_utf8_lossy(&line).trim().to_owned();
                (line != "*").then_some(line)
            }
            Line::TooLong | Line::Eof => None,
        })
    }
    const CANCELLED: &str = "501 5.7.0 Authentication cancelled";
    const UNDECODABLE: &str = "501 5.5.2 Cannot decode response";
    let user = match mechanism.as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(initial) => initial,
                None => match challenge(reader, writer, "").await? {
                    Some(response) => response,
                    None => return Ok(CANCELLED.into()),
                },
            };
            let Some(decoded) = decode(&response) else {
                return Ok(UNDECODABLE.into());
            };
            let fields: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
            if fields.len() != 3 {
                return Ok("535 5.7.8 Authentication credentials invalid".into());
            }
            String::from_utf8_lossy(fields[1]).into_owned()
        }
        "LOGIN" => {
            let username = match initial {
                Some(initial) => initial,
                None => match challenge(reader, writer, "VXNlcm5hbWU6").await? {
                    Some(response) => response,
                    None => return Ok(CANCELLED.into()),
                },
            };
            let Some(username) = decode(&username) else {
                return Ok(UNDECODABLE.into());
            };
            let Some(password) = challenge(reader, writer, "UGFzc3dvcmQ6").await? else {
                return Ok(CANCELLED.into());
            };
            if decode(&password).is_none() {
                return Ok(UNDECODABLE.into());
            }
            String::from_utf8_lossy(&username).into_owned()
        }
        "" => return Ok("501 5.5.4 Syntax: AUTH mechanism".into()),
        _ => return Ok("504 5.5.4 Unrecognized authentication type".into()),
    };
    s.auth_user = Some(user);
    Ok("235 2.7.0 Authentication successful".into())
}

/// Unfolded header fields of a message, in order (name, value).
fn parse_headers(message: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(message);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.split("\r\n") {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    headers
}

/// Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`;
/// UTF-8, US-ASCII and ISO-8859-1); anything else is left as is.
pub fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_encoded = false;
    while let Some(pos) = rest.find("=?") {
        let (before, candidate) = rest.split_at(pos);
        match decode_word(candidate) {
            Some((decoded, used)) => {
                if !(after_encoded && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&decoded);
                rest = &candidate[used..];
                after_encoded = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                after_encoded = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes one encoded word at the start of `s`; returns the text and the bytes used.
fn decode_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let (charset, rest) = body.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let text = &rest[..end];
    if text.contains(char::is_whitespace) {
        return None;
    }
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let bytes = match encoding.to_ascii_uppercase().as_str() {
        "B" => base64::engine::general_purpose::STANDARD
            .decode(text)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
            .ok()?,
        "Q" => {
            let mut out = Vec::with_capacity(text.len());
            let raw = text.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                match raw[i] {
                    b'_' => out.push(b' '),
                    b'=' => {
                        let hex = std::str::from_utf8(raw.get(i + 1..i + 3)?).ok()?;
                        out.push(u8::from_str_radix(hex, 16).ok()?);
                        i += 2;
                    }
                    b => out.push(b),
                }
                i += 1;
            }
            out
        }
        _ => return None,
    };
    let charset = charset
        .split('*')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let decoded = match charset.as_str() {
        "utf-8" | "utf8" | "us-ascii" => String::from_utf8(bytes).ok()?,
        "iso-8859-1" | "latin1" => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => return None,
    };
    Some((decoded, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_decode() {
        assert_eq!(decode_encoded_words("Plain subject"), "Plain subject");
        assert_eq!(
            decode_encoded_words("=?utf-8?b?16nXnNeV150=?= =?UTF-8?Q?_caf=C3=A9?="),
            "שלום café"
        );
        assert_eq!(
            decode_encoded_words("Re: =?iso-8859-1?q?na=EFve?= x"),
            "Re: naïve x"
        );
        assert_eq!(decode_encoded_words("=?bogus"), "=?bogus");
    }

    #[test]
    fn headers_unfold() {
        let message = b"Subject: a\r\n  long one\r\nMessage-ID: <x@y>\r\n\r\nSubject: body\r\n";
        let headers = parse_headers(message);
        assert_eq!(
            headers,
            vec![
                ("Subject".to_owned(), "a long one".to_owned()),
                ("Message-ID".to_owned(), "<x@y>".to_owned()),
            ]
        );
    }

    #[test]
    fn path_arguments() {
        assert_eq!(
            path_argument("FROM:<a@b.c> SIZE=10 BODY=8BITMIME", "FROM:"),
            Some(("a@b.c".to_owned(), "SIZE=10 BODY=8BITMIME"))
        );
        assert_eq!(
            path_argument("to: <x@y>", "TO:"),
            Some(("x@y".to_owned(), ""))
        );
        assert_eq!(path_argument("FROM:<>", "FROM:"), Some((String::new(), "")));
        assert_eq!(
            path_argument("TO:<@relay:u@d>", "TO:"),
            Some(("u@d".to_owned(), ""))
        );
        assert_eq!(path_argument("FROM a@b", "FROM:"), None);
    }
}
