//! The blacklist on an enterprise's dashboard: its open listing for every reader, and for an
//! officer of the competent department (the only officers who reach the dashboard) the form
//! that lists it, posted to `/portal/enterprises/{id}/blacklist`.

use actix_web::web;
use maud::{Markup, html};
use registry::blacklist::{Listing, NewListing};
use registry::enterprises::Enterprise;
use registry::identity::{Actor, Role};

use super::{path, penalty_options};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::enterprise::overview;
use crate::portal::enterprise::{Tab, is_officer, title};
use crate::portal::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, messages};

/// The id of the listing form.
pub const FORM: &str = "blacklist";

/// Whether the dashboard draws the listing form for `actor`.
pub fn form_drawn(actor: &Actor, listing: Option<&Listing>) -> bool {
    is_officer(actor) && listing.is_none()
}

/// The section of the dashboard: the open listing, or the form that lists the enterprise.
pub fn section(
    ctx: &Ctx,
    actor: &Actor,
    enterprise: &Enterprise,
    listing: Option<&Listing>,
    posted: Option<&Posted>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        @if let Some(l) = listing {
            section aria-labelledby="blacklist-heading" {
                h2 #blacklist-heading { (t("nav-blacklist")) }
                p.notice #blacklisted {
                    (lang.t_args("blacklisted-since", &[("date", &l.listed_at.date().to_string())]))
                    " " (messages::penalty(lang, &l.penalty)) " · " (l.decision_number) " · " (l.reason)
                    @if matches!(actor.role, Role::Admin | Role::Officer) {
                        " " a href=(path(l.id)) { (t("listing-open-page")) }
                    }
                }
            }
        } @else if form_drawn(actor, listing) {
            @let view = FormView::new(ctx, FORM, posted);
            section aria-labelledby="blacklist-heading" {
                h2 #blacklist-heading { (t("listing-create")) }
                p { (t("listing-create-intro")) }
                (view.form(&format!("/portal/enterprises/{}/blacklist", enterprise.id), &t("listing-create"), html! {
                    (view.field(Field::new("penalty", t("field-penalty"), Input::Select(penalty_options(ctx))).required()))
                    (view.field(Field::new("decision_number", t("field-decision-number"), Input::Text).required().hint(t("hint-decision-number"))))
                    (view.field(Field::new("reason", t("field-reason"), Input::TextArea).required().hint(t("hint-listing-reason"))))
                }))
            }
        }
    }
}

fn new_listing(id: i64, data: &FormData) -> Result<NewListing, ApiError> {
    Ok(NewListing {
        enterprise_id: id,
        penalty: data.choice("penalty")?,
        decision_number: data.text("decision_number"),
        reason: data.text("reason"),
    })
}

/// `POST /portal/enterprises/{id}/blacklist`: `penalty`, `decision_number`, `reason`.
pub async fn list(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let listed = match new_listing(id, &data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::blacklist::list(core, caller, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match listed {
        Ok(listing) => Ok(ctx.redirect(&path(listing.id), Flash::success("flash-listed"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let loaded = overview::load(&ctx, &actor, id).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &loaded.enterprise, Tab::Overview),
                overview::render(&ctx, &actor, &loaded, Some(&posted)),
            ))
        }
    }
}
