//! Sites of an enterprise (farm, factory, warehouse, store, port), each with a GLN.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::enterprises::{self, Status, coordinates, find_enterprise, own_enterprise, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::ids::gs1::Gln;
use crate::schema::sites;

/// What kind of place a site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Farm,
    Factory,
    Warehouse,
    Store,
    Port,
}

impl SiteKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Farm => "farm",
            SiteKind::Factory => "factory",
            SiteKind::Warehouse => "warehouse",
            SiteKind::Store => "store",
            SiteKind::Port => "port",
        }
    }

    fn from_stored(s: &str) -> Self {
        match s {
            "farm" => SiteKind::Farm,
            "factory" => SiteKind::Factory,
            "store" => SiteKind::Store,
            "port" => SiteKind::Port,
            _ => SiteKind::Warehouse,
        }
    }
}

/// A site to add.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    pub kind: SiteKind,
    /// GS1 Global Location Number (13 digits, check digit verified).
    #[schema(pattern = r"^[0-9]{13}$")]
    pub gln: String,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// A site on file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Site {
    pub id: i64,
    pub enterprise_id: i64,
    pub name: String,
    pub kind: SiteKind,
    pub gln: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<f64>,
    Option<f64>,
    NaiveDateTime,
);

fn from_row(row: Row) -> Site {
    let (id, enterprise_id, name, kind, gln, address, latitude, longitude, created_at) = row;
    Site {
        id,
        enterprise_id,
        name,
        kind: SiteKind::from_stored(&kind),
        gln,
        address,
        latitude,
        longitude,
        created_at,
    }
}

/// Adds a site to the actor's own enterprise (any status but revoked).
pub fn add_site(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    new: &NewSite,
) -> Result<Site> {
    let enterprise = own_enterprise(conn, actor, enterprise_id)?;
    if enterprise.status == Status::Revoked {
        return Err(RegistryError::conflict(
            Code::EnterpriseRevoked,
            "a revoked enterprise cannot add sites",
        ));
    }
    let name = text("name", &new.name, 200)?;
    let gln = Gln::parse(&new.gln)
        .map_err(|e| RegistryError::invalid(Code::InvalidGln, "gln", e.to_string()))?;
    if let Some(why) = gln.not_a_location() {
        return Err(RegistryError::invalid(Code::RestrictedGln, "gln", why));
    }
    let address = text("address", &new.address, 500)?;
    coordinates(new.latitude, new.longitude)?;
    let taken: i64 = sites::table
        .filter(sites::gln.eq(gln.as_str()))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::GlnTaken,
            field: Some("gln".into()),
            message: format!("GLN {} is registered to a site", gln.as_str()),
        });
    }
    let id = diesel::insert_into(sites::table)
        .values((
            sites::enterprise_id.eq(enterprise_id),
            sites::name.eq(name),
            sites::kind.eq(new.kind.as_str()),
            sites::gln.eq(gln.as_str()),
            sites::address.eq(address),
            sites::latitude.eq(new.latitude),
            sites::longitude.eq(new.longitude),
            sites::created_at.eq(now),
        ))
        .returning(sites::id)
        .get_result::<i64>(conn)?;
    let site = find_site(conn, enterprise_id, id)?;
    enterprises::record_history(
        conn,
        now,
        enterprise_id,
        &actor.audit_name(),
        "site.add",
        &serde_json::Value::Null,
        &site,
        None,
    )?;
    Ok(site)
}

/// A site of an enterprise by id.
pub(crate) fn find_site(conn: &mut DbConn, enterprise_id: i64, id: i64) -> Result<Site> {
    sites::table
        .find(id)
        .filter(sites::enterprise_id.eq(enterprise_id))
        .select(sites::all_columns)
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .ok_or(RegistryError::NotFound { entity: "site" })
}

/// The sites of an enterprise, as `actor` may see them.
pub fn list_sites(conn: &mut DbConn, actor: &Actor, enterprise_id: i64) -> Result<Vec<Site>> {
    find_enterprise(conn, actor, enterprise_id)?;
    Ok(sites::table
        .filter(sites::enterprise_id.eq(enterprise_id))
        .order(sites::id)
        .select(sites::all_columns)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}
