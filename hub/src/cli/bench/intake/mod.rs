//! `hub bench intake --adapter NAME --records N`: one regulator adapter's intake at size, on
//! the configured database. The parties its file speaks of are registered (`world`) with a
//! regulator system bound to the adapter's category; a file of N valid records is generated on
//! disk (`files`: drug codes commissioned and dispensed, a dairy farm's lots, infant-formula
//! batches, gas cylinders' lives, a mine's month of flows); then the timed part: the file
//! delivered through `ops::intake::deliver` as `hub import` does (read twice, streamed, one
//! transaction, events captured by 5,000). It reports records per second and the process's
//! peak resident memory (`VmHWM`), which stays bounded by the chunk, not the file.

mod files;
mod world;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::Datelike;
use registry::db::DbConn;
use registry::departments::Category;
use registry::filings::sites::SiteKind;
use registry::identity::{Actor, AuthMethod};
use registry::intake::rare_earth::{NewDesignation, designate};

use crate::cli::serve::core;
use crate::config::Config;
use crate::ops::intake::{File, Source, deliver};
use crate::ops::{Caller, Request};
use world::Party;

/// A line of `/proc/self/status` in megabytes (`VmHWM`, `VmRSS`); 0 where there is none.
fn memory_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub(super) fn intake_bench(
    config: &Config,
    adapter: &str,
    records: u64,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!((1..=100_000_000).contains(&records), "--records: 1 to 10^8");
    let adapter = adapters::regulators::find(adapter).ok_or_else(|| {
        anyhow::anyhow!("--adapter: one of agri, food, drugs, rare-earth, special-equipment")
    })?;
    let core = core(config)?;
    let now = core.now();
    let tag: u32 = rand::random_range(10_000..100_000);
    let (parties, system) = core.db.transaction(|conn| {
        let parties = setup(conn, now, tag, adapter.name)?;
        let system = world::system_user(conn, now, tag, adapter.category)?;
        Ok::<_, registry::RegistryError>((parties, system))
    })?;
    // The month before now, for the rare-earth report to be on time.
    let last_month = now.date().with_day(1).unwrap_or(now.date()) - chrono::Days::new(1);
    let period = last_month.format("%Y-%m").to_string();

    let dir = tempfile::tempdir()?;
    let path = dir.path().join(format!("{}.data", adapter.name));
    let generated = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let (main, others) = parties.split_first().context("no parties")?;
        files::write(
            adapter.name,
            &mut out,
            &files::Parties { main, others },
            records,
            &period,
        )?;
        out.flush()?;
    }
    let size = path.metadata()?.len();
    eprintln!(
        "generated {} records of {} ({:.1} MB) in {:.1} s; resident before delivery {:.0} MB",
        records,
        adapter.name,
        size as f64 / 1e6,
        generated.elapsed().as_secs_f64(),
        memory_mb("VmRSS:"),
    );

    let caller = Caller::new(
        Actor::for_user(&system, AuthMethod::Cli),
        Request::cli(&core),
    );
    let started = Instant::now();
    let delivered = deliver(
        &core,
        &caller,
        adapter,
        File {
            name: "bench",
            source: Source::Path(&path),
            skip_bad: false,
        },
    )
    .map_err(|e| match e {
        crate::ops::intake::IntakeFailure::Api(e) => anyhow::anyhow!("{}", e.message()),
        other => anyhow::anyhow!("{other:?}"),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let counts = delivered.delivery.counts;
    println!(
        "{} on {:?}: {} records delivered in {seconds:.1} s ({:.0} records/s), {} written, \
         {} alerts; peak resident memory {:.0} MB",
        adapter.name,
        core.db.backend(),
        counts.records,
        counts.records as f64 / seconds.max(1e-9),
        counts.written,
        counts.alerts,
        memory_mb("VmHWM:"),
    );
    Ok(ExitCode::SUCCESS)
}

/// Registers the parties of `adapter`'s file, the sender's subject first.
fn setup(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    tag: u32,
    adapter: &str,
) -> registry::Result<Vec<Party>> {
    use Category::{EdibleAgri, Food, RareEarth, SpecialEquipment};
    use SiteKind::{Factory, Farm, Warehouse};
    let mut party = |n, category, kind, products: &[&str]| {
        world::party(conn, now, (tag, n), "410102", category, kind, products)
    };
    Ok(match adapter {
        "drugs" => vec![party(0, Category::Drugs, Factory, &["基准胶囊"])?],
        "agri" => vec![
            party(0, EdibleAgri, Farm, &["生牛乳"])?,
            party(1, Food, Factory, &["婴幼儿配方乳粉"])?,
        ],
        "food" => vec![
            party(
                0,
                Food,
                Factory,
                &["婴幼儿配方乳粉（基粉）", "婴幼儿配方乳粉 800g 罐装"],
            )?,
            party(1, EdibleAgri, Farm, &["生牛乳"])?,
            party(2, Food, Warehouse, &[])?,
        ],
        "special-equipment" => vec![
            party(0, SpecialEquipment, Factory, &[])?,
            party(1, SpecialEquipment, Warehouse, &[])?,
            party(2, SpecialEquipment, Warehouse, &[])?,
        ],
        "rare-earth" => {
            let mine = party(0, RareEarth, Factory, &["离子型稀土精矿"])?;
            let smelter = party(1, RareEarth, Factory, &[])?;
            designate(
                conn,
                now,
                "bench",
                &NewDesignation {
                    enterprise_id: mine.id,
                    stages: vec!["mining".into()],
                },
            )?;
            vec![mine, smelter]
        }
        _ => Vec::new(),
    })
}
