//! The blacklist on an enterprise's dashboard: its open listing for every reader; for an officer
//! of the competent department (the only officers who reach the dashboard) a proposal awaiting
//! approval with its approve and reject forms (approve not drawn for its proposer), or else the
//! form that proposes the listing, posted to `/portal/enterprises/{id}/blacklist`.

use actix_web::web;
use maud::{Markup, html};
use registry::blacklist::{Listing, NewProposal, Proposal};
use registry::identity::{Actor, Role};

use super::{path, penalty_options};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::enterprise::is_officer;
use crate::portal::enterprise::overview::{self, Overview};
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages, read,
};

/// The id of the proposal form.
pub const FORM: &str = "blacklist";
/// The id of the form approving a proposal.
pub const APPROVE_FORM: &str = "proposal-approve";
/// The id of the form rejecting a proposal.
pub const REJECT_FORM: &str = "proposal-reject";

/// The ids of the blacklist forms the dashboard draws for `actor`.
pub fn forms_drawn(actor: &Actor, data: &Overview) -> Vec<&'static str> {
    if !is_officer(actor) || data.listing.is_some() {
        return Vec::new();
    }
    match &data.proposal {
        None => vec![FORM],
        Some(p) if p.is_by(actor) => vec![REJECT_FORM],
        Some(_) => vec![APPROVE_FORM, REJECT_FORM],
    }
}

/// The section of the dashboard: the open listing, the pending proposal, or the proposal form.
pub fn section(ctx: &Ctx, actor: &Actor, data: &Overview, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let drawn = forms_drawn(actor, data);
    html! {
        @if let Some(l) = &data.listing {
            (listed(ctx, actor, l))
        } @else if let Some(p) = &data.proposal {
            section aria-labelledby="blacklist-heading" {
                h2 #blacklist-heading { (t("proposal-heading")) }
                (proposal_facts(ctx, p))
                @if drawn.contains(&APPROVE_FORM) {
                    @let view = FormView::new(ctx, APPROVE_FORM, posted);
                    (view.form(&format!("/portal/blacklist/proposals/{}/approve", p.id), &t("proposal-approve"), html! {}))
                } @else if is_officer(actor) {
                    p.muted #own-proposal { (t("proposal-own")) }
                }
                @if drawn.contains(&REJECT_FORM) {
                    @let view = FormView::new(ctx, REJECT_FORM, posted);
                    (view.form(&format!("/portal/blacklist/proposals/{}/reject", p.id), &t("proposal-reject"), html! {
                        (view.field(Field::new("reason", t("field-reason"), Input::TextArea).required().hint(t("hint-proposal-reject"))))
                    }))
                }
            }
        } @else if drawn.contains(&FORM) {
            @let view = FormView::new(ctx, FORM, posted);
            section aria-labelledby="blacklist-heading" {
                h2 #blacklist-heading { (t("listing-create")) }
                p { (t("listing-create-intro")) }
                (view.form(&format!("/portal/enterprises/{}/blacklist", data.enterprise.id), &t("listing-create"), html! {
                    (view.field(Field::new("penalty", t("field-penalty"), Input::Select(penalty_options(ctx))).required()))
                    (view.field(Field::new("decision_number", t("field-decision-number"), Input::Text).required().hint(t("hint-decision-number"))))
                    (view.field(Field::new("legal_basis", t("field-legal-basis"), Input::Text).required().hint(t("hint-legal-basis"))))
                    (view.field(Field::new("reason", t("field-reason"), Input::TextArea).required().hint(t("hint-listing-reason"))))
                }))
            }
        }
    }
}

fn listed(ctx: &Ctx, actor: &Actor, l: &Listing) -> Markup {
    let lang = ctx.lang;
    html! {
        section aria-labelledby="blacklist-heading" {
            h2 #blacklist-heading { (ctx.t("nav-blacklist")) }
            p.notice #blacklisted {
                (lang.t_args("blacklisted-since", &[("date", &l.listed_at.date().to_string())]))
                " " (messages::penalty(lang, &l.penalty)) " · " (l.decision_number) " · " (l.legal_basis) " · " (l.reason)
                @if matches!(actor.role, Role::Admin | Role::Officer) {
                    " " a href=(path(l.id)) { (ctx.t("listing-open-page")) }
                }
            }
        }
    }
}

fn proposal_facts(ctx: &Ctx, p: &Proposal) -> Markup {
    let lang = ctx.lang;
    let date = p.proposed_at.date().to_string();
    html! {
        p #proposal data-proposal=(p.id) {
            (lang.t_args("proposal-by", &[("who", &p.proposed_by), ("date", &date)]))
        }
        dl {
            dt { (ctx.t("field-penalty")) } dd { (messages::penalty(lang, &p.penalty)) }
            dt { (ctx.t("field-decision-number")) } dd { (p.decision_number) }
            dt { (ctx.t("field-legal-basis")) } dd { (p.legal_basis) }
            dt { (ctx.t("field-reason")) } dd { (p.reason) }
        }
    }
}

fn new_proposal(id: i64, data: &FormData) -> Result<NewProposal, ApiError> {
    Ok(NewProposal {
        enterprise_id: id,
        penalty: data.choice("penalty")?,
        decision_number: data.text("decision_number"),
        legal_basis: data.text("legal_basis"),
        reason: data.text("reason"),
    })
}

/// `POST /portal/enterprises/{id}/blacklist`: `penalty`, `decision_number`, `legal_basis`,
/// `reason`.
pub async fn propose(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let proposed = match new_proposal(id, &data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::blacklist::propose(core, caller, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match proposed {
        Ok(_) => Ok(ctx.redirect(&dashboard(id), Flash::success("flash-proposed"))),
        Err(error) => overview::refused(ctx, &actor, id, FORM, data, error).await,
    }
}

/// `POST /portal/blacklist/proposals/{id}/approve`.
pub async fn approve(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let approved = ctx
        .act(&actor, move |core, caller| {
            ops::blacklist::approve(core, caller, id)
        })
        .await;
    match approved {
        Ok(listing) => Ok(ctx.redirect(&path(listing.id), Flash::success("flash-listed"))),
        Err(error) => refused_on_proposal(ctx, actor, id, APPROVE_FORM, data, error).await,
    }
}

/// `POST /portal/blacklist/proposals/{id}/reject`: `reason`.
pub async fn reject(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let reason = data.text("reason");
    let rejected = ctx
        .act(&actor, move |core, caller| {
            ops::blacklist::reject(core, caller, id, &reason)
        })
        .await;
    match rejected {
        Ok(proposal) => Ok(ctx.redirect(
            &dashboard(proposal.enterprise_id),
            Flash::success("flash-proposal-rejected"),
        )),
        Err(error) => refused_on_proposal(ctx, actor, id, REJECT_FORM, data, error).await,
    }
}

fn dashboard(enterprise_id: i64) -> String {
    format!("/portal/enterprises/{enterprise_id}")
}

/// A refused decision on proposal `id`, shown on its enterprise's dashboard.
async fn refused_on_proposal(
    ctx: Ctx,
    actor: Actor,
    id: i64,
    form: &str,
    data: FormData,
    error: ApiError,
) -> Page {
    let enterprise = read(&ctx.state, move |conn| {
        Ok(registry::blacklist::find_proposal(conn, id)?.enterprise_id)
    })
    .await;
    match enterprise {
        Ok(enterprise) => overview::refused(ctx, &actor, enterprise, form, data, error).await,
        Err(_) => Err(ctx.refuse(error)),
    }
}
