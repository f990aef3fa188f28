//! The operations layer: every state change of the hub is one plain function here, whoever
//! asks for it (the JSON API, the portal, the command line, a job).
//!
//! An operation takes the [`Core`] (database, configuration, keys), who acts (a [`Caller`]: an
//! identified actor in a [`Request`]; or an [`Origin`], the name the audit log gives the
//! operator or the public) and a registry input type. It runs one transaction through
//! [`audited`], whose change returns the audit entry together with its value ([`Change`]), and
//! returns a registry result. Callers only translate their input, call the operation (from
//! async code, inside [`crate::error::blocking`]) and render the result.
//!
//! Architecture invariant: audit rows are appended only here (`tests/house.rs` checks it), and
//! an audited change cannot be written without its entry: [`Change`] is built with one (or, by
//! [`Change::unwritten`], for a change that wrote nothing). Notices and deliveries are
//! enqueued by the registry functions in the same transaction, so nothing leaves for a change
//! that rolled back.
//!
//! Operations also hold the few reads that the API and the portal share (the recall report),
//! so that no page imports a handler.

pub mod alerts;
pub mod blacklist;
pub mod certificates;
pub mod credit;
pub mod departments;
pub mod documents;
pub mod enterprises;
pub mod epcis;
pub mod epcis_queries;
pub mod epcis_subscriptions;
pub mod equipment;
pub mod filings;
pub mod import;
pub mod intake;
pub mod ledger;
pub mod notices;
pub mod recalls;
pub mod regulation;
pub mod sessions;
pub mod spotchecks;
pub mod stamps;
pub mod tokens;
pub mod trace;
pub mod users;
pub mod world;

use chrono::NaiveDateTime;
use registry::RegistryError;
use registry::audit::{self, AuditEvent};
use registry::db::DbConn;
use registry::identity::Actor;

use crate::app::Core;

/// The request (or command, or job run) a change belongs to: its id, for the logs and the
/// audit row, and the one reading of the clock that every row it writes carries.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: String,
    pub now: NaiveDateTime,
}

impl Request {
    /// A request with this id, now on `core`'s clock.
    pub fn new(core: &Core, id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            now: core.now(),
        }
    }

    /// A run of the command line, with an id of its own (`cli-…`).
    pub fn cli(core: &Core) -> Self {
        Self::new(
            core,
            format!("cli-{}", &registry::secret::random_token("")[..16]),
        )
    }
}

/// Who a change is recorded as, in which request: the audit log's name of the actor
/// (`user:12 (officer)`, `cli:alice`, `public`).
#[derive(Debug, Clone)]
pub struct Origin {
    pub by: String,
    pub request: Request,
}

impl Origin {
    /// The anonymous public (a fake-stamp report), in `request`.
    pub fn public(request: Request) -> Self {
        Self {
            by: "public".into(),
            request,
        }
    }

    /// The operator at the command line, `cli:<login>`, in a request of its own.
    pub fn operator(core: &Core) -> Self {
        let login = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "operator".into());
        Self {
            by: format!("cli:{login}"),
            request: Request::cli(core),
        }
    }
}

/// An identified caller: who acts (with the role and scope the registry checks), in which
/// request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub request: Request,
}

impl Caller {
    /// `actor` acting in `request`.
    pub fn new(actor: Actor, request: Request) -> Self {
        Self { actor, request }
    }

    /// When the caller acts.
    pub fn now(&self) -> NaiveDateTime {
        self.request.now
    }

    /// The caller as the audit log names it.
    pub fn origin(&self) -> Origin {
        Origin {
            by: self.actor.audit_name(),
            request: self.request.clone(),
        }
    }
}

/// What an audited change did: its value and the audit entry that records it.
pub struct Change<T> {
    value: T,
    entry: Option<Entry>,
}

struct Entry {
    target: String,
    detail: serde_json::Value,
    by: Option<String>,
}

impl<T> Change<T> {
    /// `value`, recorded against `target` (`enterprise:12`) with its detail (never a secret).
    pub fn recorded(value: T, target: impl Into<String>, detail: serde_json::Value) -> Self {
        Self {
            value,
            entry: Some(Entry {
                target: target.into(),
                detail,
                by: None,
            }),
        }
    }

    /// `value` of a change that wrote nothing, so has nothing to record.
    pub fn unwritten(value: T) -> Self {
        Self { value, entry: None }
    }

    /// Records the change as done by `by` instead of the origin (a registration is done by the
    /// user it creates).
    pub fn by(mut self, by: String) -> Self {
        if let Some(entry) = &mut self.entry {
            entry.by = Some(by);
        }
        self
    }
}

/// Runs `change` in one transaction as `origin`, and appends its audit entry, as `action`, in
/// the same transaction. The change gets the connection and the request's time.
pub fn audited<T, E>(
    core: &Core,
    origin: &Origin,
    action: &str,
    change: impl FnOnce(&mut DbConn, NaiveDateTime) -> Result<Change<T>, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error> + From<RegistryError>,
{
    let now = origin.request.now;
    core.db.transaction(|conn| {
        let Change { value, entry } = change(conn, now)?;
        if let Some(entry) = entry {
            audit::append(
                conn,
                &core.audit_key,
                &AuditEvent {
                    at: now,
                    actor: entry.by.as_deref().unwrap_or(&origin.by),
                    action,
                    target: &entry.target,
                    request_id: &origin.request.id,
                    detail: entry.detail,
                },
            )?;
        }
        Ok(value)
    })
}

/// [`audited`] as an identified caller; the change also gets the actor.
pub fn audited_as<T, E>(
    core: &Core,
    caller: &Caller,
    action: &str,
    change: impl FnOnce(&mut DbConn, NaiveDateTime, &Actor) -> Result<Change<T>, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error> + From<RegistryError>,
{
    audited(core, &caller.origin(), action, |conn, now| {
        change(conn, now, &caller.actor)
    })
}
