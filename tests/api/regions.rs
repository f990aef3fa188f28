//! Regions over HTTP: the picker's lists, region codes validated against the deployment's
//! country, and jurisdiction by the hierarchy in China and in Viet Nam.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::regions::Country;
use serde_json::json;
use tracehub_tests::fixtures::{Registry, registration};
use tracehub_tests::{assert_error, body};

fn anonymous(r: &Registry, path: &str) -> reqwest::blocking::Response {
    r.app.client().get(r.app.url(path)).send().unwrap()
}

#[test]
fn china_regions_are_listed_and_validated() {
    let r = Registry::new();
    let provinces = body(anonymous(&r, "/api/v1/regions"));
    assert_eq!(provinces.as_array().unwrap().len(), 34);
    assert!(
        provinces
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "410000" && p["name"] == "河南省")
    );
    let henan = body(anonymous(&r, "/api/v1/regions?parent=410000"));
    let zhengzhou = henan
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "410100")
        .unwrap();
    assert_eq!(zhengzhou["level"], "prefecture");
    assert_eq!(zhengzhou["has_children"], true);
    let error = assert_error(
        anonymous(&r, "/api/v1/regions?parent=419999"),
        422,
        "invalid_region",
    );
    assert_eq!(error["field"], "parent");

    let mut bad = registration(1, "410102", &["food"]);
    bad["region_code"] = json!("410199");
    let error = assert_error(
        r.post(None, "/api/v1/enterprises", bad),
        422,
        "invalid_region",
    );
    assert_eq!(error["field"], "region_code");
    let department =
        json!({ "code": "X", "name": "x", "region_code": "00004", "categories": ["food"] });
    let error = assert_error(
        r.post(Some(&r.admin), "/api/v1/departments", department),
        422,
        "invalid_region",
    );
    assert_eq!(error["field"], "region_code");
}

#[test]
fn viet_nam_jurisdiction_follows_the_hierarchy() {
    let r = Registry::spawn_with(|c| c.registry.country = Country::Vn);
    let provinces = body(anonymous(&r, "/api/v1/regions"));
    assert_eq!(provinces.as_array().unwrap().len(), 34);
    let hanoi = body(anonymous(&r, "/api/v1/regions?parent=01"));
    assert!(
        hanoi
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "00004"
                && c["name"] == "Phường Ba Đình"
                && c["level"] == "commune")
    );

    let hanoi_food = r.officer("hn-food", "01", &["food"]);
    let hcm_food = r.officer("hcm-food", "79", &["food"]);
    let (id, _) = r.register(1, "00004", &["food"]);
    let mut viet = registration(2, "25747", &["food"]);
    viet["name"] = json!("CÔNG TY TNHH ĐẠI PHÁT");
    assert_eq!(r.post(None, "/api/v1/enterprises", viet).status(), 201);
    let mut chinese = registration(3, "410102", &["food"]);
    chinese["username"] = json!("ent3");
    assert_eq!(
        assert_error(
            r.post(None, "/api/v1/enterprises", chinese),
            422,
            "invalid_region"
        )["field"],
        "region_code"
    );
    assert_error(
        r.post(
            Some(&hcm_food),
            &format!("/api/v1/enterprises/{id}/approve"),
            json!({}),
        ),
        403,
        "outside_jurisdiction",
    );
    r.approve(&hanoi_food, id);
    assert_eq!(body(r.get(&hanoi_food, "/api/v1/enterprises"))["total"], 1);
    assert_eq!(body(r.get(&hcm_food, "/api/v1/enterprises"))["total"], 1);
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?region=01"))["total"],
        1
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?region=00004"))["total"],
        1
    );
    assert_eq!(body(r.get(&r.admin, "/api/v1/enterprises"))["total"], 2);
    // Vietnamese capitals fold too, on both databases.
    let found = body(r.get(
        &r.admin,
        "/api/v1/enterprises?name=c%C3%B4ng%20ty%20tnhh%20%C4%91%E1%BA%A1i",
    ));
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        assert_error(
            r.get(&r.admin, "/api/v1/enterprises?region=4101"),
            422,
            "invalid_region"
        )["field"],
        "region"
    );
}
