//! The full history of an enterprise: who changed what, when, with the record before and after.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::Result;
use crate::schema::enterprise_history;

/// One change to an enterprise.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    pub enterprise_id: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub at: NaiveDateTime,
    /// As the audit log names them: `user:alice`.
    pub actor: String,
    /// What happened: `enterprise.register`, `enterprise.approve`, `enterprise.change_propose`...
    pub action: String,
    /// The record (or the part that changed) before; `null` for a creation.
    #[schema(value_type = Option<Object>)]
    pub before: serde_json::Value,
    /// The record (or the part that changed) after.
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    /// A reason given (rejection, suspension...).
    pub note: Option<String>,
}

/// Appends one entry, made `at` (inside the transaction of the change); returns its id.
#[allow(clippy::too_many_arguments, reason = "the columns of one history row")]
pub(crate) fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConn,
    at: NaiveDateTime,
    enterprise_id: i64,
    actor: &str,
    action: &str,
    before: &B,
    after: &A,
    note: Option<&str>,
) -> Result<i64> {
    let json = |v: serde_json::Result<String>| v.unwrap_or_else(|_| "null".into());
    Ok(diesel::insert_into(enterprise_history::table)
        .values((
            enterprise_history::enterprise_id.eq(enterprise_id),
            enterprise_history::at.eq(at),
            enterprise_history::actor.eq(actor),
            enterprise_history::action.eq(action),
            enterprise_history::before.eq(json(serde_json::to_string(before))),
            enterprise_history::after.eq(json(serde_json::to_string(after))),
            enterprise_history::note.eq(note),
        ))
        .returning(enterprise_history::id)
        .get_result(conn)?)
}

type Row = (
    i64,
    i64,
    NaiveDateTime,
    String,
    String,
    String,
    String,
    Option<String>,
);

/// The history of an enterprise, oldest first (call after checking the actor may see it).
pub fn history(conn: &mut DbConn, enterprise_id: i64) -> Result<Vec<HistoryEntry>> {
    let rows = enterprise_history::table
        .filter(enterprise_history::enterprise_id.eq(enterprise_id))
        .order(enterprise_history::id)
        .select(enterprise_history::all_columns)
        .load::<Row>(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, enterprise_id, at, actor, action, before, after, note)| HistoryEntry {
                id,
                enterprise_id,
                at,
                actor,
                action,
                before: serde_json::from_str(&before).unwrap_or(serde_json::Value::Null),
                after: serde_json::from_str(&after).unwrap_or(serde_json::Value::Null),
                note,
            },
        )
        .collect())
}
