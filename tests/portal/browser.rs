//! The portal in a real browser: Debian's Chromium, driven headless through chromedriver's
//! WebDriver protocol. Sign-in with the CSRF-protected form, the session cookie, the language
//! switch and sign-out; and the registry's walk: an enterprise registers, an officer approves it
//! from the review queue, the enterprise files a site, a product and a batch and reads the
//! approval in its history, then the officer issues it stamps from the stamp orders page; and
//! an officer opens an alert from the navigation and acknowledges it with a note; as a person
//! does them. Waits are for elements or text, never sleeps of a fixed length.
//!
//! Needs `chromium` and `chromium-driver` (CI installs them). Without them the test says so and
//! passes, unless `TRACEHUB_REQUIRE_BROWSER=1` (set by CI), when it fails.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use registry::alerts::{self, NewAlert, Severity};
use registry::departments::Category;
use registry::identity::Role;
use reqwest::blocking::Client;
use serde_json::{Value, json};
use tracehub_tests::fixtures::uscc;
use tracehub_tests::{PASSWORD, TestApp};

const DRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver process and one browser session in it.
struct Browser {
    driver: Child,
    http: Client,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Option<Self> {
        if !std::path::Path::new(DRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
            assert!(
                std::env::var_os("TRACEHUB_REQUIRE_BROWSER").is_none(),
                "TRACEHUB_REQUIRE_BROWSER is set but {DRIVER} or {CHROMIUM} is missing"
            );
            eprintln!("skipped: chromium and chromium-driver are not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(DRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let http = Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": CHROMIUM, "args": args }
            } } }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        Some(Self {
            driver,
            http,
            session,
            base,
            _profile: profile,
        })
    }

    fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().unwrap().json().unwrap();
        if answer["value"].get("error").is_some() {
            Err(answer)
        } else {
            Ok(answer["value"].clone())
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|answer| panic!("WebDriver {path}: {answer}"))
    }

    fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })));
    }

    /// The element matching `css`, waiting up to 10 s for the page to show it.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let query = json!({ "using": "css selector", "value": css });
            match self.try_call(reqwest::Method::POST, "/element", Some(query)) {
                Ok(found) => {
                    let id = found
                        .as_object()
                        .and_then(|o| o.values().next())
                        .and_then(Value::as_str);
                    return id.unwrap().to_owned();
                }
                Err(answer) if Instant::now() < deadline => {
                    assert_eq!(answer["value"]["error"], "no such element", "{answer}");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(answer) => panic!("no element {css}: {answer}"),
            }
        }
    }

    /// Waits up to 10 s for the page's path to satisfy `wanted`; returns it.
    fn wait_path(&self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = self.current_path();
            if wanted(&path) || Instant::now() > deadline {
                return path;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .as_str()
        .unwrap()
        .to_owned()
    }

    /// Waits up to 10 s for the element matching `css` to show `needle`; returns its text.
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let query = json!({ "using": "css selector", "value": css });
            let text = self
                .try_call(reqwest::Method::POST, "/element", Some(query))
                .ok()
                .and_then(|found| {
                    let id = found.as_object()?.values().next()?.as_str()?.to_owned();
                    let path = format!("/element/{id}/text");
                    self.try_call(reqwest::Method::GET, &path, None).ok()
                })
                .and_then(|text| text.as_str().map(str::to_owned));
            match text {
                Some(text) if text.contains(needle) => return text,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
                other => panic!("{css} never showed {needle:?}; last {other:?}"),
            }
        }
    }

    /// Sets the value of a form control by script (date inputs take typed keys in the
    /// browser's locale order, a value is the same everywhere).
    fn set_value(&self, css: &str, value: &str) {
        self.find(css);
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({
                "script": "document.querySelector(arguments[0]).value = arguments[1];",
                "args": [css, value],
            })),
        );
    }

    /// Signs in through the login form and waits for the home page.
    fn sign_in(&self, app: &TestApp, username: &str) {
        self.goto(&app.url("/portal/login"));
        self.type_into("#username", username);
        self.type_into("#password", PASSWORD);
        self.click("form[action='/portal/login'] button[type=submit]");
        assert_eq!(self.wait_path(|p| p == "/portal"), "/portal");
    }

    fn current_path(&self) -> String {
        let url = self
            .call(reqwest::Method::GET, "/url", None)
            .as_str()
            .unwrap()
            .to_owned();
        url.split_once("://")
            .map(|(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]).to_owned())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn a_person_signs_in_switches_language_and_signs_out() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let app = TestApp::spawn();
    app.user("officer.chen", Role::Officer);

    browser.goto(&app.url("/portal"));
    assert_eq!(
        browser.current_path(),
        "/portal/login?next=%2Fportal",
        "signed-out visitors go to the login page"
    );

    browser.type_into("#username", "officer.chen");
    browser.type_into("#password", "not the password");
    browser.click("button[type=submit]");
    assert!(
        browser
            .text("p.error")
            .contains("Wrong username or password")
    );

    browser.type_into("#username", "officer.chen");
    browser.type_into("#password", PASSWORD);
    browser.click("form[action='/portal/login'] button[type=submit]");
    assert_eq!(browser.wait_path(|p| p == "/portal"), "/portal");
    assert!(browser.text("h1").contains("officer.chen"));

    browser.click("a[hreflang=zh-CN]");
    browser.find("html[lang=zh-CN]");
    assert_eq!(browser.text("h1"), "欢迎，officer.chen");
    assert_eq!(browser.text("header form button"), "退出");

    browser.click("header form button");
    let after = browser.wait_path(|p| p.starts_with("/portal/login"));
    assert!(
        after.starts_with("/portal/login"),
        "signed out to the login page, not {after}"
    );
    browser.goto(&app.url("/portal"));
    let after = browser.wait_path(|p| p.starts_with("/portal/login"));
    assert!(
        after.starts_with("/portal/login"),
        "the session ended, yet {after} was shown"
    );
}

#[test]
fn an_enterprise_registers_is_approved_from_the_queue_and_files() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let app = TestApp::spawn();
    app.user("officer.wang", Role::Officer);

    // The enterprise registers itself.
    browser.goto(&app.url("/portal/register"));
    let code = uscc("410102", 7);
    for (field, value) in [
        ("credit_code", code.as_str()),
        ("name", "郑州好味食品有限公司"),
        ("legal_representative", "王芳"),
        ("phone", "0371-65550000"),
        ("email", "info@haowei.example.cn"),
        ("region_code", "410102"),
        ("address", "郑州市中原区建设路7号"),
        ("username", "haowei"),
        ("password", PASSWORD),
    ] {
        browser.type_into(&format!("#register-{field}"), value);
    }
    browser.click("#register input[name=categories][value=food]");
    browser.click("#register button[type=submit]");
    assert_eq!(browser.wait_path(|p| p == "/portal/login"), "/portal/login");
    browser.wait_text(".flash.success", "awaits review");

    // The competent officer approves it from the review queue.
    browser.sign_in(&app, "officer.wang");
    browser.click("header nav a[href='/portal/review']");
    browser.wait_text("#pending-enterprises", "郑州好味食品有限公司");
    browser.click("#pending-enterprises button[type=submit]");
    browser.wait_text(".flash.success", "approved");
    browser.click("header form button");
    browser.wait_path(|p| p.starts_with("/portal/login"));

    // The enterprise signs in, finds itself active, and files a site, a product and a batch.
    browser.sign_in(&app, "haowei");
    browser.click("header nav a[href^='/portal/enterprises/']");
    browser.find(".badge.status-active");
    browser.click("nav.tabs a[href$='/sites']");
    browser.type_into("#site-name", "中原区加工厂");
    browser.click("#site-kind option[value=factory]");
    browser.type_into("#site-gln", "6901234000108");
    browser.type_into("#site-address", "郑州市中原区建设路7号");
    browser.click("#site button[type=submit]");
    browser.wait_text(".flash.success", "Site added");
    assert!(browser.text("#sites").contains("6901234000108"));

    browser.click("nav.tabs a[href$='/products']");
    browser.type_into("#product-gtin", "6901234000016");
    browser.type_into("#product-name", "速冻水饺");
    browser.type_into("#product-shelf_life_days", "180");
    browser.click("#product button[type=submit]");
    browser.wait_text(".flash.success", "Product filed");
    assert!(browser.text("#products").contains("速冻水饺"));

    browser.click("nav.tabs a[href$='/batches']");
    browser.type_into("#batch-lot", "HW-20261101");
    browser.set_value("#batch-production_date", "2026-11-01");
    browser.type_into("#batch-quantity", "1200");
    browser.type_into("#batch-unit", "kg");
    browser.click("#batch-site_id option:nth-child(2)");
    browser.click("#batch button[type=submit]");
    browser.wait_text(".flash.success", "Batch filed");
    let batches = browser.text("#batches");
    assert!(
        batches.contains("HW-20261101") && batches.contains("中原区加工厂"),
        "{batches}"
    );

    // A document through the upload form: the file input is given a temporary file's path.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("检验报告.pdf");
    std::fs::write(&file, b"%PDF-1.7\nbrowser upload\n%%EOF\n").unwrap();
    browser.click("nav.tabs a[href$='/documents']");
    browser.click("#document-doc_type option[value=test_report]");
    browser.type_into("#document-issuer", "河南省食品检验研究院");
    browser.type_into("#document-number", "HN-2026-0042");
    browser.set_value("#document-valid_from", "2000-01-01");
    browser.click("#document-product_id option:nth-child(2)");
    browser.type_into("#document-file", file.to_str().unwrap());
    browser.click("#document button[type=submit]");
    browser.wait_text(".flash.success", "Document uploaded");
    let documents = browser.text("#documents");
    assert!(
        documents.contains("HN-2026-0042") && documents.contains("速冻水饺"),
        "{documents}"
    );

    // The approval is in its history, and the page switches language in place.
    browser.click("nav.tabs a[href$='/history']");
    let history = browser.wait_text("#history", "Approved");
    assert!(history.contains("user:officer.wang"), "{history}");
    let path = browser.current_path();
    browser.click("a[hreflang=vi]");
    browser.find("html[lang=vi]");
    assert_eq!(
        browser.current_path(),
        path,
        "the switch comes back to the page"
    );
    assert!(browser.text("#history").contains("Phê duyệt"));
    assert_eq!(browser.text("h1"), "郑州好味食品有限公司");

    // The officer issues a small order of stamps for the product just filed.
    browser.click("header form button");
    browser.wait_path(|p| p.starts_with("/portal/login"));
    browser.click("a[hreflang=en]");
    browser.find("html[lang=en]");
    browser.sign_in(&app, "officer.wang");
    browser.click("header nav a[href='/portal/stamp-orders']");
    browser.click("#issue-stamps");
    browser.click("#stamp-enterprise button[type=submit]");
    browser.wait_text("#issue-product_id", "速冻水饺");
    browser.type_into("#issue-quantity", "12");
    browser.click("#issue-kind option[value=anti_counterfeit]");
    browser.click("#issue button[type=submit]");
    browser.wait_text(".flash.success", "Stamps issued");
    assert_eq!(browser.text("#count-issued"), "12");
    assert!(browser.text("#stamps").contains("Issued"));
    browser.click("header nav a[href='/portal/stamp-orders']");
    browser.wait_text("#stamp-orders", "郑州好味食品有限公司");
}

#[test]
fn an_officer_opens_an_alert_and_acknowledges_it() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let app = TestApp::spawn();
    // `TestApp::user` binds officers to a food department over the province (410000).
    app.user("officer.li", Role::Officer);
    let id = app
        .state
        .db
        .transaction(|conn| {
            alerts::raise(
                conn,
                app.now(),
                &NewAlert {
                    kind: "stamp.wrong_code",
                    severity: Severity::Critical,
                    enterprise_id: None,
                    region_code: "410102",
                    category: Some(Category::Food),
                    company_prefix: "6901234",
                    subject: "stamp:K7M3P9X2W4R8T6",
                    detail: json!({ "serial": "K7M3P9X2W4R8T6", "attempts": 3 }),
                    dedupe_key: None,
                },
            )
        })
        .unwrap()
        .unwrap()
        .id;

    browser.sign_in(&app, "officer.li");
    browser.wait_text("#open-alerts", "Open alerts: 1.");
    browser.click("header nav a[href='/portal/alerts']");
    browser.wait_text("#alerts", "Wrong hidden code");
    browser.click(&format!("#alerts tr[data-alert='{id}'] td:nth-child(2) a"));
    browser.wait_text("#alert-detail", "K7M3P9X2W4R8T6");
    assert!(browser.text("#alert").contains("Open"));

    browser.type_into(
        "#acknowledge-note",
        "Inspecting the shop in Zhongyuan district",
    );
    browser.click("#acknowledge button[type=submit]");
    browser.wait_text(".flash.success", "Alert acknowledged");
    assert!(browser.text("#alert").contains("Acknowledged"));
    assert_eq!(
        browser.text("#alert-note"),
        "Inspecting the shop in Zhongyuan district"
    );
    browser.find("#close-note");
}
