//! Evidence: what a task's inspectors attach to its result (photos, sampling records, test
//! reports), kept in the document store by its SHA-256. Those who may see the task read it;
//! the published result lists each file's name and hash (not its content), and the result's
//! digest in the evidence ledger covers them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::tasks::{Task, TaskStatus, find_task, load_task};
use crate::db::DbConn;
use crate::documents::{DocumentStore, Staged, Storage, filename};
use crate::error::{Code, RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::schema::spot_check_evidence as evidence;

/// A file attached to a task's result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: i64,
    pub task_id: i64,
    /// The content's SHA-256, hex.
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub filename: String,
    #[serde(skip)]
    pub storage: Storage,
    pub uploaded_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub uploaded_at: NaiveDateTime,
}

type EvidenceRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    NaiveDateTime,
);

fn from_row(r: EvidenceRow) -> Result<Evidence> {
    Ok(Evidence {
        id: r.0,
        task_id: r.1,
        sha256: r.2,
        size_bytes: r.3,
        content_type: r.4,
        filename: r.5,
        storage: Storage::from_stored(&r.6)?,
        uploaded_by: r.7,
        uploaded_at: r.8,
    })
}

/// The evidence of `tasks`, by task and upload.
pub(super) fn evidence_of(conn: &mut DbConn, tasks: &[i64]) -> Result<Vec<Evidence>> {
    evidence::table
        .filter(evidence::task_id.eq_any(tasks))
        .order((evidence::task_id, evidence::id))
        .load::<EvidenceRow>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Attaches a staged file to task `id`'s result: only one of its inspectors (403
/// `not_assigned`), until the result is published (409 `result_published`); 422
/// `empty_document` for an empty file. Call in the transaction with the audit entry.
#[allow(
    clippy::too_many_arguments,
    reason = "one upload and what describes it"
)]
pub fn attach_evidence(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    store: &DocumentStore,
    staged: Staged,
    content_type: &str,
    name: Option<&str>,
) -> Result<Evidence> {
    let task = load_task(conn, id)?;
    if actor.role != Role::Inspector || !task.inspectors.contains(&actor.user_id) {
        return Err(RegistryError::denied(
            Code::NotAssigned,
            "only an inspector of the task attaches evidence to its result",
        ));
    }
    if task.status == TaskStatus::Published {
        return Err(RegistryError::conflict(
            Code::ResultPublished,
            "the result is published",
        ));
    }
    if staged.size() == 0 {
        return Err(RegistryError::invalid(
            Code::EmptyDocument,
            "file",
            "the file is empty",
        ));
    }
    let (sha256, size) = (staged.sha256().to_owned(), staged.size());
    let storage = store.place(conn, staged)?;
    let row = diesel::insert_into(evidence::table)
        .values((
            evidence::task_id.eq(id),
            evidence::sha256.eq(&sha256),
            evidence::size_bytes.eq(i64::try_from(size).unwrap_or(i64::MAX)),
            evidence::content_type.eq(content_type),
            evidence::filename.eq(filename(name)),
            evidence::storage.eq(storage.as_str()),
            evidence::uploaded_by.eq(actor.audit_name()),
            evidence::uploaded_at.eq(now),
        ))
        .returning((
            evidence::id,
            evidence::task_id,
            evidence::sha256,
            evidence::size_bytes,
            evidence::content_type,
            evidence::filename,
            evidence::storage,
            evidence::uploaded_by,
            evidence::uploaded_at,
        ))
        .get_result::<EvidenceRow>(conn)?;
    from_row(row)
}

/// A file of task `task_id` with its content, for those who may see the task (404 otherwise).
pub fn evidence_content(
    conn: &mut DbConn,
    store: &DocumentStore,
    actor: &Actor,
    task_id: i64,
    evidence_id: i64,
) -> Result<(Evidence, Vec<u8>)> {
    let task: Task = find_task(conn, actor, task_id)?;
    let found = task
        .evidence
        .into_iter()
        .find(|e| e.id == evidence_id)
        .ok_or(RegistryError::NotFound { entity: "evidence" })?;
    let content = store.read(conn, found.storage, &found.sha256)?;
    Ok((found, content))
}
