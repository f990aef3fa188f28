//! Listing (the approval of a [`Proposal`]) and removal: the decisions of the competent
//! department, each with its notice to every department and the ministries (and the enterprise
//! concerned), in the caller's transaction.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::proposals::Proposal;
use super::{Listing, current_listing, find_listing};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::enterprises::{
    CreditTier, Enterprise, load_enterprise, record_history, require_jurisdiction, text,
};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::notices::{self, Audience, Notice};
use crate::schema::{blacklist, enterprises};

/// Notice topic: an enterprise was listed.
pub const LISTED_TOPIC: &str = "blacklist.listed";
/// Notice topic: a listing was removed.
pub const REMOVED_TOPIC: &str = "blacklist.removed";

/// A decision to remove a listing, with the officer's confirmations.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Removal {
    /// Why the listing ends.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    /// The officer confirms the penalties have been fulfilled (must be true).
    pub penalties_fulfilled: bool,
    /// The officer confirms no new heavy penalty was imposed since the listing (must be true).
    pub no_new_heavy_penalty: bool,
}

/// The department of an officer competent for `enterprise` (403 `outside_jurisdiction` else).
pub(super) fn competent_department(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise: &Enterprise,
) -> Result<i64> {
    let dept = actor
        .department_id
        .filter(|_| actor.role == Role::Officer)
        .ok_or_else(|| {
            RegistryError::denied(
                Code::OutsideJurisdiction,
                "only an officer of the competent department may decide a listing",
            )
        })?;
    require_jurisdiction(conn, actor, enterprise)?;
    Ok(dept)
}

/// Writes the listing an approved `proposal` decides, `approver` being the second officer (call
/// inside a transaction, with the audit entry). The credit tier becomes D, the tier before kept
/// on the listing. 409 `already_listed` when it has an open listing.
pub(super) fn write_listing(
    conn: &mut DbConn,
    now: NaiveDateTime,
    approver: &Actor,
    proposal: &Proposal,
    enterprise: &Enterprise,
) -> Result<Listing> {
    if let Some(open) = current_listing(conn, enterprise.id)? {
        return Err(already_listed(open.id));
    }
    let listed_at = now;
    let removable_from = listed_at
        .date()
        .checked_add_months(Months::new(12))
        .ok_or_else(|| RegistryError::Config("the date a year from now".into()))?;
    let inserted = diesel::insert_into(blacklist::table)
        .values((
            blacklist::enterprise_id.eq(enterprise.id),
            blacklist::company_prefix.eq(enterprise.company_prefix.clone().unwrap_or_default()),
            blacklist::department_id.eq(proposal.department_id),
            blacklist::reason.eq(&proposal.reason),
            blacklist::penalty.eq(&proposal.penalty),
            blacklist::decision_number.eq(&proposal.decision_number),
            blacklist::legal_basis.eq(&proposal.legal_basis),
            blacklist::proposed_by.eq(&proposal.proposed_by),
            blacklist::listed_by.eq(approver.audit_name()),
            blacklist::listed_at.eq(listed_at),
            blacklist::removable_from.eq(removable_from),
            blacklist::tier_before.eq(enterprise.credit_tier.as_str()),
        ))
        .returning(blacklist::id)
        .get_result::<i64>(conn)
        .map_err(RegistryError::from);
    let id = match inserted {
        Ok(id) => id,
        // A listing committed between the check and the insert: the partial unique index.
        Err(e) if e.is_unique_violation() => return Err(already_listed(0)),
        Err(e) => return Err(e),
    };
    set_tier(conn, now, enterprise.id, CreditTier::D.as_str())?;
    let listing = find_listing(conn, id)?;
    record_history(
        conn,
        now,
        enterprise.id,
        &approver.audit_name(),
        "enterprise.blacklist",
        &serde_json::json!({ "credit_tier": enterprise.credit_tier }),
        &listing,
        Some(&listing.reason),
    )?;
    notify(conn, now, LISTED_TOPIC, &listing, enterprise)?;
    Ok(listing)
}

/// Sets the stored credit tier (the listing's effect on it; the history entry is the listing's).
fn set_tier(conn: &mut DbConn, now: NaiveDateTime, enterprise_id: i64, tier: &str) -> Result<()> {
    diesel::update(enterprises::table.find(enterprise_id))
        .set((
            enterprises::credit_tier.eq(tier),
            enterprises::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn already_listed(open_id: i64) -> RegistryError {
    let which = if open_id > 0 {
        format!(" (listing {open_id})")
    } else {
        String::new()
    };
    RegistryError::Conflict {
        code: Code::AlreadyListed,
        field: Some("enterprise_id".into()),
        message: format!("the enterprise is on the blacklist already{which}"),
    }
}

/// Removes a listing (call inside a transaction, with the audit entry): only by an officer of
/// the competent department, not before `removable_from`, and only with both confirmations. The
/// credit tier goes back to the one the enterprise had before the listing.
pub fn remove_listing(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    listing_id: i64,
    removal: &Removal,
) -> Result<Listing> {
    let listing = find_listing(conn, listing_id)?;
    let enterprise = load_enterprise(conn, listing.enterprise_id)?;
    competent_department(conn, actor, &enterprise)?;
    if listing.removed_at.is_some() {
        return Err(RegistryError::conflict(
            Code::ListingRemoved,
            format!("listing {listing_id} was removed already"),
        ));
    }
    if now.date() < listing.removable_from {
        return Err(RegistryError::conflict(
            Code::NotYetRemovable,
            format!(
                "a listing may be removed from {} on (one year after listing)",
                listing.removable_from
            ),
        ));
    }
    for (field, confirmed) in [
        ("penalties_fulfilled", removal.penalties_fulfilled),
        ("no_new_heavy_penalty", removal.no_new_heavy_penalty),
    ] {
        if !confirmed {
            return Err(RegistryError::invalid(
                Code::ConfirmationRequired,
                field,
                "a listing is removed only when the penalties are fulfilled and no new heavy penalty was imposed",
            ));
        }
    }
    let reason = text("reason", &removal.reason, 2000)?;
    diesel::update(blacklist::table.find(listing_id))
        .set((
            blacklist::removed_by.eq(actor.audit_name()),
            blacklist::removed_at.eq(now),
            blacklist::removal_reason.eq(reason),
            blacklist::penalties_fulfilled.eq(true),
            blacklist::no_new_heavy_penalty.eq(true),
        ))
        .execute(conn)?;
    set_tier(conn, now, enterprise.id, &listing.tier_before)?;
    let before = listing;
    let listing = find_listing(conn, listing_id)?;
    record_history(
        conn,
        now,
        enterprise.id,
        &actor.audit_name(),
        "enterprise.blacklist_remove",
        &before,
        &listing,
        listing.removal_reason.as_deref(),
    )?;
    notify(conn, now, REMOVED_TOPIC, &listing, &enterprise)?;
    Ok(listing)
}

/// Enqueues the notice of a listing decision to every department, the ministries and the
/// enterprise itself.
fn notify(
    conn: &mut DbConn,
    now: NaiveDateTime,
    topic: &str,
    listing: &Listing,
    enterprise: &Enterprise,
) -> Result<()> {
    let department = find_department(conn, listing.department_id)?;
    let date = |at: Option<NaiveDateTime>| at.map(|t| t.date().to_string());
    let notice = Notice {
        topic: topic.to_owned(),
        audience: vec![
            Audience::AllDepartments,
            Audience::Ministries,
            Audience::Enterprise { id: enterprise.id },
        ],
        params: serde_json::json!({
            "listing_id": listing.id,
            "enterprise_id": enterprise.id,
            "enterprise_name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "department": department.name,
            "penalty": listing.penalty,
            "decision_number": listing.decision_number,
            "reason": listing.reason,
            "listed_on": listing.listed_at.date().to_string(),
            "removable_from": listing.removable_from.to_string(),
            "removed_on": date(listing.removed_at),
            "removal_reason": listing.removal_reason,
        }),
        source: format!("blacklist:{}", listing.id),
    };
    notices::enqueue(conn, now, &notice, &listing.company_prefix)?;
    Ok(())
}
