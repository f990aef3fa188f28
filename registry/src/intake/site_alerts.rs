//! The adapters' alerts about something that happened at a site or by a company: raised for the
//! enterprise whose site it is, or whose credit code the company has (its region and prefix
//! decide the competent department), or for administrators only when neither is registered.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::alerts::{self, NewAlert, Severity};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::schema::{enterprises, sites};

/// Who an alert concerns.
#[derive(Debug, Clone, Copy)]
pub enum Concerned<'a> {
    /// The enterprise whose site has this GLN.
    Site(&'a str),
    /// The enterprise with this credit code.
    Company(&'a str),
}

/// An alert about `subject`.
#[derive(Debug, Clone)]
pub struct SiteAlert<'a> {
    pub concerned: Concerned<'a>,
    pub category: Category,
    pub kind: &'a str,
    pub severity: Severity,
    pub subject: &'a str,
    pub detail: serde_json::Value,
    /// At most one alert per key.
    pub dedupe_key: &'a str,
}

/// Raises the alert; 1 when raised, 0 when its key had one.
pub fn raise(conn: &mut DbConn, now: NaiveDateTime, a: SiteAlert<'_>) -> Result<i64> {
    let columns = (
        enterprises::id,
        enterprises::region_code,
        enterprises::company_prefix,
    );
    let owner: Option<(i64, String, Option<String>)> = match a.concerned {
        Concerned::Site(gln) => sites::table
            .inner_join(enterprises::table.on(enterprises::id.eq(sites::enterprise_id)))
            .filter(sites::gln.eq(gln))
            .select(columns)
            .first(conn)
            .optional()?,
        Concerned::Company(credit_code) => enterprises::table
            .filter(enterprises::credit_code.eq(credit_code))
            .select(columns)
            .first(conn)
            .optional()?,
    };
    let (enterprise_id, region, prefix) = match &owner {
        Some((id, region, prefix)) => (Some(*id), region.as_str(), prefix.as_deref()),
        None => (None, "", None),
    };
    let raised = alerts::raise(
        conn,
        now,
        &NewAlert {
            kind: a.kind,
            severity: a.severity,
            enterprise_id,
            region_code: region,
            category: Some(a.category),
            company_prefix: prefix.unwrap_or_default(),
            subject: a.subject,
            detail: a.detail,
            dedupe_key: Some(a.dedupe_key),
        },
    )?;
    Ok(i64::from(raised.is_some()))
}
