//! Handling alerts: taking one up, closing it.

use registry::alerts::{self, Alert, HandlingNote};
use registry::db::DbConn;
use registry::identity::Actor;
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// What an officer does with an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Takes it up (open alerts only).
    Acknowledge,
    /// Closes it (open or acknowledged).
    Close,
}

impl Handling {
    /// The audit action.
    pub fn action(self) -> &'static str {
        match self {
            Handling::Acknowledge => "alert.acknowledge",
            Handling::Close => "alert.close",
        }
    }

    fn apply(
        self,
        conn: &mut DbConn,
        now: chrono::NaiveDateTime,
        actor: &Actor,
        id: i64,
        note: &HandlingNote,
    ) -> registry::Result<Alert> {
        match self {
            Handling::Acknowledge => alerts::acknowledge(conn, now, actor, id, note),
            Handling::Close => alerts::close(conn, now, actor, id, note),
        }
    }
}

/// Takes up or closes an alert, with a note: the new status and the audit row in one
/// transaction.
pub fn handle(
    core: &Core,
    caller: &Caller,
    id: i64,
    note: &HandlingNote,
    handling: Handling,
) -> Result<Alert, ApiError> {
    audited_as(core, caller, handling.action(), |conn, now, actor| {
        let alert = handling.apply(conn, now, actor, id, note)?;
        let detail = json!({ "kind": alert.kind, "status": alert.status, "note": note.note });
        Ok(Change::recorded(alert, format!("alert:{id}"), detail))
    })
}
