//! "Double random, one public" spot checks: enterprises and inspectors both drawn at random, the
//! results published.
//!
//! A department keeps its **check items** per category and its **inspector pool**
//! ([`pool`]: users of the inspector role, each with a region, and the conflicts of interest
//! they declared or an officer recorded). An officer drafts a **plan** ([`create_plan`]): scope
//! (categories, regions under the department's), items, a sampling ratio per credit tier, the
//! inspectors per task (at least 2), the window and the publication deadline in working days
//! after it. **Locking** ([`lock_plan`]) fixes a random seed, freezes what the draw is computed
//! from (the eligible enterprises with their tiers, the eligible inspectors, the exclusions:
//! declared conflicts, recorded relations, and the enterprises each inspector checked in the
//! department's previous plan) and writes the **draw** ([`draw`], a pure function anyone can
//! rerun: [`recompute`]) as tasks. The inspectors and the enterprises are told.
//!
//! An assigned inspector records the **result** per item ([`record_result`]); an officer of
//! the department **publishes** it ([`publish_result`]), which puts it on the public list for
//! five years ([`public_results`]) and its digest in the evidence ledger. The schedule
//! ([`remind_overdue`]) reminds the inspectors of tasks without a result once the window has
//! closed, and the department of results not published by the deadline, once a day.

mod draw;
mod evidence;
mod lock;
mod plans;
mod pool;
mod published;
mod reminders;
mod results;
mod tasks;

use chrono::{Datelike, NaiveDate, Weekday};

pub use draw::{
    DrawInputs, DrawnTask, Ratios, Seed, Unstaffed, draw, draw_digest, inputs_digest, parse_seed,
};
pub use evidence::{attach_evidence, evidence_content};
pub use lock::lock_plan;
pub use plans::{NewPlan, Plan, PlanFilter, PlanStatus, create_plan, find_plan, list_plans};
pub use pool::{
    CheckItem, Conflict, ConflictKind, Inspector, NewCheckItem, NewConflict, NewInspector,
    add_item, enrol_inspector, list_inspectors, list_items, record_conflict,
};
pub use published::{DrawRecord, Recomputed, draw_record, recompute};
pub use reminders::{Reminded, remind_overdue};
pub use results::{PublicEvidence, PublicResult, public_results, publish_result, record_result};
pub use tasks::{
    Evidence, ItemOutcome, ItemResult, NewResult, Outcome, Task, TaskFilter, TaskStatus, find_task,
    list_tasks,
};

/// Notice topic: an inspector's tasks of a locked plan.
pub const ASSIGNED_TOPIC: &str = "spotcheck.assigned";
/// Notice topic: enterprises drawn for a plan.
pub const DRAWN_TOPIC: &str = "spotcheck.drawn";
/// Notice topic: a task's result is due (to its inspectors).
pub const RESULT_DUE_TOPIC: &str = "spotcheck.result_due";
/// Notice topic: results wait for publication past the deadline (to the department).
pub const PUBLICATION_DUE_TOPIC: &str = "spotcheck.publication_due";
/// Notice topic: a result was published (to the enterprise).
pub const PUBLISHED_TOPIC: &str = "spotcheck.published";

/// How long a published result stays public.
pub const PUBLIC_YEARS: i32 = 5;

/// The day `working_days` working days (Monday to Friday) after `from`.
pub fn add_working_days(from: NaiveDate, working_days: u32) -> NaiveDate {
    let mut day = from;
    let mut left = working_days;
    while left > 0 {
        day = day.succ_opt().unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

/// A text list as stored: comma-separated.
fn join(values: &[String]) -> String {
    values.join(",")
}

fn split(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests;
