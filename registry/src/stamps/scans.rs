//! The public scan log and the counterfeit signals read from it.
//!
//! The resolver hands scans over in batches ([`record_scans`]): one multi-row insert, then the
//! alerts the batch calls for, all in the caller's transaction. Every alert has a dedupe key, so
//! a flood of scans raises one alert per stamp (or per product, country and day), never a
//! flood of alerts; a [`Memo`] of keys already raised spares the repeated lookups.
//!
//! Signals: an unknown serial (`stamp_unknown_serial`), a revoked stamp scanned
//! (`stamp_revoked_scanned`), more scans of one pack than the configured limit
//! (`stamp_scan_limit`), two located scans further apart than `max_travel_kmh` allows in the
//! time between them (`stamp_implausible_travel`, haversine distance), a scan in a country
//! outside the product's declared markets (`stamp_outside_market`).
//!
//! Dedupe keys: an unknown serial per GTIN and day; a revoked stamp, a wrong hidden code
//! ([`super::verify`]) and implausible travel per stamp; the scan limit per stamp and step (past
//! it, then 2, 4 and 8 times it: see [`times_over`]); outside the market per
//! GTIN, country and day; fake reports per serial and day ([`super::fakes`]: later reports attach
//! to the alert). Alerts go to the producer's region and category, so to its competent
//! departments; an unknown serial under a GTIN nobody registered goes to the administrators.
//! Travel is the haversine distance between the coarse locations (0.1 degree), less 16 km of
//! rounding, against `max_travel_kmh` over the time between the scans.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Text, Timestamp};
use serde_json::json;

use crate::alerts::{self, NewAlert, Severity};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::{RegistryError, Result};
use crate::schema::{alerts as alerts_table, stamp_scans};

use super::alert_kind;
use super::resolve::Verdict;
use crate::error::Code;

/// Whom an alert about a scanned stamp concerns: the producer, so that the competent
/// department (by region and category) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSubject {
    pub enterprise_id: i64,
    pub region_code: String,
    pub category: Option<Category>,
    pub company_prefix: String,
    /// The product's GTIN (14 digits) and name, for the alert's detail.
    pub gtin: String,
    pub product_name: String,
}

/// One scan (a resolution or a verification) to log.
#[derive(Debug, Clone)]
pub struct NewScan {
    /// The serial as scanned (possibly never issued).
    pub serial: String,
    /// The GTIN in the scanned link (14 digits).
    pub gtin: String,
    /// The stamp's company prefix ('' for an unknown serial).
    pub company_prefix: String,
    pub scanned_at: NaiveDateTime,
    /// Keyed hash of the client address.
    pub client_hash: String,
    /// Coarse location (0.1 degree) when the client gave it.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// ISO 3166 alpha-2 country the client gave.
    pub country: Option<String>,
    /// What the scan said ([`Verdict::as_str`], or `verify_*` for a verification).
    pub verdict: String,
    /// Whether the stamp is a known one (for the per-stamp signals).
    pub known: bool,
    /// The producer, when the serial is known; `None` for an unknown serial.
    pub subject: Option<Arc<AlertSubject>>,
    /// The product's declared markets (empty: none declared).
    pub markets: Arc<[String]>,
}

/// The thresholds of the per-stamp signals (from `[stamps]`).
#[derive(Debug, Clone, Copy)]
pub struct ScanRules {
    pub scan_limit: u32,
    pub max_travel_kmh: f64,
}

/// Dedupe keys already raised by this process (an optimisation only: the alert store's dedupe
/// key is what guarantees one alert per key).
#[derive(Debug, Default)]
pub struct Memo {
    keys: HashSet<String>,
}

impl Memo {
    /// Most keys kept before the memo starts afresh.
    const MAX: usize = 100_000;

    fn seen(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    fn remember(&mut self, key: String) {
        if self.keys.len() >= Self::MAX {
            self.keys.clear();
        }
        self.keys.insert(key);
    }
}

/// Rounds a coordinate to 0.1 degree (about 11 km): the scan log keeps no finer location.
pub fn coarse(degrees: f64) -> f64 {
    (degrees * 10.0).round() / 10.0
}

/// Checks a client-given location; `field` names the bad one.
pub fn check_location(lat: Option<f64>, lon: Option<f64>) -> Result<Option<(f64, f64)>> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) => {
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                return Err(RegistryError::invalid(
                    Code::InvalidLocation,
                    "lat",
                    "latitude must be between -90 and 90",
                ));
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                return Err(RegistryError::invalid(
                    Code::InvalidLocation,
                    "lon",
                    "longitude must be between -180 and 180",
                ));
            }
            Ok(Some((coarse(lat), coarse(lon))))
        }
        (Some(_), None) => Err(RegistryError::invalid(
            Code::InvalidLocation,
            "lon",
            "a latitude needs a longitude",
        )),
        (None, Some(_)) => Err(RegistryError::invalid(
            Code::InvalidLocation,
            "lat",
            "a longitude needs a latitude",
        )),
    }
}

/// Great-circle distance in km between two points (haversine, mean Earth radius).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    const R: f64 = 6371.0088;
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// Whether going from `a` to `b` in `hours` needs more than `max_kmh`. The coarse locations
/// are up to about 8 km off each, so that much distance is always plausible.
pub fn implausible(a: (f64, f64), b: (f64, f64), hours: f64, max_kmh: f64) -> bool {
    let km = (haversine_km(a, b) - 16.0).max(0.0);
    km > 0.0 && km > max_kmh * hours.max(0.0)
}

/// Logs `scans` (one multi-row insert) and raises the alerts they call for, in the caller's
/// transaction. Returns how many alerts were raised.
pub fn record_scans(
    conn: &mut DbConn,
    scans: &[NewScan],
    rules: ScanRules,
    memo: &mut Memo,
) -> Result<usize> {
    if scans.is_empty() {
        return Ok(0);
    }
    // Previous located scans of the stamps located in this batch, read before the insert.
    let located: Vec<&str> = scans
        .iter()
        .filter(|s| s.known && s.latitude.is_some())
        .map(|s| s.serial.as_str())
        .collect();
    let mut last_seen = last_located(conn, &located)?;
    insert(conn, scans)?;
    let mut raised = 0;
    let day = scans[0].scanned_at.date();
    for scan in scans {
        let subject = scan.subject.as_deref();
        match (scan.verdict.as_str(), subject) {
            (v, _)
                if v == Verdict::UnknownSerial.as_str() || v == Verdict::GtinMismatch.as_str() =>
            {
                // Keyed per GTIN and day: random serials under one GTIN make one alert a day
                // (a serial of another product under this GTIN is unknown for this product).
                let key = format!("stamp_unknown_serial:{}:{day}", scan.gtin);
                raised += raise(
                    conn,
                    memo,
                    &key,
                    scan,
                    alert_kind::UNKNOWN_SERIAL,
                    Severity::Warning,
                )?;
            }
            (v, Some(_)) if v == Verdict::Revoked.as_str() || v == "verify_revoked" => {
                let key = format!("stamp_revoked_scanned:{}", scan.serial);
                raised += raise(
                    conn,
                    memo,
                    &key,
                    scan,
                    alert_kind::REVOKED_SCANNED,
                    Severity::Warning,
                )?;
            }
            _ => {}
        }
        if let (Some(country), true) = (&scan.country, scan.known) {
            if !scan.markets.is_empty() && !scan.markets.iter().any(|m| m == country) {
                let key = format!("stamp_outside_market:{}:{country}:{day}", scan.gtin);
                raised += raise(
                    conn,
                    memo,
                    &key,
                    scan,
                    alert_kind::OUTSIDE_MARKET,
                    Severity::Warning,
                )?;
            }
        }
        if let (Some(lat), Some(lon), true) = (scan.latitude, scan.longitude, scan.known) {
            if let Some((at, prev)) = last_seen.get(&scan.serial).copied() {
                let hours = (scan.scanned_at - at).num_milliseconds() as f64 / 3_600_000.0;
                if implausible(prev, (lat, lon), hours, rules.max_travel_kmh) {
                    let key = format!("stamp_implausible_travel:{}", scan.serial);
                    let detail = json!({
                        "from": { "lat": prev.0, "lon": prev.1, "at": crate::time::rfc3339(at) },
                        "to": { "lat": lat, "lon": lon, "at": crate::time::rfc3339(scan.scanned_at) },
                        "km": haversine_km(prev, (lat, lon)).round(),
                        "max_travel_kmh": rules.max_travel_kmh,
                    });
                    raised += raise_with(
                        conn,
                        memo,
                        &key,
                        scan,
                        alert_kind::IMPLAUSIBLE_TRAVEL,
                        Severity::Critical,
                        detail,
                    )?;
                }
            }
            last_seen.insert(scan.serial.clone(), (scan.scanned_at, (lat, lon)));
        }
    }
    raised += scan_limits(conn, scans, rules, memo)?;
    Ok(raised)
}

fn insert(conn: &mut DbConn, scans: &[NewScan]) -> Result<()> {
    for chunk in scans.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                (
                    stamp_scans::serial.eq(&s.serial),
                    stamp_scans::company_prefix.eq(&s.company_prefix),
                    stamp_scans::scanned_at.eq(s.scanned_at),
                    stamp_scans::client_hash.eq(&s.client_hash),
                    stamp_scans::latitude.eq(s.latitude),
                    stamp_scans::longitude.eq(s.longitude),
                    stamp_scans::country.eq(s.country.as_deref()),
                    stamp_scans::verdict.eq(&s.verdict),
                )
            })
            .collect();
        // Multi-row inserts run on the concrete connection (diesel's batch insert does not
        // pass through MultiConnection).
        match conn {
            DbConn::Pg(pg) => {
                diesel::insert_into(stamp_scans::table)
                    .values(&rows)
                    .execute(pg)?;
            }
            DbConn::Sqlite(lite) => {
                diesel::insert_into(stamp_scans::table)
                    .values(&rows)
                    .execute(lite)?;
            }
        }
    }
    Ok(())
}

type Located = HashMap<String, (NaiveDateTime, (f64, f64))>;

/// Serials per batched read (PostgreSQL `unnest`, SQLite `json_each`).
const SERIALS_PER_READ: usize = 500;

/// Serials as a JSON array, for SQLite's `json_each`.
fn json_list(serials: &[&str]) -> String {
    serde_json::to_string(serials).unwrap_or_else(|_| "[]".into())
}

#[derive(QueryableByName)]
struct LastLocated {
    #[diesel(sql_type = Text)]
    serial: String,
    #[diesel(sql_type = Timestamp)]
    scanned_at: NaiveDateTime,
    #[diesel(sql_type = Double)]
    latitude: f64,
    #[diesel(sql_type = Double)]
    longitude: f64,
}

/// The latest located scan of each of `serials`: one query per [`SERIALS_PER_READ`], each serial
/// answered by the newest entry of `stamp_scans_serial` that has a location.
fn last_located(conn: &mut DbConn, serials: &[&str]) -> Result<Located> {
    let mut distinct: Vec<&str> = serials.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let mut out = Located::new();
    for chunk in distinct.chunks(SERIALS_PER_READ) {
        let rows: Vec<LastLocated> = match &mut *conn {
            DbConn::Pg(pg) => diesel::sql_query(
                "SELECT u.serial, l.scanned_at, l.latitude, l.longitude \
                 FROM unnest($1::text[]) AS u(serial) CROSS JOIN LATERAL \
                 (SELECT s.scanned_at, s.latitude, s.longitude FROM stamp_scans s \
                 WHERE s.serial = u.serial AND s.latitude IS NOT NULL \
                 AND s.longitude IS NOT NULL ORDER BY s.scanned_at DESC LIMIT 1) AS l",
            )
            .bind::<Array<Text>, _>(chunk)
            .load(pg)?,
            DbConn::Sqlite(lite) => diesel::sql_query(
                "SELECT s.serial, s.scanned_at, s.latitude, s.longitude \
                 FROM json_each(?) AS u JOIN stamp_scans s ON s.id = \
                 (SELECT l.id FROM stamp_scans l WHERE l.serial = u.value \
                 AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL \
                 ORDER BY l.scanned_at DESC LIMIT 1)",
            )
            .bind::<Text, _>(json_list(chunk))
            .load(lite)?,
        };
        for row in rows {
            out.insert(row.serial, (row.scanned_at, (row.latitude, row.longitude)));
        }
    }
    Ok(out)
}

/// Adds the batch's scans to each known stamp's `scan_count` and raises `stamp_scan_limit` for
/// the stamps it takes past the limit, and again at twice, four and eight times it (critical
/// from four times): repeated excess is never silent, and never a flood either.
fn scan_limits(
    conn: &mut DbConn,
    scans: &[NewScan],
    rules: ScanRules,
    memo: &mut Memo,
) -> Result<usize> {
    let mut batch: HashMap<&str, (&NewScan, i64)> = HashMap::new();
    for scan in scans.iter().filter(|s| s.known) {
        batch.entry(scan.serial.as_str()).or_insert((scan, 0)).1 += 1;
    }
    if batch.is_empty() {
        return Ok(0);
    }
    let added: Vec<(&str, i64)> = batch.iter().map(|(serial, (_, n))| (*serial, *n)).collect();
    let mut raised = 0;
    for ScanCount { serial, count } in add_scan_counts(conn, &added)? {
        let Some(times) = times_over(count, rules.scan_limit) else {
            continue;
        };
        let key = limit_key(&serial, times);
        if memo.seen(&key) {
            continue;
        }
        let severity = if times >= 4 {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let detail =
            json!({ "scans": count, "scan_limit": rules.scan_limit, "times_the_limit": times });
        let (scan, _) = batch[serial.as_str()];
        raised += raise_with(
            conn,
            memo,
            &key,
            scan,
            alert_kind::SCAN_LIMIT,
            severity,
            detail,
        )?;
    }
    Ok(raised)
}

/// The escalation step `count` scans have reached: 1 past the limit, then 2, 4 and 8 times it.
pub fn times_over(count: i64, limit: u32) -> Option<u32> {
    let limit = i64::from(limit.max(1));
    [8, 4, 2, 1]
        .into_iter()
        .find(|times| count > limit * i64::from(*times))
}

#[derive(QueryableByName)]
struct ScanCount {
    #[diesel(sql_type = Text)]
    serial: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Adds `added` (serial, scans) to the stamps' `scan_count`; returns the new counts. One
/// statement per [`SERIALS_PER_READ`] serials, each stamp found by its primary key.
fn add_scan_counts(conn: &mut DbConn, added: &[(&str, i64)]) -> Result<Vec<ScanCount>> {
    let mut counts = Vec::with_capacity(added.len());
    for chunk in added.chunks(SERIALS_PER_READ) {
        let serials: Vec<&str> = chunk.iter().map(|(serial, _)| *serial).collect();
        let scans: Vec<i64> = chunk.iter().map(|(_, n)| *n).collect();
        counts.extend(match &mut *conn {
            DbConn::Pg(pg) => diesel::sql_query(
                "UPDATE stamps AS s SET scan_count = s.scan_count + u.scans \
                 FROM unnest($1::text[], $2::bigint[]) AS u(serial, scans) \
                 WHERE s.serial = u.serial RETURNING s.serial, s.scan_count AS count",
            )
            .bind::<Array<Text>, _>(&serials)
            .bind::<Array<BigInt>, _>(&scans)
            .load::<ScanCount>(pg)?,
            DbConn::Sqlite(lite) => diesel::sql_query(
                "UPDATE stamps SET scan_count = stamps.scan_count + u.scans \
                 FROM (SELECT json_extract(value, '$[0]') AS serial, \
                 json_extract(value, '$[1]') AS scans FROM json_each(?)) AS u \
                 WHERE stamps.serial = u.serial RETURNING stamps.serial AS serial, \
                 stamps.scan_count AS count",
            )
            .bind::<Text, _>(serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into()))
            .load::<ScanCount>(lite)?,
        });
    }
    Ok(counts)
}

/// The dedupe key of the alert at `times` the limit (the first keeps its original key).
fn limit_key(serial: &str, times: u32) -> String {
    if times == 1 {
        format!("stamp_scan_limit:{serial}")
    } else {
        format!("stamp_scan_limit:{serial}:x{times}")
    }
}

fn raise(
    conn: &mut DbConn,
    memo: &mut Memo,
    key: &str,
    scan: &NewScan,
    kind: &str,
    severity: Severity,
) -> Result<usize> {
    raise_with(conn, memo, key, scan, kind, severity, json!({}))
}

/// Raises `kind` about `scan` under `key` unless the memo has it; `1` when raised.
fn raise_with(
    conn: &mut DbConn,
    memo: &mut Memo,
    key: &str,
    scan: &NewScan,
    kind: &str,
    severity: Severity,
    mut detail: serde_json::Value,
) -> Result<usize> {
    if memo.seen(key) {
        return Ok(0);
    }
    if let Some(map) = detail.as_object_mut() {
        map.insert("serial".into(), json!(scan.serial));
        map.insert("gtin".into(), json!(scan.gtin));
        map.insert("verdict".into(), json!(scan.verdict));
        map.insert(
            "scanned_at".into(),
            json!(crate::time::rfc3339(scan.scanned_at)),
        );
        if let Some(country) = &scan.country {
            map.insert("country".into(), json!(country));
        }
        if let Some(subject) = &scan.subject {
            map.insert("product".into(), json!(subject.product_name));
            if kind == alert_kind::OUTSIDE_MARKET {
                map.insert("target_markets".into(), json!(&*scan.markets));
            }
        }
    }
    let subject = scan.subject.as_deref();
    let target = format!("stamp:{}", scan.serial);
    let raised = raise_alert(
        conn,
        &StampAlert {
            at: scan.scanned_at,
            kind,
            severity,
            subject,
            target: &target,
            detail,
            key,
        },
    )?;
    memo.remember(key.to_owned());
    Ok(usize::from(raised.is_some()))
}

/// A stamp alert to raise.
pub struct StampAlert<'a> {
    /// When what it reports happened.
    pub at: NaiveDateTime,
    pub kind: &'a str,
    pub severity: Severity,
    /// The producer (`None`: for administrators).
    pub subject: Option<&'a AlertSubject>,
    /// What it is about: `stamp:{serial}`.
    pub target: &'a str,
    pub detail: serde_json::Value,
    /// At most one alert per key.
    pub key: &'a str,
}

/// Raises a stamp alert. Returns the id of the alert raised, `None` when one with its key
/// existed.
pub fn raise_alert(conn: &mut DbConn, alert: &StampAlert<'_>) -> Result<Option<i64>> {
    let subject = alert.subject;
    let alert = alerts::raise(
        conn,
        alert.at,
        &NewAlert {
            kind: alert.kind,
            severity: alert.severity,
            enterprise_id: subject.map(|s| s.enterprise_id),
            region_code: subject.map_or("", |s| s.region_code.as_str()),
            category: subject.and_then(|s| s.category),
            company_prefix: subject.map_or("", |s| s.company_prefix.as_str()),
            subject: alert.target,
            detail: alert.detail.clone(),
            dedupe_key: Some(alert.key),
        },
    )?;
    Ok(alert.map(|a| a.id))
}

/// The id of the alert raised under `key`, if any.
pub fn alert_with_key(conn: &mut DbConn, key: &str) -> Result<Option<i64>> {
    Ok(alerts_table::table
        .filter(alerts_table::dedupe_key.eq(key))
        .select(alerts_table::id)
        .first(conn)
        .optional()?)
}

#[cfg(test)]
#[path = "scans_tests.rs"]
mod tests;
