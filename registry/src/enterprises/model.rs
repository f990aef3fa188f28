//! The enterprise record: its types, how it is read, and who may see it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::schema::{enterprise_categories, enterprises};

/// Where an enterprise stands. `rejected` is a registration refused with a reason, which the
/// enterprise may answer by changing its data (which makes it `pending` again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Active,
    Rejected,
    Suspended,
    Revoked,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Rejected => "rejected",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
        }
    }

    fn from_stored(s: &str) -> Result<Self> {
        [
            Status::Pending,
            Status::Active,
            Status::Rejected,
            Status::Suspended,
            Status::Revoked,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| RegistryError::Config(format!("stored enterprise status {s:?}")))
    }
}

/// Credit tier (A best, D worst); it sets the spot-check sampling ratio.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum CreditTier {
    A,
    B,
    C,
    D,
}

impl CreditTier {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditTier::A => "A",
            CreditTier::B => "B",
            CreditTier::C => "C",
            CreditTier::D => "D",
        }
    }

    pub(crate) fn from_stored(s: &str) -> Result<Self> {
        match s {
            "A" => Ok(CreditTier::A),
            "B" => Ok(CreditTier::B),
            "C" => Ok(CreditTier::C),
            "D" => Ok(CreditTier::D),
            _ => Err(RegistryError::Config(format!("stored credit tier {s:?}"))),
        }
    }
}

/// An enterprise as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Enterprise {
    pub id: i64,
    /// Unified Social Credit Code (GB 32100-2015).
    pub credit_code: String,
    /// Legal name in the local language.
    pub name: String,
    pub name_en: String,
    pub legal_representative: String,
    pub phone: String,
    pub email: String,
    /// GB/T 2260 region code.
    pub region_code: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// GS1 company prefix, when the enterprise has one.
    pub company_prefix: Option<String>,
    pub categories: Vec<Category>,
    pub status: Status,
    /// Why the status was last set (a rejection, a suspension...), for the enterprise to read.
    pub status_reason: Option<String>,
    pub credit_tier: CreditTier,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = enterprises)]
pub(crate) struct EnterpriseRow {
    id: i64,
    credit_code: String,
    name: String,
    name_en: String,
    legal_representative: String,
    phone: String,
    email: String,
    region_code: String,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    company_prefix: Option<String>,
    status: String,
    status_reason: Option<String>,
    credit_tier: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EnterpriseRow {
    pub(crate) fn id(&self) -> i64 {
        self.id
    }

    pub(crate) fn into_enterprise(self, categories: Vec<Category>) -> Result<Enterprise> {
        Ok(Enterprise {
            id: self.id,
            status: Status::from_stored(&self.status)?,
            credit_tier: CreditTier::from_stored(&self.credit_tier)?,
            credit_code: self.credit_code,
            name: self.name,
            name_en: self.name_en,
            legal_representative: self.legal_representative,
            phone: self.phone,
            email: self.email,
            region_code: self.region_code,
            address: self.address,
            latitude: self.latitude,
            longitude: self.longitude,
            company_prefix: self.company_prefix,
            categories,
            status_reason: self.status_reason,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The categories of an enterprise, sorted.
pub(crate) fn categories_of(conn: &mut DbConn, id: i64) -> Result<Vec<Category>> {
    let mut cats = enterprise_categories::table
        .filter(enterprise_categories::enterprise_id.eq(id))
        .select(enterprise_categories::category)
        .load::<String>(conn)?
        .iter()
        .map(|c| Category::parse(c, "categories"))
        .collect::<Result<Vec<_>>>()?;
    cats.sort();
    Ok(cats)
}

/// Replaces the categories of an enterprise.
pub(crate) fn set_categories(conn: &mut DbConn, id: i64, categories: &[Category]) -> Result<()> {
    diesel::delete(
        enterprise_categories::table.filter(enterprise_categories::enterprise_id.eq(id)),
    )
    .execute(conn)?;
    for category in categories {
        diesel::insert_into(enterprise_categories::table)
            .values((
                enterprise_categories::enterprise_id.eq(id),
                enterprise_categories::category.eq(category.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The enterprise a request names by `enterprise_id` (422 `unknown_enterprise` naming that
/// field when there is none).
pub fn named_enterprise(conn: &mut DbConn, id: i64) -> Result<Enterprise> {
    load_enterprise(conn, id).map_err(|_| {
        RegistryError::invalid(
            Code::UnknownEnterprise,
            "enterprise_id",
            format!("no enterprise {id}"),
        )
    })
}

/// An enterprise by id, whoever asks (for the registry's own use).
pub fn load_enterprise(conn: &mut DbConn, id: i64) -> Result<Enterprise> {
    let row = enterprises::table
        .find(id)
        .select(EnterpriseRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "enterprise",
        })?;
    let categories = categories_of(conn, id)?;
    row.into_enterprise(categories)
}

/// Fails unless `actor`'s department is competent for `enterprise` (403
/// `outside_jurisdiction`); administrators pass.
pub fn require_jurisdiction(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise: &Enterprise,
) -> Result<()> {
    match (actor.role, actor.department_id) {
        (Role::Admin, _) => Ok(()),
        (Role::Officer, Some(dept)) => {
            let dept = find_department(conn, dept)?;
            if dept.covers(&enterprise.region_code, &enterprise.categories) {
                Ok(())
            } else {
                Err(RegistryError::denied(
                    Code::OutsideJurisdiction,
                    format!(
                        "enterprise {} (region {}, {}) is outside the jurisdiction of department {} (region {}, {})",
                        enterprise.id,
                        enterprise.region_code,
                        Category::join(&enterprise.categories),
                        dept.code,
                        dept.region_code,
                        Category::join(&dept.categories)
                    ),
                ))
            }
        }
        _ => Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "only an officer of the competent department may do this",
        )),
    }
}

/// An enterprise as `actor` may see it: its own users see it, officers within their
/// jurisdiction (else 403 `outside_jurisdiction`), administrators all; to anyone else it does
/// not exist.
pub fn find_enterprise(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Enterprise> {
    let not_found = RegistryError::NotFound {
        entity: "enterprise",
    };
    match actor.role {
        Role::Enterprise if actor.enterprise_id != Some(id) => return Err(not_found),
        Role::Enterprise | Role::Admin | Role::Officer => {}
        _ => return Err(not_found),
    }
    let enterprise = load_enterprise(conn, id)?;
    if actor.role == Role::Officer {
        require_jurisdiction(conn, actor, &enterprise)?;
    }
    Ok(enterprise)
}

/// The enterprise `actor` acts for, checked to be `id` (404 otherwise, as for a stranger).
pub fn own_enterprise(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Enterprise> {
    if actor.role != Role::Enterprise || actor.enterprise_id != Some(id) {
        return Err(RegistryError::NotFound {
            entity: "enterprise",
        });
    }
    load_enterprise(conn, id)
}

/// Fails with 409 `enterprise_not_active` unless the enterprise is active: only an active
/// enterprise may file products, batches and events.
pub fn require_active(conn: &mut DbConn, enterprise_id: i64) -> Result<Enterprise> {
    let enterprise = load_enterprise(conn, enterprise_id)?;
    if enterprise.status == Status::Active {
        Ok(enterprise)
    } else {
        Err(RegistryError::conflict(
            Code::EnterpriseNotActive,
            format!(
                "enterprise {} is {}: only an active enterprise may file",
                enterprise.id,
                enterprise.status.as_str()
            ),
        ))
    }
}
