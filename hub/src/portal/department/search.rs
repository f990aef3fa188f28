//! Search of enterprises (the registry's `search`): by name, credit code, region, category,
//! status and licence expiry, within the officer's jurisdiction (administrators: all),
//! paginated and sortable.

use actix_web::web;
use maud::{Markup, html};
use registry::departments::Category;
use registry::enterprises::{self, EnterprisePage, EnterpriseQuery, Status};

use crate::app::Auth;
use crate::error::ApiError;
use crate::portal::enterprise::{status_badge, tier_badge};
use crate::portal::frame::{
    Ctx, Field, FormData, FormView, Input, Page, Params, Position, Posted, messages, pager, read,
    sortable,
};
use crate::portal::register::category_options;

const FORM: &str = "search";
const PATH: &str = "/portal/enterprises";
const STATUSES: [Status; 5] = [
    Status::Pending,
    Status::Active,
    Status::Rejected,
    Status::Suspended,
    Status::Revoked,
];

/// The filters of the query string as the registry takes them; empty fields are no filter.
fn query_of(data: &FormData) -> Result<EnterpriseQuery, ApiError> {
    Ok(EnterpriseQuery {
        name: data.optional("name"),
        credit_code: data.optional("credit_code"),
        region: data.optional("region"),
        category: data.optional_choice::<Category>("category")?,
        status: data.optional_choice::<Status>("status")?,
        licence_expires_before: data.date("licence_expires_before")?,
        sort: data.optional("sort"),
        page: data.number("page")?,
        per_page: data.number("per_page")?,
    })
}

fn any_of(ctx: &Ctx, options: Vec<(String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), ctx.t("any")))
        .chain(options)
        .collect()
}

fn filters(ctx: &Ctx, query: &FormData, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let statuses = STATUSES
        .iter()
        .map(|s| (s.as_str().to_owned(), messages::status(ctx.lang, *s)))
        .collect();
    let sizes = ["20", "50", "100"]
        .iter()
        .map(|n| ((*n).to_owned(), (*n).to_owned()))
        .collect();
    view.get_form(
        PATH,
        &t("search"),
        html! {
            (view.field(Field::new("name", t("field-name"), Input::Text).value(query.text("name"))))
            (view.field(Field::new("credit_code", t("field-credit-code"), Input::Text).value(query.text("credit_code"))))
            (view.field(Field::new("region", t("field-region"), Input::Text).value(query.text("region")).hint(t("hint-region-prefix"))))
            (view.field(Field::new("category", t("field-category"), Input::Select(any_of(ctx, category_options(ctx)))).value(query.text("category"))))
            (view.field(Field::new("status", t("status"), Input::Select(any_of(ctx, statuses))).value(query.text("status"))))
            (view.field(Field::new("licence_expires_before", t("field-licence-expires-before"), Input::Date).value(query.text("licence_expires_before"))))
            (view.field(Field::new("per_page", t("per-page"), Input::Select(sizes)).value(query.text("per_page"))))
            @if let Some(sort) = query.optional("sort") { input type="hidden" name="sort" value=(sort); }
        },
    )
}

fn results(ctx: &Ctx, found: &EnterprisePage, params: &Params<'_>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        table #results {
            caption { (lang.t_args("results", &[("total", &found.total.to_string())])) }
            thead { tr {
                (sortable(lang, params, "name", &t("field-name")))
                (sortable(lang, params, "credit_code", &t("field-credit-code")))
                (sortable(lang, params, "region_code", &t("field-region-code")))
                th scope="col" { (t("field-categories")) }
                (sortable(lang, params, "status", &t("status")))
                th scope="col" { (t("credit-tier")) }
                (sortable(lang, params, "created_at", &t("field-created-at")))
            } }
            tbody {
                @for e in &found.items {
                    tr {
                        td { a href={ "/portal/enterprises/" (e.id) } { (e.name) } @if !e.name_en.is_empty() { br; span.muted { (e.name_en) } } }
                        td { (e.credit_code) }
                        td { (e.region_code) }
                        td { (messages::categories(lang, &e.categories)) }
                        td { (status_badge(lang, e.status)) }
                        td { (tier_badge(lang, e.credit_tier)) }
                        td { (messages::when(e.created_at)) }
                    }
                }
            }
        }
        (pager(lang, params, &Position { page: found.page, per_page: found.per_page, shown: found.items.len(), total: Some(found.total) }))
    }
}

/// `GET /portal/enterprises?name=...&sort=-created_at&page=2`.
pub async fn page(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let searched = match query_of(&data) {
        Ok(query) => {
            read(&ctx.state, move |conn| {
                enterprises::search(conn, &actor, &query)
            })
            .await
        }
        Err(error) => Err(error),
    };
    let title = ctx.t("nav-search");
    match searched {
        Ok(found) => {
            let params = Params::new(PATH, &data);
            let body = html! {
                h1 { (title) }
                (filters(&ctx, &data, None))
                (results(&ctx, &found, &params))
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
