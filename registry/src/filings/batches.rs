//! Batches (lots): lot number, production and expiry dates, quantity and unit, the site of
//! production, and the input lots they were made from (the lineage the trace follows). Filed
//! only by an active enterprise, for its own products.

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::products::find_product;
use super::sites::find_site;
use super::{Paging, missing_ids};
use crate::blacklist::filing_flag;
use crate::db::DbConn;
use crate::enterprises::{find_enterprise, own_enterprise, require_active};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::schema::{batch_inputs, batches};

/// A batch to file.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatch {
    pub product_id: i64,
    /// The lot number as printed (GS1 AI 10: up to 20 characters of GS1 CSET 82).
    #[schema(pattern = r#"^[!"%-?A-Z_a-z]{1,20}$"#)]
    pub lot: String,
    pub production_date: NaiveDate,
    /// Defaults to the production date plus the product's shelf life.
    #[serde(default)]
    pub expiry_date: Option<NaiveDate>,
    #[schema(exclusive_minimum = 0)]
    pub quantity: f64,
    /// E.g. `kg`, `t`, `box`, `piece`.
    #[schema(min_length = 1, max_length = 20, pattern = r"\S")]
    pub unit: String,
    #[serde(default)]
    pub site_id: Option<i64>,
    /// Ids of the batches (of any enterprise) it was made from.
    #[serde(default)]
    pub inputs: Vec<i64>,
}

/// A batch on file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Batch {
    pub id: i64,
    pub enterprise_id: i64,
    /// The enterprise's GS1 company prefix ("" when it has none): the future shard key.
    pub company_prefix: String,
    pub product_id: i64,
    pub lot: String,
    pub production_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    pub quantity: f64,
    pub unit: String,
    pub site_id: Option<i64>,
    pub inputs: Vec<i64>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// `blacklisted` when filed while the enterprise was on the blacklist.
    pub flagged: Option<String>,
}

type Row = (
    i64,
    i64,
    String,
    i64,
    String,
    NaiveDate,
    Option<NaiveDate>,
    f64,
    String,
    Option<i64>,
    NaiveDateTime,
    Option<String>,
);

/// GS1 CSET 82, the characters allowed in a lot number (AI 10).
fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

fn validate(new: &NewBatch) -> Result<()> {
    if new.lot.is_empty() || new.lot.chars().count() > 20 {
        return Err(RegistryError::invalid(
            Code::InvalidLot,
            "lot",
            "must be 1 to 20 characters",
        ));
    }
    if let Some((i, c)) = new.lot.chars().enumerate().find(|(_, c)| !is_cset82(*c)) {
        return Err(RegistryError::invalid(
            Code::InvalidLot,
            "lot",
            format!(
                "character {c:?} at position {} is not allowed in a GS1 lot number (CSET 82)",
                i + 1
            ),
        ));
    }
    if !new.quantity.is_finite() || new.quantity <= 0.0 {
        return Err(RegistryError::invalid(
            Code::InvalidQuantity,
            "quantity",
            "must be a positive number",
        ));
    }
    let unit = new.unit.trim();
    if unit.is_empty() || unit.chars().count() > 20 {
        return Err(RegistryError::invalid(
            Code::InvalidUnit,
            "unit",
            "must be 1 to 20 characters",
        ));
    }
    Ok(())
}

/// Files a batch of one of the actor's products, for its own active enterprise.
pub fn create_batch(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    new: &NewBatch,
) -> Result<Batch> {
    own_enterprise(conn, actor, enterprise_id)?;
    require_active(conn, enterprise_id)?;
    validate(new)?;
    let product = find_product(conn, enterprise_id, new.product_id).map_err(|_| {
        RegistryError::invalid(
            Code::UnknownProduct,
            "product_id",
            format!("the enterprise has no product {}", new.product_id),
        )
    })?;
    let expiry = new.expiry_date.or_else(|| {
        product.shelf_life_days.and_then(|d| {
            new.production_date
                .checked_add_days(Days::new(u64::try_from(d).unwrap_or(0)))
        })
    });
    if expiry.is_some_and(|e| e < new.production_date) {
        return Err(RegistryError::invalid(
            Code::InvalidExpiry,
            "expiry_date",
            "must not be before the production date",
        ));
    }
    if let Some(site) = new.site_id {
        find_site(conn, enterprise_id, site).map_err(|_| {
            RegistryError::invalid(
                Code::UnknownSite,
                "site_id",
                format!("the enterprise has no site {site}"),
            )
        })?;
    }
    let mut inputs: Vec<i64> = Vec::new();
    for (i, input) in new.inputs.iter().enumerate() {
        let exists: i64 = batches::table
            .filter(batches::id.eq(input))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(RegistryError::invalid(
                Code::UnknownBatch,
                format!("inputs[{i}]"),
                format!("no batch {input}"),
            ));
        }
        if !inputs.contains(input) {
            inputs.push(*input);
        }
    }
    let taken: i64 = batches::table
        .filter(batches::product_id.eq(product.id))
        .filter(batches::lot.eq(&new.lot))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::LotTaken,
            field: Some("lot".into()),
            message: format!("lot {} of this product is filed already", new.lot),
        });
    }
    let id = diesel::insert_into(batches::table)
        .values((
            batches::enterprise_id.eq(enterprise_id),
            batches::company_prefix.eq(&product.company_prefix),
            batches::product_id.eq(product.id),
            batches::lot.eq(&new.lot),
            batches::production_date.eq(new.production_date),
            batches::expiry_date.eq(expiry),
            batches::quantity.eq(new.quantity),
            batches::unit.eq(new.unit.trim()),
            batches::site_id.eq(new.site_id),
            batches::created_at.eq(now),
            batches::flagged.eq(filing_flag(conn, enterprise_id)?),
        ))
        .returning(batches::id)
        .get_result::<i64>(conn)?;
    for input in &inputs {
        diesel::insert_into(batch_inputs::table)
            .values((
                batch_inputs::batch_id.eq(id),
                batch_inputs::input_batch_id.eq(input),
                batch_inputs::company_prefix.eq(&product.company_prefix),
            ))
            .execute(conn)?;
    }
    let mut found = load(conn, enterprise_id, Which::Ids(&[id]))?;
    found
        .pop()
        .ok_or(RegistryError::NotFound { entity: "batch" })
}

/// Which of an enterprise's batches [`load`] reads.
enum Which<'a> {
    /// A page in id order.
    Page { limit: i64, offset: i64 },
    /// The newest, newest first.
    Newest(i64),
    /// These ids, newest first.
    Ids(&'a [i64]),
}

fn load(conn: &mut DbConn, enterprise_id: i64, which: Which<'_>) -> Result<Vec<Batch>> {
    let query = batches::table
        .filter(batches::enterprise_id.eq(enterprise_id))
        .select(batches::all_columns)
        .into_boxed();
    let query = match which {
        Which::Page { limit, offset } => query.order(batches::id).limit(limit).offset(offset),
        Which::Newest(limit) => query.order(batches::id.desc()).limit(limit),
        Which::Ids(ids) => query
            .filter(batches::id.eq_any(ids.to_vec()))
            .order(batches::id.desc()),
    };
    let rows = query.load::<Row>(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let links = batch_inputs::table
        .filter(batch_inputs::batch_id.eq_any(&ids))
        .order((batch_inputs::batch_id, batch_inputs::input_batch_id))
        .select((batch_inputs::batch_id, batch_inputs::input_batch_id))
        .load::<(i64, i64)>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                enterprise_id,
                prefix,
                product_id,
                lot,
                produced,
                expiry,
                qty,
                unit,
                site,
                at,
                flagged,
            )| {
                Batch {
                    id,
                    enterprise_id,
                    company_prefix: prefix,
                    product_id,
                    lot,
                    production_date: produced,
                    expiry_date: expiry,
                    quantity: qty,
                    unit,
                    site_id: site,
                    inputs: links
                        .iter()
                        .filter(|(b, _)| *b == id)
                        .map(|(_, i)| *i)
                        .collect(),
                    created_at: at,
                    flagged,
                }
            },
        )
        .collect())
}

/// The batches of an enterprise, as `actor` may see them, by id.
pub fn list_batches(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    paging: Paging,
) -> Result<Vec<Batch>> {
    let (limit, offset) = paging.limits()?;
    find_enterprise(conn, actor, enterprise_id)?;
    load(conn, enterprise_id, Which::Page { limit, offset })
}

/// For a form's batch picker: the newest `limit` batches of an enterprise (newest first) and
/// those of `also` besides (the batches a page names), as `actor` may see them.
pub fn picker_batches(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    limit: i64,
    also: &[i64],
) -> Result<Vec<Batch>> {
    find_enterprise(conn, actor, enterprise_id)?;
    let mut found = load(conn, enterprise_id, Which::Newest(limit))?;
    let missing = missing_ids(also, found.iter().map(|b| b.id));
    if !missing.is_empty() {
        found.extend(load(conn, enterprise_id, Which::Ids(&missing))?);
    }
    Ok(found)
}

/// A batch of generated data for [`insert_generated_batches`]: valid by construction, so not
/// checked (no expiry date, site or blacklist flag).
#[derive(Debug, Clone, Copy)]
pub struct GeneratedBatch<'a> {
    pub enterprise_id: i64,
    /// The first 7 digits of the GTIN's company prefix.
    pub company_prefix: &'a str,
    pub product_id: i64,
    pub lot: &'a str,
    pub production_date: NaiveDate,
    pub quantity: f64,
    pub unit: &'a str,
}

/// A link from a batch to a batch it was made from, for [`insert_generated_inputs`].
#[derive(Debug, Clone, Copy)]
pub struct GeneratedInput<'a> {
    pub batch_id: i64,
    pub input_batch_id: i64,
    pub company_prefix: &'a str,
}

/// Rows per multi-row insert of generated batches (8 parameters each).
const GENERATED_ROWS: usize = 1000;

/// Writes generated batches (the synthetic supply chain) with multi-row inserts rather than a
/// [`create_batch`] (a dozen queries) each, unchecked: only for data valid by construction.
/// Returns `(id, product_id, lot)` of each batch written.
pub fn insert_generated_batches(
    conn: &mut DbConn,
    now: NaiveDateTime,
    rows: &[GeneratedBatch<'_>],
) -> Result<Vec<(i64, i64, String)>> {
    let mut written = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(GENERATED_ROWS) {
        let values: Vec<_> = chunk
            .iter()
            .map(|b| {
                (
                    batches::enterprise_id.eq(b.enterprise_id),
                    batches::company_prefix.eq(b.company_prefix),
                    batches::product_id.eq(b.product_id),
                    batches::lot.eq(b.lot),
                    batches::production_date.eq(b.production_date),
                    batches::quantity.eq(b.quantity),
                    batches::unit.eq(b.unit),
                    batches::created_at.eq(now),
                )
            })
            .collect();
        let insert = diesel::insert_into(batches::table)
            .values(&values)
            .returning((batches::id, batches::product_id, batches::lot));
        // Multi-row inserts run on the concrete connection: diesel's batch insert does not
        // pass through `MultiConnection`.
        let ids: Vec<(i64, i64, String)> = match conn {
            DbConn::Pg(pg) => insert.get_results(pg)?,
            DbConn::Sqlite(lite) => insert.get_results(lite)?,
        };
        written.extend(ids);
    }
    Ok(written)
}

/// Writes the input links of generated batches with multi-row inserts, unchecked (see
/// [`insert_generated_batches`]).
pub fn insert_generated_inputs(conn: &mut DbConn, links: &[GeneratedInput<'_>]) -> Result<()> {
    for chunk in links.chunks(GENERATED_ROWS) {
        let values: Vec<_> = chunk
            .iter()
            .map(|l| {
                (
                    batch_inputs::batch_id.eq(l.batch_id),
                    batch_inputs::input_batch_id.eq(l.input_batch_id),
                    batch_inputs::company_prefix.eq(l.company_prefix),
                )
            })
            .collect();
        let insert = diesel::insert_into(batch_inputs::table).values(&values);
        match conn {
            DbConn::Pg(pg) => insert.execute(pg)?,
            DbConn::Sqlite(lite) => insert.execute(lite)?,
        };
    }
    Ok(())
}
