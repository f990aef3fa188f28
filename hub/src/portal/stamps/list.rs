//! `GET /portal/stamp-orders`: the orders the signed-in user may read, newest first, paged;
//! `?enterprise_id=` narrows to one enterprise (the link from its dashboard). Officers get the
//! link to the issue form.

use actix_web::web;
use maud::{Markup, html};
use registry::identity::{Actor, Role};
use registry::stamps::{self, OrderFilter, OrderNames, StampOrder};

use super::{NEW_PATH, PATH, count_text, kind_badge, path};
use crate::app::Auth;
use crate::error::ApiError;
use crate::portal::frame::{Ctx, FormData, Page, Params, Position, messages, pager, read};

/// Orders per page.
const PER_PAGE: i64 = 20;

fn table(ctx: &Ctx, orders: &[StampOrder], names: &OrderNames) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table #stamp-orders {
            caption { (t("stamp-orders-caption")) }
            thead { tr {
                th scope="col" { "#" }
                th scope="col" { (t("enterprise")) }
                th scope="col" { (t("field-product")) }
                th scope="col" { (t("field-gtin")) }
                th scope="col" { (t("field-stamp-kind")) }
                th scope="col" { (t("field-quantity")) }
                th scope="col" { (t("field-issued-at")) }
            } }
            tbody {
                @for o in orders {
                    tr data-order=(o.id) {
                        td { a href=(path(o.id)) { "#" (o.id) } }
                        td {
                            a href={ "/portal/enterprises/" (o.enterprise_id) } {
                                (names.enterprises.get(&o.enterprise_id).cloned().unwrap_or_else(|| format!("#{}", o.enterprise_id)))
                            }
                        }
                        td { (names.products.get(&o.product_id).cloned().unwrap_or_else(|| format!("#{}", o.product_id))) }
                        td { code { (o.gtin) } }
                        td { (kind_badge(lang, &o.kind)) }
                        td.number { (count_text(o.quantity)) }
                        td { (messages::when(o.issued_at)) }
                    }
                }
            }
        }
    }
}

/// The filters and page of the query string, as the registry takes them.
fn filter_of(data: &FormData) -> Result<OrderFilter, ApiError> {
    Ok(OrderFilter {
        enterprise_id: data.number("enterprise_id")?,
        product_id: data.number("product_id")?,
        page: data.number("page")?,
        per_page: Some(PER_PAGE),
    })
}

/// `GET /portal/stamp-orders?enterprise_id=N&page=N`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let filter = filter_of(&data).map_err(|e| ctx.refuse(e))?;
    let chosen = filter.enterprise_id;
    let reader: Actor = actor.clone();
    let (found, names) = read(&ctx.state, move |conn| {
        let found = stamps::list_orders(conn, &reader, &filter)?;
        let names = stamps::order_names(conn, &found.items)?;
        Ok((found, names))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    let title = ctx.t("nav-stamp-orders");
    let params = Params::new(PATH, &data);
    let at = Position {
        page: found.page,
        per_page: found.per_page,
        shown: found.items.len(),
        total: Some(found.total),
    };
    let issue_link = match chosen {
        Some(id) => format!("{NEW_PATH}?enterprise_id={id}"),
        None => NEW_PATH.to_owned(),
    };
    let body = html! {
        h1 { (title) }
        @if actor.role == Role::Officer {
            p { a.button #issue-stamps href=(issue_link) { (ctx.t("stamps-issue")) } }
        }
        p { (ctx.lang.t_args("stamp-orders-found", &[("total", &found.total.to_string())])) }
        (table(&ctx, &found.items, &names))
        @if found.items.is_empty() { p.muted { (ctx.t("none-yet")) } }
        (pager(ctx.lang, &params, &at))
    };
    Ok(ctx.render(&title, body))
}
