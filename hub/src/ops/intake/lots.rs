//! Agri and food records stored: their EPCIS events, and the registry's rules on inputs used,
//! harvests, raw lots consumed, tests and shipments (`registry::intake::{agri, food, lots}`).

use adapters::regulators::agri::{self, AgriRecord, AgriRecordKind};
use adapters::regulators::food::{self, FoodRecord, FoodRecordKind};
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::departments::Category;
use registry::enterprises::LineError;
use registry::intake::agri as agri_rules;
use registry::intake::food as food_rules;
use registry::intake::lots::{self, LotAt};

use super::{Applied, Stored};

/// Stores one agri record (see [`Applied::record`]).
pub(super) fn store_agri(
    conn: &mut DbConn,
    now: NaiveDateTime,
    applied: &Applied,
    r: &AgriRecord,
) -> registry::Result<Result<Stored, LineError>> {
    let events = agri::events(r);
    if !applied.writing {
        return Ok(Ok((r.line, events, 0)));
    }
    let delivery_id = applied.delivery_id;
    let alerts = match &r.kind {
        AgriRecordKind::Plant { .. } => 0,
        AgriRecordKind::Input {
            input_type,
            name,
            registration_number,
            withdrawal_days,
        } => {
            let used = agri_rules::InputUse {
                delivery_id,
                site_gln: &r.site,
                lot: &r.lot,
                used_on: r.date,
                input_type,
                name,
                registration_number,
                withdrawal_days: *withdrawal_days,
            };
            agri_rules::record_input(conn, now, &used)?
        }
        AgriRecordKind::Harvest { .. } => {
            agri_rules::harvested(conn, now, delivery_id, &r.site, &r.lot, r.date)?
        }
        AgriRecordKind::ResidueTest {
            gtin,
            passed,
            report_number,
        } => lots::tested(
            conn,
            now,
            &agri_lot(r, delivery_id, gtin),
            *passed,
            report_number,
        )?,
        AgriRecordKind::Ship { gtin, .. } => {
            lots::shipped(conn, now, &agri_lot(r, delivery_id, gtin))?
        }
    };
    Ok(Ok((r.line, events, alerts)))
}

/// A farm's product lot, `gtin` and the record's lot code.
fn agri_lot<'a>(r: &'a AgriRecord, delivery_id: i64, gtin: &'a str) -> LotAt<'a> {
    LotAt {
        delivery_id,
        site_gln: &r.site,
        gtin,
        lot: &r.lot,
        on: r.date,
        category: Category::EdibleAgri,
        failed_shipped: agri_rules::FAILED_SHIPPED,
    }
}

/// Stores one food record (see [`Applied::record`]).
pub(super) fn store_food(
    conn: &mut DbConn,
    now: NaiveDateTime,
    applied: &Applied,
    r: &FoodRecord,
) -> registry::Result<Result<Stored, LineError>> {
    let events = food::events(r);
    if !applied.writing {
        return Ok(Ok((r.line, events, 0)));
    }
    let lot_at = LotAt {
        delivery_id: applied.delivery_id,
        site_gln: &r.site,
        gtin: &r.gtin,
        lot: &r.lot,
        on: r.date,
        category: Category::Food,
        failed_shipped: food_rules::FAILED_RELEASED,
    };
    let alerts = match &r.kind {
        FoodRecordKind::Batch { inputs, .. } | FoodRecordKind::Pack { inputs, .. } => {
            let made = food_rules::Made {
                delivery_id: applied.delivery_id,
                site_gln: &r.site,
                gtin: &r.gtin,
                lot: &r.lot,
                inputs,
            };
            food_rules::consumed(conn, now, &made)?
        }
        FoodRecordKind::Coa {
            passed,
            report_number,
        } => lots::tested(conn, now, &lot_at, *passed, report_number)?,
        FoodRecordKind::Ship { .. } => lots::shipped(conn, now, &lot_at)?,
    };
    Ok(Ok((r.line, events, alerts)))
}
