//! `GET /portal/alerts`: the alerts the signed-in user may see (the registry's `list_alerts`),
//! filtered by kind, status and severity, sortable by time, severity, status and kind, and
//! paginated.

use actix_web::web;
use maud::{Markup, html};
use registry::alerts::{self, Alert, AlertFilter};

use super::{KINDS, SEVERITIES, STATUSES, path, severity_badge, status_badge};
use crate::app::Auth;
use crate::error::ApiError;
use crate::portal::frame::{
    Ctx, Field, FormData, FormView, Input, Page, Params, Position, Posted, messages, pager, read,
    sortable,
};

const FORM: &str = "alert-filters";
const PATH: &str = "/portal/alerts";
/// Rows per page unless the person picks another size.
const PER_PAGE: i64 = 20;

/// The filters of the query string as the registry takes them; empty fields are no filter.
fn filter_of(data: &FormData) -> Result<AlertFilter, ApiError> {
    Ok(AlertFilter {
        kind: data.optional("kind"),
        status: data.optional_choice("status")?,
        severity: data.optional_choice("severity")?,
        sort: data.optional("sort"),
        page: data.number("page")?,
        per_page: Some(data.number("per_page")?.unwrap_or(PER_PAGE)),
    })
}

fn any_of(ctx: &Ctx, options: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), ctx.t("any")))
        .chain(options)
        .collect()
}

fn filters(ctx: &Ctx, query: &FormData, posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let kinds = any_of(
        ctx,
        KINDS
            .iter()
            .map(|k| ((*k).to_owned(), messages::alert_kind(lang, k))),
    );
    let statuses = any_of(
        ctx,
        STATUSES
            .iter()
            .map(|s| (s.as_str().to_owned(), messages::alert_status(lang, *s))),
    );
    let severities = any_of(
        ctx,
        SEVERITIES
            .iter()
            .map(|s| (s.as_str().to_owned(), messages::severity(lang, *s))),
    );
    let sizes = ["20", "50", "100"]
        .iter()
        .map(|n| ((*n).to_owned(), (*n).to_owned()))
        .collect();
    view.get_form(
        PATH,
        &t("filter"),
        html! {
            (view.field(Field::new("kind", t("field-alert-kind"), Input::Select(kinds)).value(query.text("kind"))))
            (view.field(Field::new("status", t("status"), Input::Select(statuses)).value(query.text("status"))))
            (view.field(Field::new("severity", t("field-severity"), Input::Select(severities)).value(query.text("severity"))))
            (view.field(Field::new("per_page", t("per-page"), Input::Select(sizes)).value(query.text("per_page"))))
            @if let Some(sort) = query.optional("sort") { input type="hidden" name="sort" value=(sort); }
        },
    )
}

fn table(ctx: &Ctx, alerts: &[Alert], params: &Params<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table #alerts {
            caption { (t("alerts-caption")) }
            thead { tr {
                th scope="col" { "#" }
                (sortable(lang, params, "kind", &t("field-alert-kind")))
                (sortable(lang, params, "severity", &t("field-severity")))
                (sortable(lang, params, "status", &t("status")))
                th scope="col" { (t("field-subject")) }
                th scope="col" { (t("enterprise")) }
                th scope="col" { (t("field-region-code")) }
                (sortable(lang, params, "raised_at", &t("field-raised-at")))
            } }
            tbody {
                @for alert in alerts {
                    tr data-alert=(alert.id) {
                        td { a href=(path(alert.id)) { "#" (alert.id) } }
                        td { a href=(path(alert.id)) { (messages::alert_kind(lang, &alert.kind)) } }
                        td { (severity_badge(lang, alert.severity)) }
                        td { (status_badge(lang, alert.status)) }
                        td { (alert.subject) }
                        td {
                            @if let Some(id) = alert.enterprise_id {
                                a href={ "/portal/enterprises/" (id) } { "#" (id) }
                            } @else { "—" }
                        }
                        td { @if alert.region_code.is_empty() { "—" } @else { (alert.region_code) } }
                        td { (messages::when(alert.raised_at)) }
                    }
                }
            }
        }
        @if alerts.is_empty() { p.muted { (t("alerts-none")) } }
    }
}

/// `GET /portal/alerts?status=open&severity=critical&sort=-severity&page=2`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let loaded = match filter_of(&data) {
        Ok(filter) => {
            read(&ctx.state, move |conn| {
                let total = alerts::count_alerts(conn, &actor, &filter)?;
                let list = alerts::list_alerts(conn, &actor, &filter)?;
                Ok((filter, list, total))
            })
            .await
        }
        Err(error) => Err(error),
    };
    let title = ctx.t("nav-alerts");
    match loaded {
        Ok((filter, list, total)) => {
            let params = Params::new(PATH, &data);
            let at = Position {
                page: filter.page.unwrap_or(1),
                per_page: filter.per_page.unwrap_or(PER_PAGE),
                shown: list.len(),
                total: Some(total),
            };
            let body = html! {
                h1 { (title) }
                (filters(&ctx, &data, None))
                p { (ctx.lang.t_args("alerts-found", &[("total", &total.to_string())])) }
                (table(&ctx, &list, &params))
                (pager(ctx.lang, &params, &at))
            };
            Ok(ctx.render(&title, body))
        }
        Err(error) => {
            let posted = ctx.posted(FORM, data.clone(), error)?;
            let body = html! {
                h1 { (title) }
                (filters(&ctx, &data, Some(&posted)))
            };
            Ok(ctx.render_status(posted.status, &title, body))
        }
    }
}
