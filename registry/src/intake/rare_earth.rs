//! The rare-earth adapter's records: the department's designations (which enterprises may mine
//! or smelt and separate) and annual quotas, and each monthly product-flow report's totals in
//! kilograms of rare-earth oxide (REO).
//!
//! Alerts, to the department competent for the reporting enterprise (category rare earth):
//! - [`NOT_DESIGNATED`]: a mining or smelting report by an enterprise not designated for it;
//! - [`MASS_BALANCE`]: a month's output above its opening stock plus inputs, beyond the
//!   tolerance (`registry.rare_earth_tolerance_percent` of the hub); not for mining, whose
//!   output comes out of the ground;
//! - [`QUOTA`]: the year's output (mining and smelting reports) above the enterprise's quota,
//!   once per enterprise and year;
//! - [`LATE_REPORT`]: a report received after the 10th of the month following its month (the
//!   day in China's time).

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::alerts::{self, NewAlert, Severity};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::{Code, RegistryError, Result};
use crate::schema::{enterprises, rare_earth_designations, rare_earth_quotas, rare_earth_reports};

/// A mining or smelting report by an enterprise not designated for that stage.
pub const NOT_DESIGNATED: &str = "rare_earth.not_designated";
/// Output above opening stock plus inputs.
pub const MASS_BALANCE: &str = "rare_earth.mass_balance";
/// The year's output above the quota.
pub const QUOTA: &str = "rare_earth.quota";
/// A report received after the 10th of the following month.
pub const LATE_REPORT: &str = "rare_earth.late_report";

/// The stages only designated enterprises may report.
pub const DESIGNATED_STAGES: [&str; 2] = ["mining", "smelting"];
/// The day of the following month a report is due by.
const DUE_DAY: u32 = 10;

/// An enterprise designated for stages of the chain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Designation {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// `mining`, `smelting`.
    pub stages: Vec<String>,
    pub designated_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub designated_at: NaiveDateTime,
}

/// A designation to record; no stage withdraws it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDesignation {
    pub enterprise_id: i64,
    /// `mining` and/or `smelting`; empty withdraws the designation.
    pub stages: Vec<String>,
}

/// An annual quota, kilograms of REO.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quota {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub year: i32,
    pub reo_kg: f64,
    pub set_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub set_at: NaiveDateTime,
}

/// A quota to set (again: replaced).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuota {
    pub enterprise_id: i64,
    pub year: i32,
    pub reo_kg: f64,
}

/// Records (or withdraws) a designation.
pub fn designate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &str,
    new: &NewDesignation,
) -> Result<Option<Designation>> {
    let mut stages: Vec<String> = Vec::new();
    for (i, stage) in new.stages.iter().enumerate() {
        if !DESIGNATED_STAGES.contains(&stage.as_str()) {
            return Err(RegistryError::invalid(
                Code::InvalidChoice,
                format!("stages[{i}]"),
                "the designated stages are mining and smelting",
            ));
        }
        if !stages.contains(stage) {
            stages.push(stage.clone());
        }
    }
    diesel::delete(rare_earth_designations::table.find(new.enterprise_id)).execute(conn)?;
    if stages.is_empty() {
        return Ok(None);
    }
    diesel::insert_into(rare_earth_designations::table)
        .values((
            rare_earth_designations::enterprise_id.eq(new.enterprise_id),
            rare_earth_designations::stages.eq(stages.join(",")),
            rare_earth_designations::designated_by.eq(by),
            rare_earth_designations::designated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(designations(conn)?
        .into_iter()
        .find(|d| d.enterprise_id == new.enterprise_id))
}

/// Every designation, by enterprise.
pub fn designations(conn: &mut DbConn) -> Result<Vec<Designation>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = rare_earth_designations::table
        .inner_join(
            enterprises::table.on(enterprises::id.eq(rare_earth_designations::enterprise_id)),
        )
        .order(rare_earth_designations::enterprise_id)
        .select((
            rare_earth_designations::enterprise_id,
            enterprises::name,
            rare_earth_designations::stages,
            rare_earth_designations::designated_by,
            rare_earth_designations::designated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(enterprise_id, enterprise_name, stages, designated_by, designated_at)| Designation {
                enterprise_id,
                enterprise_name,
                stages: stages.split(',').map(str::to_owned).collect(),
                designated_by,
                designated_at,
            },
        )
        .collect())
}

/// Sets a quota.
pub fn set_quota(conn: &mut DbConn, now: NaiveDateTime, by: &str, new: &NewQuota) -> Result<Quota> {
    if !(2000..=2100).contains(&new.year) {
        return Err(RegistryError::invalid(
            Code::InvalidNumber,
            "year",
            "a year from 2000 to 2100",
        ));
    }
    if !new.reo_kg.is_finite() || new.reo_kg < 0.0 || new.reo_kg > 1e12 {
        return Err(RegistryError::invalid(
            Code::InvalidQuantity,
            "reo_kg",
            "kilograms of REO, from 0 to 10^12",
        ));
    }
    let key = (new.enterprise_id, new.year);
    diesel::delete(rare_earth_quotas::table.find(key)).execute(conn)?;
    diesel::insert_into(rare_earth_quotas::table)
        .values((
            rare_earth_quotas::enterprise_id.eq(new.enterprise_id),
            rare_earth_quotas::year.eq(new.year),
            rare_earth_quotas::reo_kg.eq(new.reo_kg),
            rare_earth_quotas::set_by.eq(by),
            rare_earth_quotas::set_at.eq(now),
        ))
        .execute(conn)?;
    quotas(conn, Some(new.year))?
        .into_iter()
        .find(|q| q.enterprise_id == new.enterprise_id)
        .ok_or(RegistryError::NotFound { entity: "quota" })
}

/// The quotas, of one year when given.
pub fn quotas(conn: &mut DbConn, year: Option<i32>) -> Result<Vec<Quota>> {
    let mut query = rare_earth_quotas::table
        .inner_join(enterprises::table.on(enterprises::id.eq(rare_earth_quotas::enterprise_id)))
        .order((rare_earth_quotas::year, rare_earth_quotas::enterprise_id))
        .select((
            rare_earth_quotas::enterprise_id,
            enterprises::name,
            rare_earth_quotas::year,
            rare_earth_quotas::reo_kg,
            rare_earth_quotas::set_by,
            rare_earth_quotas::set_at,
        ))
        .into_boxed();
    if let Some(year) = year {
        query = query.filter(rare_earth_quotas::year.eq(year));
    }
    let rows: Vec<(i64, String, i32, f64, String, NaiveDateTime)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(enterprise_id, enterprise_name, year, reo_kg, set_by, set_at)| Quota {
                enterprise_id,
                enterprise_name,
                year,
                reo_kg,
                set_by,
                set_at,
            },
        )
        .collect())
}

/// The enterprise registered under a credit code: id, region, company prefix.
pub fn enterprise_by_credit_code(
    conn: &mut DbConn,
    credit_code: &str,
) -> Result<Option<(i64, String, Option<String>)>> {
    Ok(enterprises::table
        .filter(enterprises::credit_code.eq(credit_code))
        .select((
            enterprises::id,
            enterprises::region_code,
            enterprises::company_prefix,
        ))
        .first(conn)
        .optional()?)
}

/// A month's report, totalled (kilograms of REO).
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub opening: f64,
    pub input: f64,
    pub output: f64,
    pub shipped: f64,
    pub exported: f64,
}

/// A report to file.
#[derive(Debug, Clone)]
pub struct MonthlyReport<'a> {
    pub delivery_id: i64,
    pub enterprise_id: i64,
    pub region_code: &'a str,
    pub company_prefix: &'a str,
    /// The first day of the month.
    pub period: NaiveDate,
    pub stage: &'a str,
    pub totals: Totals,
}

/// Files a report (replacing one of the same month and stage) and checks it; returns the
/// alerts raised.
pub fn file_report(
    conn: &mut DbConn,
    now: NaiveDateTime,
    report: &MonthlyReport<'_>,
    tolerance_percent: f64,
) -> Result<i64> {
    let t = &report.totals;
    diesel::delete(
        rare_earth_reports::table
            .filter(rare_earth_reports::enterprise_id.eq(report.enterprise_id))
            .filter(rare_earth_reports::period.eq(report.period))
            .filter(rare_earth_reports::stage.eq(report.stage)),
    )
    .execute(conn)?;
    diesel::insert_into(rare_earth_reports::table)
        .values((
            rare_earth_reports::delivery_id.eq(report.delivery_id),
            rare_earth_reports::enterprise_id.eq(report.enterprise_id),
            rare_earth_reports::period.eq(report.period),
            rare_earth_reports::stage.eq(report.stage),
            rare_earth_reports::opening_reo_kg.eq(t.opening),
            rare_earth_reports::input_reo_kg.eq(t.input),
            rare_earth_reports::output_reo_kg.eq(t.output),
            rare_earth_reports::shipped_reo_kg.eq(t.shipped),
            rare_earth_reports::exported_reo_kg.eq(t.exported),
            rare_earth_reports::filed_at.eq(now),
        ))
        .execute(conn)?;
    let month = report.period.format("%Y-%m").to_string();
    // One alert of a kind per enterprise, stage and month (the quota's: per enterprise and year).
    let scope = format!("{}:{month}", report.stage);
    let mut raised = 0;
    let designated = DESIGNATED_STAGES.contains(&report.stage);
    if designated && !is_designated(conn, report.enterprise_id, report.stage)? {
        let detail = json!({ "stage": report.stage, "period": month });
        raised += alert(
            conn,
            now,
            report,
            NOT_DESIGNATED,
            Severity::Critical,
            detail,
            &scope,
        )?;
    }
    let at_hand = t.opening + t.input;
    let allowed = at_hand * (1.0 + tolerance_percent / 100.0);
    if report.stage != "mining" && t.output > allowed + 1e-6 {
        let detail = json!({ "period": month, "stage": report.stage, "opening_reo_kg": t.opening,
            "input_reo_kg": t.input, "output_reo_kg": t.output,
            "tolerance_percent": tolerance_percent });
        raised += alert(
            conn,
            now,
            report,
            MASS_BALANCE,
            Severity::Critical,
            detail,
            &scope,
        )?;
    }
    let due = report
        .period
        .checked_add_months(Months::new(1))
        .and_then(|next| next.with_day(DUE_DAY))
        .unwrap_or(report.period);
    if china_date(now) > due {
        let detail = json!({ "period": month, "stage": report.stage, "due": due });
        raised += alert(
            conn,
            now,
            report,
            LATE_REPORT,
            Severity::Warning,
            detail,
            &scope,
        )?;
    }
    if designated {
        raised += check_quota(conn, now, report)?;
    }
    Ok(raised)
}

/// The day in China (UTC+8), where the report's deadline falls.
fn china_date(now: NaiveDateTime) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date()
}

fn is_designated(conn: &mut DbConn, enterprise_id: i64, stage: &str) -> Result<bool> {
    let stages: Option<String> = rare_earth_designations::table
        .find(enterprise_id)
        .select(rare_earth_designations::stages)
        .first(conn)
        .optional()?;
    Ok(stages.is_some_and(|s| s.split(',').any(|x| x == stage)))
}

/// The year's output of mining and smelting against the quota.
fn check_quota(conn: &mut DbConn, now: NaiveDateTime, report: &MonthlyReport<'_>) -> Result<i64> {
    let year = report.period.year();
    let quota: Option<f64> = rare_earth_quotas::table
        .find((report.enterprise_id, year))
        .select(rare_earth_quotas::reo_kg)
        .first(conn)
        .optional()?;
    let Some(quota) = quota else {
        return Ok(0);
    };
    let (from, to) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    let outputs: Vec<f64> = rare_earth_reports::table
        .filter(rare_earth_reports::enterprise_id.eq(report.enterprise_id))
        .filter(rare_earth_reports::period.between(from, to))
        .filter(rare_earth_reports::stage.eq_any(DESIGNATED_STAGES))
        .select(rare_earth_reports::output_reo_kg)
        .load(conn)?;
    let produced: f64 = outputs.iter().sum();
    if produced <= quota {
        return Ok(0);
    }
    let detail = json!({ "year": year, "quota_reo_kg": quota, "produced_reo_kg": produced });
    alert(
        conn,
        now,
        report,
        QUOTA,
        Severity::Critical,
        detail,
        &year.to_string(),
    )
}

fn alert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    report: &MonthlyReport<'_>,
    kind: &str,
    severity: Severity,
    mut detail: serde_json::Value,
    scope: &str,
) -> Result<i64> {
    detail["delivery_id"] = json!(report.delivery_id);
    let key = format!("{kind}:{}:{scope}", report.enterprise_id);
    let raised = alerts::raise(
        conn,
        now,
        &NewAlert {
            kind,
            severity,
            enterprise_id: Some(report.enterprise_id),
            region_code: report.region_code,
            category: Some(Category::RareEarth),
            company_prefix: report.company_prefix,
            subject: &format!("enterprise:{}", report.enterprise_id),
            detail,
            dedupe_key: Some(&key),
        },
    )?;
    Ok(i64::from(raised.is_some()))
}
