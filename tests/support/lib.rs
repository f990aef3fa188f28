//! The end-to-end harness: a real hub, bound to a loopback port, on a fresh database of the
//! backend the environment selects (`TRACEHUB_TEST_DATABASE_URL` for PostgreSQL, otherwise
//! SQLite), driven over HTTP like any client.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use diesel::prelude::*;
use hub::app::AppState;
use hub::config::Config;
use hub::server::{self, ServeOptions};
use registry::identity::{self, NewToken, NewUser, Role, Scope, User};
use registry::schema::departments;
use registry::secret::SecretKey;
use registry::testing::TestDb;
use reqwest::blocking::{Client, Response};
use serde_json::Value;

pub use registry::testing::TEST_DATABASE_ENV;

pub mod fixtures;
pub mod loopback;
pub mod portal;
pub mod recall;
pub mod smtp;
pub mod stamps;
pub mod webhook;

/// The password every fixture user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running hub and what a test needs to drive it.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    db: TestDb,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
    background: Option<hub::jobs::Background>,
    _data: tempfile::TempDir,
}

impl TestApp {
    /// A hub with the default test configuration.
    pub fn spawn() -> Self {
        Self::spawn_with(|_| {})
    }

    /// A hub whose configuration `adjust` may change (limits, TLS...).
    pub fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::new();
        let data = tempfile::tempdir().expect("data directory");
        let mut config = Config {
            data_dir: data.path().to_path_buf(),
            ..Config::default()
        };
        config.server.bind = "127.0.0.1:0".into();
        config.server.workers = 1;
        config.server.shutdown_timeout_secs = 1;
        config.database.url = db.url().to_string();
        config.security.secret_key = SecretKey::generate().to_hex();
        // No ledger head signed behind a test's back at a ten-minute boundary (audit rows,
        // heads); tests of the schedule set it.
        config.jobs.ledger_publish = String::new();
        adjust(&mut config);
        config.validate().expect("test configuration is valid");
        server::record_settings(db.db(), &config).expect("settings recorded");
        let secret = config.secret_key().expect("secret");
        let state = AppState::new(db.db().clone(), config, &secret);
        let (tx, rx) = mpsc::channel::<(SocketAddr, bool, ServerHandle)>();
        let server_state = state.clone();
        let thread = std::thread::spawn(move || {
            let system = actix_rt::System::new();
            system.block_on(async move {
                let bound =
                    server::bind(server_state, ServeOptions { no_signals: true }).expect("bind");
                let _ = tx.send((bound.addrs[0], bound.tls, bound.server.handle()));
                let _ = bound.server.await;
            });
        });
        let (addr, tls, handle) = rx.recv().expect("server started");
        let background = Some(hub::jobs::Background::start(&state));
        let scheme = if tls { "https" } else { "http" };
        Self {
            base: format!("{scheme}://{addr}"),
            state,
            db,
            handle,
            thread: Some(thread),
            background,
            _data: data,
        }
    }

    /// The test database (for direct reads and tampering).
    pub fn test_db(&self) -> &TestDb {
        &self.db
    }

    /// The hub's clock: wall time, or as `TRACEHUB_TEST_CLOCK` moved it. Tests advance it to
    /// cross a deadline.
    pub fn clock(&self) -> &registry::time::Clock {
        self.db.clock()
    }

    /// Now on the hub's clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.db.clock().now()
    }

    /// Today on the hub's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.db.clock().today()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies and does not follow redirects. Over HTTPS it trusts the
    /// hub's certificate whoever issued it (the TLS tests check the chain with their own clients).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(self.base.starts_with("https://"))
            .build()
            .expect("HTTP client")
    }

    /// A department to bind officers to.
    pub fn department(&self, code: &str, region: &str) -> i64 {
        diesel::insert_into(departments::table)
            .values((
                departments::code.eq(code),
                departments::name.eq(format!("{code} department")),
                departments::region_code.eq(region),
                departments::categories.eq("food"),
                departments::created_at.eq(self.now()),
            ))
            .returning(departments::id)
            .get_result(&mut *self.db.db().conn().expect("connection"))
            .expect("department")
    }

    /// A user with `role` (and whatever binding the role needs: an officer gets a department
    /// of its own over Henan, `D-{username}`), password [`PASSWORD`].
    pub fn user(&self, username: &str, role: Role) -> User {
        if role == Role::Officer {
            let department = self.department(&format!("D-{username}"), "410000");
            return self.officer(department, username, |_| {});
        }
        let enterprise_id = (role == Role::Enterprise).then_some(1);
        let new = NewUser {
            username: username.into(),
            display_name: username.into(),
            email: None,
            password: Some(PASSWORD.into()),
            role,
            department_id: None,
            enterprise_id,
            locale: None,
            category: None,
        };
        identity::create_user(
            &mut self.db.db().conn().expect("connection"),
            self.now(),
            &new,
        )
        .expect("user")
    }

    /// An officer of `department`, password [`PASSWORD`], no e-mail, the default language;
    /// `adjust` may change any of that. Every officer the end-to-end tests create is made here.
    pub fn officer(
        &self,
        department: i64,
        username: &str,
        adjust: impl FnOnce(&mut NewUser),
    ) -> User {
        let mut new = NewUser {
            username: username.into(),
            display_name: username.into(),
            email: None,
            password: Some(PASSWORD.into()),
            role: Role::Officer,
            department_id: Some(department),
            enterprise_id: None,
            locale: None,
            category: None,
        };
        adjust(&mut new);
        identity::create_user(
            &mut self.db.db().conn().expect("connection"),
            self.now(),
            &new,
        )
        .expect("officer")
    }

    /// A token for `user` with `scopes`.
    pub fn token_for(&self, user: &User, scopes: &[Scope]) -> String {
        let new = NewToken {
            name: "test".into(),
            scopes: scopes.to_vec(),
            expires_at: None,
        };
        identity::create_token(
            &mut self.db.db().conn().expect("connection"),
            self.now(),
            user,
            &new,
        )
        .expect("token")
        .1
    }

    /// A new user with `role` and a read-write token.
    pub fn token(&self, username: &str, role: Role) -> String {
        let user = self.user(username, role);
        self.token_for(&user, &[Scope::Read, Scope::Write])
    }

    /// Signs `client` in through the API; returns the CSRF token for its writes.
    pub fn login(&self, client: &Client, username: &str) -> String {
        let response = client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": PASSWORD }))
            .send()
            .expect("login request");
        assert_eq!(response.status(), 200, "login of {username}");
        body(response)["csrf_token"]
            .as_str()
            .expect("csrf token")
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(background) = self.background.take() {
            background.stop();
        }
        actix_rt::System::new().block_on(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The JSON body of a response (`Null` when it is not JSON). Panics when the body holds a time
/// without its offset (`2026-12-05T12:04:52`): every time on the wire is RFC 3339.
#[track_caller]
#[allow(
    clippy::panic,
    reason = "a naive time on the wire fails the test that read it"
)]
pub fn body(response: Response) -> Value {
    let json = response.json().unwrap_or(Value::Null);
    if let Some(naive) = naive_time_in(&json) {
        panic!("a time without its offset, {naive:?}, in {json}");
    }
    json
}

/// The first string in `json` shaped like a date-time with no offset.
pub fn naive_time_in(json: &Value) -> Option<&str> {
    match json {
        Value::String(text) => is_naive_time(text).then_some(text.as_str()),
        Value::Array(items) => items.iter().find_map(naive_time_in),
        Value::Object(fields) => fields.values().find_map(naive_time_in),
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS` with optional fraction and nothing after it.
fn is_naive_time(text: &str) -> bool {
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let bytes = text.as_bytes();
    bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(want, got)| match want {
            b'd' => got.is_ascii_digit(),
            other => other == got,
        })
        && match &bytes[shape.len()..] {
            [] => true,
            [b'.', fraction @ ..] => {
                !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        }
}

/// Asserts status and error code of a refusal; returns the body.
#[track_caller]
pub fn assert_error(response: Response, status: u16, code: &str) -> Value {
    let actual = response.status().as_u16();
    let json = body(response);
    assert_eq!(
        (actual, json["error"].as_str()),
        (status, Some(code)),
        "body: {json}"
    );
    json
}

/// Waits (up to 20 s) until `done`; fails the test naming `what` when it never is.
#[track_caller]
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
