//! What happens to issued stamps: activation by the enterprise (bound to one of its batches of
//! the order's product) and revocation by the issuing department. Both act on one serial, a
//! `seq` range of an order, or a whole order, and write a decision row over the range beside
//! the stamps they change (call inside a transaction, with the audit entry).
//!
//! Activation is held to the issuing rule too ([`super::issue::require_may_receive`], the same 409
//! codes): an enterprise listed or suspended after its order was issued cannot put its stamps into
//! use.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::issue::{StampOrder, load_order, require_may_receive};
use super::orders::locate;
use crate::db::DbConn;
use crate::enterprises::{load_enterprise, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::schema::{batches, stamp_activations, stamp_revocations, stamps};

/// Activation of an order's stamps: all of them, or `first_seq..=last_seq`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderActivation {
    /// One of the enterprise's batches of the order's product.
    pub batch_id: i64,
    /// First stamp (default 1).
    #[serde(default)]
    pub first_seq: Option<i64>,
    /// Last stamp (default the order's quantity).
    #[serde(default)]
    pub last_seq: Option<i64>,
}

/// Activation of one stamp.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StampActivation {
    /// One of the enterprise's batches of the stamp's product.
    pub batch_id: i64,
}

/// Revocation of an order's stamps: all of them, or `first_seq..=last_seq`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRevocation {
    /// Why (1 to 2000 characters); resolvers show the stamps as revoked.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    /// First stamp (default 1).
    #[serde(default)]
    pub first_seq: Option<i64>,
    /// Last stamp (default the order's quantity).
    #[serde(default)]
    pub last_seq: Option<i64>,
}

/// Revocation of one stamp.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StampRevocation {
    /// Why (1 to 2000 characters).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// A recorded activation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActivationRecord {
    pub id: i64,
    pub order_id: i64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub batch_id: i64,
    /// The batch's lot: the stamps' links also resolve with `/10/{lot}` from now on.
    pub lot: String,
    /// Stamps activated.
    pub activated: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub activated_at: NaiveDateTime,
}

/// A recorded revocation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RevocationRecord {
    pub id: i64,
    pub order_id: i64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub reason: String,
    /// Stamps revoked by this decision.
    pub revoked: i64,
    /// Stamps of the range revoked before (they keep their first revocation).
    pub already_revoked: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub revoked_at: NaiveDateTime,
}

/// The range `first..=last` of `order`, defaulting to the whole order; 422 naming the field.
fn range(order: &StampOrder, first: Option<i64>, last: Option<i64>) -> Result<(i64, i64)> {
    let first = first.unwrap_or(1);
    let last = last.unwrap_or(order.quantity);
    if !(1..=order.quantity).contains(&first) {
        return Err(RegistryError::invalid(
            Code::InvalidRange,
            "first_seq",
            format!("must be 1 to {}", order.quantity),
        ));
    }
    if !(first..=order.quantity).contains(&last) {
        return Err(RegistryError::invalid(
            Code::InvalidRange,
            "last_seq",
            format!("must be {first} to {}", order.quantity),
        ));
    }
    Ok((first, last))
}

/// The order if `actor` is a user of the enterprise it was issued to (404 otherwise).
fn own_order(actor: &Actor, order: StampOrder) -> Result<StampOrder> {
    if actor.role == Role::Enterprise && actor.enterprise_id == Some(order.enterprise_id) {
        Ok(order)
    } else {
        Err(RegistryError::NotFound {
            entity: "stamp order",
        })
    }
}

/// Activates stamps of an order (the enterprise's own user). 409 `batch_not_own`,
/// `batch_other_product`; `enterprise_blacklisted`, `enterprise_suspended` or
/// `enterprise_not_active` when the enterprise may no longer receive stamps (the rule of
/// issuance: listed or suspended after the order was issued, it cannot put them into use);
/// `stamp_already_activated` / `stamp_revoked` naming the first such stamp of the range (then
/// nothing is written).
pub fn activate_order(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order_id: i64,
    activation: &OrderActivation,
) -> Result<ActivationRecord> {
    let order = own_order(actor, load_order(conn, order_id)?)?;
    let (first, last) = range(&order, activation.first_seq, activation.last_seq)?;
    activate(conn, now, actor, &order, first, last, activation.batch_id)
}

/// Activates one stamp by serial (see [`activate_order`]).
pub fn activate_stamp(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    serial: &str,
    activation: &StampActivation,
) -> Result<ActivationRecord> {
    let (order, seq, _) = locate(conn, serial)?;
    let order = own_order(actor, order).map_err(|_| RegistryError::NotFound { entity: "stamp" })?;
    activate(conn, now, actor, &order, seq, seq, activation.batch_id)
}

fn activate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order: &StampOrder,
    first: i64,
    last: i64,
    batch_id: i64,
) -> Result<ActivationRecord> {
    let enterprise = load_enterprise(conn, order.enterprise_id)?;
    require_may_receive(conn, &enterprise)?;
    let batch = batches::table
        .find(batch_id)
        .select((batches::enterprise_id, batches::product_id, batches::lot))
        .first::<(i64, i64, String)>(conn)
        .optional()?;
    let lot = match batch.filter(|(owner, _, _)| *owner == order.enterprise_id) {
        None => {
            return Err(RegistryError::Conflict {
                code: Code::BatchNotOwn,
                field: Some("batch_id".into()),
                message: format!("batch {batch_id} is not one of the enterprise's batches"),
            });
        }
        Some((_, product, _)) if product != order.product_id => {
            return Err(RegistryError::Conflict {
                code: Code::BatchOtherProduct,
                field: Some("batch_id".into()),
                message: format!(
                    "batch {batch_id} is of product {product}, the stamps of product {}",
                    order.product_id
                ),
            });
        }
        Some((_, _, lot)) => lot,
    };
    let in_range = || {
        stamps::table
            .filter(stamps::order_id.eq(order.id))
            .filter(stamps::seq.between(first, last))
    };
    let offending = in_range()
        .filter(
            stamps::batch_id
                .is_not_null()
                .or(stamps::revoked_at.is_not_null()),
        )
        .order(stamps::seq)
        .select((stamps::serial, stamps::revoked_at.is_not_null()))
        .first::<(String, bool)>(conn)
        .optional()?;
    if let Some((serial, revoked)) = offending {
        return Err(stamp_conflict(&serial, revoked));
    }
    let id = diesel::insert_into(stamp_activations::table)
        .values((
            stamp_activations::order_id.eq(order.id),
            stamp_activations::first_seq.eq(first),
            stamp_activations::last_seq.eq(last),
            stamp_activations::batch_id.eq(batch_id),
            stamp_activations::company_prefix.eq(&order.company_prefix),
            stamp_activations::activated_by.eq(actor.audit_name()),
            stamp_activations::activated_at.eq(now),
        ))
        .returning(stamp_activations::id)
        .get_result::<i64>(conn)?;
    let changed = diesel::update(
        in_range()
            .filter(stamps::batch_id.is_null())
            .filter(stamps::revoked_at.is_null()),
    )
    .set((stamps::batch_id.eq(batch_id), stamps::activated_at.eq(now)))
    .execute(conn)?;
    let expected = last - first + 1;
    if i64::try_from(changed).unwrap_or(-1) != expected {
        // Another activation or revocation committed in between: refuse the whole request.
        return Err(RegistryError::conflict(
            Code::StampConflict,
            "some stamps of the range changed meanwhile; nothing was activated",
        ));
    }
    Ok(ActivationRecord {
        id,
        order_id: order.id,
        first_seq: first,
        last_seq: last,
        batch_id,
        lot,
        activated: expected,
        activated_at: now,
    })
}

fn stamp_conflict(serial: &str, revoked: bool) -> RegistryError {
    let (code, state) = if revoked {
        (Code::StampRevoked, "revoked")
    } else {
        (Code::StampAlreadyActivated, "already activated")
    };
    RegistryError::Conflict {
        code,
        field: Some("serial".into()),
        message: format!("stamp {serial} is {state}; nothing was activated"),
    }
}

/// The order if `actor` is an officer of the department that issued it (403 otherwise).
fn issued_by_department(actor: &Actor, order: StampOrder) -> Result<StampOrder> {
    if actor.role == Role::Officer && actor.department_id == Some(order.department_id) {
        Ok(order)
    } else {
        Err(RegistryError::denied(
            Code::NotIssuingDepartment,
            format!(
                "only an officer of the issuing department may revoke the stamps of order {}",
                order.id
            ),
        ))
    }
}

/// Revokes stamps of an order (an officer of the issuing department), with a reason. Stamps
/// revoked before keep their first revocation and are counted as `already_revoked`.
pub fn revoke_order(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order_id: i64,
    revocation: &OrderRevocation,
) -> Result<RevocationRecord> {
    let order = issued_by_department(actor, load_order(conn, order_id)?)?;
    let (first, last) = range(&order, revocation.first_seq, revocation.last_seq)?;
    revoke(conn, now, actor, &order, first, last, &revocation.reason)
}

/// Revokes one stamp by serial (see [`revoke_order`]).
pub fn revoke_stamp(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    serial: &str,
    revocation: &StampRevocation,
) -> Result<RevocationRecord> {
    let (order, seq, _) = locate(conn, serial)?;
    let order = issued_by_department(actor, order)?;
    revoke(conn, now, actor, &order, seq, seq, &revocation.reason)
}

fn revoke(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    order: &StampOrder,
    first: i64,
    last: i64,
    reason: &str,
) -> Result<RevocationRecord> {
    let reason = text("reason", reason, 2000)?;
    let id = diesel::insert_into(stamp_revocations::table)
        .values((
            stamp_revocations::order_id.eq(order.id),
            stamp_revocations::first_seq.eq(first),
            stamp_revocations::last_seq.eq(last),
            stamp_revocations::reason.eq(reason),
            stamp_revocations::company_prefix.eq(&order.company_prefix),
            stamp_revocations::revoked_by.eq(actor.audit_name()),
            stamp_revocations::revoked_at.eq(now),
        ))
        .returning(stamp_revocations::id)
        .get_result::<i64>(conn)?;
    let revoked = diesel::update(
        stamps::table
            .filter(stamps::order_id.eq(order.id))
            .filter(stamps::seq.between(first, last))
            .filter(stamps::revoked_at.is_null()),
    )
    .set((stamps::revoked_at.eq(now), stamps::revocation_id.eq(id)))
    .execute(conn)?;
    let revoked = i64::try_from(revoked).unwrap_or(i64::MAX);
    Ok(RevocationRecord {
        id,
        order_id: order.id,
        first_seq: first,
        last_seq: last,
        reason: reason.to_owned(),
        revoked,
        already_revoked: last - first + 1 - revoked,
        revoked_at: now,
    })
}
