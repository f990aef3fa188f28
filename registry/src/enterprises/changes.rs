//! Proposed changes to the key data of an approved enterprise (names, credit code, categories,
//! company prefix, licences), kept until the competent department approves or rejects them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::history::record;
use super::model::{load_enterprise, require_jurisdiction};
use super::notify::tell_enterprise;
use super::register::{EnterpriseUpdate, apply};
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::licences::{NewLicence, insert_licence};
use crate::identity::Actor;
use crate::schema::enterprise_changes;

/// What a change proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New key data for the enterprise record (an [`EnterpriseUpdate`]).
    Update,
    /// A new licence (a [`NewLicence`]).
    Licence,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Update => "update",
            ChangeKind::Licence => "licence",
        }
    }
}

/// Where a proposed change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    Pending,
    Approved,
    Rejected,
}

/// A proposed change and its decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Change {
    pub id: i64,
    pub enterprise_id: i64,
    pub kind: ChangeKind,
    /// The proposed values.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub status: ChangeStatus,
    /// The reason of a rejection.
    pub reason: Option<String>,
    pub proposed_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub decided_at: Option<NaiveDateTime>,
}

/// A stored change, as selected by `enterprise_changes::all_columns`.
pub(super) type Row = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
);

pub(super) fn from_row(row: Row) -> Change {
    let (id, enterprise_id, kind, payload, status, reason, by, at, decided_by, decided_at) = row;
    Change {
        id,
        enterprise_id,
        kind: if kind == "licence" {
            ChangeKind::Licence
        } else {
            ChangeKind::Update
        },
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        status: match status.as_str() {
            "approved" => ChangeStatus::Approved,
            "rejected" => ChangeStatus::Rejected,
            _ => ChangeStatus::Pending,
        },
        reason,
        proposed_by: by,
        proposed_at: at,
        decided_by,
        decided_at,
    }
}

fn find(conn: &mut DbConn, enterprise_id: i64, id: i64) -> Result<Change> {
    enterprise_changes::table
        .find(id)
        .filter(enterprise_changes::enterprise_id.eq(enterprise_id))
        .select(enterprise_changes::all_columns)
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .ok_or(RegistryError::NotFound { entity: "change" })
}

/// Records a proposal (one pending key-data update at a time; licences may queue).
pub(crate) fn propose<T: Serialize>(
    conn: &mut DbConn,
    now: NaiveDateTime,
    enterprise_id: i64,
    actor: &str,
    kind: ChangeKind,
    payload: &T,
) -> Result<Change> {
    if kind == ChangeKind::Update {
        let pending: i64 = enterprise_changes::table
            .filter(enterprise_changes::enterprise_id.eq(enterprise_id))
            .filter(enterprise_changes::kind.eq(kind.as_str()))
            .filter(enterprise_changes::status.eq("pending"))
            .count()
            .get_result(conn)?;
        if pending > 0 {
            return Err(RegistryError::conflict(
                Code::ChangePending,
                "a change of key data is already awaiting review; wait for the decision",
            ));
        }
    }
    let payload = serde_json::to_value(payload)
        .map_err(|e| RegistryError::invalid(Code::InvalidChange, "body", e.to_string()))?;
    let id = diesel::insert_into(enterprise_changes::table)
        .values((
            enterprise_changes::enterprise_id.eq(enterprise_id),
            enterprise_changes::kind.eq(kind.as_str()),
            enterprise_changes::payload.eq(payload.to_string()),
            enterprise_changes::status.eq("pending"),
            enterprise_changes::proposed_by.eq(actor),
            enterprise_changes::proposed_at.eq(now),
        ))
        .returning(enterprise_changes::id)
        .get_result::<i64>(conn)?;
    let change = find(conn, enterprise_id, id)?;
    record(
        conn,
        now,
        enterprise_id,
        actor,
        "enterprise.change_propose",
        &serde_json::Value::Null,
        &change,
        None,
    )?;
    Ok(change)
}

/// The changes proposed for an enterprise, newest first (call after checking visibility).
pub fn list_changes(conn: &mut DbConn, enterprise_id: i64) -> Result<Vec<Change>> {
    Ok(enterprise_changes::table
        .filter(enterprise_changes::enterprise_id.eq(enterprise_id))
        .order(enterprise_changes::id.desc())
        .select(enterprise_changes::all_columns)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

/// Approves (and applies) or rejects a pending change; officers of the competent department only.
/// A rejection needs its reason (422 `reason_required`). The enterprise is told of the decision.
pub fn decide_change(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    change_id: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<Change> {
    let before = load_enterprise(conn, enterprise_id)?;
    let change = find(conn, enterprise_id, change_id)?;
    require_jurisdiction(conn, actor, &before)?;
    if change.status != ChangeStatus::Pending {
        return Err(RegistryError::conflict(
            Code::ChangeDecided,
            format!("change {change_id} was already decided"),
        ));
    }
    let reason = super::review::check_reason(reason, !approve)?;
    let bad_payload =
        |e: serde_json::Error| RegistryError::Config(format!("stored change {change_id}: {e}"));
    if approve {
        match change.kind {
            ChangeKind::Update => {
                let update: EnterpriseUpdate =
                    serde_json::from_value(change.payload.clone()).map_err(bad_payload)?;
                apply(conn, now, enterprise_id, &update, None)?;
            }
            ChangeKind::Licence => {
                let licence: NewLicence =
                    serde_json::from_value(change.payload.clone()).map_err(bad_payload)?;
                insert_licence(conn, now, enterprise_id, &licence)?;
            }
        }
    }
    let who = actor.audit_name();
    diesel::update(enterprise_changes::table.find(change_id))
        .set((
            enterprise_changes::status.eq(if approve { "approved" } else { "rejected" }),
            enterprise_changes::reason.eq(reason),
            enterprise_changes::decided_by.eq(&who),
            enterprise_changes::decided_at.eq(now),
        ))
        .execute(conn)?;
    let after = load_enterprise(conn, enterprise_id)?;
    let action = if approve {
        "enterprise.change_approve"
    } else {
        "enterprise.change_reject"
    };
    let detail =
        serde_json::json!({ "change": change_id, "kind": change.kind, "payload": change.payload });
    let (b, a) = if approve {
        (serde_json::to_value(&before), serde_json::to_value(&after))
    } else {
        (Ok(detail.clone()), Ok(detail))
    };
    let history_id = record(
        conn,
        now,
        enterprise_id,
        &who,
        action,
        &b.unwrap_or_default(),
        &a.unwrap_or_default(),
        reason,
    )?;
    let told =
        serde_json::json!({ "reason": reason, "change_id": change_id, "change_kind": change.kind });
    tell_enterprise(conn, now, actor, &after, action, history_id, told)?;
    find(conn, enterprise_id, change_id)
}
