//! The special-equipment adapter's records: each piece of equipment's EPC, scrapping, the
//! filling company a gas cylinder is registered to, and its next inspection's due date.
//!
//! Alerts, to the department competent for the company acting, or for an overdue inspection the
//! enterprise whose site the equipment was last recorded at (category special equipment):
//! - [`FILLED_UNREGISTERED`]: a cylinder filled by a company it is not registered to;
//! - [`SCRAPPED_REUSED`]: any record about a code after it was scrapped;
//! - [`INSPECTION_OVERDUE`]: found by [`overdue_inspections`] (a scheduled job), once per
//!   piece of equipment and due date.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::site_alerts::{self, Concerned, SiteAlert};
use crate::alerts::Severity;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::schema::equipment;

/// A cylinder filled by a company it is not registered to.
pub const FILLED_UNREGISTERED: &str = "equipment.filled_unregistered";
/// A scrapped code in use again.
pub const SCRAPPED_REUSED: &str = "equipment.scrapped_reused";
/// A periodic inspection overdue.
pub const INSPECTION_OVERDUE: &str = "equipment.inspection_overdue";

/// The EPC of a code, when its manufacture was recorded.
pub fn epc_of(conn: &mut DbConn, code: &str) -> Result<Option<String>> {
    Ok(equipment::table
        .find(code)
        .select(equipment::epc)
        .first(conn)
        .optional()?)
}

/// What a record does to the equipment's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change<'a> {
    /// Made, with its EPC.
    Manufacture {
        epc: &'a str,
    },
    /// Inspected; the next inspection is due then.
    Inspect {
        next_due: NaiveDate,
    },
    /// Registered to the acting filling company.
    RegisterFiller,
    /// Filled by the acting company.
    Fill,
    Scrap,
    /// Installed or maintained: nothing to keep.
    Other,
}

/// A lifecycle record.
#[derive(Debug, Clone)]
pub struct Lifecycle<'a> {
    pub delivery_id: i64,
    pub code: &'a str,
    /// The acting company's credit code.
    pub company: &'a str,
    pub site_gln: &'a str,
    pub at: NaiveDateTime,
    pub change: Change<'a>,
}

/// Records a lifecycle record and checks it; returns the alerts raised.
pub fn record(conn: &mut DbConn, now: NaiveDateTime, r: &Lifecycle<'_>) -> Result<i64> {
    let known: Option<(Option<NaiveDateTime>, Option<String>)> = equipment::table
        .find(r.code)
        .select((equipment::scrapped_at, equipment::filler))
        .first(conn)
        .optional()?;
    let mut raised = 0;
    if let Some((Some(scrapped_at), _)) = &known {
        if r.change != Change::Scrap {
            let detail = json!({ "scrapped_at": crate::time::rfc3339(*scrapped_at) });
            raised += alert(conn, now, r, SCRAPPED_REUSED, Severity::Critical, detail)?;
        }
    }
    let filler = known.as_ref().and_then(|k| k.1.as_deref());
    if r.change == Change::Fill && filler != Some(r.company) {
        let detail = json!({ "registered_filler": filler, "filled_by": r.company });
        raised += alert(
            conn,
            now,
            r,
            FILLED_UNREGISTERED,
            Severity::Critical,
            detail,
        )?;
    }
    let changed = diesel::update(equipment::table.find(r.code));
    match r.change {
        Change::Manufacture { epc } if known.is_none() => {
            diesel::insert_into(equipment::table)
                .values((
                    equipment::code.eq(r.code),
                    equipment::epc.eq(epc),
                    equipment::manufacturer.eq(r.company),
                    equipment::last_site_gln.eq(r.site_gln),
                    equipment::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Change::Inspect { next_due } => {
            changed
                .set((
                    equipment::next_inspection_due.eq(next_due),
                    equipment::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Change::RegisterFiller => {
            changed
                .set((
                    equipment::filler.eq(r.company),
                    equipment::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Change::Scrap => {
            changed
                .set((
                    equipment::scrapped_at.eq(r.at),
                    equipment::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        _ => {}
    }
    if known.is_some() {
        diesel::update(equipment::table.find(r.code))
            .set(equipment::last_site_gln.eq(r.site_gln))
            .execute(conn)?;
    }
    Ok(raised)
}

/// Raises an alert for every piece of equipment in service whose inspection was due before
/// `today`; returns how many were raised (each once per due date).
pub fn overdue_inspections(conn: &mut DbConn, now: NaiveDateTime) -> Result<i64> {
    let today = now.date();
    let overdue: Vec<(String, String, NaiveDate)> = equipment::table
        .filter(equipment::next_inspection_due.lt(today))
        .filter(equipment::scrapped_at.is_null())
        .select((
            equipment::code,
            equipment::last_site_gln,
            equipment::next_inspection_due.assume_not_null(),
        ))
        .load(conn)?;
    let mut raised = 0;
    for (code, site, due) in overdue {
        let detail = json!({ "code": code, "due": due, "days_overdue": (today - due).num_days(), "site_gln": site });
        raised += raise(
            conn,
            now,
            Concerned::Site(&site),
            INSPECTION_OVERDUE,
            Severity::Warning,
            detail,
            &code,
            &format!("{INSPECTION_OVERDUE}:{code}:{due}"),
        )?;
    }
    Ok(raised)
}

fn alert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    r: &Lifecycle<'_>,
    kind: &str,
    severity: Severity,
    mut detail: serde_json::Value,
) -> Result<i64> {
    detail["code"] = json!(r.code);
    detail["company"] = json!(r.company);
    detail["delivery_id"] = json!(r.delivery_id);
    detail["site_gln"] = json!(r.site_gln);
    detail["at"] = json!(crate::time::rfc3339(r.at));
    let key = format!("{kind}:{}:{}", r.code, r.at);
    let company = Concerned::Company(r.company);
    raise(conn, now, company, kind, severity, detail, r.code, &key)
}

/// Raises `kind` about equipment `code` for the enterprise concerned.
#[allow(clippy::too_many_arguments, reason = "an alert's parts, named")]
fn raise(
    conn: &mut DbConn,
    now: NaiveDateTime,
    concerned: Concerned<'_>,
    kind: &str,
    severity: Severity,
    detail: serde_json::Value,
    code: &str,
    key: &str,
) -> Result<i64> {
    site_alerts::raise(
        conn,
        now,
        SiteAlert {
            concerned,
            category: Category::SpecialEquipment,
            kind,
            severity,
            subject: &format!("equipment:{code}"),
            detail,
            dedupe_key: key,
        },
    )
}
