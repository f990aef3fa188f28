//! The portal's pages over HTTP, as a person's browser drives them: forms refused without their
//! CSRF token, registry errors shown next to the field they name with what was typed, the
//! review by the competent department only, an enterprise that cannot reach another's pages,
//! post/redirect/get with a flash, search, and administration; and, one module each, the
//! portal's alerts, blacklist, documents, notices and stamp orders, and the walk in a real
//! browser (`browser`).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use serde_json::json;
use tracehub_tests::fixtures::{Registry, uscc};
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};
use tracehub_tests::{PASSWORD, body};

/// The registration form's fields for enterprise `n`.
fn registration(n: u32) -> Vec<(&'static str, String)> {
    vec![
        ("credit_code", uscc("410102", n)),
        ("name", format!("门户企业{n}")),
        ("name_en", format!("Portal Enterprise {n}")),
        ("legal_representative", "李雷".into()),
        ("phone", "0371-6666 8888".into()),
        ("email", format!("p{n}@example.cn")),
        ("region_code", "410102".into()),
        ("address", "郑州市中原路8号".into()),
        ("latitude", "34.75".into()),
        ("longitude", "113.62".into()),
        ("company_prefix", String::new()),
        ("categories", "food".into()),
        ("username", format!("portal{n}")),
        ("password", PASSWORD.into()),
    ]
}

fn fields<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn enterprise_count(r: &Registry) -> i64 {
    body(r.get(&r.admin, "/api/v1/enterprises"))["total"]
        .as_i64()
        .unwrap()
}

mod alerts;
mod blacklist;
mod browser;
mod department;
mod documents;
mod enterprise;
mod notices;
mod recalls;
mod registration;
mod spot_checks;
mod stamps;
