//! The portal in a real browser: Debian's Chromium, driven headless through chromedriver's
//! WebDriver protocol. Sign-in with the CSRF-protected form, the session cookie, the language
//! switch and sign-out, as a person does them.
//!
//! Needs `chromium` and `chromium-driver` (CI installs them). Without them the test says so and
//! passes, unless `TRACEHUB_REQUIRE_BROWSER=1` (set by CI), when it fails.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use registry::identity::Role;
use reqwest::blocking::Client;
use serde_json::{Value, json};
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
