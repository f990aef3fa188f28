//! The signed-in user's inbox of notices: the list (all, or unread only), and a notice's page,
//! which marks it read the first time it is opened, as a mail reader does: the page calls the
//! audited marking (`ops::notices::read`) only while the notice is unread, so a notice is audited
//! `notice.read` once however often it is opened. Another user's notice is 404. The navigation
//! shows the unread count.

use actix_web::web;
use maud::{Markup, html};
use registry::identity::{Actor, Role};
use registry::notices::{self, InboxFilter, InboxNotice};

use super::frame::{Ctx, FormData, Page, Params, Position, messages, pager, read};
use crate::app::Auth;
use crate::ops;

const PATH: &str = "/portal/notices";
const PER_PAGE: i64 = 20;

/// The page of notice `id`.
pub fn path(id: i64) -> String {
    format!("{PATH}/{id}")
}

/// The page about what caused a notice (`alert:17`, `blacklist:3`), if `actor` has one.
fn source_link(actor: &Actor, source: &str) -> Option<String> {
    let (kind, id) = source.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    match (kind, actor.role) {
        ("alert", Role::Admin | Role::Officer | Role::Enterprise) => Some(super::alerts::path(id)),
        ("blacklist", Role::Admin | Role::Officer) => Some(super::blacklist::path(id)),
        ("blacklist", _) => Some(super::blacklist::public::PATH.to_owned()),
        _ => None,
    }
}

fn read_badge(ctx: &Ctx, notice: &InboxNotice) -> Markup {
    html! {
        @if notice.read_at.is_some() {
            span.badge.read { (ctx.t("notice-read")) }
        } @else {
            span.badge.unread { (ctx.t("notice-unread")) }
        }
    }
}

fn filter_links(ctx: &Ctx, unread_only: bool) -> Markup {
    let links = [
        (PATH.to_owned(), "notices-all", !unread_only),
        (
            format!("{PATH}?unread=true"),
            "notices-unread-only",
            unread_only,
        ),
    ];
    html! {
        nav.tabs aria-label=(ctx.t("notices-filter")) {
            ul {
                @for (href, key, current) in links {
                    li {
                        @if current { a href=(href) aria-current="page" { (ctx.t(key)) } }
                        @else { a href=(href) { (ctx.t(key)) } }
                    }
                }
            }
        }
    }
}

/// `GET /portal/notices?unread=true&page=2`: newest first.
pub async fn list(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let unread_only = data
        .optional("unread")
        .is_some_and(|v| v != "false" && v != "0");
    let page = data
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let filter = InboxFilter {
        unread: unread_only,
        page: Some(page),
        per_page: Some(PER_PAGE),
    };
    let user_id = actor.user_id;
    let (list, total) = read(&ctx.state, move |conn| {
        Ok((
            notices::list_inbox(conn, user_id, &filter)?,
            notices::count_inbox(conn, user_id, &filter)?,
        ))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("nav-notices");
    let params = Params::new(PATH, &data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: list.len(),
        total: Some(total),
    };
    let body = html! {
        h1 { (title) }
        (filter_links(&ctx, unread_only))
        table #notices {
            caption { (ctx.lang.t_args("notices-count", &[("total", &total.to_string())])) }
            thead { tr {
                th scope="col" { (ctx.t("field-subject")) }
                th scope="col" { (ctx.t("field-received")) }
                th scope="col" { (ctx.t("status")) }
            } }
            tbody {
                @for notice in &list {
                    tr.unread[notice.read_at.is_none()] data-notice=(notice.id) {
                        td {
                            @if notice.read_at.is_none() {
                                strong { a href=(path(notice.id)) { (notice.subject) } }
                            } @else {
                                a href=(path(notice.id)) { (notice.subject) }
                            }
                        }
                        td { (messages::when(notice.created_at)) }
                        td { (read_badge(&ctx, notice)) }
                    }
                }
            }
        }
        @if list.is_empty() { p.muted { (ctx.t("notices-none")) } }
        (pager(ctx.lang, &params, &at))
        p { a href="/portal/account" { (ctx.t("notice-language-change")) } }
    };
    Ok(ctx.render(&title, body))
}

/// `GET /portal/notices/{id}`: the notice, marked read the first time (audited once).
pub async fn page(mut ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let id = id.into_inner();
    let user_id = actor.user_id;
    let found = read(&ctx.state, move |conn| {
        notices::find_own_notice(conn, user_id, id)
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let notice = if found.read_at.is_none() {
        let marked = ctx
            .act(&actor, move |core, caller| {
                ops::notices::read(core, caller, id)
            })
            .await
            .map_err(|e| ctx.refuse(e))?;
        ctx.mark_one_read();
        marked
    } else {
        found
    };
    let t = |key: &str| ctx.t(key);
    let body = html! {
        h1 { (notice.subject) }
        table.data #notice {
            tr { th scope="row" { (t("field-received")) } td { (messages::when(notice.created_at)) } }
            tr { th scope="row" { (t("field-read-at")) } td { (notice.read_at.map(messages::when).unwrap_or_default()) } }
            tr { th scope="row" { (t("language")) } td { (notice.locale) } }
            @if let Some(href) = source_link(&actor, &notice.source) {
                tr { th scope="row" { (t("field-source")) } td { a href=(href) { (notice.source) } } }
            }
        }
        div.notice-body #notice-body lang=(notice.locale) { (notice.body) }
        p { a href=(PATH) { "← " (t("nav-notices")) } }
    };
    Ok(ctx.render(&notice.subject, body))
}
