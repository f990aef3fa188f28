//! EPCIS named queries: saved and deleted by their owner, each with its audit row.

use registry::events::named::{self, NamedQuery};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Saves `query` (the parameters as a JSON object, already checked by the caller) as the
/// caller's query `name`.
pub fn save(core: &Core, caller: &Caller, name: &str, query: &str) -> Result<NamedQuery, ApiError> {
    audited_as(core, caller, "epcis.query.save", |conn, now, actor| {
        let saved = named::create(conn, now, actor.user_id, name, query)?;
        let target = format!("epcis_query:{}", saved.id);
        let detail = json!({"name": saved.name, "query": saved.query});
        Ok::<_, ApiError>(Change::recorded(saved, target, detail))
    })
}

/// Deletes the caller's query `name` (404 when there is none).
pub fn delete(core: &Core, caller: &Caller, name: &str) -> Result<NamedQuery, ApiError> {
    audited_as(core, caller, "epcis.query.delete", |conn, _, actor| {
        let gone = named::delete(conn, actor.user_id, name)?;
        let target = format!("epcis_query:{}", gone.id);
        let detail = json!({"name": gone.name});
        Ok::<_, ApiError>(Change::recorded(gone, target, detail))
    })
}
