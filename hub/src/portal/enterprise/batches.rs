//! An enterprise's batches (lots) with their input lots, paginated, and the form to file one
//! (active enterprises only, of their own products).

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Enterprise, Status};
use registry::error::Code;
use registry::filings::Paging;
use registry::filings::batches::{self, Batch, NewBatch};
use registry::filings::products::{self, Product};
use registry::filings::sites::{self, Site};
use registry::identity::Actor;

use super::{PER_PAGE, Tab, heading, is_own, page_number, title};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Params, Position, Posted, Refusal, pager,
    read,
};

const FORM: &str = "batch";

struct Batches {
    enterprise: Enterprise,
    list: Vec<Batch>,
    /// Every product (up to the registry's page limit), for names and the form.
    products: Vec<Product>,
    sites: Vec<Site>,
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64, page: i64) -> Result<Batches, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        let paging = Paging {
            page: Some(page),
            per_page: Some(PER_PAGE),
        };
        let all = Paging {
            page: Some(1),
            per_page: Some(500),
        };
        Ok(Batches {
            list: batches::list_batches(conn, &actor, id, paging)?,
            products: products::list_products(conn, &actor, id, all)?,
            sites: sites::list_sites(conn, &actor, id)?,
            enterprise,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    data: &Batches,
    query: &FormData,
    page: i64,
    posted: Option<&Posted>,
) -> Markup {
    let t = |key: &str| ctx.t(key);
    let e = &data.enterprise;
    let path = Tab::Batches.path(e.id);
    let params = Params::new(&path, query);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: data.list.len(),
        total: None,
    };
    let product = |id: i64| {
        data.products
            .iter()
            .find(|p| p.id == id)
            .map(|p| format!("{} ({})", p.name, p.gtin))
            .unwrap_or_else(|| format!("#{id}"))
    };
    let site = |id: i64| {
        data.sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    };
    html! {
        (heading(ctx, e, Tab::Batches))
        table #batches {
            caption { (t("tab-batches")) }
            thead { tr {
                th scope="col" { (t("field-batch-id")) }
                th scope="col" { (t("field-lot")) }
                th scope="col" { (t("field-product")) }
                th scope="col" { (t("field-production-date")) }
                th scope="col" { (t("field-expiry-date")) }
                th scope="col" { (t("field-quantity")) }
                th scope="col" { (t("field-site")) }
                th scope="col" { (t("field-inputs")) }
            } }
            tbody {
                @for batch in &data.list {
                    tr {
                        td { "#" (batch.id) }
                        td { (batch.lot) }
                        td { (product(batch.product_id)) }
                        td { (batch.production_date) }
                        td { (batch.expiry_date.map(|d| d.to_string()).unwrap_or_default()) }
                        td { (batch.quantity) " " (batch.unit) }
                        td { (batch.site_id.map(site).unwrap_or_default()) }
                        td { (batch.inputs.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", ")) }
                    }
                }
            }
        }
        @if data.list.is_empty() && page == 1 { p.muted { (t("none-yet")) } }
        (pager(ctx.lang, &params, &at))
        @if is_own(actor, e) {
            h2 { (t("batch-add")) }
            @if e.status != Status::Active {
                p.notice { (t("filing-needs-active")) }
            } @else if data.products.is_empty() {
                p.notice { (t("batch-needs-product")) " " a href=(Tab::Products.path(e.id)) { (t("tab-products")) } }
            } @else {
                (batch_form(ctx, data, posted))
            }
        }
    }
}

fn batch_form(ctx: &Ctx, data: &Batches, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let products = data
        .products
        .iter()
        .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.gtin)))
        .collect();
    let sites = std::iter::once((String::new(), "—".to_owned()))
        .chain(
            data.sites
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone())),
        )
        .collect();
    let path = Tab::Batches.path(data.enterprise.id);
    view.form(
        &path,
        &t("batch-add"),
        html! {
            (view.field(Field::new("product_id", t("field-product"), Input::Select(products)).required()))
            (view.field(Field::new("lot", t("field-lot"), Input::Text).required().hint(t("hint-lot"))))
            (view.field(Field::new("production_date", t("field-production-date"), Input::Date).required()))
            (view.field(Field::new("expiry_date", t("field-expiry-date"), Input::Date).hint(t("hint-expiry-date"))))
            (view.field(Field::new("quantity", t("field-quantity"), Input::Number("any")).required()))
            (view.field(Field::new("unit", t("field-unit"), Input::Text).required().hint(t("hint-unit"))))
            (view.field(Field::new("site_id", t("field-site"), Input::Select(sites))))
            (view.field(Field::new("inputs", t("field-inputs"), Input::Text).hint(t("hint-inputs"))))
        },
    )
}

/// `GET /portal/enterprises/{id}/batches?page=N`.
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
        &title(&ctx, &data.enterprise, Tab::Batches),
        render(&ctx, &actor, &data, &query, page, None),
    ))
}

/// Input batch ids typed as `12, 15` or `#12 #15`.
fn inputs(data: &FormData) -> Result<Vec<i64>, ApiError> {
    data.text("inputs")
        .split([',', ' ', ';'])
        .map(|id| id.trim().trim_start_matches('#'))
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.parse::<i64>().map_err(|_| {
                registry::RegistryError::invalid(
                    Code::InvalidNumber,
                    "inputs",
                    format!("{id:?} is not a batch id"),
                )
                .into()
            })
        })
        .collect()
}

fn new_batch(data: &FormData) -> Result<NewBatch, ApiError> {
    Ok(NewBatch {
        product_id: data.required_number("product_id")?,
        lot: data.text("lot"),
        production_date: data.required_date("production_date")?,
        expiry_date: data.date("expiry_date")?,
        quantity: data.required_number("quantity")?,
        unit: data.text("unit"),
        site_id: data.number("site_id")?,
        inputs: inputs(data)?,
    })
}

/// `POST /portal/enterprises/{id}/batches`.
pub async fn create(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let created = match new_batch(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::filings::create_batch(core, caller, id, &new)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(_) => Ok(ctx.redirect(&Tab::Batches.path(id), Flash::success("flash-batch-added"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let loaded = load(&ctx, &actor, id, 1).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &loaded.enterprise, Tab::Batches),
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
