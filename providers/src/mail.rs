//! The mail port and its SMTP adapter (lettre; STARTTLS, implicit TLS or, for a local sink,
//! plaintext, chosen by the URL).

use crate::error::ProviderError;
use async_trait::async_trait;
use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use std::fmt;
use std::time::Duration;
use tokio::time::timeout;

const PROVIDER: &str = "smtp";

/// An invitation email: text, HTML and the iCalendar invite, inline and attached.
#[derive(Debug, Clone, PartialEq)]
pub struct InviteEmail {
    /// `Message-ID` (without angle brackets), stable per meeting, change and method.
    pub message_id: String,
    /// Sender name.
    pub from_name: String,
    /// Sender address (the organizer).
    pub from_email: String,
    /// Recipient name.
    pub to_name: String,
    /// Recipient address.
    pub to_email: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// The iCalendar document.
    pub ics: String,
    /// MIME type of `ics` with its iTIP method (`Invite::content_type`).
    pub calendar_type: String,
}

/// How sure the sender is that the mail server has the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server accepted it (a 250 reply to the end of the message).
    Accepted,
    /// The end of the message went out after the commit point, but no reply came back (the
    /// connection broke or timed out). The server has it unless the connection broke before the
    /// last bytes left this machine; sending again could deliver it twice, so it is not sent again.
    Unconfirmed(String),
}

/// The sender's record of a message, kept by the caller, written at the commit point: the last
/// moment at which the mail server can still discard the message. Whatever finds the record later
/// must not send the message again.
#[async_trait]
pub trait SendRecord: Send + Sync {
    /// Writes the record. An error aborts the send before the server can accept the message.
    async fn commit(&self) -> Result<(), ProviderError>;
    /// The server refused the message after the commit: the record is taken back, so a retry
    /// sends it.
    async fn refused(&self) -> Result<(), ProviderError>;
}

/// Something that delivers email.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands the message to the mail server, writing `record` at the commit point; returns once
    /// the server accepted the message (or once it cannot tell, see [`Delivery::Unconfirmed`]).
    async fn send(
        &self,
        email: &InviteEmail,
        record: &dyn SendRecord,
    ) -> Result<Delivery, ProviderError>;
}

/// How the connection to the relay is secured.
#[derive(Clone)]
enum Security {
    /// Plaintext (a local sink only).
    None,
    /// STARTTLS, required or only when offered.
    StartTls {
        params: TlsParameters,
        required: bool,
    },
    /// Implicit TLS from the first byte (`smtps`).
    Implicit(TlsParameters),
}

/// An SMTP relay, one connection per message.
///
/// Where the server offers CHUNKING (RFC 3030: Gmail, Microsoft 365, Postfix, Exchange) the
/// message goes out as `BDAT <size>` followed by `BDAT 0 LAST`, and the send record is
/// committed between the two: before it the server discards the message if this process dies,
/// after it a retry never sends again. So a crash at any point neither loses an invite nor sends
/// it twice; the only gap left is a crash in the microseconds between the record's commit and
/// the write of `BDAT 0 LAST`, which loses that invite and leaves its record unconfirmed. Without
/// CHUNKING it sends with `DATA` and commits the record after the server accepted the message:
/// a crash between the two sends it again (with the same Message-ID, so mail and calendar
/// clients show one invitation).
pub struct SmtpMailer {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
}

impl SmtpMailer {
    /// A mailer for `url`: `smtps://user:pass@host:465` (implicit TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS; `tls=opportunistic` when offered) or
    /// `smtp://host:2525` (plaintext, for a local sink only). A path names the client in `EHLO`.
    /// `timeout` bounds each step of the conversation.
    pub fn from_url(url: &str, timeout: Duration) -> Result<Self, ProviderError> {
        let bad = |why: String| ProviderError::protocol(PROVIDER, format!("bad SMTP_URL: {why}"));
        let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| bad("no host".into()))?
            .to_owned();
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || TlsParameters::new(host.clone()).map_err(|e| bad(e.to_string()));
        let (security, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some(mode @ ("required" | "opportunistic"))) => (
                Security::StartTls {
                    params: params()?,
                    required: mode == "required",
                },
                587,
            ),
            ("smtps", _) => (Security::Implicit(params()?), 465),
            (scheme, tls) => {
                return Err(bad(format!(
                    "unknown scheme {scheme:?} or tls parameter {tls:?} (smtp, smtps; tls=required|opportunistic)"
                )));
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|e| bad(e.to_string()))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        let name = parsed.path().trim_matches('/');
        let hello = if name.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(name.to_owned())
        };
        Ok(Self {
            port: parsed.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello,
            timeout,
        })
    }

    /// Connects, secures and authenticates; returns the connection and whether the server
    /// offers CHUNKING.
    async fn connect(&self) -> Result<(AsyncSmtpConnection, bool), lettre::transport::smtp::Error> {
        let implicit = match &self.security {
            Security::Implicit(params) => Some(params.clone()),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            implicit,
            None,
        )
        .await?;
        if let Security::StartTls { params, required } = &self.security
            && (*required || conn.can_starttls())
        {
            conn.starttls(params.clone(), &self.hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        // lettre keeps only the extensions it knows; ask again to see CHUNKING.
        let ehlo = conn.command(Ehlo::new(self.hello.clone())).await?;
        let chunking = ehlo
            .message()
            .any(|line| line.trim().eq_ignore_ascii_case("CHUNKING"));
        Ok((conn, chunking))
    }

    /// One transaction on a fresh connection.
    async fn transact(
        &self,
        email: &InviteEmail,
        record: &dyn SendRecord,
    ) -> Result<Delivery, ProviderError> {
        let message = build_message(email)?;
        let envelope = message.envelope().clone();
        let body = message.formatted();
        let (mut conn, chunking) = timeout(self.timeout, self.connect())
            .await
            .map_err(|_| timed_out("connecting"))?
            .map_err(smtp_error)?;
        // Without CHUNKING: DATA, then the record (a crash between the two resends).
        let text = match std::str::from_utf8(&body) {
            Ok(text) if chunking => text,
            _ => return self.send_with_data(conn, &envelope, &body, record).await,
        };
        let before_commit = async {
            conn.command(Mail::new(
                envelope.from().cloned(),
                mail_parameters(&envelope, text),
            ))
            .await?;
            for to in envelope.to() {
                conn.command(Rcpt::new(to.clone(), vec![])).await?;
            }
            conn.command(Bdat::Chunk(text)).await
        };
        match timeout(self.timeout, before_commit).await {
            Ok(Ok(_)) => {}
            // Dropping the connection (no QUIT, which could wait on a stalled server) ends the
            // transaction without a message.
            Ok(Err(e)) => return Err(smtp_error(e)),
            Err(_) => return Err(timed_out("sending the message")),
        }
        // Closing the connection on an error here makes the server discard the message.
        record.commit().await?;
        let delivery = match timeout(self.timeout, conn.command(Bdat::Last)).await {
            Ok(Ok(_)) => Delivery::Accepted,
            Ok(Err(e)) if e.is_transient() || e.is_permanent() => {
                record.refused().await?;
                return Err(smtp_error(e));
            }
            Ok(Err(e)) => Delivery::Unconfirmed(e.to_string()),
            Err(_) => Delivery::Unconfirmed("no reply to BDAT LAST within the timeout".into()),
        };
        if delivery == Delivery::Accepted {
            let _ = timeout(self.timeout, conn.quit()).await;
        }
        Ok(delivery)
    }

    async fn send_with_data(
        &self,
        mut conn: AsyncSmtpConnection,
        envelope: &Envelope,
        body: &[u8],
        record: &dyn SendRecord,
    ) -> Result<Delivery, ProviderError> {
        match timeout(self.timeout, conn.send(envelope, body)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(smtp_error(e)),
            Err(_) => return Err(timed_out("sending the message")),
        }
        record.commit().await?;
        let _ = timeout(self.timeout, conn.quit()).await;
        Ok(Delivery::Accepted)
    }
}

/// A step that got no reply in time; worth a retry (nothing was committed).
fn timed_out(what: &str) -> ProviderError {
    ProviderError::failed(
        PROVIDER,
        format!("{what}: no reply within the timeout"),
        true,
    )
}

/// `MAIL FROM` parameters: SMTPUTF8 for non-ASCII addresses, 8BITMIME for a non-ASCII body.
fn mail_parameters(envelope: &Envelope, body: &str) -> Vec<MailParameter> {
    let mut parameters = Vec::new();
    let non_ascii = |a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii();
    if envelope.from().is_some_and(non_ascii) || envelope.to().iter().any(non_ascii) {
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if !body.is_ascii() {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    parameters
}

/// The RFC 3030 `BDAT` command: the whole message as one chunk, then the empty last chunk.
enum Bdat<'a> {
    Chunk(&'a str),
    Last,
}

impl fmt::Display for Bdat<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bdat::Chunk(data) => write!(f, "BDAT {}\r\n{data}", data.len()),
            Bdat::Last => f.write_str("BDAT 0 LAST\r\n"),
        }
    }
}

/// An SMTP error as a provider error: 5xx replies will not change on a retry; 4xx replies,
/// timeouts and connection failures may.
fn smtp_error(err: lettre::transport::smtp::Error) -> ProviderError {
    ProviderError {
        provider: PROVIDER,
        message: err.to_string(),
        status: err.status().map(|c| {
            u16::from(c.severity as u8) * 100
                + u16::from(c.category as u8) * 10
                + u16::from(c.detail as u8)
        }),
        retryable: !err.is_permanent(),
        retry_after: None,
        code: None,
    }
}

/// Builds the MIME message: `multipart/mixed` of a `multipart/alternative` (text, HTML,
/// `text/calendar; method=...`) and the `invite.ics` attachment, which is what Gmail, Outlook
/// and Apple Mail show as an invitation with Accept/Decline.
pub fn build_message(email: &InviteEmail) -> Result<Message, ProviderError> {
    let mailbox = |name: &str, addr: &str| -> Result<Mailbox, ProviderError> {
        let address = addr.parse().map_err(|e| {
            ProviderError::protocol(PROVIDER, format!("invalid email address {addr:?}: {e}"))
        })?;
        Ok(Mailbox::new(Some(name.to_owned()), address))
    };
    let calendar_type = ContentType::parse(&email.calendar_type)
        .map_err(|e| ProviderError::protocol(PROVIDER, format!("content type: {e}")))?;
    let attachment_type = ContentType::parse("application/ics; name=\"invite.ics\"")
        .map_err(|e| ProviderError::protocol(PROVIDER, format!("content type: {e}")))?;
    let body = MultiPart::mixed()
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(email.text.clone()))
                .singlepart(SinglePart::html(email.html.clone()))
                .singlepart(
                    SinglePart::builder()
                        .header(calendar_type)
                        .body(email.ics.clone()),
                ),
        )
        .singlepart(
            Attachment::new("invite.ics".to_owned()).body(email.ics.clone(), attachment_type),
        );
    Message::builder()
        .message_id(Some(format!("<{}>", email.message_id)))
        .from(mailbox(&email.from_name, &email.from_email)?)
        .to(mailbox(&email.to_name, &email.to_email)?)
        .subject(email.subject.clone())
        .multipart(body)
        .map_err(|e| ProviderError::protocol(PROVIDER, format!("cannot build the email: {e}")))
}

#[async_trait]
impl Mailer for SmtpMailer {
    #[tracing::instrument(skip_all, fields(message_id = %email.message_id), err)]
    async fn send(
        &self,
        email: &InviteEmail,
        record: &dyn SendRecord,
    ) -> Result<Delivery, ProviderError> {
        self.transact(email, record).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_email_has_the_parts_calendars_look_for() {
        let email = InviteEmail {
            message_id: "m-1.0.request@callwright.example".into(),
            from_name: "Acme".into(),
            from_email: "meetings@acme.example".into(),
            to_name: "דנה".into(),
            to_email: "dana@example.com".into(),
            subject: "Invitation".into(),
            text: "See you".into(),
            html: "<p>See you</p>".into(),
            ics: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
            calendar_type: "text/calendar; charset=UTF-8; method=REQUEST".into(),
        };
        let raw = String::from_utf8(build_message(&email).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <m-1.0.request@callwright.example>"),
            "{raw}"
        );
        assert!(raw.contains("multipart/mixed"));
        assert!(raw.contains("multipart/alternative"));
        // Parameter values are case-insensitive; lettre writes `utf-8`.
        assert!(
            raw.to_ascii_lowercase()
                .contains("text/calendar; charset=utf-8; method=request"),
            "{raw}"
        );
        assert!(raw.contains("invite.ics"));
    }
}
