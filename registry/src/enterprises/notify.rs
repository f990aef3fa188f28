//! What an enterprise is told of a decision on it: its registration approved or rejected, its
//! suspension, revocation or reinstatement, and each change of key data it proposed approved or
//! rejected. The notice reaches the enterprise's users (inbox and e-mail) and is enqueued in the
//! decision's transaction; its source is the decision's history entry, so that each decision is
//! told once and a later decision of the same kind is told again.

use chrono::NaiveDateTime;

use super::model::Enterprise;
use crate::db::DbConn;
use crate::departments::find_department;
use crate::error::Result;
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};

/// Topics of the decisions told, by history action.
pub const TOPICS: [(&str, &str); 7] = [
    ("enterprise.approve", "enterprise.approved"),
    ("enterprise.reject", "enterprise.rejected"),
    ("enterprise.suspend", "enterprise.suspended"),
    ("enterprise.revoke", "enterprise.revoked"),
    ("enterprise.reinstate", "enterprise.reinstated"),
    ("enterprise.change_approve", "enterprise.change_approved"),
    ("enterprise.change_reject", "enterprise.change_rejected"),
];

/// Tells `enterprise` of the decision `actor` made, recorded as history entry `history_id` under
/// `action`, with the values its text needs beyond the enterprise's (`extra`: the reason, the
/// change), merged into the parameters.
pub(super) fn tell_enterprise(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise: &Enterprise,
    action: &str,
    history_id: i64,
    extra: serde_json::Value,
) -> Result<()> {
    let Some((_, topic)) = TOPICS.iter().find(|(a, _)| *a == action) else {
        return Ok(());
    };
    let mut params = serde_json::json!({
        "enterprise_id": enterprise.id,
        "enterprise_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "status": enterprise.status,
        "department": department_name(conn, actor)?,
        "decided_on": now.date().to_string(),
    });
    if let (Some(into), serde_json::Value::Object(more)) = (params.as_object_mut(), extra) {
        into.extend(more);
    }
    let notice = Notice {
        topic: (*topic).to_owned(),
        audience: vec![Audience::Enterprise { id: enterprise.id }],
        params,
        source: format!("enterprise-history:{history_id}"),
    };
    let prefix = enterprise.company_prefix.clone().unwrap_or_default();
    notices::enqueue(conn, now, &notice, &prefix)?;
    Ok(())
}

/// The name of the deciding officer's department (`None` for an actor of none).
fn department_name(conn: &mut DbConn, actor: &Actor) -> Result<Option<String>> {
    actor
        .department_id
        .map(|id| find_department(conn, id).map(|d| d.name))
        .transpose()
}
