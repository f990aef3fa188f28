//! Outgoing mail over SMTP (lettre): STARTTLS or TLS through the system's OpenSSL, or plain to a
//! server on loopback. One connection per message; the outbox does the retrying.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

pub use crate::config::{MailConfig, MailTls};

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Worth trying again later: the server is unreachable, timed out, or answered 4xx.
    Transient(String),
    /// No retry can help: the server refused with 5xx, or the message cannot be built.
    Permanent(String),
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    /// Plain text.
    pub body: &'a str,
    /// The same as HTML, sent beside the text (`multipart/alternative`) when given.
    pub html: Option<&'a str>,
    /// BCP 47 tag of the text (`Content-Language`).
    pub language: &'a str,
    /// A stable `Message-ID` (without angle brackets), so that a message sent again after a
    /// crash can be recognised as the same one.
    pub message_id: String,
}

/// The configured SMTP server and sender.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `config` (already validated).
    pub fn new(config: &MailConfig) -> anyhow::Result<Self> {
        let host = config.host.trim();
        let tls = match config.tls {
            MailTls::Starttls => Tls::Required(TlsParameters::new(host.into())?),
            MailTls::Tls => Tls::Wrapper(TlsParameters::new(host.into())?),
            MailTls::None => Tls::None,
        };
        let mut builder = SmtpTransport::builder_dangerous(host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_secs)));
        if !config.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.clone(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from: config.from.parse()?,
        })
    }

    /// The domain of the sender's address (for Message-IDs).
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// Sends one message, saying whether a failure is worth retrying.
    pub fn send(&self, mail: &Mail<'_>) -> Result<(), SendFailure> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| SendFailure::Permanent(format!("recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .message_id(Some(format!("<{}>", mail.message_id)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Content-Language"),
                mail.language.to_owned(),
            ));
        let message = match mail.html {
            Some(html) => message.multipart(MultiPart::alternative_plain_html(
                mail.body.to_owned(),
                html.to_owned(),
            )),
            None => message
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.to_owned()),
        }
        .map_err(|e| SendFailure::Permanent(format!("message: {e}")))?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            if e.is_permanent() {
                SendFailure::Permanent(format!("refused by the mail server: {e}"))
            } else {
                SendFailure::Transient(format!("mail server: {e}"))
            }
        })
    }
}
