//! A locked plan's draw as published (the seed, the frozen inputs, the tasks), and its
//! recomputation by anyone.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::draw::{DrawInputs, DrawnTask, draw, draw_digest, inputs_digest};
use super::plans::{PlanStatus, find_plan, unsigned};
use crate::db::DbConn;
use crate::enterprises::CreditTier;
use crate::error::{RegistryError, Result};
use crate::schema::{
    spot_check_exclusions, spot_check_pool, spot_check_pool_inspectors, spot_check_task_inspectors,
    spot_check_tasks,
};

/// A locked plan's draw as published: the plan, its seed, the frozen inputs and the tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrawRecord {
    pub plan_id: i64,
    /// 64 hex characters.
    pub seed: String,
    /// The inputs' digest published at locking ([`inputs_digest`]).
    pub pool_digest: String,
    /// The draw's digest published at locking ([`draw_digest`]).
    pub draw_digest: String,
    pub inputs: DrawInputs,
    pub tasks: Vec<DrawnTask>,
}

/// What a recomputation found.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Recomputed {
    pub plan_id: i64,
    pub seed: String,
    /// The published inputs' digest, and whether the inputs have it.
    pub pool_digest: String,
    pub inputs_match: bool,
    /// The published draw's digest, and whether the recomputed draw has it and the tasks listed.
    pub draw_digest: String,
    pub draw_matches: bool,
    pub tasks: usize,
    /// True when the inputs and the draw both match.
    pub verified: bool,
}

/// The published draw of a locked plan (404 for a draft: nothing is drawn).
pub fn draw_record(conn: &mut DbConn, id: i64) -> Result<DrawRecord> {
    let plan = find_plan(conn, id)?;
    let Some(seed) = plan
        .seed
        .clone()
        .filter(|_| plan.status == PlanStatus::Locked)
    else {
        return Err(RegistryError::NotFound {
            entity: "spot-check draw",
        });
    };
    let enterprises: Vec<(i64, String)> = spot_check_pool::table
        .filter(spot_check_pool::plan_id.eq(id))
        .select((spot_check_pool::enterprise_id, spot_check_pool::tier))
        .order(spot_check_pool::enterprise_id)
        .load(conn)?;
    let inspectors: Vec<i64> = spot_check_pool_inspectors::table
        .filter(spot_check_pool_inspectors::plan_id.eq(id))
        .select(spot_check_pool_inspectors::inspector_id)
        .order(spot_check_pool_inspectors::inspector_id)
        .load(conn)?;
    let exclusions: BTreeSet<(i64, i64)> = spot_check_exclusions::table
        .filter(spot_check_exclusions::plan_id.eq(id))
        .select((
            spot_check_exclusions::enterprise_id,
            spot_check_exclusions::inspector_id,
        ))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<(i64, i64, i32, String)> = spot_check_tasks::table
        .inner_join(
            spot_check_pool::table.on(spot_check_pool::plan_id
                .eq(spot_check_tasks::plan_id)
                .and(spot_check_pool::enterprise_id.eq(spot_check_tasks::enterprise_id))),
        )
        .filter(spot_check_tasks::plan_id.eq(id))
        .select((
            spot_check_tasks::id,
            spot_check_tasks::enterprise_id,
            spot_check_tasks::draw_rank,
            spot_check_pool::tier,
        ))
        .order(spot_check_tasks::draw_rank)
        .load(conn)?;
    let mut staffing: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let pairs: Vec<(i64, i64)> = spot_check_task_inspectors::table
        .inner_join(spot_check_tasks::table)
        .filter(spot_check_tasks::plan_id.eq(id))
        .select((
            spot_check_task_inspectors::task_id,
            spot_check_task_inspectors::inspector_id,
        ))
        .order((
            spot_check_task_inspectors::task_id,
            spot_check_task_inspectors::inspector_id,
        ))
        .load(conn)?;
    for (task, inspector) in pairs {
        staffing.entry(task).or_default().push(inspector);
    }
    let enterprises = enterprises
        .iter()
        .map(|(e, t)| Ok((*e, CreditTier::from_stored(t)?)))
        .collect::<Result<Vec<_>>>()?;
    let tasks = rows
        .into_iter()
        .map(|(task, enterprise_id, rank, t)| {
            Ok(DrawnTask {
                rank: unsigned(rank),
                enterprise_id,
                tier: CreditTier::from_stored(&t)?,
                inspectors: staffing.remove(&task).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DrawRecord {
        plan_id: id,
        seed,
        pool_digest: plan.pool_digest.unwrap_or_default(),
        draw_digest: plan.draw_digest.unwrap_or_default(),
        inputs: DrawInputs {
            ratios: plan.ratios,
            inspectors_per_task: plan.inspectors_per_task,
            enterprises,
            inspectors,
            exclusions,
        },
        tasks,
    })
}

/// Computes a published draw again and compares it with what was published: the inputs with
/// their digest, the draw with its digest and with the tasks listed.
pub fn recompute(record: &DrawRecord) -> Recomputed {
    let inputs_match = inputs_digest(&record.inputs) == record.pool_digest;
    let again = super::parse_seed(&record.seed).and_then(|s| draw(&record.inputs, &s).ok());
    let draw_matches = again
        .as_ref()
        .is_some_and(|tasks| draw_digest(tasks) == record.draw_digest && *tasks == record.tasks);
    Recomputed {
        plan_id: record.plan_id,
        seed: record.seed.clone(),
        pool_digest: record.pool_digest.clone(),
        inputs_match,
        draw_digest: record.draw_digest.clone(),
        draw_matches,
        tasks: record.tasks.len(),
        verified: inputs_match && draw_matches,
    }
}
