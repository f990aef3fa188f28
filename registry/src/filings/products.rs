//! Products: a GTIN (check digit verified, within the enterprise's GS1 company prefix when it
//! has one), category, name, specification, shelf life and target markets. Filed only by an
//! active enterprise, for itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Paging, missing_ids};
use crate::blacklist::filing_flag;
use crate::db::DbConn;
use crate::departments::Category;
use crate::enterprises::{find_enterprise, own_enterprise, require_active, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::ids::countries::is_country;
use crate::ids::gs1::{CompanyPrefix, Gtin};
use crate::schema::products;

/// A product to file.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    /// GTIN-8, -12, -13 or -14; stored as 14 digits.
    #[schema(pattern = r"^([0-9]{8}|[0-9]{12,14})$")]
    pub gtin: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// One of the enterprise's registered categories.
    pub category: Category,
    #[serde(default)]
    pub specification: String,
    #[serde(default)]
    pub shelf_life_days: Option<i32>,
    /// ISO 3166-1 alpha-2 codes of the markets it is sold in.
    #[serde(default)]
    pub target_markets: Vec<String>,
}

/// A product on file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: i64,
    pub enterprise_id: i64,
    /// The enterprise's GS1 company prefix ("" when it has none): the future shard key.
    pub company_prefix: String,
    pub gtin: String,
    pub category: Category,
    pub name: String,
    pub specification: String,
    pub shelf_life_days: Option<i32>,
    pub target_markets: Vec<String>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// `blacklisted` when filed while the enterprise was on the blacklist.
    pub flagged: Option<String>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i32>,
    String,
    NaiveDateTime,
    Option<String>,
);

fn from_row(row: Row) -> Result<Product> {
    let (
        id,
        enterprise_id,
        company_prefix,
        gtin,
        category,
        name,
        specification,
        shelf,
        markets,
        at,
        flagged,
    ) = row;
    Ok(Product {
        id,
        enterprise_id,
        company_prefix,
        gtin,
        category: Category::parse(&category, "category")?,
        name,
        specification,
        shelf_life_days: shelf,
        target_markets: markets
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at: at,
        flagged,
    })
}

/// Files a product for the actor's own, active enterprise.
pub fn create_product(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    new: &NewProduct,
) -> Result<Product> {
    own_enterprise(conn, actor, enterprise_id)?;
    let enterprise = require_active(conn, enterprise_id)?;
    let gtin = Gtin::parse(&new.gtin)
        .map_err(|e| RegistryError::invalid(Code::InvalidGtin, "gtin", e.to_string()))?;
    if let Some(why) = gtin.not_a_trade_item() {
        return Err(RegistryError::invalid(Code::RestrictedGtin, "gtin", why));
    }
    if let Some(prefix) = &enterprise.company_prefix {
        let prefix = CompanyPrefix::parse(prefix)
            .map_err(|e| RegistryError::Config(format!("stored company prefix: {e}")))?;
        if !gtin.has_company_prefix(&prefix) {
            return Err(RegistryError::invalid(
                Code::GtinNotYours,
                "gtin",
                format!(
                    "GTIN {} is not within the enterprise's GS1 company prefix {}",
                    gtin.original(),
                    prefix.as_str()
                ),
            ));
        }
    }
    if !enterprise.categories.contains(&new.category) {
        return Err(RegistryError::invalid(
            Code::CategoryNotRegistered,
            "category",
            format!(
                "the enterprise is not registered for {}",
                new.category.as_str()
            ),
        ));
    }
    let name = text("name", &new.name, 200)?;
    if new.specification.len() > 500 {
        return Err(RegistryError::invalid(
            Code::InvalidText,
            "specification",
            "must be at most 500 characters",
        ));
    }
    if new
        .shelf_life_days
        .is_some_and(|d| !(1..=36_500).contains(&d))
    {
        return Err(RegistryError::invalid(
            Code::InvalidShelfLife,
            "shelf_life_days",
            "must be 1 to 36500 days",
        ));
    }
    let mut markets = Vec::new();
    for (i, market) in new.target_markets.iter().enumerate() {
        if !is_country(market) {
            return Err(RegistryError::invalid(
                Code::InvalidCountry,
                format!("target_markets[{i}]"),
                format!("{market:?} is not an ISO 3166-1 alpha-2 country code"),
            ));
        }
        if !markets.contains(market) {
            markets.push(market.clone());
        }
    }
    let taken: i64 = products::table
        .filter(products::gtin.eq(gtin.as_str()))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::GtinTaken,
            field: Some("gtin".into()),
            message: format!("GTIN {} is filed already", gtin.original()),
        });
    }
    let id = diesel::insert_into(products::table)
        .values((
            products::enterprise_id.eq(enterprise_id),
            products::company_prefix.eq(enterprise.company_prefix.unwrap_or_default()),
            products::gtin.eq(gtin.as_str()),
            products::category.eq(new.category.as_str()),
            products::name.eq(name),
            products::specification.eq(new.specification.trim()),
            products::shelf_life_days.eq(new.shelf_life_days),
            products::target_markets.eq(markets.join(",")),
            products::created_at.eq(now),
            products::flagged.eq(filing_flag(conn, enterprise_id)?),
        ))
        .returning(products::id)
        .get_result::<i64>(conn)?;
    find_product(conn, enterprise_id, id)
}

/// A product of an enterprise by id.
pub(crate) fn find_product(conn: &mut DbConn, enterprise_id: i64, id: i64) -> Result<Product> {
    products::table
        .find(id)
        .filter(products::enterprise_id.eq(enterprise_id))
        .select(products::all_columns)
        .first::<Row>(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "product" })
        .and_then(from_row)
}

/// The products of an enterprise, as `actor` may see them, by id.
pub fn list_products(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    paging: Paging,
) -> Result<Vec<Product>> {
    let (limit, offset) = paging.limits()?;
    find_enterprise(conn, actor, enterprise_id)?;
    products::table
        .filter(products::enterprise_id.eq(enterprise_id))
        .order(products::id)
        .limit(limit)
        .offset(offset)
        .select(products::all_columns)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// For a form's product picker: the newest `limit` products of an enterprise (newest first) and
/// those of `also` besides (the products a page names), as `actor` may see them.
pub fn picker_products(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    limit: i64,
    also: &[i64],
) -> Result<Vec<Product>> {
    find_enterprise(conn, actor, enterprise_id)?;
    let mut rows: Vec<Row> = products::table
        .filter(products::enterprise_id.eq(enterprise_id))
        .order(products::id.desc())
        .limit(limit)
        .select(products::all_columns)
        .load(conn)?;
    let missing = missing_ids(also, rows.iter().map(|r| r.0));
    if !missing.is_empty() {
        rows.extend(
            products::table
                .filter(products::enterprise_id.eq(enterprise_id))
                .filter(products::id.eq_any(missing))
                .order(products::id.desc())
                .select(products::all_columns)
                .load::<Row>(conn)?,
        );
    }
    rows.into_iter().map(from_row).collect()
}
