//! A small, real SMTP server on loopback for tests: it greets, answers EHLO, MAIL FROM, RCPT TO,
//! DATA and QUIT over TCP as RFC 5321 says, and records each message accepted. It can refuse
//! recipients with a chosen reply (4xx or 5xx), and be stopped and started again on the same
//! port (a mail server down for a while).

#![allow(
    clippy::unwrap_used,
    reason = "test support: a broken test server fails the test"
)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::loopback::Loopback;

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message as sent after DATA (dot-stuffing undone).
    pub data: String,
}

impl Received {
    /// The message parsed as MIME (headers decoded).
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .unwrap()
    }

    /// The decoded subject.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// A header's raw value, trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_owned())
    }
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    /// The reply to RCPT TO; none: accept.
    refusal: Mutex<Option<String>>,
    connections: Mutex<u32>,
}

/// A running (or stopped) test SMTP server.
pub struct SmtpServer {
    shared: Arc<Shared>,
    server: Loopback,
}

impl SmtpServer {
    /// A hub configuration change that mails through this server (plain SMTP on loopback)
    /// and polls the outbox every 50 ms.
    pub fn hub_mails_here(&self) -> impl FnOnce(&mut hub::config::Config) + use<> {
        let port = self.port();
        move |c: &mut hub::config::Config| {
            c.mail.enabled = true;
            c.mail.host = "127.0.0.1".into();
            c.mail.port = port;
            c.mail.tls = hub::config::MailTls::None;
            c.mail.from = "tracehub <noreply@hub.example.cn>".into();
            c.mail.timeout_secs = 5;
            c.jobs.poll_interval_ms = 50;
        }
    }

    /// Starts on a free loopback port.
    pub fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let state = Arc::clone(&shared);
        let server = Loopback::start(Arc::new(move |stream| {
            *state.connections.lock().unwrap() += 1;
            let _ = converse(stream, &state);
        }));
        Self { shared, server }
    }

    /// The port it listens on (the same across stop and start).
    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// Stops listening: connections are refused until [`SmtpServer::resume`].
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Listens again on the same port.
    pub fn resume(&mut self) {
        self.server.resume();
    }

    /// Answers RCPT TO with `reply` (e.g. `550 5.1.1 no such user`); `None` accepts again.
    pub fn refuse_recipients(&self, reply: Option<&str>) {
        *self.shared.refusal.lock().unwrap() = reply.map(str::to_owned);
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.messages.lock().unwrap().clone()
    }

    /// How many connections it has taken.
    pub fn connections(&self) -> u32 {
        *self.shared.connections.lock().unwrap()
    }
}

/// One SMTP session.
fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut reply = |text: &str| out.write_all(text.as_bytes());
    reply("220 localhost tracehub-test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => reply("250-localhost\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")?,
            "HELO" => reply("250 localhost\r\n")?,
            "MAIL" => {
                from = address(&command);
                to.clear();
                reply("250 2.1.0 OK\r\n")?;
            }
            "RCPT" => match shared.refusal.lock().unwrap().clone() {
                Some(refusal) => reply(&format!("{refusal}\r\n"))?,
                None => {
                    to.push(address(&command));
                    reply("250 2.1.5 OK\r\n")?;
                }
            },
            "DATA" if to.is_empty() => reply("554 5.5.1 no valid recipients\r\n")?,
            "DATA" => {
                reply("354 end data with <CR><LF>.<CR><LF>\r\n")?;
                let data = read_data(&mut lines)?;
                shared.messages.lock().unwrap().push(Received {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                reply("250 2.0.0 queued\r\n")?;
            }
            "RSET" => {
                to.clear();
                reply("250 2.0.0 OK\r\n")?;
            }
            "NOOP" => reply("250 2.0.0 OK\r\n")?,
            "QUIT" => {
                reply("221 2.0.0 bye\r\n")?;
                return Ok(());
            }
            _ => reply("502 5.5.2 command not implemented\r\n")?,
        }
    }
}

/// The address between angle brackets of `MAIL FROM:<a>` or `RCPT TO:<a>`.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(addr, _)| addr.to_owned())
        .unwrap_or_default()
}

/// The message after DATA, up to the line with a single dot.
fn read_data(lines: &mut BufReader<TcpStream>) -> std::io::Result<String> {
    let mut data = String::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(data);
        }
        if line == ".\r\n" || line == ".\n" {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
