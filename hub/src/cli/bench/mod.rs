//! `hub bench ...`: the benchmarks behind BENCHMARKS.md, rerunnable by anyone (build with
//! `--release`). `search`: enterprise search and bulk import; `capture` and `recall`: EPCIS;
//! `resolver-data`: stamps for the resolver benchmark; `subscriptions`: the fan-out of EPCIS
//! subscriptions to a webhook; `recall-case`: opening a recall case to the last notice
//! delivered; `ledger`: the evidence ledger's appends and proofs; `spotcheck`: a spot-check
//! draw over a large pool; `credit`: credit tiers computed for a large registry.

mod events;
mod intake;
mod ledger;
mod recall;
mod resolver;
mod search;
mod spotcheck;
mod stamps;
mod subscriptions;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Config;

/// `hub bench ...`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import generated enterprises into a fresh database, then time representative searches.
    Search {
        /// How many enterprises to generate and import.
        #[arg(long, default_value_t = 100_000)]
        enterprises: u64,
        /// A PostgreSQL server URL on which a benchmark database is created and dropped
        /// (e.g. postgres://postgres@127.0.0.1:5432/postgres); default: SQLite in a temporary
        /// directory.
        #[arg(long)]
        postgres: Option<String>,
        /// Timed runs of each search.
        #[arg(long, default_value_t = 21)]
        rounds: usize,
        /// Seed of the generated data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write generated enterprises as an import file.
    Generate {
        /// How many.
        #[arg(long, default_value_t = 1000)]
        enterprises: u64,
        /// `cn` or `vn`.
        #[arg(long, default_value = "cn")]
        country: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the CSV.
        file: PathBuf,
    },

    /// Capture throughput: every document in a directory, parsed, validated and stored.
    Capture {
        /// Directory of EPCIS documents (`.jsonld`/`.json` or `.xml`), e.g. from
        /// `hub gen supply-chain --no-store --out DIR`.
        #[arg(long)]
        dir: PathBuf,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Issue one order of stamps on the configured database (with its own officer,
    /// enterprise and product), then draw the PDF sheet of its first `--pdf` stamps.
    Stamps {
        #[arg(long, default_value_t = 1_000_000)]
        count: i64,
        /// `qr` or `anti_counterfeit`.
        #[arg(long, default_value = "anti_counterfeit")]
        kind: String,
        /// Stamps to draw on the timed PDF sheet (0: none).
        #[arg(long, default_value_t = 10_000)]
        pdf: u64,
    },
    /// Recall latency for raw-material lots of the generated world with `seed`.
    Recall {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many lots.
        #[arg(long, default_value_t = 20)]
        lots: usize,
        /// Runs per lot.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Time from opening a recall case to the last notice enqueued and written to the inboxes,
    /// for a lot received by `--parties` registered enterprises (on the configured database).
    RecallCase {
        #[arg(long, default_value_t = 1000)]
        parties: usize,
    },
    /// Data for the resolver benchmark (`bench/resolver.sh`): activated stamps of one product
    /// in the configured (fresh) database, their paths written to a file.
    ResolverData {
        /// How many stamps.
        #[arg(long, default_value_t = 100_000)]
        stamps: usize,
        /// Over how many lots.
        #[arg(long, default_value_t = 10)]
        lots: usize,
        /// Where to write the paths (one per line).
        #[arg(long)]
        out: PathBuf,
    },
    /// EPCIS subscription fan-out on the configured (fresh) database: stream subscriptions to
    /// a webhook receiver in this process, then a capture of generated events.
    Subscriptions {
        /// How many subscriptions.
        #[arg(long, default_value_t = 100)]
        subscriptions: usize,
        /// How many events to capture (1,000 per document).
        #[arg(long, default_value_t = 100_000)]
        events: usize,
    },
    /// A spot-check plan locked over generated enterprises and inspectors in a scratch
    /// database: the lock (draw and writes) timed, then the published draw read and recomputed.
    Spotcheck {
        #[arg(long, default_value_t = 100_000)]
        enterprises: u64,
        #[arg(long, default_value_t = 2_000)]
        inspectors: u64,
        /// A PostgreSQL server URL on which a benchmark database is created and dropped;
        /// default: SQLite in a temporary directory.
        #[arg(long)]
        postgres: Option<String>,
        /// Timed reads and recomputations.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// A regulator adapter's intake at size on the configured database: a generated file of
    /// valid records delivered as `hub import` does.
    Intake {
        /// agri, food, drugs, rare-earth or special-equipment.
        #[arg(long, default_value = "drugs")]
        adapter: String,
        /// Records in the file (besides a drugs file's product record).
        #[arg(long, default_value_t = 1_000_000)]
        records: u64,
    },
    /// Credit tiers computed from the data for generated enterprises in a scratch database.
    Credit {
        #[arg(long, default_value_t = 100_000)]
        enterprises: u64,
        /// A PostgreSQL server URL on which a benchmark database is created and dropped;
        /// default: SQLite in a temporary directory.
        #[arg(long)]
        postgres: Option<String>,
        /// Timed recomputations.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// The evidence ledger in a scratch database: append rate, then inclusion and consistency
    /// proofs (time and size) at that size.
    Ledger {
        /// Leaves in all.
        #[arg(long, default_value_t = 1_000_000)]
        leaves: u64,
        /// Of which appended one transaction each first (a document upload's cost).
        #[arg(long, default_value_t = 2000)]
        single: u64,
        /// Leaves per transaction for the rest.
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
        /// Proofs of each kind timed.
        #[arg(long, default_value_t = 1000)]
        proofs: usize,
        /// A PostgreSQL server URL on which a benchmark database is created and dropped;
        /// default: SQLite in a temporary directory.
        #[arg(long)]
        postgres: Option<String>,
    },
}

/// Runs `hub bench`.
pub(super) fn bench(config: &Config, command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Search {
            enterprises,
            postgres,
            rounds,
            seed,
        } => search::search_bench(enterprises, postgres.as_deref(), rounds.max(1), seed),
        BenchCommand::Generate {
            enterprises,
            country,
            seed,
            file,
        } => search::generate(enterprises, &country, seed, &file),
        BenchCommand::Capture { dir, threads } => events::capture_bench(config, dir, threads),
        BenchCommand::Stamps { count, kind, pdf } => {
            stamps::stamps_bench(config, count, &kind, pdf)
        }
        BenchCommand::Recall { seed, lots, runs } => events::recall_bench(config, seed, lots, runs),
        BenchCommand::RecallCase { parties } => recall::recall_case_bench(config, parties),
        BenchCommand::ResolverData { stamps, lots, out } => {
            resolver::resolver_data(config, stamps, lots, &out)
        }
        BenchCommand::Subscriptions {
            subscriptions: n,
            events,
        } => subscriptions::subscriptions_bench(config, n, events),
        BenchCommand::Spotcheck {
            enterprises,
            inspectors,
            postgres,
            rounds,
        } => {
            spotcheck::spotcheck_bench(enterprises, inspectors, postgres.as_deref(), rounds.max(1))
        }
        BenchCommand::Intake { adapter, records } => {
            intake::intake_bench(config, &adapter, records)
        }
        BenchCommand::Credit {
            enterprises,
            postgres,
            rounds,
        } => spotcheck::credit_bench(enterprises, postgres.as_deref(), rounds.max(1)),
        BenchCommand::Ledger {
            leaves,
            single,
            batch,
            proofs,
            postgres,
        } => ledger::ledger_bench(
            postgres.as_deref(),
            ledger::LedgerBench {
                leaves,
                single,
                batch,
                proofs,
            },
        ),
    }
}
