//! The drugs adapter's records: drugs by their 7-digit identification code (the GTIN a national
//! code's serial is stored under), and the state of each pack code: the batch and expiry it
//! was commissioned with, and its end (sold or dispensed).
//!
//! Alerts, modelled on the European medicines verification system's (unknown serial, already
//! decommissioned, batch or expiry mismatch), each to the department competent for the site
//! where it happened (category drugs):
//! - [`DISPENSED_TWICE`]: a code sold or dispensed when it already was;
//! - [`AFTER_EXPIRY`]: sold or dispensed after its expiry date;
//! - [`BATCH_MISMATCH`]: the batch the code carries (a DataMatrix's (10)) or the batch the sale
//!   recorded differs from the batch the code was commissioned with; or a DataMatrix's (10) or
//!   (17) differs from its own commissioning record;
//! - [`UNKNOWN_CODE`]: a code sold or dispensed that was never commissioned, and that carries no
//!   expiry of its own.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::site_alerts::{self, Concerned, SiteAlert};
use crate::alerts::Severity;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::schema::{drug_codes, drug_products};

/// A code sold or dispensed a second time.
pub const DISPENSED_TWICE: &str = "drug_dispensed_twice";
/// A code sold or dispensed after its expiry.
pub const AFTER_EXPIRY: &str = "drug_after_expiry";
/// A batch (or expiry) that does not match the code's.
pub const BATCH_MISMATCH: &str = "drug_batch_mismatch";
/// A code sold or dispensed that nobody commissioned.
pub const UNKNOWN_CODE: &str = "drug_unknown_code";

/// The GTIN filed for a drug identification code.
pub fn filed_gtin(conn: &mut DbConn, drug_id: &str) -> Result<Option<String>> {
    Ok(drug_products::table
        .find(drug_id)
        .select(drug_products::gtin)
        .first(conn)
        .optional()?)
}

/// A drug as the regulator's system files it.
#[derive(Debug, Clone)]
pub struct DrugProduct<'a> {
    pub drug_id: &'a str,
    pub gtin: &'a str,
    pub name: &'a str,
    pub approval_number: &'a str,
}

/// Files a drug, or updates it when its identification code is known.
pub fn file_product(
    conn: &mut DbConn,
    now: NaiveDateTime,
    delivery_id: i64,
    drug: &DrugProduct<'_>,
) -> Result<()> {
    let changed = diesel::update(drug_products::table.find(drug.drug_id))
        .set((
            drug_products::gtin.eq(drug.gtin),
            drug_products::name.eq(drug.name),
            drug_products::approval_number.eq(drug.approval_number),
            drug_products::delivery_id.eq(delivery_id),
            drug_products::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(drug_products::table)
            .values((
                drug_products::drug_id.eq(drug.drug_id),
                drug_products::gtin.eq(drug.gtin),
                drug_products::name.eq(drug.name),
                drug_products::approval_number.eq(drug.approval_number),
                drug_products::delivery_id.eq(delivery_id),
                drug_products::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// What a code itself carries (a DataMatrix's (10) and (17)); nothing for a national code.
#[derive(Debug, Clone, Copy, Default)]
pub struct Carried<'a> {
    pub batch: Option<&'a str>,
    pub expiry: Option<NaiveDate>,
}

/// A code applied on the line.
#[derive(Debug, Clone)]
pub struct Commissioning<'a> {
    pub delivery_id: i64,
    pub epc: &'a str,
    pub batch: &'a str,
    pub expiry: NaiveDate,
    pub site_gln: &'a str,
    pub at: NaiveDateTime,
    pub carried: Carried<'a>,
}

/// Records a code's commissioning (again: nothing changes); returns the alerts raised.
pub fn commission(conn: &mut DbConn, now: NaiveDateTime, c: &Commissioning<'_>) -> Result<i64> {
    let known: Option<(String, NaiveDate)> = drug_codes::table
        .find(c.epc)
        .select((drug_codes::batch, drug_codes::expiry))
        .first(conn)
        .optional()?;
    let mut mismatches = Vec::new();
    if let Some((batch, expiry)) = &known {
        if batch != c.batch || *expiry != c.expiry {
            mismatches.push(
                json!({ "commissioned": { "batch": batch, "expiry": expiry },
                                    "recorded": { "batch": c.batch, "expiry": c.expiry } }),
            );
        }
    } else {
        diesel::insert_into(drug_codes::table)
            .values((
                drug_codes::epc.eq(c.epc),
                drug_codes::batch.eq(c.batch),
                drug_codes::expiry.eq(c.expiry),
                drug_codes::site_gln.eq(c.site_gln),
                drug_codes::commissioned_at.eq(c.at),
            ))
            .execute(conn)?;
    }
    let carried_differs = c.carried.batch.is_some_and(|b| b != c.batch)
        || c.carried.expiry.is_some_and(|e| e != c.expiry);
    if carried_differs {
        mismatches.push(
            json!({ "in_code": { "batch": c.carried.batch, "expiry": c.carried.expiry },
                                "recorded": { "batch": c.batch, "expiry": c.expiry } }),
        );
    }
    let mut raised = 0;
    for detail in mismatches {
        let place = Place {
            delivery_id: c.delivery_id,
            epc: c.epc,
            site_gln: c.site_gln,
            at: c.at,
        };
        raised += place.alert(conn, now, BATCH_MISMATCH, Severity::Warning, detail)?;
    }
    Ok(raised)
}

/// How a pack left the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Sold,
    Dispensed,
}

impl End {
    fn as_str(self) -> &'static str {
        match self {
            End::Sold => "sold",
            End::Dispensed => "dispensed",
        }
    }
}

/// A code sold or dispensed.
#[derive(Debug, Clone)]
pub struct Ending<'a> {
    pub delivery_id: i64,
    pub epc: &'a str,
    pub end: End,
    pub site_gln: &'a str,
    pub at: NaiveDateTime,
    /// The batch the pharmacy recorded, when it did.
    pub recorded_batch: Option<&'a str>,
    pub carried: Carried<'a>,
}

type CodeState = (
    String,
    NaiveDate,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// Records a sale or a dispensing and checks it; returns the alerts raised.
pub fn end(conn: &mut DbConn, now: NaiveDateTime, e: &Ending<'_>) -> Result<i64> {
    let state: Option<CodeState> = drug_codes::table
        .find(e.epc)
        .select((
            drug_codes::batch,
            drug_codes::expiry,
            drug_codes::ended,
            drug_codes::ended_at,
            drug_codes::ended_gln,
        ))
        .first(conn)
        .optional()?;
    let place = Place {
        delivery_id: e.delivery_id,
        epc: e.epc,
        site_gln: e.site_gln,
        at: e.at,
    };
    let mut raised = 0;
    let batch = state.as_ref().map(|s| s.0.as_str()).or(e.carried.batch);
    let expiry = e.carried.expiry.or(state.as_ref().map(|s| s.1));
    if let Some((_, _, Some(ended), ended_at, ended_gln)) = &state {
        let first_at = ended_at.map(crate::time::rfc3339);
        let detail = json!({ "first": { "end": ended, "at": first_at, "site_gln": ended_gln },
                             "again": { "end": e.end.as_str() } });
        raised += place.alert(conn, now, DISPENSED_TWICE, Severity::Critical, detail)?;
    }
    if let Some(expiry) = expiry.filter(|x| e.at.date() > *x) {
        let detail = json!({ "expiry": expiry, "end": e.end.as_str() });
        raised += place.alert(conn, now, AFTER_EXPIRY, Severity::Critical, detail)?;
    }
    let commissioned = state.as_ref().map(|s| s.0.as_str());
    let differs = |other: Option<&str>| matches!((batch, other), (Some(b), Some(o)) if b != o);
    if differs(e.recorded_batch) || differs(commissioned) {
        let detail = json!({ "commissioned": commissioned, "in_code": e.carried.batch,
                             "recorded": e.recorded_batch });
        raised += place.alert(conn, now, BATCH_MISMATCH, Severity::Warning, detail)?;
    }
    match &state {
        None => {
            if e.carried.expiry.is_none() {
                let detail = json!({ "end": e.end.as_str() });
                raised += place.alert(conn, now, UNKNOWN_CODE, Severity::Critical, detail)?;
            }
            diesel::insert_into(drug_codes::table)
                .values((
                    drug_codes::epc.eq(e.epc),
                    drug_codes::batch.eq(batch.or(e.recorded_batch).unwrap_or_default()),
                    drug_codes::expiry.eq(expiry.unwrap_or(NaiveDate::MAX)),
                    drug_codes::site_gln.eq(e.site_gln),
                    drug_codes::commissioned_at.eq(e.at),
                    drug_codes::ended.eq(e.end.as_str()),
                    drug_codes::ended_at.eq(e.at),
                    drug_codes::ended_gln.eq(e.site_gln),
                ))
                .execute(conn)?;
        }
        Some((_, _, None, ..)) => {
            diesel::update(drug_codes::table.find(e.epc))
                .set((
                    drug_codes::ended.eq(e.end.as_str()),
                    drug_codes::ended_at.eq(e.at),
                    drug_codes::ended_gln.eq(e.site_gln),
                ))
                .execute(conn)?;
        }
        Some(_) => {}
    }
    Ok(raised)
}

/// Where and when something happened to a code: what an alert is about.
struct Place<'a> {
    delivery_id: i64,
    epc: &'a str,
    site_gln: &'a str,
    at: NaiveDateTime,
}

impl Place<'_> {
    /// Raises `kind` for the enterprise whose site it happened at; 1 when raised, 0 when its
    /// dedupe key had one.
    fn alert(
        &self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        kind: &str,
        severity: Severity,
        mut detail: serde_json::Value,
    ) -> Result<i64> {
        detail["epc"] = json!(self.epc);
        detail["site_gln"] = json!(self.site_gln);
        detail["at"] = json!(crate::time::rfc3339(self.at));
        detail["delivery_id"] = json!(self.delivery_id);
        let key = format!("{kind}:{}:{}", self.epc, self.at);
        site_alerts::raise(
            conn,
            now,
            SiteAlert {
                concerned: Concerned::Site(self.site_gln),
                category: Category::Drugs,
                kind,
                severity,
                subject: &format!("pack:{}", self.epc),
                detail,
                dedupe_key: &key,
            },
        )
    }
}
