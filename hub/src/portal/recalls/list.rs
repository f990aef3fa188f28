//! `GET /portal/recalls`: the cases the signed-in user may read (the registry's `list_cases`,
//! narrowed for enterprises as the API narrows them), open first, then those awaiting approval,
//! then the closed ones, each with its class, deadline and how many parties acknowledged and
//! reported. `?status=` narrows to one status. Officers get the link to the opening form,
//! enterprises to the request form.

use actix_web::web;
use maud::{Markup, html};
use registry::identity::Role;
use registry::recalls::{self, Answered, CaseFilter, RecallCase, status};

use super::{NEW_PATH, PATH, REQUEST_PATH, class_badge, path, status_badge};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, FormData, FormView, Input, Page, Params, Position, messages, pager, read,
};

/// Cases per page.
const PER_PAGE: i64 = 50;

/// Open first, then requested, then closed; newest first within each.
fn rank(case: &RecallCase) -> u8 {
    match case.status.as_str() {
        status::OPEN => 0,
        status::REQUESTED => 1,
        _ => 2,
    }
}

fn table(
    ctx: &Ctx,
    cases: &[RecallCase],
    answered: &std::collections::HashMap<i64, Answered>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table #recall-cases {
            caption { (t("recall-cases-caption")) }
            thead { tr {
                th scope="col" { "#" }
                th scope="col" { (t("recall-case-title")) }
                th scope="col" { (t("status")) }
                th scope="col" { (t("recall-class")) }
                th scope="col" { (t("recall-opened-at")) }
                th scope="col" { (t("recall-deadline")) }
                th scope="col" { (t("recall-parties")) }
                th scope="col" { (t("recall-acknowledged")) }
                th scope="col" { (t("recall-reported")) }
            } }
            tbody {
                @for c in cases {
                    @let a = answered.get(&c.id).copied().unwrap_or_default();
                    tr data-case=(c.id) data-status=(c.status) {
                        td { a href=(path(c.id)) { "#" (c.id) } }
                        td { a href=(path(c.id)) { (c.title) } }
                        td { (status_badge(lang, c)) }
                        td { (class_badge(lang, &c.hazard_class)) }
                        td { (c.opened_at.map(messages::when).unwrap_or_else(|| "—".into())) }
                        td { (c.deadline_at.map(messages::when).unwrap_or_else(|| "—".into())) }
                        td.number { (a.parties) }
                        td.number.acknowledged { (a.acknowledged) " / " (a.parties) }
                        td.number.reported { (a.reported) " / " (a.parties) }
                    }
                }
            }
        }
    }
}

fn filter_of(data: &FormData) -> Result<CaseFilter, ApiError> {
    Ok(CaseFilter {
        status: data.optional("status"),
        page: data.number("page")?,
        per_page: Some(PER_PAGE),
    })
}

/// `GET /portal/recalls?status=open&page=N`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let filter = filter_of(&data).map_err(|e| ctx.refuse(e))?;
    let page = filter.page.unwrap_or(1);
    let chosen = filter.status.clone().unwrap_or_default();
    let reader = actor.clone();
    let state = ctx.state.clone();
    let mut cases = crate::error::blocking(move || ops::recalls::list(&state, &reader, &filter))
        .await
        .map_err(|e| ctx.refuse(e))?;
    cases.sort_by_key(|c| (rank(c), std::cmp::Reverse(c.id)));
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let answered = read(&ctx.state, move |conn| recalls::answered(conn, &ids))
        .await
        .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("nav-recall-cases");
    let params = Params::new(PATH, &data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: cases.len(),
        total: None,
    };
    let view = FormView::new(&ctx, "recall-filter", None);
    let statuses = ["", status::OPEN, status::REQUESTED, status::CLOSED]
        .iter()
        .map(|s| {
            let label = if s.is_empty() {
                ctx.t("recall-status-any")
            } else {
                ctx.t(&format!("recall-status-{s}"))
            };
            ((*s).to_owned(), label)
        })
        .collect();
    let body = html! {
        h1 { (title) }
        @if actor.role == Role::Officer {
            p { a.button #open-recall href=(NEW_PATH) { (ctx.t("recall-open")) } }
        }
        @if actor.role == Role::Enterprise {
            p { a.button #request-recall href=(REQUEST_PATH) { (ctx.t("recall-request")) } }
        }
        (view.get_form(PATH, &ctx.t("filter"), html! {
            (view.field(Field::new("status", ctx.t("status"), Input::Select(statuses)).value(chosen)))
        }))
        (table(&ctx, &cases, &answered))
        @if cases.is_empty() { p.muted #no-cases { (ctx.t("none-yet")) } }
        (pager(ctx.lang, &params, &at))
    };
    Ok(ctx.render(&title, body))
}
