//! The food adapter's rules on what a batch consumed, and (through [`super::lots`]) each lot's
//! shipments and certificates of analysis.
//!
//! Alerts, to the department competent for the producer (category food):
//! - [`RECALLED_INPUT`]: a batch made from a raw lot under an open recall case;
//! - [`BLACKLISTED_SUPPLIER`]: a batch made from a lot of a supplier on the blacklist (by the
//!   GS1 company prefix of the lot's GTIN);
//! - [`FAILED_RELEASED`]: a lot whose certificate of analysis failed, shipped (whichever came
//!   first).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::site_alerts::{self, Concerned, SiteAlert};
use crate::alerts::Severity;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::recalls::status;
use crate::schema::{blacklist, enterprises, recall_case_lots, recall_cases};

/// A batch made from a recalled raw lot.
pub const RECALLED_INPUT: &str = "food.recalled_input";
/// A batch made from a blacklisted supplier's lot.
pub const BLACKLISTED_SUPPLIER: &str = "food.blacklisted_supplier";
/// A lot whose certificate failed, shipped.
pub const FAILED_RELEASED: &str = "food.failed_released";

/// A batch (or packing) made at `site_gln` into `gtin`/`lot` from `inputs`.
#[derive(Debug, Clone)]
pub struct Made<'a> {
    pub delivery_id: i64,
    pub site_gln: &'a str,
    pub gtin: &'a str,
    pub lot: &'a str,
    pub inputs: &'a [(String, String)],
}

/// Checks what a batch consumed; returns the alerts raised.
pub fn consumed(conn: &mut DbConn, now: NaiveDateTime, made: &Made<'_>) -> Result<i64> {
    let mut raised = 0;
    for (gtin, lot) in made.inputs {
        let cases: Vec<i64> = recall_case_lots::table
            .inner_join(recall_cases::table.on(recall_cases::id.eq(recall_case_lots::case_id)))
            .filter(recall_case_lots::gtin.eq(gtin))
            .filter(recall_case_lots::lot.eq(lot))
            .filter(recall_cases::status.eq(status::OPEN))
            .select(recall_cases::id)
            .load(conn)?;
        if !cases.is_empty() {
            let detail = json!({ "input": { "gtin": gtin, "lot": lot }, "recall_cases": cases });
            raised += alert(conn, now, made, RECALLED_INPUT, detail, gtin, lot)?;
        }
        let digits = gtin.get(1..).unwrap_or_default();
        let listed: Vec<(String, String)> = blacklist::table
            .inner_join(enterprises::table.on(enterprises::id.eq(blacklist::enterprise_id)))
            .filter(blacklist::removed_at.is_null())
            .filter(blacklist::company_prefix.ne(""))
            .select((blacklist::company_prefix, enterprises::name))
            .load(conn)?;
        if let Some((prefix, supplier)) = listed
            .into_iter()
            .find(|(p, _)| digits.starts_with(p.as_str()))
        {
            let detail = json!({ "input": { "gtin": gtin, "lot": lot }, "supplier": supplier,
                                 "company_prefix": prefix });
            raised += alert(conn, now, made, BLACKLISTED_SUPPLIER, detail, gtin, lot)?;
        }
    }
    Ok(raised)
}

fn alert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    made: &Made<'_>,
    kind: &str,
    mut detail: serde_json::Value,
    input_gtin: &str,
    input_lot: &str,
) -> Result<i64> {
    detail["delivery_id"] = json!(made.delivery_id);
    let subject = format!("lot:https://id.gs1.org/01/{}/10/{}", made.gtin, made.lot);
    let key = format!("{kind}:{}:{}:{input_gtin}:{input_lot}", made.gtin, made.lot);
    site_alerts::raise(
        conn,
        now,
        SiteAlert {
            concerned: Concerned::Site(made.site_gln),
            category: Category::Food,
            kind,
            severity: Severity::Critical,
            subject: &subject,
            detail,
            dedupe_key: &key,
        },
    )
}
