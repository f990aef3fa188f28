//! `/portal/recall`: the recall report for a lot, for people: a form with the lot and the row
//! order, then the affected lots and items counted, the sites grouped by country, region,
//! warehouse and retailer, the event rows, and a link to the spreadsheet; for officers, the link
//! that opens a recall case for the lot (`recalls::open`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use maud::{Markup, html};
use registry::events::recall::{Group, Reach, RecallReport, SORT_KEYS};
use registry::identity::Role;

use super::frame::{Ctx, Page};
use super::recalls::NEW_PATH;
use crate::app::Auth;
use crate::error::blocking;
use crate::http::trace::recall_request;
use crate::i18n::Lang;
use crate::ops;

/// Rows shown on the page; the spreadsheet has them all.
const SHOWN_ROWS: usize = 500;

/// The recall page: the form, and the report when a lot is given.
pub async fn page(ctx: Ctx, req: HttpRequest, Auth(actor): Auth) -> Page {
    let lang = ctx.lang;
    let officer = actor.role == Role::Officer;
    let asked = req.query_string().contains("lot=");
    let lot_value = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.0.into_iter().find(|(k, _)| k == "lot").map(|(_, v)| v))
        .unwrap_or_default();
    let sort_value = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.0.into_iter().find(|(k, _)| k == "sort").map(|(_, v)| v))
        .unwrap_or_else(|| "event_time".into());
    let (status, result) = if asked {
        match recall_request(&req) {
            Ok(request) => match blocking({
                let state = ctx.state.clone();
                move || ops::trace::recall(&state, &actor, &request.lot, &request.sort)
            })
            .await
            {
                Ok(report) => (StatusCode::OK, Some(Ok(report))),
                Err(e) => (e.status(), Some(Err(e.to_string()))),
            },
            Err(e) => (e.status(), Some(Err(e.to_string()))),
        }
    } else {
        (StatusCode::OK, None)
    };
    let body = html! {
        h1 { (lang.t("recall-title")) }
        form method="get" action="/portal/recall" {
            label for="lot" { (lang.t("recall-lot")) }
            input id="lot" name="lot" value=(lot_value) required;
            label for="sort" { (lang.t("recall-sort")) }
            select id="sort" name="sort" {
                @for key in SORT_KEYS {
                    @for (value, arrow) in [(key.to_string(), "↑"), (format!("-{key}"), "↓")] {
                        option value=(value) selected[value == sort_value] { (column(lang, key)) " " (arrow) }
                    }
                }
            }
            div { button type="submit" { (lang.t("recall-run")) } }
        }
        @match &result {
            Some(Err(message)) => p.error role="alert" { (lang.t_args("recall-error", &[("message", message)])) },
            Some(Ok(report)) => (report_view(lang, report, &sort_value, officer)),
            None => {},
        }
    };
    Ok(ctx.render_status(status, &lang.t("recall-title"), body))
}

fn column(lang: Lang, key: &str) -> String {
    lang.t(&format!("col-{}", key.replace('_', "-")))
}

fn report_view(lang: Lang, r: &RecallReport, sort: &str, officer: bool) -> Markup {
    let csv = format!(
        "/api/v1/recall.csv?{}",
        serde_urlencoded::to_string([("lot", r.lot.as_str()), ("sort", sort)]).unwrap_or_default()
    );
    let counts = [
        ("lots", r.lots.len().to_string()),
        ("items", r.items.len().to_string()),
        ("units", r.logistic_units.len().to_string()),
        ("sites", r.sites.len().to_string()),
    ];
    let args: Vec<(&'static str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    html! {
        p.summary { (lang.t_args("recall-summary", &args)) }
        @if r.truncated { p.error { (lang.t("recall-truncated")) } }
        p.actions {
            a href=(csv) { (lang.t("recall-csv")) }
            @if officer {
                " · " a.button #open-case href={ (NEW_PATH) "?" (serde_urlencoded::to_string([("lot", r.lot.as_str())]).unwrap_or_default()) } { (lang.t("recall-open-case")) }
            }
        }
        h2 { (lang.t("recall-countries")) } (groups(lang, &r.countries))
        h2 { (lang.t("recall-regions")) } (groups(lang, &r.regions))
        h2 { (lang.t("recall-warehouses")) } (sites(lang, &r.warehouses))
        h2 { (lang.t("recall-retailers")) } (groups(lang, &r.retailers))
        h2 { (lang.t("recall-rows")) }
        @if r.rows.len() > SHOWN_ROWS {
            p { (lang.t_args("recall-more-rows", &[("shown", &SHOWN_ROWS.to_string()), ("total", &r.rows.len().to_string())])) }
        }
        table.rows {
            tr { @for key in ["event_time", "biz_step", "lot", "quantity", "items", "location", "enterprise", "country", "region", "ship_to"] { th { (column(lang, key)) } } }
            @for row in r.rows.iter().take(SHOWN_ROWS) {
                tr {
                    td { (row.event_time.format("%Y-%m-%d %H:%M")) }
                    td { (row.biz_step) }
                    td { (row.lot) }
                    td { (row.quantity.map(|q| format!("{q} {}", row.uom)).unwrap_or_default()) }
                    td { (row.items) }
                    td { (if row.location_name.is_empty() { &row.location } else { &row.location_name }) }
                    td { (row.enterprise) }
                    td { (row.country) }
                    td { (row.region) }
                    td { (row.ship_to) }
                }
            }
        }
    }
}

fn groups(lang: Lang, list: &[Group]) -> Markup {
    html! {
        table {
            tr { @for key in ["key", "sites", "items", "lots", "first", "last"] { th { (column(lang, key)) } } }
            @for g in list {
                tr {
                    td { (g.key) } td { (g.sites) } td { (g.items) } td { (g.lots) }
                    td { (g.first.format("%Y-%m-%d")) } td { (g.last.format("%Y-%m-%d")) }
                }
            }
        }
    }
}

fn sites(lang: Lang, list: &[Reach]) -> Markup {
    html! {
        table {
            tr { @for key in ["location", "kind", "enterprise", "region", "items", "first", "last"] { th { (column(lang, key)) } } }
            @for s in list {
                tr {
                    td { (s.place.site_name.clone().unwrap_or_else(|| s.place.identifier.clone())) }
                    td { (s.place.site_kind.clone().unwrap_or_default()) }
                    td { (s.place.enterprise_name.clone().unwrap_or_default()) }
                    td { (s.place.region) }
                    td { (s.items) }
                    td { (s.first.format("%Y-%m-%d")) } td { (s.last.format("%Y-%m-%d")) }
                }
            }
        }
    }
}
