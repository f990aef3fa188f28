//! Stamps: issuance by the competent department, activation by the enterprise, revocation by
//! the issuing department, and the public's reports of suspected fakes.

use registry::stamps::fakes::{self, FakeReport, NewFakeReport};
use registry::stamps::{
    self, ActivationRecord, OrderActivation, OrderRevocation, RevocationRecord, SerialGenerator,
    StampActivation, StampOrder, StampRevocation,
};
use serde_json::json;

use super::{Caller, Change, Origin, Request, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Which stamps an activation binds to a batch.
pub enum Activation {
    /// Stamps of an order (all, or a range).
    Order(i64, OrderActivation),
    /// One stamp by serial.
    Stamp(String, StampActivation),
}

/// Which stamps a revocation revokes.
pub enum Revocation {
    /// Stamps of an order (all, or a range).
    Order(i64, OrderRevocation),
    /// One stamp by serial.
    Stamp(String, StampRevocation),
}

/// Issues an order of stamps, reporting the stamps written so far to `progress`.
pub fn issue(
    core: &Core,
    caller: &Caller,
    new: &stamps::NewStampOrder,
    progress: &mut dyn FnMut(u64),
) -> Result<StampOrder, ApiError> {
    let ring = core.stamp_key_ring()?;
    let host = core
        .config
        .stamps
        .resolver_host(&core.config.server.public_url)
        .map_err(ApiError::internal)?;
    audited_as(core, caller, "stamps.issue", |conn, now, actor| {
        let mut serials = SerialGenerator::from_thread_rng();
        let order =
            stamps::issue_order_with(conn, now, actor, new, &ring, &host, &mut serials, progress)?;
        let detail = json!({ "enterprise_id": order.enterprise_id, "product_id": order.product_id, "kind": order.kind, "quantity": order.quantity, "gtin": order.gtin });
        let target = format!("stamp_order:{}", order.id);
        Ok(Change::recorded(order, target, detail))
    })
}

/// Binds stamps to one of the enterprise's batches of their product.
pub fn activate(
    core: &Core,
    caller: &Caller,
    which: &Activation,
) -> Result<ActivationRecord, ApiError> {
    audited_as(core, caller, "stamps.activate", |conn, now, actor| {
        let record = match which {
            Activation::Order(id, activation) => {
                stamps::activate_order(conn, now, actor, *id, activation)?
            }
            Activation::Stamp(serial, activation) => {
                stamps::activate_stamp(conn, now, actor, serial, activation)?
            }
        };
        let detail = json!({ "order_id": record.order_id, "first_seq": record.first_seq, "last_seq": record.last_seq, "batch_id": record.batch_id, "activated": record.activated });
        let target = format!("stamp_order:{}", record.order_id);
        Ok(Change::recorded(record, target, detail))
    })
}

/// Revokes stamps with a reason; stamps revoked before keep their first revocation.
pub fn revoke(
    core: &Core,
    caller: &Caller,
    which: &Revocation,
) -> Result<RevocationRecord, ApiError> {
    audited_as(core, caller, "stamps.revoke", |conn, now, actor| {
        let record = match which {
            Revocation::Order(id, revocation) => {
                stamps::revoke_order(conn, now, actor, *id, revocation)?
            }
            Revocation::Stamp(serial, revocation) => {
                stamps::revoke_stamp(conn, now, actor, serial, revocation)?
            }
        };
        let detail = json!({ "order_id": record.order_id, "first_seq": record.first_seq, "last_seq": record.last_seq, "reason": record.reason, "revoked": record.revoked });
        let target = format!("stamp_order:{}", record.order_id);
        Ok(Change::recorded(record, target, detail))
    })
}

/// Stores a suspected fake reported by the public (recorded as `public`), raising its alert
/// to the producer's competent department. `client_hash` is the reporter's keyed address hash.
pub fn report_fake(
    core: &Core,
    request: &Request,
    new: &NewFakeReport,
    client_hash: &str,
) -> Result<FakeReport, ApiError> {
    let origin = Origin::public(request.clone());
    audited(core, &origin, "stamp.fake_report", |conn, now| {
        let report = fakes::report_fake(conn, now, new, client_hash)?;
        let detail = json!({
            "serial": report.serial,
            "known_serial": report.known_serial,
            "alert_id": report.alert_id,
        });
        let target = format!("stamp_fake_report:{}", report.id);
        Ok(Change::recorded(report, target, detail))
    })
}
