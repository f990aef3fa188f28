//! Licences: type, number, validity and issuing authority; expiry is flagged when read.
//! A licence added before approval is reviewed with the registration; after approval it is a
//! proposed change that the competent department approves.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::enterprises::{self, Change, ChangeKind, Status, find_enterprise, own_enterprise, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::identity::with_article;
use crate::schema::licences;

/// Days before `valid_to` from which a licence is flagged `expires_soon`.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// A licence to file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLicence {
    /// E.g. `food_production`, `drug_business`.
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub licence_type: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The issuing authority.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub authority: String,
}

/// A licence on file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Licence {
    pub id: i64,
    pub enterprise_id: i64,
    pub licence_type: String,
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub authority: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// Past `valid_to`.
    pub expired: bool,
    /// Within [`EXPIRY_WARNING_DAYS`] of `valid_to`.
    pub expires_soon: bool,
}

/// What filing a licence did: added at once (before approval) or proposed for review.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LicenceOutcome {
    pub licence: Option<Licence>,
    pub proposed_change: Option<Change>,
}

fn validate(new: &NewLicence) -> Result<NewLicence> {
    if new.valid_to < new.valid_from {
        return Err(RegistryError::invalid(
            Code::InvalidValidity,
            "valid_to",
            "must not be before valid_from",
        ));
    }
    Ok(NewLicence {
        licence_type: text("licence_type", &new.licence_type, 64)?.to_owned(),
        number: text("number", &new.number, 64)?.to_owned(),
        authority: text("authority", &new.authority, 200)?.to_owned(),
        ..new.clone()
    })
}

fn check_unique(conn: &mut DbConn, new: &NewLicence) -> Result<()> {
    let taken: i64 = licences::table
        .filter(licences::licence_type.eq(&new.licence_type))
        .filter(licences::number.eq(&new.number))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::LicenceTaken,
            field: Some("number".into()),
            message: format!(
                "{} licence numbered {} is on file",
                with_article(&new.licence_type),
                new.number
            ),
        });
    }
    Ok(())
}

/// Inserts a validated licence (also used when a proposed licence is approved).
pub(crate) fn insert_licence(
    conn: &mut DbConn,
    now: NaiveDateTime,
    enterprise_id: i64,
    new: &NewLicence,
) -> Result<i64> {
    check_unique(conn, new)?;
    Ok(diesel::insert_into(licences::table)
        .values((
            licences::enterprise_id.eq(enterprise_id),
            licences::licence_type.eq(&new.licence_type),
            licences::number.eq(&new.number),
            licences::valid_from.eq(new.valid_from),
            licences::valid_to.eq(new.valid_to),
            licences::authority.eq(&new.authority),
            licences::created_at.eq(now),
        ))
        .returning(licences::id)
        .get_result(conn)?)
}

/// Files a licence for the actor's own enterprise.
pub fn file_licence(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    new: &NewLicence,
) -> Result<LicenceOutcome> {
    let enterprise = own_enterprise(conn, actor, enterprise_id)?;
    let new = validate(new)?;
    check_unique(conn, &new)?;
    match enterprise.status {
        Status::Revoked => Err(RegistryError::conflict(
            Code::EnterpriseRevoked,
            "a revoked enterprise cannot file licences",
        )),
        Status::Pending | Status::Rejected => {
            let id = insert_licence(conn, now, enterprise_id, &new)?;
            enterprises::record_history(
                conn,
                now,
                enterprise_id,
                &actor.audit_name(),
                "licence.add",
                &serde_json::Value::Null,
                &new,
                None,
            )?;
            let today = now.date();
            let licence = list(conn, enterprise_id, today)?
                .into_iter()
                .find(|l| l.id == id);
            Ok(LicenceOutcome {
                licence,
                proposed_change: None,
            })
        }
        Status::Active | Status::Suspended => {
            let change = enterprises::propose_change(
                conn,
                now,
                enterprise_id,
                &actor.audit_name(),
                ChangeKind::Licence,
                &new,
            )?;
            Ok(LicenceOutcome {
                licence: None,
                proposed_change: Some(change),
            })
        }
    }
}

type Row = (
    i64,
    i64,
    String,
    String,
    NaiveDate,
    NaiveDate,
    String,
    NaiveDateTime,
);

fn list(conn: &mut DbConn, enterprise_id: i64, today: NaiveDate) -> Result<Vec<Licence>> {
    let rows = licences::table
        .filter(licences::enterprise_id.eq(enterprise_id))
        .order(licences::id)
        .select(licences::all_columns)
        .load::<Row>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                enterprise_id,
                licence_type,
                number,
                valid_from,
                valid_to,
                authority,
                created_at,
            )| {
                let left = (valid_to - today).num_days();
                Licence {
                    id,
                    enterprise_id,
                    licence_type,
                    number,
                    valid_from,
                    valid_to,
                    authority,
                    created_at,
                    expired: left < 0,
                    expires_soon: (0..=EXPIRY_WARNING_DAYS).contains(&left),
                }
            },
        )
        .collect())
}

/// The licences of an enterprise, as `actor` may see them, flagged against `today`.
pub fn list_licences(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    today: NaiveDate,
) -> Result<Vec<Licence>> {
    find_enterprise(conn, actor, enterprise_id)?;
    list(conn, enterprise_id, today)
}
