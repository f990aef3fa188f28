//! Stamps for resolver tests: a registered, approved producer with a product, a site and a
//! batch, and stamps issued, activated and revoked, all through the API.

#![allow(
    clippy::unwrap_used,
    reason = "test fixtures: a failed setup fails the test"
)]

use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::schema::{alerts, stamp_scans};
use registry::stamps::{Serial, generate_serials};
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
        Self {
            r,
            enterprise_id,
            enterprise_token,
            officer,
            product_id,
            batch_id,
        }
    }

    /// Issues `n` (at most 1,000) stamps of `kind` (`qr` or `anti_counterfeit`) for the
    /// product, as the competent officer; hidden codes derived as the sheet prints them.
    pub fn issue(&self, kind: &str, n: usize) -> Vec<Issued> {
        let order = json!({ "enterprise_id": self.enterprise_id, "product_id": self.product_id, "quantity": n, "kind": kind });
        let order_id = id_of(
            self.r
                .post(Some(&self.officer), "/api/v1/stamp-orders", order),
        );
        let page: Value = body(self.r.get(
            &self.officer,
            &format!("/api/v1/stamp-orders/{order_id}/stamps?per_page=1000"),
        ));
        let ring = self.r.app.state.resolver.ring.clone().unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), n, "{page}");
        items
            .iter()
            .map(|stamp| {
                let serial = stamp["serial"].as_str().unwrap().to_owned();
                let code = stamp["key_version"].as_u64().map(|version| {
                    let parsed = Serial::parse(&serial).unwrap();
                    let version = u16::try_from(version).unwrap();
                    ring.hidden_code(version, &parsed)
                        .unwrap()
                        .as_str()
                        .to_owned()
                });
                Issued { serial, code }
            })
            .collect()
    }

    /// Binds `stamp` to the world's batch, as the enterprise.
    pub fn activate(&self, stamp: &Issued) {
        let path = format!("/api/v1/stamps/{}/activate", stamp.serial);
        let activation = json!({ "batch_id": self.batch_id });
        let response = self.r.post(Some(&self.enterprise_token), &path, activation);
        assert_eq!(response.status(), 200, "{}", response.text().unwrap());
    }

    /// Revokes `stamp` with `reason`, as the issuing officer.
    pub fn revoke(&self, stamp: &Issued, reason: &str) {
        let path = format!("/api/v1/stamps/{}/revoke", stamp.serial);
        let response = self
            .r
            .post(Some(&self.officer), &path, json!({ "reason": reason }));
        assert_eq!(response.status(), 200, "{}", response.text().unwrap());
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
