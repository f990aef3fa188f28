//! `hub import enterprises FILE.csv`: a department's bulk import, with a progress bar and a
//! line-by-line error report (CSV on standard output: line, column, error, message); `hub
//! import <adapter> ...`: deliveries through a regulator adapter ([`super::intake`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use registry::enterprises::ImportReport;

use super::intake::DeliveryArgs;
use super::serve::{caller, core};
use crate::config::Config;
use crate::ops::import::{ImportFailure, import_enterprises};

/// `hub import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import enterprises from a CSV file (columns: see README, "Bulk import"). By default
    /// nothing is written when any line is bad.
    Enterprises {
        /// The CSV file (UTF-8, header row).
        file: PathBuf,
        /// The officer (or administrator) the import is done as: their department's
        /// jurisdiction bounds it, and the history names them.
        #[arg(long)]
        username: String,
        /// Write the good lines and report the bad ones.
        #[arg(long)]
        skip_bad: bool,
    },
    /// Farm and ranch records (adapter `agri`): planting and raising logs, inputs used,
    /// harvest and slaughter, residue tests, shipments. CSV; see
    /// adapters/src/regulators/agri/README.md.
    Agri(#[command(flatten)] DeliveryArgs),
    /// Food producers' records (adapter `food`): production batches with raw-material lots and
    /// process parameters, packaging, certificates of analysis, shipments. CSV; see
    /// adapters/src/regulators/food/README.md.
    Food(#[command(flatten)] DeliveryArgs),
    /// Drug traceability records (adapter `drugs`): products, codes commissioned (20-digit
    /// and GS1 DataMatrix), packing, shipping, receiving, sale, dispensing. CSV; see
    /// adapters/src/regulators/drugs/README.md.
    Drugs(#[command(flatten)] DeliveryArgs),
    /// Rare-earth monthly product-flow reports (adapter `rare-earth`) of designated
    /// enterprises: opening stock, inputs, outputs, shipments and exports. XML; see
    /// adapters/src/regulators/rare_earth/README.md.
    RareEarth(#[command(flatten)] DeliveryArgs),
    /// Special-equipment lifecycle records (adapter `special-equipment`) by 18-digit code:
    /// manufacture, installation, maintenance, inspection, gas-cylinder filling, scrapping.
    /// JSON Lines; see adapters/src/regulators/special_equipment/README.md.
    SpecialEquipment(#[command(flatten)] DeliveryArgs),
}

pub(super) fn import(config: &Config, command: ImportCommand) -> anyhow::Result<ExitCode> {
    let (file, username, skip_bad) = match command {
        ImportCommand::Enterprises {
            file,
            username,
            skip_bad,
        } => (file, username, skip_bad),
        ImportCommand::Agri(args) => {
            return super::intake::run(config, &adapters::regulators::agri::ADAPTER, args);
        }
        ImportCommand::Food(args) => {
            return super::intake::run(config, &adapters::regulators::food::ADAPTER, args);
        }
        ImportCommand::Drugs(args) => {
            return super::intake::run(config, &adapters::regulators::drugs::ADAPTER, args);
        }
        ImportCommand::RareEarth(args) => {
            return super::intake::run(config, &adapters::regulators::rare_earth::ADAPTER, args);
        }
        ImportCommand::SpecialEquipment(args) => {
            let adapter = &adapters::regulators::special_equipment::ADAPTER;
            return super::intake::run(config, adapter, args);
        }
    };
    let core = core(config)?;
    let caller = caller(&core, &username)?;
    let input =
        std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = input.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template(
            "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )?
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let outcome = import_enterprises(
        &core,
        &caller,
        bar.wrap_read(std::io::BufReader::new(input)),
        skip_bad,
    );
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok(report) => {
            print_errors(&report)?;
            eprintln!(
                "imported {} of {} enterprises in {seconds:.1} s ({:.0}/s); {} lines skipped",
                report.imported,
                report.lines,
                report.imported as f64 / seconds.max(1e-9),
                report.errors.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportFailure::Rejected(report)) => {
            print_errors(&report)?;
            eprintln!(
                "{} of {} lines are bad: nothing was written (fix them, or use --skip-bad)",
                report.errors.len(),
                report.lines
            );
            Ok(ExitCode::FAILURE)
        }
        Err(ImportFailure::Header(e)) => {
            eprintln!("the header row is unusable: {e}");
            Ok(ExitCode::FAILURE)
        }
        Err(ImportFailure::Registry(e)) => Err(e.into()),
    }
}

/// The error report as CSV on standard output.
fn print_errors(report: &ImportReport) -> anyhow::Result<()> {
    if report.errors.is_empty() {
        return Ok(());
    }
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(["line", "column", "error", "message"])?;
    for e in &report.errors {
        out.write_record([&e.line.to_string(), &e.column, &e.error, &e.message])?;
    }
    out.flush()?;
    Ok(())
}
