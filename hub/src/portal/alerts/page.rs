//! An alert's page: what was raised, about whom, its detail, who handled it and how; for an
//! officer of the competent department, the forms that acknowledge an open alert and close it,
//! each with a note, through the operation the API uses (`ops::alerts::handle`).

use actix_web::web;
use maud::{Markup, html};
use registry::RegistryError;
use registry::alerts::{self, Alert, AlertStatus, HandlingNote};
use registry::enterprises;
use registry::identity::{Actor, Role};

use super::{detail_view, path, severity_badge, status_badge};
use crate::app::Auth;
use crate::ops;
use crate::ops::alerts::Handling;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

/// An alert with the name of its enterprise, when the reader may see that enterprise.
struct Shown {
    alert: Alert,
    enterprise: Option<String>,
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<Shown, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let alert = alerts::find_visible_alert(conn, &actor, id)?;
        let enterprise = match alert.enterprise_id {
            Some(eid) => match enterprises::find_enterprise(conn, &actor, eid) {
                Ok(e) => Some(e.name),
                Err(RegistryError::NotFound { .. } | RegistryError::Denied { .. }) => None,
                Err(other) => return Err(other),
            },
            None => None,
        };
        Ok(Shown { alert, enterprise })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

/// The handling forms `actor` gets for `alert`: officers only (reaching the page means the
/// alert is in their jurisdiction), acknowledge while open, close until closed.
fn handlings(actor: &Actor, alert: &Alert) -> Vec<Handling> {
    if actor.role != Role::Officer {
        return Vec::new();
    }
    match alert.status {
        AlertStatus::Open => vec![Handling::Acknowledge, Handling::Close],
        AlertStatus::Acknowledged => vec![Handling::Close],
        AlertStatus::Closed => Vec::new(),
    }
}

/// A handling's form id and its path segment.
fn form_name(handling: Handling) -> &'static str {
    match handling {
        Handling::Acknowledge => "acknowledge",
        Handling::Close => "close",
    }
}

fn facts(ctx: &Ctx, shown: &Shown) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let a = &shown.alert;
    let or_dash = |s: &str| {
        if s.is_empty() {
            "—".to_owned()
        } else {
            s.to_owned()
        }
    };
    let category = registry::departments::Category::parse(&a.category, "category")
        .map(|c| messages::category(lang, c))
        .unwrap_or_else(|_| or_dash(&a.category));
    html! {
        table.data #alert {
            tr { th scope="row" { (t("field-alert-kind")) } td { (messages::alert_kind(lang, &a.kind)) " " code { (a.kind) } } }
            tr { th scope="row" { (t("field-severity")) } td { (severity_badge(lang, a.severity)) } }
            tr { th scope="row" { (t("status")) } td { (status_badge(lang, a.status)) } }
            tr { th scope="row" { (t("field-subject")) } td { (a.subject) } }
            tr { th scope="row" { (t("enterprise")) } td {
                @match (a.enterprise_id, &shown.enterprise) {
                    (Some(id), Some(name)) => a href={ "/portal/enterprises/" (id) } { (name) },
                    (Some(id), None) => { "#" (id) },
                    (None, _) => "—",
                }
            } }
            tr { th scope="row" { (t("field-region-code")) } td { (or_dash(&a.region_code)) } }
            tr { th scope="row" { (t("field-category")) } td { (category) } }
            tr { th scope="row" { (t("field-company-prefix")) } td { (or_dash(&a.company_prefix)) } }
            tr { th scope="row" { (t("field-raised-at")) } td { (messages::when(a.raised_at)) } }
            tr { th scope="row" { (t("field-handled-by")) } td {
                (a.handled_by.as_deref().unwrap_or("—"))
                @if let Some(at) = a.handled_at { " · " (messages::when(at)) }
            } }
            tr { th scope="row" { (t("field-note")) } td #alert-note { (a.note.as_deref().unwrap_or("—")) } }
        }
    }
}

fn render(ctx: &Ctx, actor: &Actor, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let a = &shown.alert;
    let forms = handlings(actor, a);
    // A refusal of a form the page no longer draws (an alert closed meanwhile) shows on top.
    let orphan = posted.filter(|p| !forms.iter().any(|h| form_name(*h) == p.form));
    html! {
        h1 { (ctx.lang.t_args("alert-title", &[("id", &a.id.to_string())])) }
        @if let Some(posted) = orphan { div.error-summary role="alert" { p.error { (posted.message) } } }
        (facts(ctx, shown))
        section aria-labelledby="detail-heading" {
            h2 #detail-heading { (ctx.t("alert-detail")) }
            div #alert-detail { (detail_view(&a.detail)) }
        }
        @if !forms.is_empty() {
            section aria-labelledby="handling-heading" {
                h2 #handling-heading { (ctx.t("alert-handling")) }
                div.actions {
                    @for handling in &forms {
                        @let name = form_name(*handling);
                        @let view = FormView::new(ctx, name, posted);
                        (view.form(&format!("{}/{name}", path(a.id)), &ctx.t(&format!("alert-{name}")), html! {
                            (view.field(Field::new("note", ctx.t("field-note"), Input::TextArea).required().hint(ctx.t(&format!("hint-alert-{name}")))))
                        }))
                    }
                }
            }
        }
        p { a href="/portal/alerts" { "← " (ctx.t("nav-alerts")) } }
    }
}

fn title(ctx: &Ctx, alert: &Alert) -> String {
    format!(
        "{} · {}",
        ctx.lang
            .t_args("alert-title", &[("id", &alert.id.to_string())]),
        messages::alert_kind(ctx.lang, &alert.kind)
    )
}

/// `GET /portal/alerts/{id}`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let shown = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(
        &title(&ctx, &shown.alert),
        render(&ctx, &actor, &shown, None),
    ))
}

async fn handle(ctx: Ctx, actor: Actor, id: i64, data: FormData, handling: Handling) -> Page {
    let note = HandlingNote {
        note: data.text("note"),
    };
    let handled = ctx
        .act(&actor, move |core, caller| {
            ops::alerts::handle(core, caller, id, &note, handling)
        })
        .await;
    match handled {
        Ok(_) => {
            let flash = match handling {
                Handling::Acknowledge => "flash-alert-acknowledged",
                Handling::Close => "flash-alert-closed",
            };
            Ok(ctx.redirect(&path(id), Flash::success(flash)))
        }
        Err(error) => {
            let posted = ctx.posted(form_name(handling), data, error)?;
            let shown = load(&ctx, &actor, id).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &shown.alert),
                render(&ctx, &actor, &shown, Some(&posted)),
            ))
        }
    }
}

/// `POST /portal/alerts/{id}/acknowledge`: `note`.
pub async fn acknowledge(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    handle(ctx, actor, id.into_inner(), data, Handling::Acknowledge).await
}

/// `POST /portal/alerts/{id}/close`: `note`.
pub async fn close(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    handle(ctx, actor, id.into_inner(), data, Handling::Close).await
}
