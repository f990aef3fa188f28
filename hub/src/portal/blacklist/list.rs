//! `GET /portal/blacklist`: every listing with its full record (open ones, or all with
//! `include_removed`), newest first, paginated; for officers and administrators.

use actix_web::web;
use maud::{Markup, html};
use registry::blacklist::{self, ListedEnterprise, ListingFilter};

use super::{listing_badge, path};
use crate::error::ApiError;
use crate::portal::frame::{
    Ctx, FormData, FormView, Page, Params, Position, Posted, messages, pager, read,
};

const FORM: &str = "blacklist-filters";
const PATH: &str = "/portal/blacklist";
const PER_PAGE: i64 = 20;

fn filter_of(data: &FormData) -> Result<ListingFilter, ApiError> {
    Ok(ListingFilter {
        enterprise_id: None,
        include_removed: data.optional("include_removed").is_some(),
        page: data.number("page")?,
        per_page: Some(PER_PAGE),
    })
}

fn filters(ctx: &Ctx, query: &FormData, posted: Option<&Posted>) -> Markup {
    let view = FormView::new(ctx, FORM, posted);
    let checked = query.optional("include_removed").is_some();
    view.get_form(
        PATH,
        &ctx.t("filter"),
        html! {
            div.field {
                label {
                    input type="checkbox" name="include_removed" value="1" checked[checked];
                    " " (ctx.t("include-removed"))
                }
            }
        },
    )
}

fn table(ctx: &Ctx, rows: &[ListedEnterprise]) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table #blacklist {
            caption { (t("blacklist-caption")) }
            thead { tr {
                th scope="col" { (t("enterprise")) }
                th scope="col" { (t("field-credit-code")) }
                th scope="col" { (t("field-penalty")) }
                th scope="col" { (t("field-decision-number")) }
                th scope="col" { (t("field-listed-at")) }
                th scope="col" { (t("field-removable-from")) }
                th scope="col" { (t("status")) }
            } }
            tbody {
                @for row in rows {
                    @let l = &row.listing;
                    tr data-listing=(l.id) {
                        td { a href=(path(l.id)) { (row.enterprise_name) } }
                        td { (row.credit_code) }
                        td { (messages::penalty(lang, &l.penalty)) }
                        td { (l.decision_number) }
                        td { (messages::when(l.listed_at)) }
                        td { (l.removable_from) }
                        td { (listing_badge(ctx, l)) }
                    }
                }
            }
        }
        @if rows.is_empty() { p.muted { (t("blacklist-empty")) } }
    }
}

/// `GET /portal/blacklist?include_removed=1&page=2`.
pub async fn page(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let loaded = match filter_of(&data) {
        Ok(filter) => {
            read(&ctx.state, move |conn| {
                let total = blacklist::count_listings(conn, &filter)?;
                Ok((filter, blacklist::list_listed(conn, &filter)?, total))
            })
            .await
        }
        Err(error) => Err(error),
    };
    let title = ctx.t("nav-blacklist");
    match loaded {
        Ok((filter, rows, total)) => {
            let params = Params::new(PATH, &data);
            let at = Position {
                page: filter.page.unwrap_or(1),
                per_page: PER_PAGE,
                shown: rows.len(),
                total: Some(total),
            };
            let body = html! {
                h1 { (title) }
                p { (ctx.t("blacklist-intro")) " " a href="/blacklist" { (ctx.t("nav-public-blacklist")) } }
                (filters(&ctx, &data, None))
                (table(&ctx, &rows))
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
