//! Enterprises: self-registration, changes by the enterprise, the review workflow, the credit
//! tier.

use registry::enterprises::{
    self, Change as ProposedChange, CreditTier, Decision, Enterprise, EnterpriseUpdate,
    NewEnterprise, UpdateOutcome,
};
use registry::identity::{Actor, AuthMethod, User};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Caller, Change, Origin, Request, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// A registration's answer: the pending enterprise and its first user.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub enterprise: Enterprise,
    pub user: User,
}

/// A new credit tier and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierChange {
    pub credit_tier: CreditTier,
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
    /// The last day the override holds (after today, within three years; default a year from
    /// today); then the computed tier counts again.
    #[serde(default)]
    pub expires_on: Option<chrono::NaiveDate>,
}

fn target(id: i64) -> String {
    format!("enterprise:{id}")
}

/// Registers an enterprise, pending review, with its first user (who is recorded as the
/// actor): the enterprise, the user and the audit row in one transaction.
pub fn register(
    core: &Core,
    request: &Request,
    new: &NewEnterprise,
) -> Result<Registered, ApiError> {
    let origin = Origin::public(request.clone());
    audited(core, &origin, "enterprise.register", |conn, now| {
        let (enterprise, user) = enterprises::register(conn, now, new)?;
        let by = Actor::for_user(&user, AuthMethod::Session).audit_name();
        let detail = json!({ "credit_code": enterprise.credit_code, "name": enterprise.name, "region_code": enterprise.region_code, "categories": enterprise.categories, "username": user.username });
        let target = target(enterprise.id);
        Ok(Change::recorded(Registered { enterprise, user }, target, detail).by(by))
    })
}

/// Changes the caller's own enterprise (contact data applies, key data is proposed for review
/// once approved).
pub fn update(
    core: &Core,
    caller: &Caller,
    id: i64,
    update: &EnterpriseUpdate,
) -> Result<UpdateOutcome, ApiError> {
    audited_as(core, caller, "enterprise.update", |conn, now, actor| {
        let outcome = enterprises::update_own(conn, now, actor, id, update)?;
        let detail = json!({ "update": update, "proposed_change": outcome.proposed_change.as_ref().map(|c| c.id) });
        Ok(Change::recorded(outcome, target(id), detail))
    })
}

/// Approves, rejects, suspends, revokes or reinstates an enterprise.
pub fn decide(
    core: &Core,
    caller: &Caller,
    id: i64,
    decision: Decision,
    reason: Option<&str>,
) -> Result<Enterprise, ApiError> {
    audited_as(core, caller, decision.action(), |conn, now, actor| {
        let enterprise = enterprises::decide(conn, now, actor, id, decision, reason)?;
        let detail = json!({ "status": enterprise.status, "reason": reason });
        Ok(Change::recorded(enterprise, target(id), detail))
    })
}

/// Approves (and applies) or rejects a proposed change of key data or a licence.
pub fn decide_change(
    core: &Core,
    caller: &Caller,
    (id, change_id): (i64, i64),
    approve: bool,
    reason: Option<&str>,
) -> Result<ProposedChange, ApiError> {
    let action = if approve {
        "enterprise.change_approve"
    } else {
        "enterprise.change_reject"
    };
    audited_as(core, caller, action, |conn, now, actor| {
        let change = enterprises::decide_change(conn, now, actor, id, change_id, approve, reason)?;
        let detail = json!({ "change": change_id, "kind": change.kind, "reason": reason });
        Ok(Change::recorded(change, target(id), detail))
    })
}

/// Overrides the computed credit tier (A best to D worst) until a day, with a reason.
pub fn set_credit_tier(
    core: &Core,
    caller: &Caller,
    id: i64,
    change: &TierChange,
) -> Result<Enterprise, ApiError> {
    audited_as(
        core,
        caller,
        "enterprise.credit_tier",
        |conn, now, actor| {
            let enterprise = enterprises::set_credit_tier(
                conn,
                now,
                actor,
                id,
                change.credit_tier,
                &change.reason,
                change.expires_on,
            )?;
            let detail = json!({ "credit_tier": enterprise.credit_tier, "reason": change.reason, "expires_on": change.expires_on });
            Ok(Change::recorded(enterprise, target(id), detail))
        },
    )
}
