//! What the public resolver reads: one stamp by its serial (a single indexed read of the stamp
//! joined with its order), the verdict a scan gets, and the story of a product and lot (producer,
//! origin site, batch, published documents, the lot's route from the events), which the resolver
//! caches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::departments::Category;
use crate::documents::{self, Document};
use crate::error::{RegistryError, Result};
use crate::events::trace::{self, Direction, Start};
use crate::schema::{
    batches, enterprises, products, sites, stamp_orders, stamp_revocations, stamps,
};

/// Most stops of a lot's route shown to the public.
pub const MAX_ROUTE_STOPS: usize = 50;

/// A stamp as the resolver needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampRecord {
    pub serial: String,
    pub order_id: i64,
    /// `qr` or `anti_counterfeit`.
    pub kind: String,
    /// The GTIN of the order's product (14 digits).
    pub gtin: String,
    pub product_id: i64,
    pub enterprise_id: i64,
    pub company_prefix: String,
    /// The hidden-code key version (anti-counterfeit stamps only).
    pub key_version: Option<i32>,
    /// The batch it was activated on.
    pub batch_id: Option<i64>,
    pub activated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revocation_id: Option<i64>,
    /// Scans logged so far (the scan log adds each batch of scans to it).
    pub scans: i64,
}

type StampRow = (
    String,
    i64,
    String,
    String,
    i64,
    i64,
    String,
    Option<i32>,
    Option<i64>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    i64,
);

/// The stamp with `serial`, with its order's product: one read by primary key.
pub fn find_stamp(conn: &mut DbConn, serial: &str) -> Result<Option<StampRecord>> {
    Ok(find_stamps(conn, &[serial])?.pop())
}

/// The stamps among `serials` (at most a few hundred), with their orders' products: one read
/// by primary key for all of them. Serials never issued are left out.
pub fn find_stamps(conn: &mut DbConn, serials: &[&str]) -> Result<Vec<StampRecord>> {
    let rows: Vec<StampRow> = stamps::table
        .inner_join(stamp_orders::table)
        .filter(stamps::serial.eq_any(serials))
        .select((
            stamps::serial,
            stamps::order_id,
            stamp_orders::kind,
            stamp_orders::gtin,
            stamp_orders::product_id,
            stamp_orders::enterprise_id,
            stamps::company_prefix,
            stamps::key_version,
            stamps::batch_id,
            stamps::activated_at,
            stamps::revoked_at,
            stamps::revocation_id,
            stamps::scan_count,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(stamp_record).collect())
}

fn stamp_record(r: StampRow) -> StampRecord {
    StampRecord {
        serial: r.0,
        order_id: r.1,
        kind: r.2,
        gtin: r.3,
        product_id: r.4,
        enterprise_id: r.5,
        company_prefix: r.6,
        key_version: r.7,
        batch_id: r.8,
        activated_at: r.9,
        revoked_at: r.10,
        revocation_id: r.11,
        scans: r.12,
    }
}

/// Why a stamp was revoked (when it was), as the issuing department wrote it.
pub fn revocation_reason(conn: &mut DbConn, stamp: &StampRecord) -> Result<Option<String>> {
    let Some(id) = stamp.revocation_id else {
        return Ok(None);
    };
    Ok(stamp_revocations::table
        .find(id)
        .select(stamp_revocations::reason)
        .first(conn)
        .optional()?)
}

/// What a scan of a stamp says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Issued, activated on a batch, not revoked: looks genuine (the hidden code proves it).
    Active,
    /// Issued but not yet bound to a batch: the pack should not be on sale.
    NotActivated,
    /// Revoked by the issuing department.
    Revoked,
    /// No stamp with this serial was ever issued.
    UnknownSerial,
    /// The serial exists, but for another product.
    GtinMismatch,
    /// The lot in the link is not the lot the stamp was activated on.
    LotMismatch,
    /// Activated on a lot under an open recall case: do not use (`crate::recalls`).
    Recalled,
}

impl Verdict {
    /// The stored name (the scan log's `verdict`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Active => "active",
            Verdict::NotActivated => "not_activated",
            Verdict::Revoked => "revoked",
            Verdict::UnknownSerial => "unknown_serial",
            Verdict::GtinMismatch => "gtin_mismatch",
            Verdict::LotMismatch => "lot_mismatch",
            Verdict::Recalled => "recalled",
        }
    }

    /// Whether the scan is a warning sign for the public.
    pub fn is_warning(self) -> bool {
        self != Verdict::Active
    }
}

/// The verdict of a scan of `path_gtin` (14 digits) / `path_lot` / a serial that found `stamp`,
/// whose activated batch has `batch_lot`.
pub fn judge(
    stamp: Option<&StampRecord>,
    path_gtin: &str,
    path_lot: Option<&str>,
    batch_lot: Option<&str>,
) -> Verdict {
    let Some(stamp) = stamp else {
        return Verdict::UnknownSerial;
    };
    if stamp.gtin != path_gtin {
        return Verdict::GtinMismatch;
    }
    if stamp.revoked_at.is_some() {
        return Verdict::Revoked;
    }
    if stamp.batch_id.is_none() {
        return Verdict::NotActivated;
    }
    match (path_lot, batch_lot) {
        (Some(lot), Some(batch_lot)) if lot != batch_lot => Verdict::LotMismatch,
        _ => Verdict::Active,
    }
}

/// The verdict once recalls are known: a stamp that [`judge`] found activated on a lot under an
/// open recall case (its story's `recall`) is [`Verdict::Recalled`].
pub fn judge_recall(verdict: Verdict, story: Option<&Story>) -> Verdict {
    match verdict {
        Verdict::Active | Verdict::LotMismatch if story.is_some_and(|s| s.recall.is_some()) => {
            Verdict::Recalled
        }
        v => v,
    }
}

/// The product a stamp is for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductFacts {
    pub id: i64,
    pub gtin: String,
    pub name: String,
    pub specification: String,
    pub category: String,
    pub shelf_life_days: Option<i32>,
    /// ISO 3166 alpha-2 codes of the declared markets (empty: no restriction declared).
    pub target_markets: Vec<String>,
}

/// The enterprise that makes it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProducerFacts {
    pub id: i64,
    pub name: String,
    pub name_en: String,
    pub credit_code: String,
    /// Region code (GB/T 2260 or the Vietnamese code).
    pub region_code: String,
    pub company_prefix: String,
}

/// The batch (lot) a stamp was activated on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchFacts {
    pub id: i64,
    pub lot: String,
    pub production_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    pub quantity: f64,
    pub unit: String,
}

/// The site the batch was made at.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteFacts {
    pub name: String,
    pub kind: String,
    pub gln: String,
    pub address: String,
}

/// A published document, as the public sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentFacts {
    #[serde(rename = "type")]
    pub doc_type: String,
    pub issuer: String,
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// SHA-256 of the content, lower-case hex (verify at `/api/v1/public/documents/{sha256}`).
    pub sha256: String,
    pub filename: String,
}

impl From<Document> for DocumentFacts {
    fn from(d: Document) -> Self {
        let doc_type = serde_json::to_value(d.doc_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        DocumentFacts {
            doc_type,
            issuer: d.issuer,
            number: d.number,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            sha256: d.sha256,
            filename: d.filename,
        }
    }
}

/// One stop of a lot's route: an event at a place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RouteStop {
    #[serde(with = "crate::time::as_rfc3339")]
    pub time: NaiveDateTime,
    /// The CBV business step (`https://ref.gs1.org/cbv/BizStep-shipping`...), if any.
    pub biz_step: Option<String>,
    /// The place's registered name (site, else enterprise), if registered.
    pub place: Option<String>,
    /// The location identifier as stored.
    pub location: Option<String>,
    pub region: String,
    pub country: String,
}

/// The story a stamp tells: everything but the stamp's own state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Story {
    pub product: ProductFacts,
    pub producer: ProducerFacts,
    pub batch: Option<BatchFacts>,
    pub origin: Option<SiteFacts>,
    pub documents: Vec<DocumentFacts>,
    /// The lot's route from its events, oldest first (at most [`MAX_ROUTE_STOPS`]).
    pub route: Vec<RouteStop>,
    /// True when the route was cut short.
    pub route_truncated: bool,
    /// The open recall case of the batch's lot, if any: the stamp says `recalled`.
    pub recall: Option<crate::recalls::RecallFacts>,
}

impl Story {
    /// The product's category, for the alerts it raises.
    pub fn category(&self) -> Option<Category> {
        Category::parse(&self.product.category, "category").ok()
    }
}

type ProductRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i32>,
    String,
    i64,
);
type ProducerRow = (i64, String, String, String, String, Option<String>);

/// The product registered under `gtin14` (14 digits), for a GTIN-only link (`/01/{gtin}`).
pub fn product_by_gtin(conn: &mut DbConn, gtin14: &str) -> Result<Option<i64>> {
    Ok(products::table
        .filter(products::gtin.eq(gtin14))
        .select(products::id)
        .first(conn)
        .optional()?)
}

/// The story of `product_id` and, when activated, `batch_id`.
pub fn story(conn: &mut DbConn, product_id: i64, batch_id: Option<i64>) -> Result<Story> {
    let p: ProductRow = products::table
        .find(product_id)
        .select((
            products::id,
            products::gtin,
            products::name,
            products::specification,
            products::category,
            products::shelf_life_days,
            products::target_markets,
            products::enterprise_id,
        ))
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "product" })?;
    let e: ProducerRow = enterprises::table
        .find(p.7)
        .select((
            enterprises::id,
            enterprises::name,
            enterprises::name_en,
            enterprises::credit_code,
            enterprises::region_code,
            enterprises::company_prefix,
        ))
        .first(conn)?;
    let product = ProductFacts {
        id: p.0,
        gtin: format!("{:0>14}", p.1),
        name: p.2,
        specification: p.3,
        category: p.4,
        shelf_life_days: p.5,
        target_markets: p
            .6
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let producer = ProducerFacts {
        id: e.0,
        name: e.1,
        name_en: e.2,
        credit_code: e.3,
        region_code: e.4,
        company_prefix: e.5.unwrap_or_default(),
    };
    let mut batch = None;
    let mut origin = None;
    let documents = match batch_id {
        Some(id) => {
            type BatchRow = (
                i64,
                String,
                NaiveDate,
                Option<NaiveDate>,
                f64,
                String,
                Option<i64>,
            );
            let b: BatchRow = batches::table
                .find(id)
                .select((
                    batches::id,
                    batches::lot,
                    batches::production_date,
                    batches::expiry_date,
                    batches::quantity,
                    batches::unit,
                    batches::site_id,
                ))
                .first(conn)?;
            if let Some(site_id) = b.6 {
                origin = sites::table
                    .find(site_id)
                    .select((sites::name, sites::kind, sites::gln, sites::address))
                    .first::<(String, String, String, String)>(conn)
                    .optional()?
                    .map(|s| SiteFacts {
                        name: s.0,
                        kind: s.1,
                        gln: s.2,
                        address: s.3,
                    });
            }
            batch = Some(BatchFacts {
                id: b.0,
                lot: b.1,
                production_date: b.2,
                expiry_date: b.3,
                quantity: b.4,
                unit: b.5,
            });
            documents::published_documents_for_batch(conn, id)?
        }
        None => documents::published_documents_for_product(conn, product_id)?,
    };
    let (route, route_truncated) = match &batch {
        Some(b) => route_of_lot(conn, &product.gtin, &b.lot)?,
        None => (Vec::new(), false),
    };
    let recall = match &batch {
        Some(b) => crate::recalls::open_recall_of_lot(conn, &product.gtin, &b.lot)?,
        None => None,
    };
    Ok(Story {
        product,
        producer,
        batch,
        origin,
        documents: documents.into_iter().map(DocumentFacts::from).collect(),
        route,
        route_truncated,
        recall,
    })
}

/// The route of a lot: the events of a forward trace from it, as places and dates, oldest
/// first, at most [`MAX_ROUTE_STOPS`].
pub fn route_of_lot(conn: &mut DbConn, gtin14: &str, lot: &str) -> Result<(Vec<RouteStop>, bool)> {
    let Ok(start) = trace::parse_start(
        &format!("https://id.gs1.org/01/{gtin14}/10/{}", encode_lot(lot)),
        "lot",
    ) else {
        // A lot that is not a valid AI (10) value has no events.
        return Ok((Vec::new(), false));
    };
    let traced = trace::trace(conn, &Start::Object(start), Direction::Forward)?;
    let places: std::collections::HashMap<&str, &trace::Place> = traced
        .places
        .iter()
        .map(|p| (p.identifier.as_str(), p))
        .collect();
    let mut events: Vec<&trace::TraceEvent> = traced.events.iter().collect();
    events.sort_by_key(|e| (e.event_time, e.row_id));
    let truncated = traced.truncated || events.len() > MAX_ROUTE_STOPS;
    let stops = events
        .into_iter()
        .take(MAX_ROUTE_STOPS)
        .map(|e| {
            let location = e.biz_location.clone().or_else(|| e.read_point.clone());
            let place = location.as_deref().and_then(|l| places.get(l));
            RouteStop {
                time: e.event_time,
                biz_step: e.biz_step.clone(),
                place: place
                    .and_then(|p| p.site_name.clone().or_else(|| p.enterprise_name.clone())),
                region: place.map(|p| p.region.clone()).unwrap_or_default(),
                country: place.map(|p| p.country.clone()).unwrap_or_default(),
                location,
            }
        })
        .collect();
    Ok((stops, truncated))
}

fn encode_lot(lot: &str) -> String {
    let mut out = String::with_capacity(lot.len());
    for b in lot.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The producer of the product with `gtin` (14 digits) and the product's declared markets, for
/// alerts about scans of unknown serials under a registered GTIN (stored as 14 digits).
pub fn subject_for_gtin(
    conn: &mut DbConn,
    gtin14: &str,
) -> Result<Option<super::scans::AlertSubject>> {
    let row: Option<(i64, String, String, i64, String, Option<String>)> = products::table
        .inner_join(enterprises::table)
        .filter(products::gtin.eq(gtin14))
        .select((
            products::id,
            products::name,
            products::category,
            enterprises::id,
            enterprises::region_code,
            enterprises::company_prefix,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|r| super::scans::AlertSubject {
        enterprise_id: r.3,
        region_code: r.4,
        category: Category::parse(&r.2, "category").ok(),
        company_prefix: r.5.unwrap_or_default(),
        gtin: gtin14.to_owned(),
        product_name: r.1,
    }))
}

/// The producer of a stamp's product, for alerts about it.
pub fn subject_of_stamp(
    conn: &mut DbConn,
    stamp: &StampRecord,
) -> Result<super::scans::AlertSubject> {
    let (name, category, region, prefix): (String, String, String, Option<String>) =
        products::table
            .inner_join(enterprises::table)
            .filter(products::id.eq(stamp.product_id))
            .select((
                products::name,
                products::category,
                enterprises::region_code,
                enterprises::company_prefix,
            ))
            .first(conn)?;
    Ok(super::scans::AlertSubject {
        enterprise_id: stamp.enterprise_id,
        region_code: region,
        category: Category::parse(&category, "category").ok(),
        company_prefix: prefix.unwrap_or_else(|| stamp.company_prefix.clone()),
        gtin: stamp.gtin.clone(),
        product_name: name,
    })
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
