//! An enterprise's products (GTIN, category, name, specification, shelf life, target markets),
//! paginated, and the form to file one (active enterprises only).

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Enterprise, Status};
use registry::filings::Paging;
use registry::filings::products::{self, NewProduct, Product};
use registry::identity::Actor;

use super::{PER_PAGE, Tab, heading, is_own, page_number, title};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Params, Position, Posted, Refusal,
    messages, pager, read,
};

const FORM: &str = "product";

async fn load(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    page: i64,
) -> Result<(Enterprise, Vec<Product>), Refusal> {
    let actor = actor.clone();
    let paging = Paging {
        page: Some(page),
        per_page: Some(PER_PAGE),
    };
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        Ok((
            enterprise,
            products::list_products(conn, &actor, id, paging)?,
        ))
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    (e, list): &(Enterprise, Vec<Product>),
    query: &FormData,
    page: i64,
    posted: Option<&Posted>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let path = Tab::Products.path(e.id);
    let params = Params::new(&path, query);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: list.len(),
        total: None,
    };
    let view = FormView::new(ctx, FORM, posted);
    let categories = e
        .categories
        .iter()
        .map(|c| (c.as_str().to_owned(), messages::category(lang, *c)))
        .collect();
    html! {
        (heading(ctx, e, Tab::Products))
        table #products {
            caption { (t("tab-products")) }
            thead { tr {
                th scope="col" { (t("field-gtin")) }
                th scope="col" { (t("field-name")) }
                th scope="col" { (t("field-category")) }
                th scope="col" { (t("field-specification")) }
                th scope="col" { (t("field-shelf-life-days")) }
                th scope="col" { (t("field-target-markets")) }
            } }
            tbody {
                @for product in list {
                    tr {
                        td { code { (product.gtin) } }
                        td { (product.name) }
                        td { (messages::category(lang, product.category)) }
                        td { (product.specification) }
                        td { (product.shelf_life_days.map(|d| d.to_string()).unwrap_or_default()) }
                        td { (product.target_markets.join(", ")) }
                    }
                }
            }
        }
        @if list.is_empty() && page == 1 { p.muted { (t("none-yet")) } }
        (pager(lang, &params, &at))
        @if is_own(actor, e) {
            h2 { (t("product-add")) }
            @if e.status == Status::Active {
                (view.form(&path, &t("product-add"), html! {
                    (view.field(Field::new("gtin", t("field-gtin"), Input::Text).required().hint(t("hint-gtin"))))
                    (view.field(Field::new("name", t("field-name"), Input::Text).required()))
                    (view.field(Field::new("category", t("field-category"), Input::Select(categories)).required()))
                    (view.field(Field::new("specification", t("field-specification"), Input::Text)))
                    (view.field(Field::new("shelf_life_days", t("field-shelf-life-days"), Input::Number("1"))))
                    (view.field(Field::new("target_markets", t("field-target-markets"), Input::Text).hint(t("hint-target-markets"))))
                }))
            } @else {
                p.notice { (t("filing-needs-active")) }
            }
        }
    }
}

/// `GET /portal/enterprises/{id}/products?page=N`.
pub async fn page(
    ctx: Ctx,
    Auth(actor): Auth,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Page {
    let query = FormData::from(query.into_inner());
    let page = page_number(&ctx, &query)?;
    let data = load(&ctx, &actor, id.into_inner(), page).await?;
    Ok(ctx.render(
        &title(&ctx, &data.0, Tab::Products),
        render(&ctx, &actor, &data, &query, page, None),
    ))
}

/// The markets typed as `CN, VN` (commas or spaces).
fn markets(data: &FormData) -> Vec<String> {
    data.text("target_markets")
        .split([',', ' ', ';'])
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

fn new_product(data: &FormData) -> Result<NewProduct, ApiError> {
    Ok(NewProduct {
        gtin: data.text("gtin"),
        name: data.text("name"),
        category: data.choice("category")?,
        specification: data.text("specification"),
        shelf_life_days: data.number("shelf_life_days")?,
        target_markets: markets(data),
    })
}

/// `POST /portal/enterprises/{id}/products`.
pub async fn create(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let created = match new_product(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::filings::create_product(core, caller, id, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(_) => Ok(ctx.redirect(
            &Tab::Products.path(id),
            Flash::success("flash-product-added"),
        )),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let loaded = load(&ctx, &actor, id, 1).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &loaded.0, Tab::Products),
                render(
                    &ctx,
                    &actor,
                    &loaded,
                    &FormData::default(),
                    1,
                    Some(&posted),
                ),
            ))
        }
    }
}
