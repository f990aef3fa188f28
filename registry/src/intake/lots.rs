//! Lots of the lot-based adapters (agri, food): when each was first shipped and whether a test
//! of it failed. A failed test and a shipment raise one alert, whichever is recorded second.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::site_alerts::{self, Concerned, SiteAlert};
use crate::alerts::Severity;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::schema::lot_checks;

/// Something that happened to a lot at a site.
#[derive(Debug, Clone, Copy)]
pub struct LotAt<'a> {
    pub delivery_id: i64,
    pub site_gln: &'a str,
    pub gtin: &'a str,
    pub lot: &'a str,
    pub on: NaiveDate,
    pub category: Category,
    /// The alert kind of a failed lot shipped.
    pub failed_shipped: &'a str,
}

type Checks = (Option<NaiveDate>, Option<String>);

fn checks(conn: &mut DbConn, at: &LotAt<'_>) -> Result<Option<Checks>> {
    Ok(lot_checks::table
        .find((at.gtin, at.lot))
        .select((lot_checks::shipped_on, lot_checks::failed_report))
        .first(conn)
        .optional()?)
}

/// Records a test of the lot; returns the alerts raised (a failed test of a lot shipped).
pub fn tested(
    conn: &mut DbConn,
    now: NaiveDateTime,
    at: &LotAt<'_>,
    passed: bool,
    report: &str,
) -> Result<i64> {
    if passed {
        return Ok(0);
    }
    let known = checks(conn, at)?;
    match known {
        Some(_) => {
            diesel::update(lot_checks::table.find((at.gtin, at.lot)))
                .set(lot_checks::failed_report.eq(report))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(lot_checks::table)
                .values((
                    lot_checks::gtin.eq(at.gtin),
                    lot_checks::lot.eq(at.lot),
                    lot_checks::failed_report.eq(report),
                ))
                .execute(conn)?;
        }
    }
    match known.and_then(|(shipped, _)| shipped) {
        Some(shipped_on) => alert(conn, now, at, shipped_on, report),
        None => Ok(0),
    }
}

/// Records a shipment of the lot; returns the alerts raised (a lot shipped after a failed
/// test).
pub fn shipped(conn: &mut DbConn, now: NaiveDateTime, at: &LotAt<'_>) -> Result<i64> {
    let known = checks(conn, at)?;
    match &known {
        Some((Some(_), _)) => {}
        Some((None, _)) => {
            diesel::update(lot_checks::table.find((at.gtin, at.lot)))
                .set(lot_checks::shipped_on.eq(at.on))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(lot_checks::table)
                .values((
                    lot_checks::gtin.eq(at.gtin),
                    lot_checks::lot.eq(at.lot),
                    lot_checks::shipped_on.eq(at.on),
                ))
                .execute(conn)?;
        }
    }
    match known.and_then(|(_, failed)| failed) {
        Some(report) => alert(conn, now, at, at.on, &report),
        None => Ok(0),
    }
}

fn alert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    at: &LotAt<'_>,
    shipped_on: NaiveDate,
    report: &str,
) -> Result<i64> {
    let subject = format!("lot:https://id.gs1.org/01/{}/10/{}", at.gtin, at.lot);
    site_alerts::raise(
        conn,
        now,
        SiteAlert {
            concerned: Concerned::Site(at.site_gln),
            category: at.category,
            kind: at.failed_shipped,
            severity: Severity::Critical,
            subject: &subject,
            detail: json!({ "gtin": at.gtin, "lot": at.lot, "shipped_on": shipped_on,
                            "failed_report": report, "delivery_id": at.delivery_id }),
            dedupe_key: &format!("{}:{}:{}", at.failed_shipped, at.gtin, at.lot),
        },
    )
}
