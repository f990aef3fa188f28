//! `hub gen supply-chain`: synthetic supply chains into the database (through the registry's
//! capture path, in large transactions) and/or into EPCIS documents on disk.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use registry::db::Db;
use registry::epcis::{DocumentHeader, Event};
use registry::events::{CaptureMeta, capture, prepare};

use super::serve::core;
use crate::config::Config;
use crate::ops::{self, Origin};
use crate::synth::{self, Chains, file_lots};

/// `hub gen ...`.
#[derive(Debug, Subcommand)]
pub enum GenCommand {
    /// Realistic chains: farms and mines, processors, distributors, cross-border legs, retailers.
    SupplyChain(SupplyChainArgs),
}

/// Document format for `--out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    Json,
    Xml,
}

/// Arguments of `hub gen supply-chain`.
#[derive(Debug, Args)]
pub struct SupplyChainArgs {
    /// How many events.
    #[arg(long)]
    pub events: u64,
    /// The seed: the same seed gives the same world and events.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write EPCIS documents into this directory (for `hub bench capture`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Format of the documents.
    #[arg(long, value_enum, default_value_t = DocFormat::Json)]
    pub format: DocFormat,
    /// Events per document.
    #[arg(long, default_value_t = 1000)]
    pub per_file: usize,
    /// Do not write to the database (documents only).
    #[arg(long)]
    pub no_store: bool,
}

/// Events per capture transaction.
const STORE_CHUNK: usize = 20_000;

/// Runs `hub gen`.
pub(super) fn gen_command(config: &Config, command: GenCommand) -> anyhow::Result<ExitCode> {
    let GenCommand::SupplyChain(args) = command;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let core = if args.no_store {
        None
    } else {
        Some(core(config)?)
    };
    let started = Instant::now();
    let (world, rng) = synth::world_for(args.seed);
    let mut registered = match &core {
        Some(core) => Some(ops::world::register(
            core,
            &Origin::operator(core),
            &world,
            args.seed,
            args.events,
        )?),
        None => None,
    };
    let db = core.map(|core| core.db);
    let (tx, rx) = sync_channel::<Vec<Event>>(4);
    let limit = args.events;
    let producer = std::thread::spawn(
        move || -> anyhow::Result<(String, String, Vec<synth::LotFiling>)> {
            let mut chains = Chains::new(&world, rng, limit);
            let mut hash = synth::EventsHash::default();
            let mut shape = synth::Shape::default();
            let mut batch = Vec::with_capacity(STORE_CHUNK);
            chains.run(&mut |e| {
                hash.add(&e);
                shape.add(&e);
                batch.push(e);
                if batch.len() == STORE_CHUNK {
                    tx.send(std::mem::take(&mut batch))?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                tx.send(batch)?;
            }
            let filings = std::mem::take(&mut chains.filings);
            Ok((hash.hex(), shape.summary(&filings), filings))
        },
    );
    let mut written = 0u64;
    let mut files = 0usize;
    let mut pending: Vec<Event> = Vec::new();
    for chunk in rx {
        if let Some(dir) = &args.out {
            pending.extend(chunk.iter().cloned());
            while pending.len() >= args.per_file {
                let rest = pending.split_off(args.per_file);
                write_doc(dir, files, args.format, &pending)?;
                files += 1;
                pending = rest;
            }
        }
        if let Some(db) = &db {
            store(db, chunk.clone())?;
        }
        written += chunk.len() as u64;
        if written % 1_000_000 < STORE_CHUNK as u64 {
            let secs = started.elapsed().as_secs_f64();
            eprintln!("{written} events, {:.0} events/s", written as f64 / secs);
        }
    }
    if let Some(dir) = &args.out {
        if !pending.is_empty() {
            write_doc(dir, files, args.format, &pending)?;
            files += 1;
        }
    }
    let stored_in = started.elapsed().as_secs_f64();
    let (hash, shape, filings) = producer
        .join()
        .map_err(|_| anyhow::anyhow!("the generator thread panicked"))??;
    let mut filed = 0;
    if let (Some(db), Some(r)) = (&db, registered.as_mut()) {
        filed = db.transaction(|conn| file_lots(conn, db.clock().now(), r, &filings))?;
    }
    println!(
        "{written} events (seed {}, events hash {hash}) in {stored_in:.1} s ({:.0} events/s), lots filed in {:.1} s; {} lots, {filed} filed as batches; {files} documents\n{shape}",
        args.seed,
        written as f64 / stored_in,
        started.elapsed().as_secs_f64() - stored_in,
        filings.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn store(db: &Db, events: Vec<Event>) -> anyhow::Result<()> {
    let meta = CaptureMeta {
        created_by: None,
        enterprise_id: None,
        format: "json",
    };
    let events = prepare(events, db.clock().now())?;
    db.transaction(|conn| capture(conn, &events, &meta))?;
    Ok(())
}

/// Writes one document of `events`, created at its latest event (so that a seed always writes
/// the same files).
fn write_doc(dir: &Path, n: usize, format: DocFormat, events: &[Event]) -> anyhow::Result<()> {
    let created = events.iter().map(|e| e.event_time).max();
    let ext = match format {
        DocFormat::Json => "jsonld",
        DocFormat::Xml => "xml",
    };
    let path = dir.join(format!("epcis-{n:06}.{ext}"));
    let out = BufWriter::new(
        File::create(&path).with_context(|| format!("creating {}", path.display()))?,
    );
    let header = DocumentHeader {
        creation_date: created,
        ..DocumentHeader::default()
    };
    let mut out = match format {
        DocFormat::Json => reports::epcis::json::write_json(out, &header, events)?,
        DocFormat::Xml => reports::epcis::xml::write_xml(out, &header, events)?,
    };
    out.flush()?;
    Ok(())
}
