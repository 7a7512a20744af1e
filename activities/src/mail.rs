//! The mail port and its SMTP adapter (lettre; STARTTLS, implicit TLS or, for a local sink,
//! plaintext, chosen by the URL).

use crate::error::ProviderError;
use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

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

/// Something that delivers email.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands the message to the mail server; returns once it accepted it.
    async fn send(&self, email: &InviteEmail) -> Result<(), ProviderError>;
}

/// An SMTP relay.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    /// A mailer for `url`: `smtps://user:pass@host:465` (implicit TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtp://host:2525` (plaintext, for
    /// a local sink only).
    pub fn from_url(url: &str, timeout: Duration) -> Result<Self, ProviderError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ProviderError::protocol(PROVIDER, format!("bad SMTP_URL: {e}")))?
            .timeout(Some(timeout))
            .build();
        Ok(Self { transport })
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
    async fn send(&self, email: &InviteEmail) -> Result<(), ProviderError> {
        let message = build_message(email)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(err) => {
                // 5xx replies will not change on a retry; 4xx replies, timeouts and connection
                // failures may.
                let retryable = !err.is_permanent();
                Err(ProviderError {
                    provider: PROVIDER,
                    message: err.to_string(),
                    status: err.status().map(|c| {
                        u16::from(c.severity as u8) * 100
                            + u16::from(c.category as u8) * 10
                            + u16::from(c.detail as u8)
                    }),
                    retryable,
                    retry_after: None,
                })
            }
        }
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
