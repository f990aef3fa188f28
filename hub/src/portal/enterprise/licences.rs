//! An enterprise's licences with expiry flagged, the licences awaiting review, and the form to
//! file one (added at once before approval, proposed for review after).

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Change, ChangeKind, ChangeStatus, Enterprise, Status};
use registry::filings::licences::{self, Licence, NewLicence};
use registry::identity::Actor;

use super::{Tab, heading, is_own, title, values_list};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

const FORM: &str = "licence";

struct Licences {
    enterprise: Enterprise,
    list: Vec<Licence>,
    pending: Vec<Change>,
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Licences, Refusal> {
    let actor = actor.clone();
    let today = ctx.state.now().date();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        let pending = enterprises::list_changes(conn, id)?
            .into_iter()
            .filter(|c| c.status == ChangeStatus::Pending && c.kind == ChangeKind::Licence)
            .collect();
        Ok(Licences {
            list: licences::list_licences(conn, &actor, id, today)?,
            enterprise,
            pending,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn expiry(ctx: &Ctx, licence: &Licence) -> Markup {
    html! {
        @if licence.expired {
            span.badge.expired { (ctx.t("licence-expired")) }
        } @else if licence.expires_soon {
            span.badge.expires-soon { (ctx.t("licence-expires-soon")) }
        }
    }
}

fn render(ctx: &Ctx, actor: &Actor, data: &Licences, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let e = &data.enterprise;
    let view = FormView::new(ctx, FORM, posted);
    html! {
        (heading(ctx, e, Tab::Licences))
        table #licences {
            caption { (t("tab-licences")) }
            thead { tr {
                th scope="col" { (t("field-licence-type")) }
                th scope="col" { (t("field-number")) }
                th scope="col" { (t("field-valid-from")) }
                th scope="col" { (t("field-valid-to")) }
                th scope="col" { (t("field-authority")) }
            } }
            tbody {
                @for licence in &data.list {
                    tr {
                        td { (licence.licence_type) }
                        td { (licence.number) }
                        td { (licence.valid_from) }
                        td { (licence.valid_to) " " (expiry(ctx, licence)) }
                        td { (licence.authority) }
                    }
                }
            }
        }
        @if data.list.is_empty() { p.muted { (t("none-yet")) } }
        @if !data.pending.is_empty() {
            h2 { (t("licences-awaiting-review")) }
            @for change in &data.pending {
                div.notice {
                    p { (messages::when(change.proposed_at)) " · " (change.proposed_by) }
                    (values_list(ctx.lang, &change.payload))
                }
            }
        }
        @if is_own(actor, e) && e.status != Status::Revoked {
            h2 { (t("licence-file")) }
            @if matches!(e.status, Status::Active | Status::Suspended) { p { (t("licence-goes-to-review")) } }
            (view.form(&Tab::Licences.path(e.id), &t("licence-file"), html! {
                (view.field(Field::new("licence_type", t("field-licence-type"), Input::Text).required().hint(t("hint-licence-type"))))
                (view.field(Field::new("number", t("field-number"), Input::Text).required()))
                (view.field(Field::new("valid_from", t("field-valid-from"), Input::Date).required()))
                (view.field(Field::new("valid_to", t("field-valid-to"), Input::Date).required()))
                (view.field(Field::new("authority", t("field-authority"), Input::Text).required()))
            }))
        }
    }
}

/// `GET /portal/enterprises/{id}/licences`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let data = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(
        &title(&ctx, &data.enterprise, Tab::Licences),
        render(&ctx, &actor, &data, None),
    ))
}

fn new_licence(data: &FormData) -> Result<NewLicence, ApiError> {
    Ok(NewLicence {
        licence_type: data.text("licence_type"),
        number: data.text("number"),
        valid_from: data.required_date("valid_from")?,
        valid_to: data.required_date("valid_to")?,
        authority: data.text("authority"),
    })
}

/// `POST /portal/enterprises/{id}/licences`.
pub async fn file(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let filed = match new_licence(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::filings::file_licence(core, caller, id, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match filed {
        Ok(outcome) => {
            let flash = if outcome.proposed_change.is_some() {
                "flash-licence-proposed"
            } else {
                "flash-licence-added"
            };
            Ok(ctx.redirect(&Tab::Licences.path(id), Flash::success(flash)))
        }
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let data = load(&ctx, &actor, id).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &data.enterprise, Tab::Licences),
                render(&ctx, &actor, &data, Some(&posted)),
            ))
        }
    }
}
