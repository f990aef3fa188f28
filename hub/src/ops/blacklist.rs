//! The serious-violation blacklist: listing and removal, with their notices.

use registry::blacklist::{self, Listing, NewListing, Removal};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Lists an enterprise; its notices are enqueued in the same transaction.
pub fn list(core: &Core, caller: &Caller, new: &NewListing) -> Result<Listing, ApiError> {
    audited_as(core, caller, "blacklist.list", |conn, now, actor| {
        let listing = blacklist::list_enterprise(conn, now, actor, new)?;
        let detail = json!({ "enterprise_id": listing.enterprise_id, "penalty": listing.penalty, "decision_number": listing.decision_number, "reason": listing.reason });
        let target = format!("blacklist:{}", listing.id);
        Ok(Change::recorded(listing, target, detail))
    })
}

/// Removes a listing whose conditions are met.
pub fn remove(
    core: &Core,
    caller: &Caller,
    id: i64,
    removal: &Removal,
) -> Result<Listing, ApiError> {
    audited_as(core, caller, "blacklist.remove", |conn, now, actor| {
        let listing = blacklist::remove_listing(conn, now, actor, id, removal)?;
        let detail = json!({ "enterprise_id": listing.enterprise_id, "reason": removal.reason, "penalties_fulfilled": removal.penalties_fulfilled, "no_new_heavy_penalty": removal.no_new_heavy_penalty });
        Ok(Change::recorded(listing, format!("blacklist:{id}"), detail))
    })
}
