//! Credit tiers computed from the data, with their reasons, and an officer's override.
//!
//! [`recompute`] assesses enterprises (all, or some) from what the hub knows and keeps each
//! assessment with its reasons (`credit_assessments`). The score starts at 100 and each rule
//! below adds or takes points; 90 and more is A, 70 B, 50 C, below 50 D:
//!
//! | code | points |
//! |---|---|
//! | `licence_missing`: no licence on file | -20 |
//! | `licence_expired`: every licence has expired | -30 |
//! | `no_products`: no product filed | -10 |
//! | `filing_stale`: products, but no batch filed in the last 180 days | -10 |
//! | `alerts_critical`: critical alerts raised in the last 365 days | -15 each, at most -45 |
//! | `alerts_warning`: warnings raised in the last 365 days | -5 each, at most -20 |
//! | `spot_check_failed`: failed spot checks published in the last 3 years | -25 each |
//! | `spot_check_passed`: passed spot checks published in the last 3 years | +5 each, at most +10 |
//!
//! The tier that counts (`enterprises.credit_tier`, which sets the spot-check ratio) is D while
//! the enterprise is on the blacklist (`blacklisted`); otherwise an officer's unexpired override
//! ([`record_override`], with its written reason, audited by the caller); otherwise the computed
//! one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::CreditTier;
use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::{
    alerts, batches, blacklist, credit_assessments, credit_overrides, enterprises, licences,
    products, spot_check_tasks,
};

/// One reason of an assessment: a rule, the points it counted and how many facts it counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditReason {
    /// The rule (see the module documentation), e.g. `alerts_critical`.
    pub code: String,
    pub points: i32,
    /// How many facts the rule counted (alerts, spot checks...); 1 for a state.
    pub count: i64,
}

/// An officer's override of the computed tier.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable, utoipa::ToSchema)]
pub struct Override {
    #[serde(skip)]
    pub id: i64,
    #[schema(value_type = CreditTier)]
    pub tier: String,
    pub reason: String,
    pub set_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub set_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub expires_at: NaiveDateTime,
}

/// An enterprise's credit tier and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub enterprise_id: i64,
    /// The tier that counts.
    pub tier: CreditTier,
    /// What the data gave, when assessed.
    pub computed_tier: Option<CreditTier>,
    pub score: Option<i32>,
    pub reasons: Vec<CreditReason>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub assessed_at: Option<NaiveDateTime>,
    /// The officer's override in force, if any.
    #[serde(rename = "override")]
    pub override_: Option<Override>,
    /// On the blacklist: the tier is D.
    pub listed: bool,
}

/// What one recomputation did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Recomputed {
    pub assessed: usize,
    /// Enterprises whose tier that counts changed.
    pub changed: usize,
    /// Tiers that count after it: A, B, C, D.
    pub tiers: [usize; 4],
}

/// What the rules read about one enterprise.
#[derive(Debug, Clone, Default)]
struct Facts {
    licences: i64,
    latest_valid_to: Option<NaiveDate>,
    products: i64,
    latest_batch: Option<NaiveDateTime>,
    critical: i64,
    warnings: i64,
    failed: i64,
    passed: i64,
}

fn reason(code: &str, points: i32, count: i64) -> CreditReason {
    CreditReason {
        code: code.into(),
        points,
        count,
    }
}

/// The score and its reasons.
fn score(facts: &Facts, now: NaiveDateTime) -> (i32, Vec<CreditReason>) {
    let mut reasons = Vec::new();
    if facts.licences == 0 {
        reasons.push(reason("licence_missing", -20, 1));
    } else if facts.latest_valid_to.is_some_and(|d| d < now.date()) {
        reasons.push(reason("licence_expired", -30, facts.licences));
    }
    if facts.products == 0 {
        reasons.push(reason("no_products", -10, 1));
    } else if facts
        .latest_batch
        .is_none_or(|at| at < now - Duration::days(180))
    {
        reasons.push(reason("filing_stale", -10, 1));
    }
    let capped = |n: i64, each: i32, cap: i32| {
        let n = i32::try_from(n).unwrap_or(i32::MAX / 100);
        if each < 0 {
            (n * each).max(cap)
        } else {
            (n * each).min(cap)
        }
    };
    if facts.critical > 0 {
        reasons.push(reason(
            "alerts_critical",
            capped(facts.critical, -15, -45),
            facts.critical,
        ));
    }
    if facts.warnings > 0 {
        reasons.push(reason(
            "alerts_warning",
            capped(facts.warnings, -5, -20),
            facts.warnings,
        ));
    }
    if facts.failed > 0 {
        reasons.push(reason(
            "spot_check_failed",
            capped(facts.failed, -25, -100),
            facts.failed,
        ));
    }
    if facts.passed > 0 {
        reasons.push(reason(
            "spot_check_passed",
            capped(facts.passed, 5, 10),
            facts.passed,
        ));
    }
    let total = 100 + reasons.iter().map(|r| r.points).sum::<i32>();
    (total, reasons)
}

fn tier_of(score: i32) -> CreditTier {
    match score {
        90.. => CreditTier::A,
        70..=89 => CreditTier::B,
        50..=69 => CreditTier::C,
        _ => CreditTier::D,
    }
}

/// Reads the facts of `ids` (every enterprise when `None`).
fn facts(conn: &mut DbConn, now: NaiveDateTime, ids: &[i64]) -> Result<BTreeMap<i64, Facts>> {
    let mut all: BTreeMap<i64, Facts> = ids.iter().map(|id| (*id, Facts::default())).collect();
    let year = now - Duration::days(365);
    let three_years = now - Duration::days(3 * 365);
    for chunk in ids.chunks(10_000) {
        for (id, n, latest) in licences::table
            .filter(licences::enterprise_id.eq_any(chunk))
            .group_by(licences::enterprise_id)
            .select((
                licences::enterprise_id,
                count_star(),
                max(licences::valid_to),
            ))
            .load::<(i64, i64, Option<NaiveDate>)>(conn)?
        {
            if let Some(f) = all.get_mut(&id) {
                (f.licences, f.latest_valid_to) = (n, latest);
            }
        }
        for (id, n) in products::table
            .filter(products::enterprise_id.eq_any(chunk))
            .group_by(products::enterprise_id)
            .select((products::enterprise_id, count_star()))
            .load::<(i64, i64)>(conn)?
        {
            if let Some(f) = all.get_mut(&id) {
                f.products = n;
            }
        }
        for (id, latest) in batches::table
            .filter(batches::enterprise_id.eq_any(chunk))
            .group_by(batches::enterprise_id)
            .select((batches::enterprise_id, max(batches::created_at)))
            .load::<(i64, Option<NaiveDateTime>)>(conn)?
        {
            if let Some(f) = all.get_mut(&id) {
                f.latest_batch = latest;
            }
        }
        for (id, severity, n) in alerts::table
            .filter(alerts::enterprise_id.eq_any(chunk))
            .filter(alerts::raised_at.ge(year))
            .group_by((alerts::enterprise_id, alerts::severity))
            .select((alerts::enterprise_id, alerts::severity, count_star()))
            .load::<(Option<i64>, String, i64)>(conn)?
        {
            if let Some(f) = id.and_then(|id| all.get_mut(&id)) {
                match severity.as_str() {
                    "critical" => f.critical = n,
                    "warning" => f.warnings = n,
                    _ => {}
                }
            }
        }
        for (id, outcome, n) in spot_check_tasks::table
            .filter(spot_check_tasks::enterprise_id.eq_any(chunk))
            .filter(spot_check_tasks::status.eq("published"))
            .filter(spot_check_tasks::published_at.ge(three_years))
            .group_by((spot_check_tasks::enterprise_id, spot_check_tasks::outcome))
            .select((
                spot_check_tasks::enterprise_id,
                spot_check_tasks::outcome,
                count_star(),
            ))
            .load::<(i64, Option<String>, i64)>(conn)?
        {
            if let Some(f) = all.get_mut(&id) {
                match outcome.as_deref() {
                    Some("fail") => f.failed = n,
                    Some("pass") => f.passed = n,
                    _ => {}
                }
            }
        }
    }
    Ok(all)
}

/// The enterprises on the blacklist now.
fn listed(conn: &mut DbConn) -> Result<BTreeSet<i64>> {
    Ok(blacklist::table
        .filter(blacklist::removed_at.is_null())
        .select(blacklist::enterprise_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

/// The overrides in force at `now`, by enterprise.
fn overrides(
    conn: &mut DbConn,
    now: NaiveDateTime,
    only: Option<i64>,
) -> Result<BTreeMap<i64, Override>> {
    let mut query = credit_overrides::table
        .filter(credit_overrides::ended_at.is_null())
        .filter(credit_overrides::expires_at.gt(now))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(credit_overrides::enterprise_id.eq(id));
    }
    let rows: Vec<(i64, Override)> = query
        .order(credit_overrides::id)
        .select((
            credit_overrides::enterprise_id,
            (
                credit_overrides::id,
                credit_overrides::tier,
                credit_overrides::reason,
                credit_overrides::set_by,
                credit_overrides::set_at,
                credit_overrides::expires_at,
            ),
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Escapes a value for a SQL string literal.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Assesses `only` those enterprises (every one when `None`), keeps each assessment with its
/// reasons, and sets the tier that counts where it changed. Call in a transaction.
pub fn recompute(
    conn: &mut DbConn,
    now: NaiveDateTime,
    only: Option<&[i64]>,
) -> Result<Recomputed> {
    let current: Vec<(i64, String)> = match only {
        Some(ids) => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(10_000) {
                rows.extend(
                    enterprises::table
                        .filter(enterprises::id.eq_any(chunk))
                        .select((enterprises::id, enterprises::credit_tier))
                        .load::<(i64, String)>(conn)?,
                );
            }
            rows
        }
        None => enterprises::table
            .select((enterprises::id, enterprises::credit_tier))
            .order(enterprises::id)
            .load(conn)?,
    };
    let ids: Vec<i64> = current.iter().map(|(id, _)| *id).collect();
    let facts = facts(conn, now, &ids)?;
    let listed = listed(conn)?;
    let overrides = overrides(conn, now, None)?;
    let at = now.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let mut done = Recomputed::default();
    let mut rows = Vec::with_capacity(ids.len());
    let mut moves: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for (id, stored) in &current {
        let (points, reasons) = score(&facts[id], now);
        let computed = tier_of(points);
        let counts = if listed.contains(id) {
            CreditTier::D
        } else if let Some(o) = overrides.get(id) {
            CreditTier::from_stored(&o.tier)?
        } else {
            computed
        };
        let reasons = serde_json::to_string(&reasons)
            .map_err(|e| RegistryError::Inconsistent(format!("reasons of {id}: {e}")))?;
        rows.push(format!(
            "({id},'{}',{points},{},'{at}')",
            computed.as_str(),
            quoted(&reasons)
        ));
        if counts.as_str() != stored {
            moves.entry(counts.as_str()).or_default().push(*id);
            done.changed += 1;
        }
        done.tiers[counts as usize] += 1;
        done.assessed += 1;
    }
    // An upsert, not a delete of the ids and an insert: a delete by a long id list is planned
    // from the table's statistics, which a fresh table lacks (a scan per id list).
    for chunk in rows.chunks(1_000) {
        diesel::sql_query(format!(
            "INSERT INTO credit_assessments (enterprise_id, computed_tier, score, reasons, assessed_at) \
             VALUES {} ON CONFLICT (enterprise_id) DO UPDATE SET computed_tier = excluded.computed_tier, \
             score = excluded.score, reasons = excluded.reasons, assessed_at = excluded.assessed_at",
            chunk.join(",")
        ))
        .execute(conn)?;
    }
    for (tier, moved) in moves {
        for chunk in moved.chunks(5_000) {
            diesel::update(enterprises::table.filter(enterprises::id.eq_any(chunk)))
                .set((
                    enterprises::credit_tier.eq(tier),
                    enterprises::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(done)
}

/// Records an officer's override (ending any in force) until `expires_on`'s end; 422
/// `invalid_expiry` unless it lies after today and within three years.
pub(super) fn record_override(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &str,
    id: i64,
    tier: CreditTier,
    reason: &str,
    expires_on: Option<NaiveDate>,
) -> Result<()> {
    let expires_on = expires_on.unwrap_or(now.date() + Duration::days(365));
    if expires_on <= now.date() || expires_on > now.date() + Duration::days(3 * 366) {
        return Err(RegistryError::invalid(
            Code::InvalidExpiry,
            "expires_on",
            "an override expires after today and within three years",
        ));
    }
    diesel::update(
        credit_overrides::table
            .filter(credit_overrides::enterprise_id.eq(id))
            .filter(credit_overrides::ended_at.is_null()),
    )
    .set(credit_overrides::ended_at.eq(now))
    .execute(conn)?;
    diesel::insert_into(credit_overrides::table)
        .values((
            credit_overrides::enterprise_id.eq(id),
            credit_overrides::tier.eq(tier.as_str()),
            credit_overrides::reason.eq(reason),
            credit_overrides::set_by.eq(by),
            credit_overrides::set_at.eq(now),
            credit_overrides::expires_at.eq(expires_on.and_hms_opt(23, 59, 59).unwrap_or(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Enterprise `id`'s tier and why (call after the reader's access is checked).
pub fn assessment(conn: &mut DbConn, now: NaiveDateTime, id: i64) -> Result<Assessment> {
    let tier: String = enterprises::table
        .find(id)
        .select(enterprises::credit_tier)
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "enterprise",
        })?;
    let stored: Option<(String, i32, String, NaiveDateTime)> = credit_assessments::table
        .find(id)
        .select((
            credit_assessments::computed_tier,
            credit_assessments::score,
            credit_assessments::reasons,
            credit_assessments::assessed_at,
        ))
        .first(conn)
        .optional()?;
    let listed = blacklist::table
        .filter(blacklist::enterprise_id.eq(id))
        .filter(blacklist::removed_at.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let override_ = overrides(conn, now, Some(id))?.remove(&id);
    let (computed_tier, score, reasons, assessed_at) = match stored {
        Some((t, s, r, at)) => (
            Some(CreditTier::from_stored(&t)?),
            Some(s),
            serde_json::from_str(&r)
                .map_err(|e| RegistryError::Inconsistent(format!("reasons of {id}: {e}")))?,
            Some(at),
        ),
        None => (None, None, Vec::new(), None),
    };
    Ok(Assessment {
        enterprise_id: id,
        tier: CreditTier::from_stored(&tier)?,
        computed_tier,
        score,
        reasons,
        assessed_at,
        override_,
        listed,
    })
}

#[cfg(test)]
mod tests;
