//! `hub recalls list|show|open|close`: recall cases at the command line, acting as a named user
//! (its role and scope apply as in the API: only an officer of the competent department opens
//! and closes) through the operations the API and the portal call (`ops::recalls`), audited as
//! `cli:<user>`. A refused change exits non-zero with the registry's message.
//!
//! The command runs in its own process: a server's resolver picks up the `recalled` verdict of
//! a case opened or closed here when its story cache expires (10 s).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use registry::recalls::{CaseFilter, Closure, HazardClass, NewCase, Progress, RecallCase};

use crate::app::Core;
use crate::cli::serve::{caller, core};
use crate::config::Config;
use crate::ops;

/// `hub recalls ...`.
#[derive(Debug, Subcommand)]
pub enum RecallsCommand {
    /// List the cases the user may read, newest first.
    List {
        #[arg(long)]
        username: String,
        /// `requested`, `open` or `closed`.
        #[arg(long)]
        status: Option<String>,
    },
    /// Show a case: its lots, parties and progress.
    Show {
        id: i64,
        #[arg(long)]
        username: String,
    },
    /// Open a case (as an officer of the competent department): every party is told at once.
    Open {
        #[arg(long)]
        username: String,
        /// A lot or item (GS1 Digital Link or EPC URN); repeat for several.
        #[arg(long = "lot", required = true)]
        lots: Vec<String>,
        /// `I` (24 hours), `II` (48 hours) or `III` (72 hours).
        #[arg(long)]
        class: String,
        #[arg(long)]
        reason: String,
        /// What a consumer holding the product should do.
        #[arg(long)]
        tip: String,
        /// Where to return it.
        #[arg(long)]
        return_to: String,
    },
    /// Close a case (as an officer of its department) on the effectiveness check.
    Close {
        id: i64,
        #[arg(long)]
        username: String,
        /// What was verified and how.
        #[arg(long)]
        effectiveness: String,
        /// The department accepts the effectiveness check (required to close).
        #[arg(long)]
        accept: bool,
    },
}

/// Runs `hub recalls` on `config`.
pub(super) fn recalls_command(
    config: &Config,
    command: RecallsCommand,
) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    run_on(&core, command, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

fn when(at: Option<chrono::NaiveDateTime>) -> String {
    at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "-".into())
}

fn case_line(c: &RecallCase) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        c.id,
        c.status,
        c.hazard_class,
        when(c.deadline_at),
        c.title
    )
}

fn show(out: &mut impl Write, p: &Progress) -> std::io::Result<()> {
    let c = &p.case;
    writeln!(out, "case {}: {}", c.id, c.title)?;
    writeln!(out, "status: {}", c.status)?;
    writeln!(out, "class: {}", c.hazard_class)?;
    writeln!(out, "reason: {}", c.reason)?;
    writeln!(out, "consumer tip: {}", c.consumer_tip)?;
    writeln!(out, "return to: {}", c.return_to)?;
    writeln!(
        out,
        "opened: {} by {}",
        when(c.opened_at),
        c.opened_by.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "deadline: {}", when(c.deadline_at))?;
    writeln!(
        out,
        "scope version: {} ({})",
        c.scope_version,
        when(c.scoped_at)
    )?;
    if let Some(effectiveness) = &c.effectiveness {
        writeln!(out, "closed: {} ({effectiveness})", when(c.closed_at))?;
    }
    writeln!(out, "lots:")?;
    for l in &p.lots {
        writeln!(out, "  {}\t{}\tv{}", l.lot_id, l.product, l.added_version)?;
    }
    writeln!(
        out,
        "parties: {} ({} acknowledged, {} reported)",
        p.parties.len(),
        p.acknowledged,
        p.reported
    )?;
    for party in &p.parties {
        let t = &party.tally;
        writeln!(
            out,
            "  {}\t{}\t{}/{}\tacknowledged {}\treported lots {}\theld {} returned {} destroyed {} sold {} unaccounted {}",
            party.party.enterprise_id,
            party.enterprise_name,
            party.party.country,
            party.party.region_code,
            when(party.party.acknowledged_at),
            party.reported_lots,
            t.held,
            t.returned,
            t.destroyed,
            t.sold,
            t.unaccounted
        )?;
    }
    Ok(())
}

/// Runs `command` on `core`, writing what it shows to `out` (what it did goes to stderr).
pub fn run_on(core: &Core, command: RecallsCommand, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        RecallsCommand::List { username, status } => {
            let actor = caller(core, &username)?.actor;
            let filter = CaseFilter {
                status,
                page: None,
                per_page: Some(500),
            };
            for case in ops::recalls::list(core, &actor, &filter)? {
                writeln!(out, "{}", case_line(&case))?;
            }
        }
        RecallsCommand::Show { id, username } => {
            let actor = caller(core, &username)?.actor;
            show(out, &ops::recalls::progress(core, &actor, id)?)?;
        }
        RecallsCommand::Open {
            username,
            lots,
            class,
            reason,
            tip,
            return_to,
        } => {
            let caller = caller(core, &username)?;
            let hazard_class = HazardClass::parse(&class)
                .with_context(|| format!("--class {class:?}: I, II or III"))?;
            let new = NewCase {
                lots,
                hazard_class,
                reason,
                consumer_tip: tip,
                return_to,
            };
            let (case, scope) = ops::recalls::open(core, &caller, &new)?;
            eprintln!(
                "opened case {}: {} lots, {} places, {} parties told ({} notices); departments of {} told",
                case.id,
                scope.new_lots,
                scope.new_places,
                scope.new_parties,
                scope.notices,
                if scope.regions_told.is_empty() {
                    "no other region".to_owned()
                } else {
                    scope.regions_told.join(", ")
                }
            );
            writeln!(out, "{}", case.id)?;
        }
        RecallsCommand::Close {
            id,
            username,
            effectiveness,
            accept,
        } => {
            let caller = caller(core, &username)?;
            let closure = Closure {
                effectiveness_accepted: accept,
                effectiveness,
            };
            let case = ops::recalls::close(core, &caller, id, &closure)?;
            eprintln!("closed case {} at {}", case.id, when(case.closed_at));
        }
    }
    Ok(())
}
