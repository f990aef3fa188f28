//! The review queue: pending registrations and pending changes of key data and licences in the
//! officer's jurisdiction (administrators: all), oldest first.

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, EnterprisePage, EnterpriseQuery, PendingChangePage, Status};
use registry::identity::Actor;

use crate::app::Auth;
use crate::http::csrf::CSRF_FIELD;
use crate::portal::enterprise::{is_officer, values_list};
use crate::portal::frame::{
    Ctx, FormData, Page, Params, Position, messages, pager, pager_on, read,
};

const PER_PAGE: i64 = 20;
const PATH: &str = "/portal/review";

/// The approve button of a queue row: posts the decision and comes back to the queue.
fn approve_button(ctx: &Ctx, action: &str) -> Markup {
    html! {
        form method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf());
            input type="hidden" name="decision" value="approve";
            input type="hidden" name="back" value=(PATH);
            button type="submit" { (ctx.t("decision-approve")) }
        }
    }
}

fn registrations(ctx: &Ctx, actor: &Actor, page: &EnterprisePage, params: &Params<'_>) -> Markup {
    let lang = ctx.lang;
    html! {
        table #pending-enterprises aria-labelledby="registrations-heading" {
            thead { tr {
                th scope="col" { (ctx.t("field-name")) }
                th scope="col" { (ctx.t("field-credit-code")) }
                th scope="col" { (ctx.t("field-region-code")) }
                th scope="col" { (ctx.t("field-categories")) }
                th scope="col" { (ctx.t("field-created-at")) }
                th scope="col" { (ctx.t("actions")) }
            } }
            tbody {
                @for e in &page.items {
                    tr {
                        td { a href={ "/portal/enterprises/" (e.id) } { (e.name) } }
                        td { (e.credit_code) }
                        td { (e.region_code) }
                        td { (messages::categories(lang, &e.categories)) }
                        td { (messages::when(e.created_at)) }
                        td {
                            @if is_officer(actor) {
                                (approve_button(ctx, &format!("/portal/enterprises/{}/decision", e.id)))
                            }
                            a href={ "/portal/enterprises/" (e.id) } { (ctx.t("review-open")) }
                        }
                    }
                }
            }
        }
        @if page.items.is_empty() { p.muted { (ctx.t("queue-empty")) } }
        (pager(lang, params, &Position { page: page.page, per_page: page.per_page, shown: page.items.len(), total: Some(page.total) }))
    }
}

fn changes(ctx: &Ctx, actor: &Actor, page: &PendingChangePage) -> Markup {
    let lang = ctx.lang;
    html! {
        table #pending-changes aria-labelledby="changes-heading" {
            thead { tr {
                th scope="col" { (ctx.t("enterprise")) }
                th scope="col" { (ctx.t("change")) }
                th scope="col" { (ctx.t("proposed-by")) }
                th scope="col" { (ctx.t("actions")) }
            } }
            tbody {
                @for pending in &page.items {
                    @let change = &pending.change;
                    tr {
                        td { a href={ "/portal/enterprises/" (change.enterprise_id) } { (pending.enterprise_name) } br; span.muted { (pending.credit_code) } }
                        td { (messages::change_kind(lang, change.kind)) (values_list(lang, &change.payload)) }
                        td { (change.proposed_by) br; (messages::when(change.proposed_at)) }
                        td {
                            @if is_officer(actor) {
                                (approve_button(ctx, &format!("/portal/enterprises/{}/changes/{}/decision", change.enterprise_id, change.id)))
                            }
                            a href={ "/portal/enterprises/" (change.enterprise_id) "#changes-heading" } { (ctx.t("review-open")) }
                        }
                    }
                }
            }
        }
        @if page.items.is_empty() { p.muted { (ctx.t("queue-empty")) } }
    }
}

/// `GET /portal/review?page=N&changes_page=M`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let query = FormData::from(query.into_inner());
    let numbers = query
        .number::<i64>("page")
        .and_then(|p| Ok((p, query.number::<i64>("changes_page")?)));
    let (page, changes_page) = numbers.map_err(|e| ctx.refuse(e))?;
    let who = actor.clone();
    let (pending, proposed) = read(&ctx.state, move |conn| {
        let search = EnterpriseQuery {
            status: Some(Status::Pending),
            sort: Some("created_at".into()),
            page,
            per_page: Some(PER_PAGE),
            ..Default::default()
        };
        Ok((
            enterprises::search(conn, &who, &search)?,
            enterprises::pending_changes(conn, &who, changes_page.unwrap_or(1), PER_PAGE)?,
        ))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let params = Params::new(PATH, &query);
    let changes_at = Position {
        page: proposed.page,
        per_page: proposed.per_page,
        shown: proposed.items.len(),
        total: Some(proposed.total),
    };
    let changes_pager = pager_on(ctx.lang, &params, "changes_page", &changes_at);
    let body = html! {
        h1 { (ctx.t("nav-review")) }
        h2 #registrations-heading { (ctx.t("queue-registrations")) " (" (pending.total) ")" }
        (registrations(&ctx, &actor, &pending, &params))
        h2 #changes-heading { (ctx.t("queue-changes")) " (" (proposed.total) ")" }
        (changes(&ctx, &actor, &proposed))
        (changes_pager)
    };
    Ok(ctx.render(&ctx.t("nav-review"), body))
}
