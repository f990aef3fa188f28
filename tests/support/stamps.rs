//! Stamps for resolver tests: a registered, approved producer with a product, a site and a
//! batch (through the API), and stamp orders written straight into `stamp_orders` / `stamps`.
//!
//! Until the issuer (`registry::stamps::issue`) is on main, this is the one place that creates
//! stamps; replace [`StampWorld::issue`], [`StampWorld::activate`] and [`StampWorld::revoke`]
//! by the real functions then.

#![allow(
    clippy::unwrap_used,
    reason = "test fixtures: a failed setup fails the test"
)]

use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::schema::{alerts, stamp_orders, stamp_revocations, stamp_scans, stamps};
use registry::stamps::generate_serials;
use reqwest::blocking::Response;
use serde_json::{Value, json};

use crate::body;
use crate::fixtures::{Registry, registration};

/// The product's GTIN-13 and its 14-digit form.
pub const GTIN13: &str = "6901234000016";
pub const GTIN14: &str = "06901234000016";
/// The batch's lot.
pub const LOT: &str = "L2026-11";

/// A producer in Zhengzhou (410102) with one food product sold in CN and VN, one factory and
/// one batch, and an officer of the competent department.
pub struct StampWorld {
    pub r: Registry,
    pub enterprise_id: i64,
    pub enterprise_token: String,
    pub officer: String,
    pub product_id: i64,
    pub batch_id: i64,
    department_id: i64,
}

/// One issued stamp.
#[derive(Debug, Clone)]
pub struct Issued {
    pub serial: String,
    /// The hidden code (anti-counterfeit stamps).
    pub code: Option<String>,
}

impl StampWorld {
    /// The world on a fresh hub whose configuration `adjust` may change.
    pub fn new(adjust: impl FnOnce(&mut hub::config::Config)) -> Self {
        let r = Registry::spawn_with(adjust);
        let mut new = registration(1, "410102", &["food"]);
        new["company_prefix"] = json!("6901234");
        assert_eq!(r.post(None, "/api/v1/enterprises", new).status(), 201);
        let user = registry::identity::find_user_by_name(
            &mut r.app.test_db().db().conn().unwrap(),
            "ent1",
        )
        .unwrap();
        let enterprise_token = r.app.token_for(
            &user,
            &[
                registry::identity::Scope::Read,
                registry::identity::Scope::Write,
            ],
        );
        let enterprise_id = user.enterprise_id.unwrap();
        let officer = r.officer("zz-officer", "410100", &["food"]);
        r.approve(&officer, enterprise_id);
        let base = format!("/api/v1/enterprises/{enterprise_id}");
        let site = json!({ "name": "一号工厂", "kind": "factory", "gln": "6901234000108", "address": "郑州市金水路1号" });
        let site_id = id_of(r.post(Some(&enterprise_token), &format!("{base}/sites"), site));
        let product = json!({ "gtin": GTIN13, "name": "速冻水饺", "category": "food", "specification": "500 g", "shelf_life_days": 180, "target_markets": ["CN", "VN"] });
        let product_id = id_of(r.post(
            Some(&enterprise_token),
            &format!("{base}/products"),
            product,
        ));
        let batch = json!({ "product_id": product_id, "lot": LOT, "production_date": "2026-11-01", "quantity": 1000, "unit": "box", "site_id": site_id });
        let batch_id = id_of(r.post(Some(&enterprise_token), &format!("{base}/batches"), batch));
        let department_id = registry::schema::departments::table
            .select(registry::schema::departments::id)
            .first(&mut *r.app.test_db().db().conn().unwrap())
            .unwrap();
        Self {
            r,
            enterprise_id,
            enterprise_token,
            officer,
            product_id,
            batch_id,
            department_id,
        }
    }

    /// Issues `n` stamps of `kind` (`qr` or `anti_counterfeit`) for the product.
    pub fn issue(&self, kind: &str, n: usize) -> Vec<Issued> {
        let db = self.r.app.test_db().db();
        let mut conn = db.conn().unwrap();
        let order_id: i64 = diesel::insert_into(stamp_orders::table)
            .values((
                stamp_orders::enterprise_id.eq(self.enterprise_id),
                stamp_orders::product_id.eq(self.product_id),
                stamp_orders::department_id.eq(self.department_id),
                stamp_orders::company_prefix.eq("6901234"),
                stamp_orders::gtin.eq(GTIN14),
                stamp_orders::kind.eq(kind),
                stamp_orders::quantity.eq(n as i64),
                stamp_orders::resolver_host.eq("trace.example.cn"),
                stamp_orders::issued_by.eq("user:zz-officer"),
                stamp_orders::issued_at.eq(registry::time::now()),
            ))
            .returning(stamp_orders::id)
            .get_result(&mut *conn)
            .unwrap();
        let ring = self.r.app.state.resolver.ring.clone().unwrap();
        let mut out = Vec::new();
        for (i, serial) in generate_serials(n).into_iter().enumerate() {
            let (version, code) = if kind == "anti_counterfeit" {
                let (v, c) = ring.issue(&serial);
                (Some(i32::from(v)), Some(c.as_str().to_owned()))
            } else {
                (None, None)
            };
            diesel::insert_into(stamps::table)
                .values((
                    stamps::serial.eq(serial.as_str()),
                    stamps::order_id.eq(order_id),
                    stamps::seq.eq(i as i64 + 1),
                    stamps::company_prefix.eq("6901234"),
                    stamps::key_version.eq(version),
                ))
                .execute(&mut *conn)
                .unwrap();
            out.push(Issued {
                serial: serial.as_str().to_owned(),
                code,
            });
        }
        out
    }

    /// Binds `stamp` to the world's batch.
    pub fn activate(&self, stamp: &Issued) {
        diesel::update(stamps::table.find(&stamp.serial))
            .set((
                stamps::batch_id.eq(self.batch_id),
                stamps::activated_at.eq(registry::time::now()),
            ))
            .execute(&mut *self.r.app.test_db().db().conn().unwrap())
            .unwrap();
    }

    /// Revokes `stamp` with `reason`.
    pub fn revoke(&self, stamp: &Issued, reason: &str) {
        let mut conn = self.r.app.test_db().db().conn().unwrap();
        let (order_id, seq): (i64, i64) = stamps::table
            .find(&stamp.serial)
            .select((stamps::order_id, stamps::seq))
            .first(&mut *conn)
            .unwrap();
        let id: i64 = diesel::insert_into(stamp_revocations::table)
            .values((
                stamp_revocations::order_id.eq(order_id),
                stamp_revocations::first_seq.eq(seq),
                stamp_revocations::last_seq.eq(seq),
                stamp_revocations::reason.eq(reason),
                stamp_revocations::company_prefix.eq("6901234"),
                stamp_revocations::revoked_by.eq("user:zz-officer"),
                stamp_revocations::revoked_at.eq(registry::time::now()),
            ))
            .returning(stamp_revocations::id)
            .get_result(&mut *conn)
            .unwrap();
        diesel::update(stamps::table.find(&stamp.serial))
            .set((
                stamps::revoked_at.eq(registry::time::now()),
                stamps::revocation_id.eq(id),
            ))
            .execute(&mut *conn)
            .unwrap();
    }

    /// A serial that was never issued.
    pub fn unknown_serial() -> String {
        generate_serials(1)[0].as_str().to_owned()
    }
}

fn id_of(response: reqwest::blocking::Response) -> i64 {
    let status = response.status();
    let json: Value = body(response);
    assert_eq!(status, 201, "{json}");
    json["id"].as_i64().unwrap()
}

// Helpers of the resolver tests.

/// GET `path` with `Accept: accept`.
pub fn get(w: &StampWorld, path: &str, accept: &str) -> Response {
    w.r.app
        .client()
        .get(w.r.app.url(path))
        .header("accept", accept)
        .send()
        .unwrap()
}

/// The JSON answer (200) to `path`.
pub fn json_of(w: &StampWorld, path: &str) -> Value {
    let response = get(w, path, "application/json");
    assert_eq!(response.status(), 200, "{path}");
    body(response)
}

/// The resolver path of `serial` under the world's GTIN.
pub fn link(serial: &str) -> String {
    format!("/01/{GTIN14}/21/{serial}")
}

/// Rows in the scan log.
pub fn count_scans(w: &StampWorld) -> i64 {
    stamp_scans::table
        .count()
        .get_result(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap()
}

/// Waits (bounded) until the scan log has written `n` rows: it writes in the background.
pub fn wait_for_scans(w: &StampWorld, n: i64) {
    let start = Instant::now();
    while count_scans(w) < n {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "scan log: {} of {n} rows",
            count_scans(w)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The alerts of `kind`: (region, category, subject).
pub fn alerts_of(w: &StampWorld, kind: &str) -> Vec<(String, String, String)> {
    alerts::table
        .filter(alerts::kind.eq(kind))
        .select((alerts::region_code, alerts::category, alerts::subject))
        .load(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap()
}

/// One stamp of `kind`, issued and activated.
pub fn activated(w: &StampWorld, kind: &str) -> Issued {
    let stamp = w.issue(kind, 1).remove(0);
    w.activate(&stamp);
    stamp
}

/// Inflates every Flate stream of a PDF and returns the text of all of them.
pub fn pdf_text(pdf: &[u8]) -> String {
    let mut text = String::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let after = &rest[start + 7..];
        let Some(end) = find(after, b"\nendstream") else {
            break;
        };
        if let Ok(raw) = miniz_oxide::inflate::decompress_to_vec_zlib(&after[..end]) {
            text.push_str(&String::from_utf8_lossy(&raw));
        }
        rest = &after[end..];
    }
    text
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
