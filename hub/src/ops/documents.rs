//! Documents an enterprise files (certificates, test reports), and their publication on the
//! product page.

use registry::documents::{self, Document, NewDocument, Staged};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Files a staged upload: the content placed in the store, the row and the audit entry in one
/// transaction.
pub fn file(
    core: &Core,
    caller: &Caller,
    enterprise: i64,
    new: &NewDocument,
    content_type: &str,
    staged: Staged,
) -> Result<Document, ApiError> {
    let store = core.config.document_store();
    audited_as(core, caller, "document.file", |conn, now, actor| {
        let document = documents::file_document(
            conn,
            now,
            actor,
            enterprise,
            new,
            content_type,
            staged,
            &store,
        )?;
        let detail = json!({ "enterprise_id": enterprise, "doc_type": document.doc_type, "number": document.number, "sha256": document.sha256, "size_bytes": document.size_bytes, "published": document.published });
        let target = format!("document:{}", document.id);
        Ok(Change::recorded(document, target, detail))
    })
}

/// Publishes a document on its product page, or withdraws it.
pub fn set_published(
    core: &Core,
    caller: &Caller,
    id: i64,
    published: bool,
) -> Result<Document, ApiError> {
    let action = if published {
        "document.publish"
    } else {
        "document.withdraw"
    };
    audited_as(core, caller, action, |conn, now, actor| {
        let document = documents::set_published(conn, now, actor, id, published)?;
        let detail = json!({ "enterprise_id": document.enterprise_id, "sha256": document.sha256 });
        Ok(Change::recorded(document, format!("document:{id}"), detail))
    })
}
