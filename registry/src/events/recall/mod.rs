//! The recall report for a lot: a forward trace laid out as what a recall needs: every affected
//! lot and item, the logistic units that carried them, every site and party reached (grouped by
//! country, region, warehouse and retailer), with quantities and dates, and one row per event
//! and affected lot (the sortable spreadsheet FSMA 204 asks for; `reports::recall` writes it
//! as CSV).
//!
//! Places group as a recall needs them: regions as `country/region` (`CN/410102`,
//! `VN/unregistered`); warehouses are registered warehouse and port sites; retailers are stores
//! and any place with a `retail_selling` event, grouped by enterprise. Rows (one per event and
//! affected lot: the items of a lot counted, class quantities with their unit) sort by any column
//! of [`SORT_KEYS`], comma-separated, `-` for descending (`sort=country,-event_time`).

mod build;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::trace::{self, Direction, ObjectKind, Place, Start, Window, object_kind};
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};

/// An affected lot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AffectedLot {
    /// `https://id.gs1.org/01/{gtin}/10/{lot}`.
    pub id: String,
    pub gtin: String,
    pub lot: String,
    /// The product's name, when the GTIN is filed.
    pub product: Option<String>,
    /// The enterprise that filed the lot, when it did.
    pub producer_id: Option<i64>,
    pub producer: Option<String>,
    /// First event naming it (or its filed production date).
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub first_seen: Option<NaiveDateTime>,
}

/// An affected item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AffectedItem {
    pub id: String,
    /// The lot it was commissioned into, when known.
    pub lot: Option<String>,
    /// Where and when it was last seen (itself or in a container).
    pub last_place: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub last_seen: Option<NaiveDateTime>,
}

/// A logistic unit that carried affected goods, and when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocatedUnit {
    pub id: String,
    pub windows: Vec<Window>,
    /// Places of its events within those windows.
    pub places: Vec<String>,
}

/// A quantity in one unit of measure.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Amount {
    pub quantity: f64,
    /// UN/CEFACT Rec. 20 code (`KGM`, ...); `EA` for counted items.
    pub uom: String,
}

/// A site or party reached.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reach {
    pub place: Place,
    #[serde(with = "crate::time::as_rfc3339")]
    pub first: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub last: NaiveDateTime,
    /// Distinct affected items present (themselves or in containers).
    pub items: usize,
    /// Affected lots present.
    pub lots: Vec<String>,
    /// Largest quantity of each affected lot seen there, summed per unit.
    pub quantities: Vec<Amount>,
    pub events: usize,
    /// True when goods were sold there (`retail_selling`) or it is a registered store.
    pub retail: bool,
}

/// A group of reached sites (a country, a region, a retailer).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Group {
    /// The country code, `country/region`, or the retailer's name.
    pub key: String,
    /// Locations (sites) in the group.
    pub sites: usize,
    /// Parties (owning parties, by party GLN) in the group.
    pub parties: usize,
    /// Distinct affected items present at its places.
    pub items: usize,
    pub lots: usize,
    #[serde(with = "crate::time::as_rfc3339")]
    pub first: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub last: NaiveDateTime,
    /// The sites' GLNs (or identifiers).
    pub places: Vec<String>,
}

/// One row of the spreadsheet: an event and an affected lot it moved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecallRow {
    #[serde(with = "crate::time::as_rfc3339")]
    pub event_time: NaiveDateTime,
    /// Business step as a bare CBV word.
    pub biz_step: String,
    pub event_type: String,
    /// The eventID, or `row:{id}` for events without one.
    pub event: String,
    /// The traceability lot code (lot identifier); empty for items of unknown lot.
    pub lot: String,
    pub gtin: String,
    pub product: String,
    pub quantity: Option<f64>,
    pub uom: String,
    pub items: usize,
    pub location: String,
    pub location_name: String,
    pub location_kind: String,
    pub enterprise: String,
    pub country: String,
    pub region: String,
    pub ship_from: String,
    pub ship_to: String,
}

/// Columns a report's rows can be sorted by.
pub const SORT_KEYS: [&str; 12] = [
    "event_time",
    "biz_step",
    "lot",
    "gtin",
    "product",
    "quantity",
    "items",
    "location",
    "enterprise",
    "country",
    "region",
    "ship_to",
];

/// The recall report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecallReport {
    /// The recalled lot.
    pub lot: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub generated_at: NaiveDateTime,
    pub lots: Vec<AffectedLot>,
    pub items: Vec<AffectedItem>,
    pub logistic_units: Vec<LocatedUnit>,
    pub sites: Vec<Reach>,
    pub parties: Vec<Reach>,
    pub countries: Vec<Group>,
    pub regions: Vec<Group>,
    pub warehouses: Vec<Reach>,
    pub retailers: Vec<Group>,
    pub rows: Vec<RecallRow>,
    /// True when the trace was cut at its node limit.
    pub truncated: bool,
}

/// Reads a `sort` parameter: column names (see [`SORT_KEYS`]), comma-separated, each
/// optionally prefixed `-` for descending.
pub fn parse_sort(sort: &str) -> Result<Vec<(String, bool)>> {
    sort.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|key| {
            let (name, descending) = match key.strip_prefix('-') {
                Some(n) => (n, true),
                None => (key, false),
            };
            if SORT_KEYS.contains(&name) {
                Ok((name.to_owned(), descending))
            } else {
                Err(RegistryError::invalid(
                    Code::InvalidSort,
                    "sort",
                    format!("unknown column {name:?}: sort by {}", SORT_KEYS.join(", ")),
                ))
            }
        })
        .collect()
}

/// Sorts rows by the keys of [`parse_sort`] (then by time and lot, for a stable order).
pub fn sort_rows(rows: &mut [RecallRow], keys: &[(String, bool)]) {
    rows.sort_by(|a, b| {
        for (key, descending) in keys {
            let order = match key.as_str() {
                "event_time" => a.event_time.cmp(&b.event_time),
                "biz_step" => a.biz_step.cmp(&b.biz_step),
                "lot" => a.lot.cmp(&b.lot),
                "gtin" => a.gtin.cmp(&b.gtin),
                "product" => a.product.cmp(&b.product),
                "quantity" => a
                    .quantity
                    .partial_cmp(&b.quantity)
                    .unwrap_or(std::cmp::Ordering::Equal),
                "items" => a.items.cmp(&b.items),
                "location" => a.location.cmp(&b.location),
                "enterprise" => a.enterprise.cmp(&b.enterprise),
                "country" => a.country.cmp(&b.country),
                "region" => a.region.cmp(&b.region),
                _ => a.ship_to.cmp(&b.ship_to),
            };
            let order = if *descending { order.reverse() } else { order };
            if order.is_ne() {
                return order;
            }
        }
        (a.event_time, &a.lot, &a.event).cmp(&(b.event_time, &b.lot, &b.event))
    });
}

/// The recall report for `lot` (canonical lot identifier, after [`trace::authorize`]), as
/// known `now`.
pub fn recall(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lot: &str,
    sort: &[(String, bool)],
) -> Result<RecallReport> {
    if object_kind(lot) != ObjectKind::Lot {
        return Err(RegistryError::invalid(
            Code::InvalidLot,
            "lot",
            "a recall starts from a lot: https://id.gs1.org/01/{gtin}/10/{lot} or urn:epc:class:lgtin:...",
        ));
    }
    let traced = trace::run(conn, &Start::Object(lot.to_owned()), Direction::Forward)?;
    let mut report = build::Builder::new(&traced).build(conn, now)?;
    report.lot = lot.to_owned();
    sort_rows(&mut report.rows, sort);
    Ok(report)
}

/// The recall report of a lot or an item (canonical, after [`trace::authorize`]) as known
/// `now`: a recall case's scope (`crate::recalls`).
pub fn scope(conn: &mut DbConn, now: NaiveDateTime, id: &str) -> Result<RecallReport> {
    if !matches!(object_kind(id), ObjectKind::Lot | ObjectKind::Item) {
        return Err(RegistryError::invalid(
            Code::InvalidLot,
            "lots",
            "a recall case names lots or items",
        ));
    }
    let traced = trace::run(conn, &Start::Object(id.to_owned()), Direction::Forward)?;
    let mut report = build::Builder::new(&traced).build(conn, now)?;
    report.lot = id.to_owned();
    Ok(report)
}
