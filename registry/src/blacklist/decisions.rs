//! Listing and removal: the decisions of the competent department, each with its notice to every
//! department and the ministries (and the enterprise concerned), in the caller's transaction.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Listing, Penalty, current_listing, find_listing};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::enterprises::{Enterprise, load_enterprise, record_history, require_jurisdiction, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::notices::{self, Audience, Notice};
use crate::schema::blacklist;

/// Notice topic: an enterprise was listed.
pub const LISTED_TOPIC: &str = "blacklist.listed";
/// Notice topic: a listing was removed.
pub const REMOVED_TOPIC: &str = "blacklist.removed";

/// A decision to list an enterprise.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewListing {
    pub enterprise_id: i64,
    /// The heavy penalty imposed.
    pub penalty: Penalty,
    /// The number of the penalty decision, e.g. `豫市监罚〔2026〕12号`.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub decision_number: String,
    /// The serious violation, as it will be published.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

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
fn competent_department(conn: &mut DbConn, actor: &Actor, enterprise: &Enterprise) -> Result<i64> {
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

/// Lists an enterprise (call inside a transaction, with the audit entry). 409 `already_listed`
/// when it has an open listing.
pub fn list_enterprise(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewListing,
) -> Result<Listing> {
    let enterprise = load_enterprise(conn, new.enterprise_id).map_err(|_| {
        RegistryError::invalid(
            Code::UnknownEnterprise,
            "enterprise_id",
            format!("no enterprise {}", new.enterprise_id),
        )
    })?;
    let department_id = competent_department(conn, actor, &enterprise)?;
    let decision_number = text("decision_number", &new.decision_number, 100)?;
    let reason = text("reason", &new.reason, 2000)?;
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
            blacklist::department_id.eq(department_id),
            blacklist::reason.eq(reason),
            blacklist::penalty.eq(new.penalty.as_str()),
            blacklist::decision_number.eq(decision_number),
            blacklist::listed_by.eq(actor.audit_name()),
            blacklist::listed_at.eq(listed_at),
            blacklist::removable_from.eq(removable_from),
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
    let listing = find_listing(conn, id)?;
    record_history(
        conn,
        now,
        enterprise.id,
        &actor.audit_name(),
        "enterprise.blacklist",
        &serde_json::Value::Null,
        &listing,
        Some(&listing.reason),
    )?;
    notify(conn, now, LISTED_TOPIC, &listing, &enterprise)?;
    Ok(listing)
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
/// the competent department, not before `removable_from`, and only with both confirmations.
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
