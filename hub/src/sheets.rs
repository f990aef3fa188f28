//! Stamp sheets, shared by `GET /api/v1/stamp-orders/{id}/sheet.pdf` and `hub stamps print`:
//! an order's labels read from the database in pages of 2,000 and drawn by `reports::stamps`
//! as they come, so an order of any size passes in bounded memory.
//!
//! Hidden codes are derived (never read: they are not stored) and printed only when the caller
//! passes the key ring, which the API does only for an officer of the issuing department.
//! Everyone else allowed to read the order (the enterprise) gets the sheet without them.

use std::io::Write;

use registry::db::Db;
use registry::stamps::{
    HiddenCodeKeyRing, StampKind, StampOrder, order_product_name, serials_page,
};
use reports::stamps::{SheetHeader, SheetKind, SheetLayout, SheetWriter, StampPrintError};

/// Stamps read per database round while drawing a sheet.
const PAGE: i64 = 2_000;

/// What can stop a sheet.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error(transparent)]
    Registry(#[from] registry::RegistryError),
    #[error(transparent)]
    Print(#[from] StampPrintError),
}

/// Checks a layout before anything is written (so a bad one is a 422, not a broken stream).
pub fn check_layout(layout: &SheetLayout) -> Result<(), StampPrintError> {
    layout.validate()
}

/// Writes the sheet of `order` to `out`, reporting labels drawn to `progress`; `ring` given,
/// an anti-counterfeit order's hidden codes are printed.
pub fn write_order_sheet<W: Write>(
    db: &Db,
    order: &StampOrder,
    ring: Option<&HiddenCodeKeyRing>,
    layout: &SheetLayout,
    out: W,
    progress: &mut dyn FnMut(u64),
) -> Result<W, SheetError> {
    let product = order_product_name(&mut *db.conn()?, order)?;
    let ring = ring.filter(|_| order.stamp_kind() == StampKind::AntiCounterfeit);
    let kind = if ring.is_some() {
        SheetKind::AntiCounterfeit
    } else {
        SheetKind::Qr
    };
    let header = SheetHeader {
        order_id: order.id.to_string(),
        product: format!("{product} ({})", order.gtin),
    };
    let total = u64::try_from(order.quantity).unwrap_or(0);
    let base = order.link_base()?;
    let mut sheet = SheetWriter::new(out, layout, kind, &header, total)?;
    let mut after = 0;
    let mut uri = String::new();
    loop {
        let page = serials_page(&mut *db.conn()?, order.id, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, serial, version) in page.iter().filter(|(seq, _, _)| *seq <= order.quantity) {
            let hidden = match (ring, version) {
                (Some(ring), Some(v)) => {
                    let v = u16::try_from(*v).unwrap_or(0);
                    let code = ring.hidden_code(v, serial).map_err(|e| {
                        registry::RegistryError::Config(format!("stamps.hidden_code_keys: {e}"))
                    })?;
                    Some(code.grouped())
                }
                _ => None,
            };
            uri.clear();
            base.write_uri(serial, &mut uri);
            sheet.push_parts(serial.as_str(), &uri, hidden.as_deref())?;
        }
        progress(sheet.labels_written());
        if after >= order.quantity {
            break;
        }
    }
    Ok(sheet.finish()?)
}

/// Whether `actor` gets an order's hidden codes: only an officer of the issuing department.
pub fn may_see_hidden_codes(actor: &registry::identity::Actor, order: &StampOrder) -> bool {
    actor.role == registry::identity::Role::Officer
        && actor.department_id == Some(order.department_id)
}
