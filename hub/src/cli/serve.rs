//! `hub serve`: open the database, migrate, bind, run until SIGTERM.

use std::process::ExitCode;

use anyhow::Context;
use registry::db::{Db, PoolOptions, run_migrations};
use registry::identity::{self, Actor, AuthMethod};

use crate::app::{AppState, Core};
use crate::config::Config;
use crate::ops::{Caller, Request};
use crate::server::{self, ServeOptions};

/// Opens the pool and runs pending migrations (under the advisory lock on PostgreSQL).
pub fn open_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url()?;
    if let Some(path) = url.sqlite_path() {
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    let options = PoolOptions {
        max_size: config.database.pool_size,
        connect_timeout: std::time::Duration::from_secs(config.database.connect_timeout_secs),
    };
    let db = Db::open(&url, options).with_context(|| format!("cannot open the database {url}"))?;
    let ran = run_migrations(&mut *db.conn()?)?;
    if !ran.is_empty() {
        tracing::info!(migrations = ?ran, "database migrated");
    }
    server::record_settings(&db, config)?;
    Ok(db)
}

/// The operations' core for a command on `config`: the database opened (and migrated) and the
/// keys derived from the server secret.
pub fn core(config: &Config) -> anyhow::Result<Core> {
    let db = open_database(config)?;
    Ok(Core::new(db, config.clone(), &config.secret_key()?))
}

/// User `username` acting at the command line (its role and scope apply as in the API), in a
/// request of its own.
pub fn caller(core: &Core, username: &str) -> anyhow::Result<Caller> {
    let user = identity::find_user_by_name(&mut *core.db.conn()?, username)
        .with_context(|| format!("no user {username:?}"))?;
    Ok(Caller::new(
        Actor::for_user(&user, AuthMethod::Cli),
        Request::cli(core),
    ))
}

/// Builds the shared state for a server on `config`.
pub fn state(config: Config) -> anyhow::Result<AppState> {
    let db = open_database(&config)?;
    let secret = config.secret_key()?;
    Ok(AppState::new(db, config, &secret))
}

pub(super) fn serve(config: Config) -> anyhow::Result<ExitCode> {
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    let state = state(config)?;
    let backend = state.db.backend().as_str();
    let background = crate::jobs::Background::start(&state);
    let resolver = state.resolver.clone();
    let served = actix_web::rt::System::new().block_on(async move {
        let bound = server::bind(state, ServeOptions::default())?;
        for addr in &bound.addrs {
            let scheme = if bound.tls { "https" } else { "http" };
            tracing::info!(%addr, database = backend, "tracehub listening on {scheme}://{addr}");
        }
        bound.server.await?;
        Ok::<_, anyhow::Error>(())
    });
    background.stop();
    // The scans still buffered are written before the process ends.
    resolver.scans.shutdown();
    served?;
    tracing::info!("tracehub stopped");
    Ok(ExitCode::SUCCESS)
}
