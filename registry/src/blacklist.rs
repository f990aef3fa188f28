//! The serious breach-of-trust blacklist. An enterprise is listed after a serious violation with
//! a heavy penalty; while listed it gets no new stamps and its filings are flagged. At most one
//! listing per enterprise is open at a time (the database enforces it); a removed listing stays
//! as the record.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::Result;
use crate::schema::blacklist;

/// One listing of an enterprise on the blacklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = blacklist)]
pub struct Listing {
    pub id: i64,
    pub enterprise_id: i64,
    pub company_prefix: String,
    /// The department that listed it.
    pub department_id: i64,
    /// The violation, as published.
    pub reason: String,
    /// The heavy penalty behind the listing (e.g. licence revoked).
    pub penalty: String,
    /// The number of the penalty decision.
    pub decision_number: String,
    pub listed_by: String,
    pub listed_at: NaiveDateTime,
    /// The earliest day the listing may be removed (one year after listing).
    pub removable_from: NaiveDate,
    pub removed_by: Option<String>,
    pub removed_at: Option<NaiveDateTime>,
    pub removal_reason: Option<String>,
}

/// The open listing of an enterprise, if it is on the blacklist now.
pub fn current_listing(conn: &mut DbConn, enterprise_id: i64) -> Result<Option<Listing>> {
    Ok(blacklist::table
        .filter(blacklist::enterprise_id.eq(enterprise_id))
        .filter(blacklist::removed_at.is_null())
        .select(Listing::as_select())
        .first(conn)
        .optional()?)
}
