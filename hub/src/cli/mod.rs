//! The command line: `hub serve`, `hub migrate`, `hub config check`, users, tokens, audit,
//! the evidence ledger, backup, `hub mail test`, bulk import, stamps, recall cases, credit
//! tiers, spot-check draws, benchmarks.
//! Every command that changes state records itself in the audit log as `cli:<user>`.

mod admin;
mod bench;
mod credit;
mod generate;
pub mod import;
pub mod intake;
mod ledger;
mod mail;
pub mod recalls;
mod serve;
pub mod spotcheck;
pub(crate) mod stamps;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

/// tracehub: the provincial traceability data-exchange hub.
#[derive(Debug, Parser)]
#[command(name = "hub", version, about)]
pub struct Cli {
    /// Configuration file (TOML); default `./hub.toml` when present.
    #[arg(long, global = true, env = "HUB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory (SQLite database, generated secret key); default `./data`.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: admin::UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: admin::TokenCommand,
    },
    /// Client certificates of machine accounts (mutual TLS).
    Certificate {
        #[command(subcommand)]
        command: admin::CertificateCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: admin::AuditCommand,
    },
    /// The evidence ledger: sign a head now, check the whole log.
    Ledger {
        #[command(subcommand)]
        command: ledger::LedgerCommand,
    },
    /// Outgoing mail.
    Mail {
        #[command(subcommand)]
        command: mail::MailCommand,
    },
    /// Bulk imports.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// Benchmarks (build with --release).
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
    /// Copy the SQLite database consistently while the hub runs.
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
    },
    /// Traceability stamps: issue, print, activate, revoke, keygen.
    Stamps {
        #[command(subcommand)]
        command: stamps::StampsCommand,
    },
    /// Recall cases: list, show, open, close.
    Recalls {
        #[command(subcommand)]
        command: recalls::RecallsCommand,
    },
    /// Credit tiers: compute them from the data now.
    Credit {
        #[command(subcommand)]
        command: credit::CreditCommand,
    },
    /// Spot checks: recompute a plan's draw.
    Spotcheck {
        #[command(subcommand)]
        command: spotcheck::SpotcheckCommand,
    },
    /// Generate synthetic data.
    Gen {
        #[command(subcommand)]
        command: generate::GenCommand,
    },
}

/// `hub config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked); fail naming the key if invalid.
    Check,
}

/// Parses the arguments and runs the command; the exit code says how it went.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    run(cli)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let bind = match &cli.command {
        Command::Serve { bind } => bind.clone(),
        _ => None,
    };
    let overrides = Overrides {
        data_dir: cli.data_dir.clone(),
        bind,
        database_url: None,
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&config.log);
    let outcome = match cli.command {
        Command::Serve { .. } => serve::serve(config),
        Command::Migrate => admin::migrate(&config),
        Command::Config {
            command: ConfigCommand::Check,
        } => admin::config_check(&config),
        Command::User { command } => admin::user(&config, command),
        Command::Token { command } => admin::token(&config, command),
        Command::Certificate { command } => admin::certificate(&config, command),
        Command::Audit { command } => admin::audit(&config, command),
        Command::Backup { file } => admin::backup(&config, &file),
        Command::Ledger { command } => ledger::ledger_command(&config, command),
        Command::Mail { command } => mail::mail(&config, command),
        Command::Import { command } => import::import(&config, command),
        Command::Bench { command } => bench::bench(&config, command),
        Command::Stamps { command } => stamps::stamps_command(&config, command),
        Command::Recalls { command } => recalls::recalls_command(&config, command),
        Command::Credit { command } => credit::credit_command(&config, command),
        Command::Spotcheck { command } => spotcheck::spotcheck_command(&config, command),
        Command::Gen { command } => generate::gen_command(&config, command),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
