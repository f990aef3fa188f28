//! `hub ledger ...`: the evidence ledger at the command line: sign a head now, and check the
//! whole log against its heads.

use std::process::ExitCode;

use clap::Subcommand;
use registry::ledger::{self, SignedHead};

use super::serve::core;
use crate::config::Config;
use crate::ops::{self, Origin};
use crate::signing::LedgerKey;

/// `hub ledger ...`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Sign a tree head of the log as it is now, if it grew since the last one (the schedule
    /// `jobs.ledger_publish` does the same).
    Publish,
    /// Check the whole log: every leaf hash recomputed from its row, every stored node and every
    /// head's root recomputed from the leaves, each head's signature with the configured key,
    /// and each head consistent with the one before. Exit 1 naming every mismatch.
    Verify,
}

/// Whether `head` carries a good signature by `key`.
pub fn check_signature(key: &LedgerKey, head: &SignedHead) -> Result<(), String> {
    if head.key_id != key.key_id() {
        return Err(format!(
            "signed by key {}, not the configured key {}",
            head.key_id,
            key.key_id()
        ));
    }
    let bytes = head.signed_bytes().map_err(|e| e.to_string())?;
    if key.verify(&bytes, &head.signature_bytes()) {
        Ok(())
    } else {
        Err("the signature does not verify: the head was changed or not signed by this key".into())
    }
}

pub(super) fn ledger_command(config: &Config, command: LedgerCommand) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    match command {
        LedgerCommand::Publish => {
            match ops::ledger::publish(&core, &Origin::operator(&core))? {
                Some(head) => println!(
                    "signed tree head: {} leaves, root {}, at {}",
                    head.tree_size,
                    head.root_hash,
                    registry::time::rfc3339(head.timestamp)
                ),
                None => {
                    let latest = ledger::latest_head(&mut *core.db.conn()?)?;
                    match latest {
                        Some(head) => println!(
                            "nothing to sign: the log has not grown since the head of {} leaves",
                            head.tree_size
                        ),
                        None => println!("nothing to sign: the log is empty"),
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Verify => {
            let key = core.ledger_signer()?;
            let report = ledger::check_log(&mut *core.db.conn()?, &mut |head| {
                check_signature(&key, head)
            })?;
            if report.intact() {
                println!(
                    "ledger intact: {} leaves, {} nodes, {} signed heads (key {})",
                    report.leaves,
                    report.nodes,
                    report.heads,
                    key.key_id()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for problem in &report.problems {
                eprintln!("ledger: {problem}");
            }
            let more = report.problem_count - report.problems.len() as u64;
            if more > 0 {
                eprintln!("ledger: ... and {more} more");
            }
            eprintln!(
                "ledger broken: {} problems in {} leaves and {} signed heads",
                report.problem_count, report.leaves, report.heads
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
