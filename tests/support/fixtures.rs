//! Registry fixtures for end-to-end tests: valid credit codes, registrations, departments with
//! an officer, and a small client.

#![allow(
    clippy::unwrap_used,
    reason = "test fixtures: a failed setup fails the test"
)]

use diesel::prelude::*;
use registry::identity::{self, Role, Scope};
use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
use reqwest::blocking::Response;
use serde_json::{Value, json};

use crate::{PASSWORD, TestApp, body};

pub fn uscc(region: &str, n: u32) -> String {
    let org = format!("{n:08}");
    let org = format!("{org}{}", organisation_code_check_char(&org).unwrap());
    let body = format!("91{region}{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap())
}

/// A proposal to list enterprise `id` on the blacklist (licence revoked, with its legal basis).
pub fn blacklist_proposal(id: i64) -> Value {
    json!({
        "enterprise_id": id,
        "penalty": "licence_revoked",
        "decision_number": "豫市监罚〔2026〕12号",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        "reason": "生产销售假冒伪劣食品",
    })
}

/// A registration of enterprise `n` in `region`; the credit code carries the region when it is
/// a GB/T 2260 code (else Beijing's).
pub fn registration(n: u32, region: &str, categories: &[&str]) -> Value {
    let code_region = if region.len() == 6 { region } else { "110000" };
    json!({
        "credit_code": uscc(code_region, n),
        "name": format!("企业{n}"),
        "name_en": format!("Enterprise {n}"),
        "legal_representative": "张三",
        "phone": "+86 371 1234 5678",
        "email": format!("e{n}@example.cn"),
        "region_code": region,
        "address": "郑州市金水路1号",
        "categories": categories,
        "username": format!("ent{n}"),
        "password": PASSWORD,
    })
}

/// A hub with an administrator token, driven over HTTP.
pub struct Registry {
    pub app: TestApp,
    pub admin: String,
}

impl Registry {
    /// A fresh hub and its administrator.
    #[allow(clippy::new_without_default, reason = "each call boots a hub")]
    pub fn new() -> Self {
        Self::spawn_with(|_| {})
    }

    /// A fresh hub whose configuration `adjust` may change, and its administrator.
    pub fn spawn_with(adjust: impl FnOnce(&mut hub::config::Config)) -> Self {
        let app = TestApp::spawn_with(adjust);
        let admin = app.token("root", Role::Admin);
        Self { app, admin }
    }

    /// The targets of the audit entries with `action`, oldest first.
    pub fn audited(&self, action: &str) -> Vec<String> {
        use registry::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::seq)
            .select(audit_log::target)
            .load(&mut self.app.test_db().raw())
            .unwrap()
    }

    /// Approves enterprise `id` as `officer`.
    pub fn approve(&self, officer: &str, id: i64) {
        let response = self.post(
            Some(officer),
            &format!("/api/v1/enterprises/{id}/approve"),
            json!({}),
        );
        assert_eq!(response.status(), 200, "approval of {id}");
    }

    /// POST `body` as JSON, with a bearer token when given.
    pub fn post(&self, token: Option<&str>, path: &str, body: Value) -> Response {
        let mut request = self.app.client().post(self.app.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().unwrap()
    }

    /// PATCH `body` as JSON.
    pub fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        self.app
            .client()
            .patch(self.app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .unwrap()
    }

    /// GET with a bearer token.
    pub fn get(&self, token: &str, path: &str) -> Response {
        self.app
            .client()
            .get(self.app.url(path))
            .bearer_auth(token)
            .send()
            .unwrap()
    }

    /// A department (through the API) and a token of an officer in it.
    pub fn officer(&self, name: &str, region: &str, categories: &[&str]) -> String {
        let response = self.post(
            Some(&self.admin),
            "/api/v1/departments",
            json!({ "code": format!("D-{name}"), "name": name, "region_code": region, "categories": categories }),
        );
        assert_eq!(response.status(), 201);
        let dept = body(response)["id"].as_i64().unwrap();
        let user = self.app.officer(dept, name, |_| {});
        self.app.token_for(&user, &[Scope::Read, Scope::Write])
    }

    /// A token of a second officer (`<name>-2`) of officer `name`'s department.
    pub fn colleague(&self, name: &str) -> String {
        let conn = &mut self.app.test_db().db().conn().unwrap();
        let officer = identity::find_user_by_name(conn, name).unwrap();
        let user = self
            .app
            .officer(officer.department_id.unwrap(), &format!("{name}-2"), |_| {});
        self.app.token_for(&user, &[Scope::Read, Scope::Write])
    }

    /// Lists enterprise `id` on the blacklist by the two-officer rule: `proposer` proposes
    /// ([`blacklist_proposal`]) and `approver` approves; returns the listing.
    pub fn blacklist(&self, proposer: &str, approver: &str, id: i64) -> Value {
        let proposed = self.post(
            Some(proposer),
            "/api/v1/blacklist/proposals",
            blacklist_proposal(id),
        );
        assert_eq!(proposed.status(), 201);
        let proposal = body(proposed)["id"].as_i64().unwrap();
        let approved = self.post(
            Some(approver),
            &format!("/api/v1/blacklist/proposals/{proposal}/approve"),
            json!({}),
        );
        assert_eq!(approved.status(), 201);
        body(approved)
    }

    /// Registers enterprise `n`; returns its id and a token of its first user.
    pub fn register(&self, n: u32, region: &str, categories: &[&str]) -> (i64, String) {
        let response = self.post(
            None,
            "/api/v1/enterprises",
            registration(n, region, categories),
        );
        assert_eq!(response.status(), 201);
        let registered = body(response);
        assert_eq!(registered["enterprise"]["status"], "pending");
        assert_eq!(registered["enterprise"]["credit_tier"], "B");
        let id = registered["enterprise"]["id"].as_i64().unwrap();
        let user = identity::find_user_by_name(
            &mut self.app.test_db().db().conn().unwrap(),
            &format!("ent{n}"),
        )
        .unwrap();
        (id, self.app.token_for(&user, &[Scope::Read, Scope::Write]))
    }
}
