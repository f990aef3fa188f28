//! `GET /blacklist`: the published blacklist, for anyone (no sign-in): the open listings'
//! published fields only (enterprise name, credit code, penalty, decision number, reason, day
//! of listing), newest first, paginated.

use actix_web::web;
use maud::html;
use registry::blacklist;
use registry::filings::Paging;

use crate::portal::frame::{Ctx, FormData, Page, Params, Position, messages, pager, read};

/// Where the public page is.
pub const PATH: &str = "/blacklist";
const PER_PAGE: i64 = 50;

/// `GET /blacklist?page=2`.
pub async fn page(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let page = data
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let paging = Paging {
        page: Some(page),
        per_page: Some(PER_PAGE),
    };
    let (rows, total) = read(&ctx.state, move |conn| {
        Ok((
            blacklist::public_listings(conn, paging)?,
            blacklist::count_public(conn)?,
        ))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let params = Params::new(PATH, &data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: rows.len(),
        total: Some(total),
    };
    let title = t("public-blacklist-title");
    let body = html! {
        h1 { (title) }
        p { (t("public-blacklist-intro")) }
        table #public-blacklist {
            caption { (lang.t_args("public-blacklist-count", &[("total", &total.to_string())])) }
            thead { tr {
                th scope="col" { (t("enterprise")) }
                th scope="col" { (t("field-credit-code")) }
                th scope="col" { (t("field-penalty")) }
                th scope="col" { (t("field-decision-number")) }
                th scope="col" { (t("field-legal-basis")) }
                th scope="col" { (t("field-reason")) }
                th scope="col" { (t("field-listed-on")) }
            } }
            tbody {
                @for row in &rows {
                    tr {
                        td { (row.enterprise_name) }
                        td { (row.credit_code) }
                        td { (messages::penalty(lang, &row.penalty)) }
                        td { (row.decision_number) }
                        td { (row.legal_basis) }
                        td { (row.reason) }
                        td { (row.listed_on) }
                    }
                }
            }
        }
        @if rows.is_empty() { p.muted { (t("blacklist-empty")) } }
        (pager(lang, &params, &at))
    };
    Ok(ctx.render(&title, body))
}
