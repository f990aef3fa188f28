//! `hub bench capture` and `hub bench recall`.
//!
//! - `capture`: EPCIS documents from a directory through the real capture path (parse and
//!   validate with `adapters`, then the capture policy for an administrator (unregistered GLNs
//!   found, warned or refused as configured, warnings stored), the events stored by
//!   `registry::events::capture`, and the audit row, one transaction per document, as
//!   `POST /epcis/capture` does), on several threads.
//! - `recall`: the recall report for raw-material lots of a generated world (`hub gen
//!   supply-chain` with the same seed), each run several times; prints the median.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use registry::events::recall::{parse_sort, recall};
use registry::events::{CaptureMeta, nodes, prepare, profile};
use registry::identity::Actor;

use crate::cli::serve::{core, open_database};
use crate::config::Config;
use crate::ops::{self, Caller, Request};
use crate::synth::{self, world::Role};

pub(super) fn capture_bench(
    config: &Config,
    dir: PathBuf,
    threads: usize,
) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    let caller = Caller::new(Actor::cli_admin("bench"), Request::new(&core, "bench"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("jsonld" | "json" | "xml")
            )
        })
        .collect();
    files.sort();
    let queue = Mutex::new(files.into_iter());
    let totals = Mutex::new((0u64, 0u64, Duration::ZERO, Duration::ZERO));
    let started = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let Some(path) = queue.lock().map_err(|_| anyhow::anyhow!("lock"))?.next()
                        else {
                            return Ok(());
                        };
                        let bytes = std::fs::read(&path)?;
                        let parse_start = Instant::now();
                        let xml = path.extension().is_some_and(|e| e == "xml");
                        let doc = if xml {
                            adapters::epcis::xml::parse_xml(&bytes)
                        } else {
                            adapters::epcis::json::parse_json(&bytes)
                        }
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                        let parsed = parse_start.elapsed();
                        let meta = CaptureMeta {
                            created_by: None,
                            enterprise_id: None,
                            format: if xml { "xml" } else { "json" },
                        };
                        let started = Instant::now();
                        let events = prepare(doc.events, caller.now())?;
                        let job = ops::epcis::store(&core, &caller, &events, &meta)?.job;
                        let capturing = started.elapsed();
                        let mut t = totals.lock().map_err(|_| anyhow::anyhow!("lock"))?;
                        t.0 += u64::try_from(job.event_count).unwrap_or(0);
                        t.1 += u64::try_from(job.stored_count).unwrap_or(0);
                        t.2 += parsed;
                        t.3 += capturing;
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        }
        Ok(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    let (events, stored, parsing, capturing) =
        *totals.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    println!(
        "captured {events} events ({stored} stored) in {secs:.1} s on {} ({threads} threads): {:.0} events/s; parsing took {:.1} s of thread time",
        core.db.backend().as_str(),
        events as f64 / secs,
        parsing.as_secs_f64()
    );
    print_profile(parsing, capturing);
    Ok(ExitCode::SUCCESS)
}

/// Where the worker threads' time went (summed over threads).
fn print_profile(parsing: Duration, capturing: Duration) {
    let stages = profile::totals();
    let total = parsing + capturing;
    let pct = |d: Duration| 100.0 * d.as_secs_f64() / total.as_secs_f64().max(1e-9);
    println!(
        "thread time by stage (s, % of {:.1} s):",
        total.as_secs_f64()
    );
    println!(
        "  {:<34} {:>7.2} {:>5.1}%",
        "parse and validate (adapters)",
        parsing.as_secs_f64(),
        pct(parsing)
    );
    let mut listed = Duration::ZERO;
    for (name, d) in stages {
        listed += d;
        println!("  {name:<34} {:>7.2} {:>5.1}%", d.as_secs_f64(), pct(d));
    }
    let other = capturing.saturating_sub(listed);
    println!(
        "  {:<34} {:>7.2} {:>5.1}%",
        "other capture, audit row, commit",
        other.as_secs_f64(),
        pct(other)
    );
}

pub(super) fn recall_bench(
    config: &Config,
    seed: u64,
    lots: usize,
    runs: usize,
) -> anyhow::Result<ExitCode> {
    let db = open_database(config)?;
    let now = db.clock().now();
    let (world, _) = synth::world_for(seed);
    let mut conn = db.conn()?;
    let conn = &mut *conn;
    let mut raw: Vec<String> = Vec::new();
    for role in [Role::Farm, Role::Mine] {
        for e in world.with_role(role) {
            for p in &world.enterprises[e].products {
                let prefix = format!("https://id.gs1.org/01/{}/10/", p.gtin);
                raw.extend(nodes::starting_with(conn, &prefix, 50)?);
            }
        }
    }
    raw.sort();
    anyhow::ensure!(
        !raw.is_empty(),
        "no raw-material lots of seed {seed} in the database: run `hub gen supply-chain --seed {seed}` first"
    );
    let step = (raw.len() / lots.max(1)).max(1);
    let chosen: Vec<&String> = raw.iter().step_by(step).take(lots).collect();
    let sort = parse_sort("event_time")?;
    let mut times = Vec::new();
    for lot in &chosen {
        let mut shape = (0, 0, 0, 0);
        for _ in 0..runs {
            let t = Instant::now();
            let report = recall(conn, now, lot, &sort)?;
            let body = serde_json::to_vec(&report)?;
            times.push(t.elapsed());
            shape = (
                report.lots.len(),
                report.items.len(),
                report.sites.len(),
                body.len(),
            );
        }
        println!(
            "{lot}: {} lots, {} items, {} sites, {} bytes of JSON",
            shape.0, shape.1, shape.2, shape.3
        );
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "recall on {} over {} lots x {runs} runs: median {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms",
        db.backend().as_str(),
        chosen.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    Ok(ExitCode::SUCCESS)
}
