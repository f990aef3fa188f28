//! Bulk import over HTTP: one bad line writes nothing and is reported; with `skip_bad` the rest
//! is written; jurisdiction, uniqueness and the header are checked; history and audit record it.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::identity::Role;
use reqwest::blocking::Response;
use serde_json::Value;
use tracehub_tests::fixtures::{Registry, uscc};
use tracehub_tests::{assert_error, body};

const HEADER: &str = "credit_code,name,name_en,legal_representative,phone,email,region_code,address,categories,licence_type,licence_number,licence_valid_from,licence_valid_to,licence_authority\n";

fn line(n: u32, region: &str, categories: &str) -> String {
    format!(
        "{},郑州企业{n},Zhengzhou Enterprise {n},张三,0371-6000000{n},e{n}@example.cn,{region},\"郑州市金水路{n}号, 2楼\",{categories},food_production,SC{n:014},2025-01-01,2030-12-31,郑州市市场监督管理局\n",
        uscc("410102", 100 + n)
    )
}

fn import(r: &Registry, token: &str, csv: &str, skip_bad: bool) -> Response {
    r.app
        .client()
        .post(
            r.app
                .url(&format!("/api/v1/enterprises/import?skip_bad={skip_bad}")),
        )
        .bearer_auth(token)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.to_owned())
        .send()
        .unwrap()
}

fn imports_audited(r: &Registry) -> Vec<Value> {
    body(r.get(&r.admin, "/api/v1/audit"))
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "enterprise.import")
        .cloned()
        .collect()
}

#[test]
fn one_bad_line_writes_nothing_and_skip_bad_writes_the_rest() {
    let r = Registry::new();
    let officer = r.officer("ha-food", "410000", &["food"]);
    let mut bad = line(3, "410102", "food");
    bad = bad.replacen(&uscc("410102", 103), "91410102000001030X", 1);
    let csv = format!(
        "{HEADER}{}{}{bad}",
        line(1, "410102", "food"),
        line(2, "410302", "food;drugs")
    );

    let rejected = assert_error(import(&r, &officer, &csv, false), 422, "invalid_lines");
    let errors = rejected["report"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{rejected}");
    assert_eq!(errors[0]["line"], 4);
    assert_eq!(errors[0]["column"], "credit_code");
    assert_eq!(errors[0]["error"], "invalid_credit_code");
    assert_eq!(rejected["report"]["written"], false);
    assert_eq!(rejected["report"]["imported"], 0);
    assert_eq!(body(r.get(&r.admin, "/api/v1/enterprises"))["total"], 0);
    assert!(imports_audited(&r).is_empty());

    let report = body(import(&r, &officer, &csv, true));
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["written"], true);
    assert_eq!(report["errors"][0]["line"], 4);
    let page = body(r.get(&officer, "/api/v1/enterprises?sort=name"));
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][0]["status"], "active");
    assert_eq!(page["items"][0]["address"], "郑州市金水路1号, 2楼");
    assert_eq!(
        page["items"][1]["categories"],
        serde_json::json!(["food", "drugs"])
    );
    let id = page["items"][0]["id"].as_i64().unwrap();
    let history = body(r.get(&officer, &format!("/api/v1/enterprises/{id}/history")));
    assert_eq!(history[0]["action"], "enterprise.import");
    assert_eq!(history[0]["actor"], "user:ha-food");
    assert_eq!(history[0]["after"]["credit_code"], uscc("410102", 101));
    let licences = body(r.get(&officer, &format!("/api/v1/enterprises/{id}/licences")));
    assert_eq!(licences[0]["number"], "SC00000000000001");
    let audited = imports_audited(&r);
    assert_eq!(audited.len(), 1);
    let detail: Value = serde_json::from_str(audited[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["imported"], 2);
    assert_eq!(detail["skipped_lines"], serde_json::json!([4]));

    // Importing the same file again: every line clashes with the registry.
    let again = assert_error(import(&r, &officer, &csv, false), 422, "invalid_lines");
    let codes: Vec<&str> = again["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["error"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "credit_code_taken",
            "credit_code_taken",
            "invalid_credit_code"
        ]
    );
}

#[test]
fn lines_are_checked_like_registrations_and_within_jurisdiction() {
    let r = Registry::new();
    let officer = r.officer("ha-food", "410000", &["food"]);
    let mut twice = line(5, "410102", "food");
    twice = twice.replacen("SC00000000000005", "SC00000000000009", 1);
    let partial_licence = line(6, "410102", "food").replacen(",2030-12-31,", ",,", 1);
    let csv = format!(
        "{HEADER}{}{}{}{}{}{}{}",
        line(1, "420102", "food"),
        line(2, "410102", "rare_earth"),
        line(3, "410199", "food"),
        line(4, "410102", "tobacco"),
        line(5, "410102", "food"),
        twice,
        partial_licence,
    );
    let report =
        assert_error(import(&r, &officer, &csv, false), 422, "invalid_lines")["report"].clone();
    let got: Vec<(u64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["error"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (2, "region_code", "outside_jurisdiction"),
            (3, "region_code", "outside_jurisdiction"),
            (4, "region_code", "invalid_region"),
            (5, "categories", "invalid_category"),
            (7, "credit_code", "credit_code_taken"),
            (8, "licence_valid_to", "invalid_text"),
        ]
    );
    assert_eq!(report["lines"], 7);

    let missing = assert_error(
        import(&r, &officer, "credit_code,name\n1,2\n", false),
        422,
        "invalid_header",
    );
    assert_eq!(missing["field"], "legal_representative");
    let enterprise = r.app.token("ent", Role::Enterprise);
    assert_error(import(&r, &enterprise, &csv, false), 403, "forbidden");
    let json = r
        .app
        .client()
        .post(r.app.url("/api/v1/enterprises/import"))
        .bearer_auth(&officer)
        .json(&serde_json::json!({}))
        .send()
        .unwrap();
    assert_error(json, 415, "unsupported_media_type");
    // The administrator imports anywhere.
    let report = body(import(
        &r,
        &r.admin,
        &format!("{HEADER}{}", line(1, "420102", "food")),
        false,
    ));
    assert_eq!(report["imported"], 1);
}
