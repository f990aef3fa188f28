//! Drug records stored: products filed, codes commissioned, sold and dispensed under the
//! registry's rules (`registry::intake::drugs`), every other record as its EPCIS events.

use std::collections::HashMap;

use adapters::regulators::drugs::{self, DrugCode, DrugRecord, DrugRecordKind};
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::enterprises::LineError;
use registry::error::Code;
use registry::intake::drugs as state;

use super::{Applied, Stored};

/// What a delivery remembers across its drug records.
#[derive(Debug, Default)]
pub(super) struct Remembered {
    /// The GTIN filed per drug identification code, as read or filed in this delivery.
    gtins: HashMap<String, Option<String>>,
}

/// Stores one drug record, or only checks it when the delivery no longer writes (see
/// [`Applied::record`]).
pub(super) fn store(
    conn: &mut DbConn,
    now: NaiveDateTime,
    applied: &mut Applied,
    drug: &DrugRecord,
) -> registry::Result<Result<Stored, LineError>> {
    let line = drug.line;
    let (delivery_id, writing) = (applied.delivery_id, applied.writing);
    let remembered = &mut applied.drugs;
    if let DrugRecordKind::Product {
        drug_id,
        gtin,
        name,
        approval_number,
    } = &drug.kind
    {
        let product = state::DrugProduct {
            drug_id,
            gtin,
            name,
            approval_number,
        };
        if writing {
            state::file_product(conn, now, delivery_id, &product)?;
        }
        remembered.gtins.insert(drug_id.clone(), Some(gtin.clone()));
        return Ok(Ok((line, Vec::new(), 0)));
    }
    for id in drug_ids(&drug.kind) {
        if !remembered.gtins.contains_key(id) {
            let gtin = state::filed_gtin(conn, id)?;
            remembered.gtins.insert(id.to_owned(), gtin);
        }
    }
    let gtins = &remembered.gtins;
    let filed = |id: &str| gtins.get(id).cloned().flatten();
    let events = match drugs::events(&drug.kind, &filed) {
        Ok(events) => events,
        Err((column, message)) => {
            return Ok(Err(LineError::new(
                line,
                column,
                Code::UnknownProduct,
                message,
            )));
        }
    };
    let alerts = if writing {
        checks(conn, now, delivery_id, &drug.kind, &filed)?
    } else {
        0
    };
    Ok(Ok((line, events, alerts)))
}

/// The registry's rules on codes commissioned, sold and dispensed; the alerts raised.
fn checks(
    conn: &mut DbConn,
    now: NaiveDateTime,
    delivery_id: i64,
    kind: &DrugRecordKind,
    filed: &dyn Fn(&str) -> Option<String>,
) -> registry::Result<i64> {
    let epc_of = |code: &DrugCode| code.epc(code.drug_id().and_then(filed).as_deref());
    match kind {
        DrugRecordKind::Commission {
            at,
            site,
            code,
            batch,
            expiry,
        } => {
            let Some(epc) = epc_of(code) else {
                return Ok(0);
            };
            let commissioning = state::Commissioning {
                delivery_id,
                epc: &epc,
                batch,
                expiry: *expiry,
                site_gln: site,
                at: at.naive_utc(),
                carried: carried(code),
            };
            state::commission(conn, now, &commissioning)
        }
        DrugRecordKind::Sell {
            at,
            site,
            code,
            batch,
        }
        | DrugRecordKind::Dispense {
            at,
            site,
            code,
            batch,
        } => {
            let Some(epc) = epc_of(code) else {
                return Ok(0);
            };
            let end = if matches!(kind, DrugRecordKind::Sell { .. }) {
                state::End::Sold
            } else {
                state::End::Dispensed
            };
            let ending = state::Ending {
                delivery_id,
                epc: &epc,
                end,
                site_gln: site,
                at: at.naive_utc(),
                recorded_batch: batch.as_deref(),
                carried: carried(code),
            };
            state::end(conn, now, &ending)
        }
        _ => Ok(0),
    }
}

/// The drug identification codes a record names.
fn drug_ids(kind: &DrugRecordKind) -> Vec<&str> {
    let codes: Vec<&DrugCode> = match kind {
        DrugRecordKind::Product { .. } => Vec::new(),
        DrugRecordKind::Commission { code, .. }
        | DrugRecordKind::Sell { code, .. }
        | DrugRecordKind::Dispense { code, .. } => vec![code],
        DrugRecordKind::Pack { parent, codes, .. } => {
            std::iter::once(parent).chain(codes).collect()
        }
        DrugRecordKind::Ship { codes, .. } | DrugRecordKind::Receive { codes, .. } => {
            codes.iter().collect()
        }
    };
    codes.into_iter().filter_map(DrugCode::drug_id).collect()
}

/// What a DataMatrix carries besides its GTIN and serial.
fn carried(code: &DrugCode) -> state::Carried<'_> {
    match code {
        DrugCode::Gs1 { batch, expiry, .. } => state::Carried {
            batch: batch.as_deref(),
            expiry: *expiry,
        },
        _ => state::Carried::default(),
    }
}
