//! Test support: a fresh, migrated database per test, on the backend the environment selects.
//!
//! `TRACEHUB_TEST_DATABASE_URL=postgres://USER@HOST:PORT/DB` runs tests on PostgreSQL: each test
//! gets its own database, created through that server and dropped afterwards. Unset, each test
//! gets its own SQLite file in a temporary directory.
//!
//! `TRACEHUB_TEST_CLOCK` moves the clock of every test database (and so of every hub under
//! test): `+365d` / `-400d` shifts wall time by days, `2031-06-01` or `2031-06-01T08:00:00Z`
//! starts it at that moment. Tests that depend on the date read it from the database's clock
//! ([`TestDb::clock`]), so the suite passes the same in any year.

#![allow(clippy::panic, reason = "test support: a failed setup fails the test")]

use crate::blacklist::{Listing, NewProposal, Penalty, approve, propose};
use crate::db::{Backend, Db, DbConn, DbUrl, PoolOptions, ScratchDb, run_migrations};
use crate::departments::{Category, NewDepartment, create_department};
use crate::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use crate::time::Clock;

/// The environment variable that selects PostgreSQL for tests.
pub const TEST_DATABASE_ENV: &str = "TRACEHUB_TEST_DATABASE_URL";

/// The environment variable that moves the tests' clock.
pub const TEST_CLOCK_ENV: &str = "TRACEHUB_TEST_CLOCK";

/// The clock tests run with: wall time, or as [`TEST_CLOCK_ENV`] says. Each call gives a clock
/// of its own (advancing it moves no other test's), all at the offset read once per process, so
/// that time runs on from one reading to the next. Panics on a value it cannot read, so a
/// mistyped setting does not quietly test today.
pub fn test_clock() -> Clock {
    Clock::shifted(process_clock().offset())
}

/// Now on the tests' clock ([`test_clock`]): for tests that call registry functions directly
/// and do not move the clock.
pub fn now() -> chrono::NaiveDateTime {
    process_clock().now()
}

fn process_clock() -> &'static Clock {
    static CLOCK: std::sync::OnceLock<Clock> = std::sync::OnceLock::new();
    CLOCK.get_or_init(|| {
        let Some(setting) = std::env::var(TEST_CLOCK_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
        else {
            return Clock::system();
        };
        parse_clock(setting.trim()).unwrap_or_else(|| {
            panic!("{TEST_CLOCK_ENV}={setting:?}: use +365d, -400d, 2031-06-01 or an RFC 3339 time")
        })
    })
}

fn parse_clock(setting: &str) -> Option<Clock> {
    if let Some(days) = setting.strip_suffix('d') {
        let days: i64 = days.strip_prefix('+').unwrap_or(days).parse().ok()?;
        return Some(Clock::shifted(chrono::Duration::days(days)));
    }
    let at = match chrono::DateTime::parse_from_rfc3339(setting) {
        Ok(at) => at.naive_utc(),
        Err(_) => chrono::NaiveDate::parse_from_str(setting, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?,
    };
    Some(Clock::starting_at(at))
}

/// A database that exists for one test.
pub struct TestDb {
    db: Db,
    scratch: ScratchDb,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestDb({:?})", self.scratch.url())
    }
}

impl TestDb {
    /// A fresh, migrated database. Panics (failing the test) when the selected server is down:
    /// a test run that asked for PostgreSQL must not pass without it.
    pub fn new() -> Self {
        let test = Self::unmigrated();
        let mut conn = test.db.conn().expect("test connection");
        run_migrations(&mut conn).expect("migrations");
        drop(conn);
        test
    }

    /// A fresh database with no tables yet (for tests of migrating itself).
    pub fn unmigrated() -> Self {
        let admin_url = std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty());
        let scratch = ScratchDb::create("test", admin_url.as_deref())
            .unwrap_or_else(|e| panic!("{TEST_DATABASE_ENV}: cannot create a test database: {e}"));
        let url = scratch.url();
        let db = Db::open(
            url,
            PoolOptions {
                max_size: 4,
                ..PoolOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("cannot open test database {url}: {e}"))
        .with_clock(test_clock());
        Self { db, scratch }
    }

    /// The pool.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The clock of this database (and of a hub under test on it): tests read "now" and
    /// "today" here, and advance it to cross a deadline.
    pub fn clock(&self) -> &Clock {
        self.db.clock()
    }

    /// The URL, to hand to a hub under test.
    pub fn url(&self) -> &DbUrl {
        self.scratch.url()
    }

    /// Which backend this test runs on.
    pub fn backend(&self) -> Backend {
        self.url().backend()
    }

    /// A plain connection that bypasses the hub, for tests that tamper with rows.
    pub fn raw(&self) -> crate::db::DbConn {
        self.url().connect().expect("raw test connection")
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

/// An officer of a new department for `region` and `category`: `name` is the department's
/// code and name and the officer's username; the officer acts by `method` (which decides the
/// audit name: `cli:` or `user:`). The registry tests' one officer fixture.
pub fn officer(
    conn: &mut DbConn,
    name: &str,
    region: &str,
    category: Category,
    method: AuthMethod,
) -> Actor {
    let department = create_department(
        conn,
        now(),
        &NewDepartment {
            code: name.into(),
            name: name.into(),
            name_en: String::new(),
            region_code: region.into(),
            categories: vec![category],
        },
    )
    .expect("department");
    let user = create_user(
        conn,
        now(),
        &NewUser {
            username: name.into(),
            display_name: name.into(),
            email: None,
            password: None,
            role: Role::Officer,
            department_id: Some(department.id),
            enterprise_id: None,
            locale: None,
            category: None,
        },
    )
    .expect("officer");
    Actor::for_user(&user, method)
}

/// Lists `enterprise_id` on the blacklist as the two-officer rule wants it: `proposer` proposes
/// and a second officer of the same department ([`colleague`], created here) approves.
pub fn blacklist_enterprise(conn: &mut DbConn, proposer: &Actor, enterprise_id: i64) -> Listing {
    let proposal = propose(
        conn,
        now(),
        proposer,
        &NewProposal {
            enterprise_id,
            penalty: Penalty::LicenceRevoked,
            decision_number: "豫市监罚〔2026〕12号".into(),
            legal_basis: "《市场监督管理严重违法失信名单管理办法》第二条".into(),
            reason: "生产销售假冒伪劣食品".into(),
        },
    )
    .expect("proposal");
    let approver = colleague(conn, proposer);
    approve(conn, now(), &approver, proposal.id).expect("approval")
}

/// A second officer of `officer`'s department, `<officer>-2`, acting by the same method.
pub fn colleague(conn: &mut DbConn, officer: &Actor) -> Actor {
    let name = format!("{}-2", officer.username);
    let user = create_user(
        conn,
        now(),
        &NewUser {
            username: name.clone(),
            display_name: name,
            email: None,
            password: None,
            role: Role::Officer,
            department_id: officer.department_id,
            enterprise_id: None,
            locale: None,
            category: None,
        },
    )
    .expect("second officer");
    Actor::for_user(&user, officer.method)
}

/// Every notice enqueued so far, in order.
pub fn notices_queued(conn: &mut DbConn) -> Vec<crate::notices::Notice> {
    use crate::schema::outbox;
    use diesel::prelude::*;
    outbox::table
        .filter(outbox::kind.eq(crate::notices::NOTICE_JOB))
        .order(outbox::id)
        .select(outbox::payload)
        .load::<String>(conn)
        .expect("outbox")
        .iter()
        .map(|p| serde_json::from_str(p).expect("a notice"))
        .collect()
}
