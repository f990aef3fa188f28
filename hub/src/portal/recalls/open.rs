//! Opening a case: the form of an officer of the competent department (the lots typed or
//! carried over from the recall report of a lot, `?lot=`), and the request of an enterprise for
//! its own lots (chosen among its batches), which its department approves on the case's page.
//! Through `ops::recalls::open` and `ops::recalls::request`, the operations behind
//! `POST /api/v1/recalls` and `POST /api/v1/recalls/requests`: the same refusals (a lot outside
//! the jurisdiction is a 403 page; a malformed lot or an empty reason a 422 next to its input).

use std::collections::HashMap;

use actix_web::web;
use maud::{Markup, html};
use registry::filings::Paging;
use registry::filings::{batches, products};
use registry::identity::Actor;
use registry::recalls::NewCase;

use super::{PATH, REQUESTS_PATH, class_options, path};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, read};

/// The opening form's id.
const OPEN: &str = "recall-open";
/// The request form's id.
const REQUEST: &str = "recall-request";
/// Batches offered to an enterprise (its newest).
const BATCHES: i64 = 200;

/// The lots typed in a text area: one per line (commas and spaces separate too).
fn lots_typed(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The case typed in either form.
fn new_case(data: &FormData, lots: Vec<String>) -> Result<NewCase, ApiError> {
    Ok(NewCase {
        lots,
        hazard_class: data.choice("hazard_class")?,
        reason: data.text("reason"),
        consumer_tip: data.text("consumer_tip"),
        return_to: data.text("return_to"),
    })
}

/// The fields both forms share after the lots.
fn case_fields(ctx: &Ctx, view: &FormView<'_>) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        (view.field(Field::new("hazard_class", t("recall-class"), Input::Select(class_options(ctx.lang))).required()
            .hint(t("hint-recall-class"))))
        (view.field(Field::new("reason", t("recall-reason"), Input::TextArea).required()))
        (view.field(Field::new("consumer_tip", t("recall-consumer-tip"), Input::TextArea).required()
            .hint(t("hint-recall-consumer-tip"))))
        (view.field(Field::new("return_to", t("recall-return-to"), Input::Text).required()))
    }
}

fn open_body(ctx: &Ctx, lot: &str, posted: Option<&Posted>) -> Markup {
    let view = FormView::new(ctx, OPEN, posted);
    let t = |key: &str| ctx.t(key);
    html! {
        h1 { (t("recall-open")) }
        p { (t("recall-open-intro")) }
        (view.form(PATH, &t("recall-open-submit"), html! {
            (view.field(Field::new("lots", t("recall-lots"), Input::TextArea).value(lot).required()
                .hint(t("hint-recall-lots"))))
            (case_fields(ctx, &view))
        }))
        p { a href=(PATH) { "← " (t("nav-recall-cases")) } }
    }
}

/// `GET /portal/recalls/new?lot=...`.
pub async fn form(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let lot = data.text("lot");
    Ok(ctx.render(&ctx.t("recall-open"), open_body(&ctx, &lot, None)))
}

/// `POST /portal/recalls`: `lots`, `hazard_class`, `reason`, `consumer_tip`, `return_to`.
pub async fn submit(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let done = match new_case(&data, lots_typed(&data.text("lots"))) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::recalls::open(core, caller, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok((case, _)) => Ok(ctx.redirect(&path(case.id), Flash::success("flash-recall-opened"))),
        Err(error) => {
            let posted = ctx.posted(OPEN, data, error)?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("recall-open"),
                open_body(&ctx, "", Some(&posted)),
            ))
        }
    }
}

/// A lot's GS1 Digital Link (the GTIN as 14 digits).
fn lot_link(gtin: &str, lot: &str) -> String {
    let encoded: String = lot
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("https://id.gs1.org/01/{gtin:0>14}/10/{encoded}")
}

/// The enterprise's lots: (Digital Link, "product · lot · date"), newest first.
async fn own_lots(ctx: &Ctx, actor: &Actor) -> Result<Vec<(String, String)>, ApiError> {
    let Some(enterprise) = actor.enterprise_id else {
        return Ok(Vec::new());
    };
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let all = Paging {
            page: Some(1),
            per_page: Some(500),
        };
        let products: HashMap<i64, (String, String)> =
            products::list_products(conn, &actor, enterprise, all)?
                .into_iter()
                .map(|p| (p.id, (p.gtin, p.name)))
                .collect();
        let found = batches::picker_batches(conn, &actor, enterprise, BATCHES, &[])?;
        Ok(found
            .into_iter()
            .filter_map(|b| {
                let (gtin, name) = products.get(&b.product_id)?;
                Some((
                    lot_link(gtin, &b.lot),
                    format!("{name} · {} · {}", b.lot, b.production_date),
                ))
            })
            .collect())
    })
    .await
}

fn request_body(ctx: &Ctx, lots: Vec<(String, String)>, posted: Option<&Posted>) -> Markup {
    let view = FormView::new(ctx, REQUEST, posted);
    let t = |key: &str| ctx.t(key);
    html! {
        h1 { (t("recall-request")) }
        p { (t("recall-request-intro")) }
        @if lots.is_empty() {
            p.notice #no-lots { (t("recall-no-lots")) }
        } @else {
            (view.form(REQUESTS_PATH, &t("recall-request-submit"), html! {
                (view.field(Field::new("lots", t("recall-lots"), Input::Checkboxes(lots)).required()))
                (case_fields(ctx, &view))
            }))
        }
        p { a href=(PATH) { "← " (t("nav-recall-cases")) } }
    }
}

/// `GET /portal/recalls/request`: the request form, with the enterprise's lots.
pub async fn request_form(ctx: Ctx, Auth(actor): Auth) -> Page {
    let lots = own_lots(&ctx, &actor).await.map_err(|e| ctx.refuse(e))?;
    Ok(ctx.render(&ctx.t("recall-request"), request_body(&ctx, lots, None)))
}

/// `POST /portal/recalls/requests`: `lots` (checked), `hazard_class`, `reason`,
/// `consumer_tip`, `return_to`.
pub async fn request_submit(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let lots = data.all("lots").into_iter().map(str::to_owned).collect();
    let done = match new_case(&data, lots) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::recalls::request(core, caller, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(case) => Ok(ctx.redirect(&path(case.id), Flash::success("flash-recall-requested"))),
        Err(error) => {
            let posted = ctx.posted(REQUEST, data, error)?;
            let lots = own_lots(&ctx, &actor).await.map_err(|e| ctx.refuse(e))?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("recall-request"),
                request_body(&ctx, lots, Some(&posted)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_are_split_and_linked() {
        assert_eq!(lots_typed("a\r\nb, c  \n"), ["a", "b", "c"]);
        assert_eq!(
            lot_link("6905678000015", "A 1"),
            "https://id.gs1.org/01/06905678000015/10/A%201"
        );
    }
}
