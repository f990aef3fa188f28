//! The store: one connection type over PostgreSQL and SQLite, a pool, and the few places where
//! the two backends must be told apart.
//!
//! The backend is chosen by the URL's scheme: `postgres://` or `postgresql://` for PostgreSQL,
//! `sqlite://PATH` (or a bare path) for SQLite.

pub(crate) mod migrate;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, PooledConnection};
use diesel::sqlite::SqliteConnection;

use crate::error::{RegistryError, Result};
use crate::time::Clock;

pub use migrate::{migration_names, run_migrations};

/// One database connection, to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// The backend's name as configuration and logs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }
}

/// A parsed database URL: the backend and what to hand its driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    backend: Backend,
    target: String,
}

impl DbUrl {
    /// Parses `postgres://...`, `postgresql://...`, `sqlite://PATH`, `sqlite:PATH` or a bare path.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            return Err(RegistryError::Config("database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(RegistryError::Config(format!(
                "unsupported database URL scheme in {:?}: use postgres:// or sqlite://",
                redact(url)
            )));
        }
        if path.is_empty() || path == ":memory:" {
            return Err(RegistryError::Config(
                "SQLite needs a file path (an in-memory database is not shared by a pool)".into(),
            ));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// A SQLite URL for a file.
    pub fn sqlite_file(path: impl Into<PathBuf>) -> Self {
        Self {
            backend: Backend::Sqlite,
            target: path.into().to_string_lossy().into_owned(),
        }
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, if this is a SQLite URL.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    /// Opens one connection, with the SQLite pragmas applied.
    pub fn connect(&self) -> std::result::Result<DbConn, ConnectionError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConn::Pg),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", redact(&self.target))
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.backend {
            Backend::Postgres => write!(f, "{}", redact(&self.target)),
            Backend::Sqlite => write!(f, "sqlite://{}", self.target),
        }
    }
}

/// A URL with any password replaced by `****`, for logs and `hub config check`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_owned(),
    }
}

/// Applied to every SQLite connection: write-ahead log, enforced foreign keys, a wait instead
/// of an immediate "database is locked", and durable commits (an acknowledged write survives a
/// crash of the process or the machine). The log is copied back into the database file every
/// 16,384 pages (64 MB) instead of SQLite's 1,000: index pages that many commits touch are
/// then written back once per checkpoint, not once per few commits (capture, BENCHMARKS.md).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 16384;";

/// r2d2 manager that opens connections to the backend the URL names.
#[derive(Debug)]
pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> std::result::Result<DbConn, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> std::result::Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// A pooled connection.
pub type PooledConn = PooledConnection<Manager>;

/// The database handle the rest of the hub holds: a pool, the clock that stamps what is
/// written, and on SQLite a lock that lets one write transaction at a time through (SQLite
/// allows one writer; queuing here avoids `SQLITE_BUSY` when a read transaction would upgrade
/// to a write).
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DbUrl,
    clock: Clock,
    sqlite_writer: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("url", &self.url)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// A SQLite transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`), so that
/// another process's commit between our first read and first write cannot force a
/// `database is locked` failure (a deferred transaction cannot wait its way out of that).
fn sqlite_immediate_transaction<T, E, F>(conn: &mut DbConn, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConn) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConn::Sqlite(lite) = conn {
        AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")?;
    }
    let outcome = f(conn);
    let DbConn::Sqlite(lite) = conn else {
        return outcome;
    };
    match outcome {
        Ok(value) => match AnsiTransactionManager::commit_transaction(lite) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(lite);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(lite)?;
            Err(e)
        }
    }
}

/// Pool settings.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connect_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl Db {
    /// Opens a pool. Fails when no first connection can be made within the timeout.
    pub fn open(url: &DbUrl, options: PoolOptions) -> Result<Self> {
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size.max(1))
            .connection_timeout(options.connect_timeout)
            .build(Manager { url: url.clone() })?;
        Ok(Self {
            pool,
            url: url.clone(),
            clock: Clock::system(),
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    /// The same handle, stamping with `clock` (tests move it; production keeps wall time).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock every reading of "now" for this database comes from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The backend behind this handle.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The URL this handle was opened with.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// A connection from the pool, for reads.
    pub fn conn(&self) -> Result<PooledConn> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` in one transaction: all of it is written or none of it. On SQLite, write
    /// transactions of this process take turns.
    pub fn transaction<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> std::result::Result<T, E>,
        E: From<diesel::result::Error> + From<RegistryError>,
    {
        let mut conn = self.conn()?;
        match self.backend() {
            Backend::Postgres => DbConn::transaction(&mut conn, f),
            Backend::Sqlite => {
                let _turn = self.sqlite_writer.lock().unwrap_or_else(|e| e.into_inner());
                sqlite_immediate_transaction(&mut conn, f)
            }
        }
    }

    /// Answers whether the database can be reached right now.
    pub fn ping(&self) -> Result<()> {
        let mut conn = self.conn()?;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }

    /// Connections open and idle in the pool.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// The pool's configured maximum.
    pub fn pool_max(&self) -> u32 {
        self.pool.max_size()
    }
}

/// Writes a consistent copy of the SQLite database behind `conn` into the new file `target`
/// with `VACUUM INTO`, while other connections keep reading and writing. PostgreSQL is backed
/// up with `pg_dump`: there this is a [`RegistryError::Config`].
pub fn backup_sqlite(conn: &mut DbConn, target: &str) -> Result<()> {
    let DbConn::Sqlite(lite) = conn else {
        return Err(RegistryError::Config(
            "VACUUM INTO copies a SQLite database; back up PostgreSQL with pg_dump".into(),
        ));
    };
    lite.batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend() {
        let pg = DbUrl::parse("postgres://hub:secret@db/hub").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert_eq!(pg.to_string(), "postgres://hub:****@db/hub");
        assert_eq!(
            DbUrl::parse("postgresql://db/hub").unwrap().backend(),
            Backend::Postgres
        );
        let lite = DbUrl::parse("sqlite://data/hub.db").unwrap();
        assert_eq!(lite.sqlite_path(), Some("data/hub.db"));
        assert_eq!(
            DbUrl::parse("hub.db").unwrap().sqlite_path(),
            Some("hub.db")
        );
        assert!(DbUrl::parse("mysql://db/hub").is_err());
        assert!(DbUrl::parse("").is_err());
        assert!(DbUrl::parse("sqlite://:memory:").is_err());
    }
}

#[cfg(test)]
mod backend_tests;
