//! Evidence: what a task's inspectors attach to its result (photos, sampling records, test
//! reports), kept in the document store by its SHA-256. Those who may see the task read it;
//! the published result lists each file's name and hash (not its content), and the result's
//! digest in the evidence ledger covers them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::tasks::{
    Evidence, EvidenceRow, Task, TaskStatus, find_task, from_evidence_row, load_task,
};
use crate::db::DbConn;
use crate::documents::{DocumentStore, Staged, filename};
use crate::error::{Code, RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::schema::spot_check_evidence as evidence;

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
    from_evidence_row(row)
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
