//! The enterprise edits its own data. Only the fields that differ from the record are sent, as
//! `PATCH /api/v1/enterprises/{id}` would receive them: before approval they apply (and an edit
//! of a rejected registration resubmits it); after, contact data applies at once and key data
//! (names, credit code, categories, company prefix) goes to review.

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Change, ChangeKind, ChangeStatus, Enterprise, EnterpriseUpdate};
use registry::identity::Actor;

use super::{Tab, heading, values_list};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};
use crate::portal::register::category_options;

const FORM: &str = "edit";

async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> Result<(Enterprise, Vec<Change>), Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::own_enterprise(conn, &actor, id)?;
        let pending = enterprises::list_changes(conn, id)?
            .into_iter()
            .filter(|c| c.status == ChangeStatus::Pending && c.kind == ChangeKind::Update)
            .collect();
        Ok((enterprise, pending))
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn render(ctx: &Ctx, e: &Enterprise, pending: &[Change], posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let fields = html! {
        h2 { (t("key-data")) }
        (view.field(Field::new("credit_code", t("field-credit-code"), Input::Text).value(&e.credit_code).required()))
        (view.field(Field::new("name", t("field-name"), Input::Text).value(&e.name).required()))
        (view.field(Field::new("name_en", t("field-name-en"), Input::Text).value(&e.name_en)))
        (view.field(Field::new("categories", t("field-categories"), Input::Checkboxes(category_options(ctx)))
            .checked(e.categories.iter().map(|c| c.as_str().to_owned()).collect())))
        (view.field(Field::new("company_prefix", t("field-company-prefix"), Input::Text)
            .value(e.company_prefix.clone().unwrap_or_default()).hint(t("hint-company-prefix"))))
        h2 { (t("contact-data")) }
        (view.field(Field::new("legal_representative", t("field-legal-representative"), Input::Text).value(&e.legal_representative).required()))
        (view.field(Field::new("phone", t("field-phone"), Input::Tel).value(&e.phone).required()))
        (view.field(Field::new("email", t("field-email"), Input::Email).value(&e.email).required()))
        (view.field(Field::new("address", t("field-address"), Input::Text).value(&e.address).required()))
        (view.field(Field::new("latitude", t("field-latitude"), Input::Number("any")).value(number(e.latitude))))
        (view.field(Field::new("longitude", t("field-longitude"), Input::Number("any")).value(number(e.longitude))))
    };
    html! {
        (heading(ctx, e, Tab::Overview))
        h2 { (t("edit-data")) }
        p { (t(match e.status {
            registry::enterprises::Status::Active | registry::enterprises::Status::Suspended => "edit-after-approval",
            registry::enterprises::Status::Rejected => "edit-resubmits",
            _ => "edit-before-approval",
        })) }
        @for change in pending {
            div.notice {
                p { strong { (t("change-awaiting-review")) } " " (messages::when(change.proposed_at)) }
                (values_list(ctx.lang, &change.payload))
            }
        }
        (view.form(&format!("/portal/enterprises/{}/edit", e.id), &t("save"), fields))
    }
}

/// `GET /portal/enterprises/{id}/edit`.
pub async fn form(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let (enterprise, pending) = load(&ctx, &actor, id.into_inner()).await?;
    Ok(ctx.render(
        &ctx.t("edit-data"),
        render(&ctx, &enterprise, &pending, None),
    ))
}

/// `Some(new)` when the form's value differs from the record's.
fn changed(new: String, old: &str) -> Option<String> {
    (new.trim() != old).then_some(new)
}

/// The fields of the form that differ from `e`.
fn update_of(data: &FormData, e: &Enterprise) -> Result<EnterpriseUpdate, ApiError> {
    let mut categories: Vec<registry::departments::Category> = data.choices("categories")?;
    categories.sort();
    categories.dedup();
    let latitude = data.number::<f64>("latitude")?;
    let longitude = data.number::<f64>("longitude")?;
    Ok(EnterpriseUpdate {
        credit_code: changed(data.text("credit_code"), &e.credit_code),
        name: changed(data.text("name"), &e.name),
        name_en: changed(data.text("name_en"), &e.name_en),
        categories: (categories != e.categories).then_some(categories),
        company_prefix: data
            .optional("company_prefix")
            .filter(|p| Some(p.as_str()) != e.company_prefix.as_deref()),
        legal_representative: changed(data.text("legal_representative"), &e.legal_representative),
        phone: changed(data.text("phone"), &e.phone),
        email: changed(data.text("email"), &e.email),
        address: changed(data.text("address"), &e.address),
        latitude: latitude.filter(|v| Some(*v) != e.latitude),
        longitude: longitude.filter(|v| Some(*v) != e.longitude),
    })
}

/// `POST /portal/enterprises/{id}/edit`.
pub async fn submit(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let (enterprise, pending) = load(&ctx, &actor, id).await?;
    let outcome = match update_of(&data, &enterprise) {
        Ok(update) => {
            ctx.act(&actor, move |core, caller| {
                ops::enterprises::update(core, caller, id, &update)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(outcome) => {
            let flash = if outcome.proposed_change.is_some() {
                "flash-change-proposed"
            } else if enterprise.status == registry::enterprises::Status::Rejected {
                "flash-resubmitted"
            } else {
                "flash-saved"
            };
            Ok(ctx.redirect(&Tab::Overview.path(id), Flash::success(flash)))
        }
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("edit-data"),
                render(&ctx, &enterprise, &pending, Some(&posted)),
            ))
        }
    }
}
