//! A small, real HTTP/1.1 webhook receiver on loopback for tests: it reads each request (line,
//! headers, a `Content-Length` body), records it and answers `200 OK`. It can be stopped and
//! started again on the same port (a receiver down for a while).

#![allow(
    clippy::unwrap_used,
    reason = "test support: a broken test server fails the test"
)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::loopback::Loopback;

/// A request the receiver took.
#[derive(Debug, Clone)]
pub struct Received {
    /// `POST /hook`.
    pub line: String,
    /// Headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

/// A running (or stopped) webhook receiver.
pub struct WebhookReceiver {
    received: Arc<Mutex<Vec<Received>>>,
    server: Loopback,
}

impl WebhookReceiver {
    /// Starts on a free loopback port.
    pub fn start() -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let taken = Arc::clone(&received);
        let server = Loopback::start(Arc::new(move |stream| {
            let _ = answer(stream, &taken);
        }));
        Self { received, server }
    }

    /// Its URL for `path` (`/hook`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr())
    }

    /// Stops listening: connections are refused until [`WebhookReceiver::resume`].
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Listens again on the same port.
    pub fn resume(&mut self) {
        self.server.resume();
    }

    /// The requests taken so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn answer(stream: TcpStream, received: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    received.lock().unwrap().push(Received {
        line: line.trim_end().to_owned(),
        headers,
        body,
    });
    out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
}
