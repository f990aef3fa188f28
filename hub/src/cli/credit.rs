//! `hub credit ...`: credit tiers at the command line.

use std::process::ExitCode;

use clap::Subcommand;

use super::serve::core;
use crate::config::Config;
use crate::ops::{self, Origin};

/// `hub credit ...`.
#[derive(Debug, Subcommand)]
pub enum CreditCommand {
    /// Compute every enterprise's credit tier from the data now (the schedule
    /// `jobs.credit_tiers` does the same), and print how many changed.
    Recompute,
}

pub(super) fn credit_command(config: &Config, command: CreditCommand) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    match command {
        CreditCommand::Recompute => {
            let done = ops::credit::recompute(&core, &Origin::operator(&core))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let [a, b, c, d] = done.tiers;
            println!(
                "assessed {} enterprises, {} changed tier; now A {a}, B {b}, C {c}, D {d}",
                done.assessed, done.changed
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
