//! The serious-violation blacklist: a listing proposed by one officer and approved by a second,
//! rejection, and removal, each with its notices.

use registry::blacklist::{self, Listing, NewProposal, Proposal, Removal};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Proposes to list an enterprise; the department's officers are told in the same transaction.
pub fn propose(core: &Core, caller: &Caller, new: &NewProposal) -> Result<Proposal, ApiError> {
    audited_as(core, caller, "blacklist.propose", |conn, now, actor| {
        let proposal = blacklist::propose(conn, now, actor, new)?;
        let detail = json!({ "enterprise_id": proposal.enterprise_id, "penalty": proposal.penalty, "decision_number": proposal.decision_number, "legal_basis": proposal.legal_basis, "reason": proposal.reason });
        let target = format!("blacklist-proposal:{}", proposal.id);
        Ok(Change::recorded(proposal, target, detail))
    })
}

/// Approves a proposal as a second officer: the enterprise is listed, its notices enqueued.
pub fn approve(core: &Core, caller: &Caller, proposal_id: i64) -> Result<Listing, ApiError> {
    audited_as(core, caller, "blacklist.list", |conn, now, actor| {
        let listing = blacklist::approve(conn, now, actor, proposal_id)?;
        let detail = json!({ "enterprise_id": listing.enterprise_id, "proposal_id": proposal_id, "proposed_by": listing.proposed_by, "penalty": listing.penalty, "decision_number": listing.decision_number, "reason": listing.reason });
        let target = format!("blacklist:{}", listing.id);
        Ok(Change::recorded(listing, target, detail))
    })
}

/// Rejects (or withdraws) a proposal, with a reason.
pub fn reject(
    core: &Core,
    caller: &Caller,
    proposal_id: i64,
    reason: &str,
) -> Result<Proposal, ApiError> {
    audited_as(core, caller, "blacklist.reject", |conn, now, actor| {
        let proposal = blacklist::reject(conn, now, actor, proposal_id, reason)?;
        let detail =
            json!({ "enterprise_id": proposal.enterprise_id, "reason": proposal.decision_note });
        let target = format!("blacklist-proposal:{proposal_id}");
        Ok(Change::recorded(proposal, target, detail))
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
        let detail = json!({ "enterprise_id": listing.enterprise_id, "reason": removal.reason, "penalties_fulfilled": removal.penalties_fulfilled, "no_new_heavy_penalty": removal.no_new_heavy_penalty, "credit_tier": listing.tier_before });
        Ok(Change::recorded(listing, format!("blacklist:{id}"), detail))
    })
}
