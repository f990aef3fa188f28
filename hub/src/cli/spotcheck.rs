//! `hub spotcheck ...`: spot checks at the command line: recompute a locked plan's draw from
//! the database, or from the draw a hub published (`GET /api/v1/public/spot-checks/plans/{id}/draw`),
//! so that anyone can check that nobody was picked by hand.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use registry::spotchecks::{self, DrawRecord, Recomputed};

use super::serve::core;
use crate::app::Core;
use crate::config::Config;

/// `hub spotcheck ...`.
#[derive(Debug, Subcommand)]
pub enum SpotcheckCommand {
    /// Compute a locked plan's draw again from its seed and frozen inputs and compare it with
    /// the published digests and tasks. Exit 1 when anything differs.
    VerifyDraw {
        /// The plan's id, read from the configured database.
        plan: Option<i64>,
        /// A published draw (the JSON of `GET /api/v1/public/spot-checks/plans/{id}/draw`)
        /// instead of the database: no hub needed.
        #[arg(long, conflicts_with = "plan")]
        file: Option<PathBuf>,
    },
}

pub(super) fn spotcheck_command(
    config: &Config,
    command: SpotcheckCommand,
) -> anyhow::Result<ExitCode> {
    let found = match command {
        SpotcheckCommand::VerifyDraw {
            plan: None,
            file: Some(file),
        } => verify_file(&file)?,
        command => run_on(&core(config)?, command)?,
    };
    print!("{}", report(&found));
    Ok(if found.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Recomputes a published draw read from `file`.
pub fn verify_file(file: &Path) -> anyhow::Result<Recomputed> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let record: DrawRecord = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a published draw", file.display()))?;
    Ok(spotchecks::recompute(&record))
}

/// Runs `command` on `core`'s database (or on the file it names).
pub fn run_on(core: &Core, command: SpotcheckCommand) -> anyhow::Result<Recomputed> {
    match command {
        SpotcheckCommand::VerifyDraw {
            plan: Some(id),
            file: None,
        } => crate::ops::spotchecks::verify_draw(core, id)
            .map_err(|e| anyhow::anyhow!("plan {id}: {e}")),
        SpotcheckCommand::VerifyDraw {
            plan: None,
            file: Some(file),
        } => verify_file(&file),
        SpotcheckCommand::VerifyDraw { .. } => {
            anyhow::bail!("name a plan, or a published draw with --file")
        }
    }
}

/// What a recomputation found, as printed.
pub fn report(found: &Recomputed) -> String {
    let yes_no = |ok: bool| if ok { "match" } else { "DIFFER" };
    format!(
        "plan {}: seed {}\ninputs: {} (published digest {})\ndraw: {} ({} tasks, published digest {})\n{}\n",
        found.plan_id,
        found.seed,
        yes_no(found.inputs_match),
        found.pool_digest,
        yes_no(found.draw_matches),
        found.tasks,
        found.draw_digest,
        if found.verified {
            "verified: the draw follows from the published seed and inputs"
        } else {
            "NOT verified"
        }
    )
}
