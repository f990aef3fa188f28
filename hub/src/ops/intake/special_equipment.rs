//! Special-equipment records stored: each as its EPCIS event about the equipment's GIAI, and
//! its effect on the equipment's state under the registry's rules
//! (`registry::intake::special_equipment`).

use std::collections::HashMap;

use adapters::regulators::special_equipment::{self, EquipmentRecord, EquipmentRecordKind};
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::enterprises::LineError;
use registry::error::Code;
use registry::intake::special_equipment::{self as state, Change, Lifecycle};

use super::{Applied, Stored};

/// What a delivery remembers across its records.
#[derive(Debug, Default)]
pub(super) struct Remembered {
    /// EPCs of the equipment made in this delivery (known before they are written).
    epcs: HashMap<String, String>,
}

/// Stores one record (see [`Applied::record`]).
pub(super) fn store(
    conn: &mut DbConn,
    now: NaiveDateTime,
    applied: &mut Applied,
    record: &EquipmentRecord,
) -> registry::Result<Result<Stored, LineError>> {
    let epcs = &mut applied.equipment.epcs;
    let epc = match &record.kind {
        EquipmentRecordKind::Manufacture { gs1_prefix, .. } => {
            let epc = special_equipment::epc(gs1_prefix, &record.code);
            epcs.insert(record.code.clone(), epc.clone());
            Some(epc)
        }
        _ => match epcs.get(&record.code) {
            Some(epc) => Some(epc.clone()),
            None => state::epc_of(conn, &record.code)?,
        },
    };
    let Some(epc) = epc else {
        return Ok(Err(LineError::new(
            record.line,
            "code",
            Code::UnknownEquipment,
            format!("no manufacture record for {}", record.code),
        )));
    };
    let change = match &record.kind {
        EquipmentRecordKind::Manufacture { .. } => Change::Manufacture { epc: &epc },
        EquipmentRecordKind::Inspect { next_due, .. } => Change::Inspect {
            next_due: *next_due,
        },
        EquipmentRecordKind::RegisterFiller => Change::RegisterFiller,
        EquipmentRecordKind::Fill { .. } => Change::Fill,
        EquipmentRecordKind::Scrap => Change::Scrap,
        EquipmentRecordKind::Install | EquipmentRecordKind::Maintain => Change::Other,
    };
    let alerts = if applied.writing {
        let lifecycle = Lifecycle {
            delivery_id: applied.delivery_id,
            code: &record.code,
            company: &record.company,
            site_gln: &record.site,
            at: record.at.naive_utc(),
            change,
        };
        state::record(conn, now, &lifecycle)?
    } else {
        0
    };
    Ok(Ok((
        record.line,
        special_equipment::events(record, &epc),
        alerts,
    )))
}
