//! The two-officer rule: a listing is proposed by one officer of the competent department and
//! approved by a second officer of the same department; no one approves their own proposal
//! (403 `own_proposal`). A proposal names the penalty, the decision number, the legal basis and
//! the reason as they will be published. At most one proposal per enterprise waits at a time
//! (409 `already_proposed`, also when two race: a partial unique index); a decided proposal is
//! 409 `proposal_decided`. Approval writes the listing ([`super::decisions`]); rejection (also
//! the proposer withdrawing) needs a reason. The department's officers are told of a proposal
//! and of its rejection; the listing's notices go out at approval. A proposal is not part of the
//! enterprise's history (it is not yet a decision), only of the audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::decisions::{competent_department, write_listing};
use super::{Listing, Penalty, current_listing};
use crate::db::DbConn;
use crate::enterprises::{Enterprise, load_enterprise, named_enterprise, text};
use crate::error::{Code, RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};
use crate::schema::blacklist_proposals as proposals;

/// Notice topic: a listing awaits a second officer's approval.
pub const PROPOSED_TOPIC: &str = "blacklist.proposed";
/// Notice topic: a proposed listing was rejected (or withdrawn).
pub const REJECTED_TOPIC: &str = "blacklist.proposal_rejected";

/// A proposal to list an enterprise, as its proposer files it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    pub enterprise_id: i64,
    /// The heavy penalty imposed.
    pub penalty: Penalty,
    /// The number of the penalty decision, e.g. `豫市监罚〔2026〕12号`.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub decision_number: String,
    /// The provisions the listing rests on, e.g. `《市场监督管理严重违法失信名单管理办法》第二条`.
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub legal_basis: String,
    /// The serious violation, as it will be published.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for a second officer.
    Pending,
    /// Approved: the listing stands (or stood).
    Approved,
    /// Rejected or withdrawn.
    Rejected,
}

impl ProposalStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }
}

/// A proposal to list an enterprise, and its decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: i64,
    pub enterprise_id: i64,
    /// The department that proposes (and whose second officer decides).
    pub department_id: i64,
    #[schema(value_type = Penalty)]
    pub penalty: String,
    pub decision_number: String,
    pub legal_basis: String,
    pub reason: String,
    pub proposed_by: String,
    /// The proposer's user id: the two-officer rule compares users, not audit names (one user
    /// is `user:` on the web and `cli:` at the command line).
    #[serde(skip)]
    pub proposed_by_user_id: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub proposed_at: NaiveDateTime,
    #[schema(value_type = ProposalStatus)]
    pub status: String,
    pub decided_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub decided_at: Option<NaiveDateTime>,
    /// Why it was rejected.
    pub decision_note: Option<String>,
    /// The listing its approval wrote.
    pub listing_id: Option<i64>,
}

impl Proposal {
    /// Whether `actor` is the user who proposed it.
    pub fn is_by(&self, actor: &Actor) -> bool {
        self.proposed_by_user_id == actor.user_id
    }
}

/// Proposes to list an enterprise (call inside a transaction, with the audit entry).
pub fn propose(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewProposal,
) -> Result<Proposal> {
    let enterprise = named_enterprise(conn, new.enterprise_id)?;
    let department_id = competent_department(conn, actor, &enterprise)?;
    let decision_number = text("decision_number", &new.decision_number, 100)?;
    let legal_basis = text("legal_basis", &new.legal_basis, 500)?;
    let reason = text("reason", &new.reason, 2000)?;
    if let Some(open) = current_listing(conn, enterprise.id)? {
        return Err(RegistryError::Conflict {
            code: Code::AlreadyListed,
            field: Some("enterprise_id".into()),
            message: format!(
                "the enterprise is on the blacklist already (listing {})",
                open.id
            ),
        });
    }
    let inserted = diesel::insert_into(proposals::table)
        .values((
            proposals::enterprise_id.eq(enterprise.id),
            proposals::department_id.eq(department_id),
            proposals::penalty.eq(new.penalty.as_str()),
            proposals::decision_number.eq(decision_number),
            proposals::legal_basis.eq(legal_basis),
            proposals::reason.eq(reason),
            proposals::proposed_by.eq(actor.audit_name()),
            proposals::proposed_by_user_id.eq(actor.user_id),
            proposals::proposed_at.eq(now),
            proposals::status.eq(ProposalStatus::Pending.as_str()),
        ))
        .returning(proposals::id)
        .get_result::<i64>(conn)
        .map_err(RegistryError::from);
    let id = match inserted {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            return Err(RegistryError::Conflict {
                code: Code::AlreadyProposed,
                field: Some("enterprise_id".into()),
                message: "a proposal to list the enterprise already awaits approval".into(),
            });
        }
        Err(e) => return Err(e),
    };
    let proposal = find_proposal(conn, id)?;
    notify_department(conn, now, PROPOSED_TOPIC, &proposal, &enterprise)?;
    Ok(proposal)
}

/// Approves a pending proposal as a second officer of its department, writing the listing
/// (call inside a transaction, with the audit entry).
pub fn approve(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    proposal_id: i64,
) -> Result<Listing> {
    let (proposal, enterprise) = pending_for(conn, actor, proposal_id)?;
    if proposal.is_by(actor) {
        return Err(RegistryError::denied(
            Code::OwnProposal,
            "a second officer of the department approves a proposal, not its proposer",
        ));
    }
    let listing = write_listing(conn, now, actor, &proposal, &enterprise)?;
    diesel::update(proposals::table.find(proposal.id))
        .set((
            proposals::status.eq(ProposalStatus::Approved.as_str()),
            proposals::decided_by.eq(actor.audit_name()),
            proposals::decided_at.eq(now),
            proposals::listing_id.eq(listing.id),
        ))
        .execute(conn)?;
    Ok(listing)
}

/// Rejects (or, by its proposer, withdraws) a pending proposal, with a reason (call inside a
/// transaction, with the audit entry).
pub fn reject(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    proposal_id: i64,
    reason: &str,
) -> Result<Proposal> {
    let (proposal, enterprise) = pending_for(conn, actor, proposal_id)?;
    let reason = text("reason", reason, 2000)?;
    diesel::update(proposals::table.find(proposal.id))
        .set((
            proposals::status.eq(ProposalStatus::Rejected.as_str()),
            proposals::decided_by.eq(actor.audit_name()),
            proposals::decided_at.eq(now),
            proposals::decision_note.eq(reason),
        ))
        .execute(conn)?;
    let proposal = find_proposal(conn, proposal.id)?;
    notify_department(conn, now, REJECTED_TOPIC, &proposal, &enterprise)?;
    Ok(proposal)
}

/// The pending proposal `id` and its enterprise, for an officer of the proposing department
/// who is still competent for the enterprise.
fn pending_for(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(Proposal, Enterprise)> {
    let proposal = find_proposal(conn, id)?;
    let enterprise = load_enterprise(conn, proposal.enterprise_id)?;
    let department = competent_department(conn, actor, &enterprise)?;
    if department != proposal.department_id {
        return Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "only an officer of the proposing department decides a proposal",
        ));
    }
    if proposal.status != ProposalStatus::Pending.as_str() {
        return Err(RegistryError::conflict(
            Code::ProposalDecided,
            format!("proposal {id} was {} already", proposal.status),
        ));
    }
    Ok((proposal, enterprise))
}

/// A proposal by id.
pub fn find_proposal(conn: &mut DbConn, id: i64) -> Result<Proposal> {
    proposals::table
        .find(id)
        .select(Proposal::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "proposal" })
}

/// The proposal to list `enterprise_id` that awaits approval, if any.
pub fn pending_proposal(conn: &mut DbConn, enterprise_id: i64) -> Result<Option<Proposal>> {
    Ok(proposals::table
        .filter(proposals::enterprise_id.eq(enterprise_id))
        .filter(proposals::status.eq(ProposalStatus::Pending.as_str()))
        .select(Proposal::as_select())
        .first(conn)
        .optional()?)
}

/// Filters for [`list_proposals`].
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalFilter {
    /// Only proposals in this state (default: all).
    pub status: Option<ProposalStatus>,
    /// Only this department's proposals.
    pub department_id: Option<i64>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Proposals, newest first.
pub fn list_proposals(conn: &mut DbConn, filter: &ProposalFilter) -> Result<Vec<Proposal>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    let mut query = proposals::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(proposals::status.eq(status.as_str()));
    }
    if let Some(department) = filter.department_id {
        query = query.filter(proposals::department_id.eq(department));
    }
    Ok(query
        .select(Proposal::as_select())
        .order(proposals::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?)
}

/// Tells the officers of the proposing department about `proposal`.
fn notify_department(
    conn: &mut DbConn,
    now: NaiveDateTime,
    topic: &str,
    proposal: &Proposal,
    enterprise: &Enterprise,
) -> Result<()> {
    let notice = Notice {
        topic: topic.to_owned(),
        audience: vec![Audience::Department {
            id: proposal.department_id,
        }],
        params: serde_json::json!({
            "proposal_id": proposal.id,
            "enterprise_id": enterprise.id,
            "enterprise_name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "penalty": proposal.penalty,
            "decision_number": proposal.decision_number,
            "legal_basis": proposal.legal_basis,
            "reason": proposal.reason,
            "proposed_by": proposal.proposed_by,
            "decided_by": proposal.decided_by,
            "decision_note": proposal.decision_note,
        }),
        source: format!("blacklist-proposal:{}", proposal.id),
    };
    let prefix = enterprise.company_prefix.clone().unwrap_or_default();
    notices::enqueue(conn, now, &notice, &prefix)?;
    Ok(())
}
