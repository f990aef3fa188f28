//! `hub import <adapter> FILE|DIR...`: deliveries from a regulator system's export, as one of
//! its `system` users (or an administrator), with a progress bar; per file, the receipt's
//! outcome and the bad records (CSV on standard output: file, line, column, error, message).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use adapters::regulators::Adapter;
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use registry::enterprises::LineError;

use super::serve::{caller, core};
use crate::app::Core;
use crate::config::Config;
use crate::ops::Caller;
use crate::ops::intake::{Delivered, File, IntakeFailure, Source, deliver};

/// What a delivery from the command line takes.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// Files, or folders whose files are delivered in name order.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The regulator system (a `system` user bound to the adapter's category) or administrator
    /// the delivery is made as.
    #[arg(long)]
    pub username: String,
    /// Write the good records and report the bad ones.
    #[arg(long)]
    pub skip_bad: bool,
}

/// Delivers every file of `args` through `adapter`; fails when any file was refused.
pub(super) fn run(
    config: &Config,
    adapter: &'static Adapter,
    args: DeliveryArgs,
) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    let refused = run_on(&core, adapter, args, &mut std::io::stdout().lock())?;
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Delivers every file of `args` through `adapter` on `core`, the bad records as CSV on `out`;
/// returns how many files were refused.
pub fn run_on(
    core: &Core,
    adapter: &'static Adapter,
    args: DeliveryArgs,
    out: &mut dyn Write,
) -> anyhow::Result<usize> {
    let caller = caller(core, &args.username)?;
    let files = files(&args.paths)?;
    let total = files
        .iter()
        .map(|f| f.metadata().map(|m| m.len()).unwrap_or(0))
        .sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} delivering [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )?
        .progress_chars("=> "),
    );
    let mut report = csv::Writer::from_writer(out);
    report.write_record(["file", "line", "column", "error", "message"])?;
    let mut refused = 0;
    for path in &files {
        let outcome = one(core, &caller, adapter, path, args.skip_bad);
        bar.inc(path.metadata().map(|m| m.len()).unwrap_or(0));
        let shown = path.display();
        match outcome {
            Ok(d) => {
                write_errors(&mut report, path, &d.errors)?;
                bar.println(summary(&shown.to_string(), &d));
            }
            Err(IntakeFailure::Rejected(d)) => {
                refused += 1;
                write_errors(&mut report, path, &d.errors)?;
                bar.println(format!(
                    "{shown}: rejected, nothing written: {} of {} records are bad \
                     (fix them, or use --skip-bad); delivery {}",
                    d.delivery.counts.refused, d.delivery.counts.records, d.delivery.id
                ));
            }
            Err(IntakeFailure::Header(e)) => {
                refused += 1;
                bar.println(format!("{shown}: the file's header is unusable: {e}"));
            }
            Err(IntakeFailure::Api(e)) => {
                refused += 1;
                let field = e.field().map(|f| format!(" ({f})")).unwrap_or_default();
                bar.println(format!("{shown}: refused: {}{field}", e.message()));
            }
        }
    }
    bar.finish_and_clear();
    report.flush()?;
    Ok(refused)
}

fn one(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    path: &Path,
    skip_bad: bool,
) -> Result<Delivered, IntakeFailure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = File {
        name: &name,
        source: Source::Path(path),
        skip_bad,
    };
    deliver(core, caller, adapter, file)
}

/// The files named, folders expanded (their files in name order, not recursively).
fn files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            inside.sort();
            out.extend(inside);
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            anyhow::bail!("{} is neither a file nor a folder", path.display());
        }
    }
    Ok(out)
}

fn summary(shown: &str, d: &Delivered) -> String {
    let c = &d.delivery.counts;
    let again = if d.replayed {
        " (delivered before: nothing changed)"
    } else {
        ""
    };
    format!(
        "{shown}: {:?}{again}; {} records, {} written, {} refused, {} alerts; delivery {}, sha256 {}",
        d.delivery.outcome,
        c.records,
        c.written,
        c.refused,
        c.alerts,
        d.delivery.id,
        d.delivery.sha256
    )
}

fn write_errors(
    report: &mut csv::Writer<&mut dyn Write>,
    path: &Path,
    errors: &[LineError],
) -> anyhow::Result<()> {
    let file = path.display().to_string();
    for e in errors {
        report.write_record([&file, &e.line.to_string(), &e.column, &e.error, &e.message])?;
    }
    Ok(())
}
