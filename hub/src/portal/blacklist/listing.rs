//! A listing's page (officers and administrators): the full record, and for an officer of the
//! competent department, from `removable_from` on, the removal form with its reason and the two
//! confirmations (penalties fulfilled, no new heavy penalty).

use actix_web::web;
use maud::{Markup, html};
use registry::RegistryError;
use registry::blacklist::{self, Listing, Removal};
use registry::departments::find_department;
use registry::enterprises::{self, Enterprise};
use registry::identity::{Actor, Role};

use super::{listing_badge, path};
use crate::app::Auth;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

const FORM: &str = "removal";

/// A listing with its enterprise, the department that listed it, and whether the reader may
/// remove it.
struct Shown {
    listing: Listing,
    enterprise: Enterprise,
    department: String,
    competent: bool,
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Shown, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let listing = blacklist::find_listing(conn, id)?;
        // The listed enterprise's name is published; the page shows it to every reviewer.
        let enterprise = enterprises::load_enterprise(conn, listing.enterprise_id)?;
        let department = find_department(conn, listing.department_id)?.name;
        let competent = actor.role == Role::Officer
            && match enterprises::require_jurisdiction(conn, &actor, &enterprise) {
                Ok(()) => true,
                Err(RegistryError::Denied { .. }) => false,
                Err(other) => return Err(other),
            };
        Ok(Shown {
            listing,
            enterprise,
            department,
            competent,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn record(ctx: &Ctx, shown: &Shown) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let l = &shown.listing;
    let e = &shown.enterprise;
    let confirmed = |flag: Option<bool>| t(if flag == Some(true) { "yes" } else { "no" });
    html! {
        table.data #listing {
            tr { th scope="row" { (t("enterprise")) } td { a href={ "/portal/enterprises/" (e.id) } { (e.name) } } }
            tr { th scope="row" { (t("field-credit-code")) } td { (e.credit_code) } }
            tr { th scope="row" { (t("status")) } td { (listing_badge(ctx, l)) } }
            tr { th scope="row" { (t("field-penalty")) } td { (messages::penalty(lang, &l.penalty)) } }
            tr { th scope="row" { (t("field-decision-number")) } td { (l.decision_number) } }
            tr { th scope="row" { (t("field-legal-basis")) } td { (l.legal_basis) } }
            tr { th scope="row" { (t("field-reason")) } td { (l.reason) } }
            tr { th scope="row" { (t("department")) } td { (shown.department) } }
            tr { th scope="row" { (t("field-proposed-by")) } td { (l.proposed_by) } }
            tr { th scope="row" { (t("field-listed-by")) } td { (l.listed_by) } }
            tr { th scope="row" { (t("field-listed-at")) } td { (messages::when(l.listed_at)) } }
            tr { th scope="row" { (t("field-removable-from")) } td #removable-from { (l.removable_from) } }
            @if let Some(at) = l.removed_at {
                tr { th scope="row" { (t("field-removed-by")) } td { (l.removed_by.as_deref().unwrap_or("—")) " · " (messages::when(at)) } }
                tr { th scope="row" { (t("field-removal-reason")) } td { (l.removal_reason.as_deref().unwrap_or("—")) } }
                tr { th scope="row" { (t("field-penalties-fulfilled")) } td { (confirmed(l.penalties_fulfilled)) } }
                tr { th scope="row" { (t("field-no-new-heavy-penalty")) } td { (confirmed(l.no_new_heavy_penalty)) } }
            }
        }
    }
}

/// The removal section: the form once the listing may be removed, before that the day it may.
fn removal(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let l = &shown.listing;
    let removable = ctx.state.now().date() >= l.removable_from;
    let date = l.removable_from.to_string();
    let view = FormView::new(ctx, FORM, posted);
    let confirm = |key: &str| vec![("true".to_owned(), ctx.t(key))];
    html! {
        section aria-labelledby="removal-heading" {
            h2 #removal-heading { (ctx.t("listing-remove")) }
            p { (ctx.lang.t_args("removal-rule", &[("date", &date)])) }
            @if removable {
                (view.form(&format!("{}/remove", path(l.id)), &ctx.t("listing-remove"), html! {
                    (view.field(Field::new("reason", ctx.t("field-removal-reason"), Input::TextArea).required()))
                    (view.field(Field::new("penalties_fulfilled", ctx.t("field-penalties-fulfilled"), Input::Checkboxes(confirm("confirm-penalties-fulfilled")))))
                    (view.field(Field::new("no_new_heavy_penalty", ctx.t("field-no-new-heavy-penalty"), Input::Checkboxes(confirm("confirm-no-new-heavy-penalty")))))
                }))
            } @else {
                p.notice #not-yet-removable { (ctx.lang.t_args("removal-not-yet", &[("date", &date)])) }
            }
        }
    }
}

fn render(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let open = shown.listing.removed_at.is_none();
    let drawn = shown.competent && open && ctx.state.now().date() >= shown.listing.removable_from;
    let orphan = posted.filter(|_| !drawn);
    html! {
        h1 { (ctx.lang.t_args("listing-title", &[("name", &shown.enterprise.name)])) }
        @if let Some(posted) = orphan { div.error-summary role="alert" { p.error { (posted.message) } } }
        (record(ctx, shown))
        @if shown.competent && open { (removal(ctx, shown, posted)) }
        p { a href="/portal/blacklist" { "← " (ctx.t("nav-blacklist")) } }
    }
}

fn title(ctx: &Ctx, shown: &Shown) -> String {
    ctx.lang
        .t_args("listing-title", &[("name", &shown.enterprise.name)])
}

/// `GET /portal/blacklist/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let shown = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(&title(&ctx, &shown), render(&ctx, &shown, None)))
}

/// `POST /portal/blacklist/{id}/remove`: `reason`, `penalties_fulfilled`, `no_new_heavy_penalty`.
pub async fn remove(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let removal = Removal {
        reason: data.text("reason"),
        penalties_fulfilled: data.optional("penalties_fulfilled").is_some(),
        no_new_heavy_penalty: data.optional("no_new_heavy_penalty").is_some(),
    };
    match ctx
        .act(&actor, move |core, caller| {
            ops::blacklist::remove(core, caller, id, &removal)
        })
        .await
    {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-listing-removed"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let shown = load(&ctx, &actor, id).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &shown),
                render(&ctx, &shown, Some(&posted)),
            ))
        }
    }
}
