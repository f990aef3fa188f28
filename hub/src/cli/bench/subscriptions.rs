//! `hub bench subscriptions`: the fan-out of EPCIS subscriptions. On the configured (fresh)
//! database, one administrator saves a query that matches everything and makes `--subscriptions`
//! stream subscriptions to a webhook receiver on loopback (in this process: it reads each
//! request and answers 200); then `--events` generated ObjectEvents are captured, 1,000 per
//! document, with the hub's worker running. Prints the capture time and the time from the end
//! of the capture to the last delivery received, with the documents, events and bytes the
//! receiver took. Every event should arrive once per subscription: the bench fails otherwise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use registry::events::subscriptions::{DELIVER_JOB, RUN_JOB, STREAM_JOB};
use registry::events::{CaptureMeta, prepare};
use registry::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use serde_json::json;

use crate::app::AppState;
use crate::cli::serve::open_database;
use crate::config::Config;
use crate::ops::epcis_subscriptions::{Subscribe, subscribe};
use crate::ops::{self, Caller, Request};

const PER_DOCUMENT: usize = 1000;

/// What the receiver took.
#[derive(Default)]
struct Taken {
    documents: AtomicU64,
    events: AtomicU64,
    bytes: AtomicU64,
}

/// A webhook receiver on loopback: counts documents, events (`"type":"ObjectEvent"`
/// occurrences) and bytes.
fn receiver(taken: Arc<Taken>) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let taken = Arc::clone(&taken);
            std::thread::spawn(move || {
                let _ = take(stream, &taken);
            });
        }
    });
    Ok(url)
}

fn take(stream: TcpStream, taken: &Taken) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let marker = b"\"type\":\"ObjectEvent\"";
        let events = body.windows(marker.len()).filter(|w| w == marker).count();
        taken.documents.fetch_add(1, Ordering::Relaxed);
        taken.events.fetch_add(events as u64, Ordering::Relaxed);
        taken.bytes.fetch_add(length as u64, Ordering::Relaxed);
        out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")?;
    }
}

/// Document `n` of generated ObjectEvents (each with its own EPC).
fn document(n: usize, events: usize) -> Vec<u8> {
    let list: Vec<_> = (0..events)
        .map(|i| {
            let serial = n * PER_DOCUMENT + i;
            json!({"type": "ObjectEvent", "action": "OBSERVE",
                   "eventTime": format!("2026-06-01T{:02}:{:02}:{:02}Z", (serial / 3600) % 24, (serial / 60) % 60, serial % 60),
                   "eventTimeZoneOffset": "+08:00",
                   "epcList": [format!("https://id.gs1.org/01/06901234000016/21/S{serial}")],
                   "bizStep": "shipping", "disposition": "in_transit",
                   "readPoint": {"id": "https://id.gs1.org/414/6901234000016"}})
        })
        .collect();
    json!({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-06-01T00:00:00Z",
           "epcisBody": {"eventList": list}})
    .to_string()
    .into_bytes()
}

pub(super) fn subscriptions_bench(
    config: &Config,
    subscriptions: usize,
    events: usize,
) -> anyhow::Result<ExitCode> {
    let mut config = config.clone();
    config.epcis.webhook_plain_http = true;
    config.jobs.worker = true;
    config.jobs.poll_interval_ms = 20;
    let state = AppState::new(
        open_database(&config)?,
        config.clone(),
        &config.secret_key()?,
    );
    let owner = state.db.transaction(|conn| {
        create_user(
            conn,
            state.now(),
            &NewUser {
                username: format!("bench-subscriber-{}", std::process::id()),
                display_name: "bench".into(),
                email: None,
                password: None,
                role: Role::Admin,
                department_id: None,
                enterprise_id: None,
                locale: None,
                category: None,
            },
        )
    })?;
    let caller = Caller::new(
        Actor::for_user(&owner, AuthMethod::Cli),
        Request::new(&state, "bench"),
    );
    ops::epcis_queries::save(&state, &caller, "everything", "{}")?;
    let taken = Arc::new(Taken::default());
    let dest = receiver(Arc::clone(&taken))?;
    for _ in 0..subscriptions {
        let input = Subscribe {
            dest: dest.clone(),
            signature_token: Some("bench-signature-token".into()),
            report_if_empty: false,
            stream: true,
            schedule: None,
            initial_record_time: None,
        };
        subscribe(&state, &caller, "everything", &input)?;
    }
    let background = crate::jobs::Background::start(&state);
    let documents = events.div_ceil(PER_DOCUMENT);
    let started = Instant::now();
    for n in 0..documents {
        let count = PER_DOCUMENT.min(events - n * PER_DOCUMENT);
        let doc = adapters::epcis::json::parse_json(&document(n, count))
            .map_err(|e| anyhow::anyhow!("generated document {n}: {e}"))?;
        let meta = CaptureMeta {
            created_by: Some(owner.id),
            enterprise_id: None,
            format: "json",
        };
        let prepared = prepare(doc.events, caller.now())?;
        ops::epcis::store(&state, &caller, &prepared, &meta)?;
    }
    let captured = started.elapsed();
    let expected = (events * subscriptions) as u64;
    let kinds = [STREAM_JOB, RUN_JOB, DELIVER_JOB];
    let mut idle_since: Option<Instant> = None;
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let pending = registry::outbox::pending(&mut *state.db.conn()?, &kinds)?;
        if pending == 0 && taken.events.load(Ordering::Relaxed) >= expected {
            break;
        }
        if pending == 0 && registry::outbox::dead(&mut *state.db.conn()?, &kinds)? > 0 {
            anyhow::bail!("deliveries failed for good; see the outbox");
        }
        // Nothing left to do for a while, and not everything arrived: stop and say so below.
        let idle = *idle_since.get_or_insert_with(Instant::now);
        if pending > 0 {
            idle_since = None;
        } else if idle.elapsed() > Duration::from_secs(5) {
            break;
        }
    }
    let fanned = started.elapsed() - captured;
    background.stop();
    let received = taken.events.load(Ordering::Relaxed);
    println!(
        "subscription fan-out on {}: {events} events captured in {:.1} s ({:.0} events/s); {subscriptions} subscriptions: the last delivery {:.1} s after the capture; the receiver took {} documents, {received} events ({:.0} events/s delivered), {:.1} MB",
        state.db.backend().as_str(),
        captured.as_secs_f64(),
        events as f64 / captured.as_secs_f64(),
        fanned.as_secs_f64(),
        taken.documents.load(Ordering::Relaxed),
        received as f64 / (captured + fanned).as_secs_f64(),
        taken.bytes.load(Ordering::Relaxed) as f64 / 1e6,
    );
    if received != expected {
        anyhow::bail!("expected {expected} events delivered, the receiver took {received}");
    }
    Ok(ExitCode::SUCCESS)
}
