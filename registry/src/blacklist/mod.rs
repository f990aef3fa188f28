//! The serious breach-of-trust blacklist. An enterprise is listed after a serious violation with
//! a heavy penalty; while listed it gets no new stamps and its filings are flagged. At most one
//! listing per enterprise is open at a time (the database enforces it); a removed listing stays
//! as the record. Listing and removal ([`decisions`]) notify every department and the
//! ministries; the published part of open listings is public ([`public_listings`]).
//!
//! A listing is proposed by an officer of the competent department and approved by a second
//! officer of the same department ([`proposals`]: the two-officer rule). It carries a
//! [`Penalty`] (`fine_top_of_range`, `licence_revoked`, `production_suspended`), a decision
//! number, the legal basis and a reason; a second open listing is 409 `already_listed`, also
//! when two race (a partial unique index). While a listing stands the enterprise's credit tier
//! is D (`enterprises::set_credit_tier` refuses to change it, 409 `tier_fixed_while_listed`);
//! removal gives back the tier it had before. Removal is
//! possible from `removable_from` (the listing day plus 12 months), with both confirmations
//! (`penalties_fulfilled`, `no_new_heavy_penalty`, stored) and a reason. While listed, what the
//! enterprise files (products, batches, capture jobs) is stored with `flagged = "blacklisted"`
//! ([`filing_flag`]; the flag stays after removal) and filing is not refused; stamps are refused
//! when issued and when activated (`crate::stamps::issue::require_may_receive`, through
//! [`current_listing`]). The public list shows the published fields of open listings, also at
//! `/blacklist` without sign-in.

mod decisions;
mod proposals;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::schema::{blacklist, enterprises};

pub use decisions::{Removal, remove_listing};
pub use proposals::{
    NewProposal, Proposal, ProposalFilter, ProposalStatus, approve, find_proposal, list_proposals,
    pending_proposal, propose, reject,
};

/// The flag stored on what a listed enterprise files while it is listed.
pub const BLACKLISTED_FLAG: &str = "blacklisted";

/// The heavy penalties that put an enterprise on the blacklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// A fine at the top of the statutory range.
    FineTopOfRange,
    /// The licence revoked.
    LicenceRevoked,
    /// Production (or business) suspended.
    ProductionSuspended,
}

impl Penalty {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Penalty::FineTopOfRange => "fine_top_of_range",
            Penalty::LicenceRevoked => "licence_revoked",
            Penalty::ProductionSuspended => "production_suspended",
        }
    }
}

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
    /// The heavy penalty behind the listing (a [`Penalty`] name).
    #[schema(value_type = Penalty)]
    pub penalty: String,
    /// The number of the penalty decision.
    pub decision_number: String,
    /// The provisions the listing rests on.
    pub legal_basis: String,
    /// The officer who proposed the listing.
    pub proposed_by: String,
    /// The second officer, who approved it.
    pub listed_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub listed_at: NaiveDateTime,
    /// The earliest day the listing may be removed (one year after listing).
    pub removable_from: NaiveDate,
    pub removed_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub removed_at: Option<NaiveDateTime>,
    pub removal_reason: Option<String>,
    /// At removal, the officer confirmed the penalties were fulfilled.
    pub penalties_fulfilled: Option<bool>,
    /// At removal, the officer confirmed no new heavy penalty was imposed since the listing.
    pub no_new_heavy_penalty: Option<bool>,
    /// The credit tier the enterprise had when listed, given back at removal.
    pub tier_before: String,
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

/// The flag to store on a filing by `enterprise_id`: [`BLACKLISTED_FLAG`] while it is listed.
pub fn filing_flag(conn: &mut DbConn, enterprise_id: i64) -> Result<Option<&'static str>> {
    Ok(current_listing(conn, enterprise_id)?.map(|_| BLACKLISTED_FLAG))
}

/// A listing by id (the full record, for officers and administrators).
pub fn find_listing(conn: &mut DbConn, id: i64) -> Result<Listing> {
    blacklist::table
        .find(id)
        .select(Listing::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "listing" })
}

/// Filters for [`list_listings`].
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingFilter {
    /// Only this enterprise's listings.
    pub enterprise_id: Option<i64>,
    /// Also removed listings (default: only open ones).
    #[serde(default)]
    pub include_removed: bool,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

type Boxed = blacklist::BoxedQuery<'static, <DbConn as Connection>::Backend>;

/// The listings that pass `filter` (not ordered, not paged).
fn filtered(filter: &ListingFilter) -> Boxed {
    let mut query = blacklist::table.into_boxed();
    if let Some(enterprise) = filter.enterprise_id {
        query = query.filter(blacklist::enterprise_id.eq(enterprise));
    }
    if !filter.include_removed {
        query = query.filter(blacklist::removed_at.is_null());
    }
    query
}

/// Listings, newest first (full records, for officers and administrators).
pub fn list_listings(conn: &mut DbConn, filter: &ListingFilter) -> Result<Vec<Listing>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    Ok(filtered(filter)
        .select(Listing::as_select())
        .order(blacklist::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

/// How many listings pass `filter` (its page aside).
pub fn count_listings(conn: &mut DbConn, filter: &ListingFilter) -> Result<i64> {
    Ok(filtered(filter).count().get_result(conn)?)
}

/// A listing with the name and credit code of the enterprise it lists.
#[derive(Debug, Clone)]
pub struct ListedEnterprise {
    pub listing: Listing,
    pub enterprise_name: String,
    pub credit_code: String,
}

/// Like [`list_listings`], each with its enterprise's name and credit code.
pub fn list_listed(conn: &mut DbConn, filter: &ListingFilter) -> Result<Vec<ListedEnterprise>> {
    let listings = list_listings(conn, filter)?;
    let ids: Vec<i64> = listings.iter().map(|l| l.enterprise_id).collect();
    let names: HashMap<i64, (String, String)> = enterprises::table
        .filter(enterprises::id.eq_any(ids))
        .select((enterprises::id, enterprises::name, enterprises::credit_code))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, code)| (id, (name, code)))
        .collect();
    Ok(listings
        .into_iter()
        .map(|listing| {
            let (enterprise_name, credit_code) = names
                .get(&listing.enterprise_id)
                .cloned()
                .unwrap_or_default();
            ListedEnterprise {
                listing,
                enterprise_name,
                credit_code,
            }
        })
        .collect())
}

/// What the public sees of an open listing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicListing {
    pub enterprise_name: String,
    /// Unified Social Credit Code.
    pub credit_code: String,
    pub reason: String,
    #[schema(value_type = Penalty)]
    pub penalty: String,
    pub decision_number: String,
    /// The provisions the listing rests on.
    pub legal_basis: String,
    /// The day of listing (UTC).
    pub listed_on: NaiveDate,
}

/// How many listings are open (the length of the public list).
pub fn count_public(conn: &mut DbConn) -> Result<i64> {
    count_listings(conn, &ListingFilter::default())
}

/// The open listings as published, newest first.
pub fn public_listings(conn: &mut DbConn, paging: Paging) -> Result<Vec<PublicListing>> {
    let (limit, offset) = paging.limits()?;
    let rows: Vec<(
        String,
        String,
        String,
        String,
        String,
        String,
        NaiveDateTime,
    )> = blacklist::table
        .inner_join(enterprises::table)
        .filter(blacklist::removed_at.is_null())
        .order(blacklist::id.desc())
        .limit(limit)
        .offset(offset)
        .select((
            enterprises::name,
            enterprises::credit_code,
            blacklist::reason,
            blacklist::penalty,
            blacklist::decision_number,
            blacklist::legal_basis,
            blacklist::listed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(enterprise_name, credit_code, reason, penalty, decision_number, legal_basis, at)| {
                PublicListing {
                    enterprise_name,
                    credit_code,
                    reason,
                    penalty,
                    decision_number,
                    legal_basis,
                    listed_on: at.date(),
                }
            },
        )
        .collect())
}

#[cfg(test)]
mod tests;
