//! Embedded migrations from `sql/postgres` and `sql/sqlite` (the same names in both), run under
//! an advisory lock on PostgreSQL and SQLite's write lock, so that replicas starting together
//! run them once.

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConn;
use crate::error::{RegistryError, Result};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../sql/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../sql/sqlite");

/// Key of the PostgreSQL advisory lock held while migrating ("tracehub" in ASCII).
const MIGRATION_LOCK: i64 = 0x7472_6163_6568_7562;

/// Runs every pending migration; returns the names of those that ran.
pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>> {
    let failed =
        |e: Box<dyn std::error::Error + Send + Sync>| RegistryError::Migration(e.to_string());
    match conn {
        DbConn::Pg(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let ran = pg
                .run_pending_migrations(POSTGRES)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(failed);
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            ran
        }
        // One writer at a time: the whole run holds SQLite's write lock from its first
        // statement (`BEGIN IMMEDIATE`), so a second process waits and then finds nothing to do.
        DbConn::Sqlite(_) => super::sqlite_immediate_transaction(conn, |conn| {
            let DbConn::Sqlite(lite) = conn else {
                return Err(RegistryError::Migration("not a SQLite connection".into()));
            };
            lite.run_pending_migrations(SQLITE)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(failed)
        }),
    }
}

/// The embedded migration names per backend: (PostgreSQL, SQLite).
pub fn migration_names() -> Result<(Vec<String>, Vec<String>)> {
    let failed =
        |e: Box<dyn std::error::Error + Send + Sync>| RegistryError::Migration(e.to_string());
    let pg = MigrationSource::<Pg>::migrations(&POSTGRES).map_err(failed)?;
    let lite = MigrationSource::<Sqlite>::migrations(&SQLITE).map_err(failed)?;
    Ok((
        pg.iter().map(|m| m.name().to_string()).collect(),
        lite.iter().map(|m| m.name().to_string()).collect(),
    ))
}

/// Reverts the one migration named `name` (for tests of what a migration does to existing rows;
/// [`run_migrations`] applies it again).
#[cfg(test)]
pub(crate) fn revert(conn: &mut DbConn, name: &str) -> Result<()> {
    let failed =
        |e: Box<dyn std::error::Error + Send + Sync>| RegistryError::Migration(e.to_string());
    match conn {
        DbConn::Pg(pg) => {
            let all = MigrationSource::<Pg>::migrations(&POSTGRES).map_err(failed)?;
            let m = all
                .iter()
                .find(|m| m.name().to_string() == name)
                .ok_or_else(|| RegistryError::Migration(format!("no migration {name}")))?;
            pg.revert_migration(m.as_ref()).map_err(failed)?;
        }
        DbConn::Sqlite(lite) => {
            let all = MigrationSource::<Sqlite>::migrations(&SQLITE).map_err(failed)?;
            let m = all
                .iter()
                .find(|m| m.name().to_string() == name)
                .ok_or_else(|| RegistryError::Migration(format!("no migration {name}")))?;
            lite.revert_migration(m.as_ref()).map_err(failed)?;
        }
    }
    Ok(())
}
