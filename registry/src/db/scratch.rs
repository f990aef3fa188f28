//! A throwaway database for a benchmark or a test: a SQLite file in a temporary directory, or a
//! new PostgreSQL database created through an administrative URL. It is gone with the handle.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;

use super::{DbUrl, redact};
use crate::error::{RegistryError, Result};

/// A database that exists as long as this value.
pub struct ScratchDb {
    url: DbUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(
        #[allow(dead_code, reason = "the directory is removed when dropped")] tempfile::TempDir,
    ),
    PgDatabase {
        admin_url: String,
        name: String,
    },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl ScratchDb {
    /// A new empty database: on the PostgreSQL server of `postgres_admin` (a URL whose user may
    /// create databases) when given, else an embedded SQLite file. `purpose` names it
    /// (`th_<purpose>_…` on PostgreSQL).
    pub fn create(purpose: &str, postgres_admin: Option<&str>) -> Result<Self> {
        let Some(admin_url) = postgres_admin else {
            let dir = tempfile::tempdir().map_err(|e| RegistryError::Config(e.to_string()))?;
            return Ok(Self {
                url: DbUrl::sqlite_file(dir.path().join(format!("{purpose}.db"))),
                cleanup: Cleanup::SqliteDir(dir),
            });
        };
        let name = format!(
            "th_{purpose}_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let mut admin = PgConnection::establish(admin_url).map_err(|e| {
            RegistryError::Config(format!("cannot reach {}: {e}", redact(admin_url)))
        })?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(base, _)| base);
        Ok(Self {
            url: DbUrl::parse(&format!("{base}/{name}"))?,
            cleanup: Cleanup::PgDatabase {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Where it is.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Cleanup::PgDatabase { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
