//! The review workflow: the competent department approves or rejects a registration, and
//! suspends, revokes or reinstates an enterprise.
//!
//! The moves ([`Decision`]): `pending` to `active` (approve) or `rejected` (reject); `active` to
//! `suspended`; `active` or `suspended` to `revoked`, for good; `suspended` to `active`
//! (reinstate). Any other is 409 `invalid_transition`. Rejecting, suspending and revoking need a
//! reason, which the enterprise reads. The decider must pass `require_jurisdiction`; the hub's
//! routes admit officers only, so administrators read but do not decide.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::history::record;
use super::model::{CreditTier, Enterprise, Status, load_enterprise, require_jurisdiction};
use super::notify::tell_enterprise;
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::schema::{blacklist, enterprises};

/// A decision on an enterprise's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// pending → active.
    Approve,
    /// pending → rejected (a reason is required; the enterprise may change its data and so
    /// resubmit).
    Reject,
    /// active → suspended (reason required): it may not file until reinstated.
    Suspend,
    /// active or suspended → revoked (reason required), for good.
    Revoke,
    /// suspended → active.
    Reinstate,
}

impl Decision {
    /// The audit and history action name.
    pub fn action(self) -> &'static str {
        match self {
            Decision::Approve => "enterprise.approve",
            Decision::Reject => "enterprise.reject",
            Decision::Suspend => "enterprise.suspend",
            Decision::Revoke => "enterprise.revoke",
            Decision::Reinstate => "enterprise.reinstate",
        }
    }

    fn transition(self, from: Status) -> Option<Status> {
        match (self, from) {
            (Decision::Approve, Status::Pending) => Some(Status::Active),
            (Decision::Reject, Status::Pending) => Some(Status::Rejected),
            (Decision::Suspend, Status::Active) => Some(Status::Suspended),
            (Decision::Revoke, Status::Active | Status::Suspended) => Some(Status::Revoked),
            (Decision::Reinstate, Status::Suspended) => Some(Status::Active),
            _ => None,
        }
    }

    fn needs_reason(self) -> bool {
        matches!(
            self,
            Decision::Reject | Decision::Suspend | Decision::Revoke
        )
    }
}

/// Applies `decision` to enterprise `id` as `actor` (an officer of the competent department),
/// with the history entry and the enterprise's notice, in the caller's transaction.
pub fn decide(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    decision: Decision,
    reason: Option<&str>,
) -> Result<Enterprise> {
    let before = load_enterprise(conn, id)?;
    require_jurisdiction(conn, actor, &before)?;
    let reason = check_reason(reason, decision.needs_reason())?;
    let Some(to) = decision.transition(before.status) else {
        return Err(RegistryError::conflict(
            Code::InvalidTransition,
            format!(
                "cannot {} an enterprise that is {}",
                decision.action().trim_start_matches("enterprise."),
                before.status.as_str()
            ),
        ));
    };
    diesel::update(enterprises::table.find(id))
        .set((
            enterprises::status.eq(to.as_str()),
            enterprises::status_reason.eq(reason),
            enterprises::updated_at.eq(now),
        ))
        .execute(conn)?;
    let after = load_enterprise(conn, id)?;
    let history_id = record(
        conn,
        now,
        id,
        &actor.audit_name(),
        decision.action(),
        &serde_json::json!({ "status": before.status, "status_reason": before.status_reason }),
        &serde_json::json!({ "status": after.status, "status_reason": after.status_reason }),
        reason,
    )?;
    let told = serde_json::json!({ "reason": reason });
    tell_enterprise(
        conn,
        now,
        actor,
        &after,
        decision.action(),
        history_id,
        told,
    )?;
    Ok(after)
}

/// A trimmed reason, required or not, of at most 2000 characters.
pub(super) fn check_reason(reason: Option<&str>, required: bool) -> Result<Option<&str>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if required && reason.is_none() {
        return Err(RegistryError::invalid(
            Code::ReasonRequired,
            "reason",
            "give the reason, for the enterprise to read",
        ));
    }
    if reason.is_some_and(|r| r.chars().count() > 2000) {
        return Err(RegistryError::invalid(
            Code::InvalidText,
            "reason",
            "must be at most 2000 characters",
        ));
    }
    Ok(reason)
}

/// Overrides the computed credit tier (which drives spot-check sampling) until `expires_on`
/// (default: a year), with a reason, as an officer of the competent department. While the
/// enterprise is on the blacklist its tier stays D (409 `tier_fixed_while_listed`).
pub fn set_credit_tier(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    tier: CreditTier,
    reason: &str,
    expires_on: Option<chrono::NaiveDate>,
) -> Result<Enterprise> {
    let before = load_enterprise(conn, id)?;
    require_jurisdiction(conn, actor, &before)?;
    let reason = check_reason(Some(reason), true)?;
    let listed: i64 = blacklist::table
        .filter(blacklist::enterprise_id.eq(id))
        .filter(blacklist::removed_at.is_null())
        .count()
        .get_result(conn)?;
    if listed > 0 {
        return Err(RegistryError::conflict(
            Code::TierFixedWhileListed,
            "the credit tier stays D while the enterprise is on the blacklist",
        ));
    }
    super::credit::record_override(
        conn,
        now,
        &actor.audit_name(),
        id,
        tier,
        reason.unwrap_or_default(),
        expires_on,
    )?;
    diesel::update(enterprises::table.find(id))
        .set((
            enterprises::credit_tier.eq(tier.as_str()),
            enterprises::updated_at.eq(now),
        ))
        .execute(conn)?;
    let after = load_enterprise(conn, id)?;
    record(
        conn,
        now,
        id,
        &actor.audit_name(),
        "enterprise.credit_tier",
        &serde_json::json!({ "credit_tier": before.credit_tier }),
        &serde_json::json!({ "credit_tier": after.credit_tier }),
        reason,
    )?;
    Ok(after)
}
