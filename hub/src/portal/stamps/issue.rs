//! The issue form of the competent department, in two steps without scripts: choose the
//! enterprise (the active enterprises of the jurisdiction, or the one whose dashboard linked
//! here, `?enterprise_id=`), then its product, the quantity (1 to 1,000,000) and the kind. The
//! order is issued through `ops::stamps::issue`, the operation behind
//! `POST /api/v1/stamp-orders`: the same refusals (an enterprise on the blacklist, suspended
//! or not active is a 409 shown on the form; a quantity out of range a 422 next to its input),
//! the same audit entry in the same transaction.

use actix_web::web;
use maud::{Markup, html};
use registry::enterprises::{self, Enterprise, EnterpriseQuery, Status};
use registry::filings::Paging;
use registry::filings::products::{self, Product};
use registry::identity::Actor;
use registry::stamps::{MAX_ORDER_QUANTITY, NewStampOrder, StampKind};

use super::{NEW_PATH, PATH, count_text, path};
use crate::app::Auth;
use crate::error::ApiError;
use crate::ops;
use crate::portal::enterprise::status_badge;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Posted, Refusal, messages, read,
};

/// The enterprise chooser's id (a `GET` form).
const CHOOSE: &str = "stamp-enterprise";
/// The issue form's id.
const FORM: &str = "issue";
/// Most enterprises the chooser lists (the registry's page limit); others are reached from
/// their dashboard through the search.
const CHOICES: i64 = 100;

/// What the page shows: the enterprises to choose from, and the chosen one with its products.
struct Issuing {
    choices: Vec<Enterprise>,
    chosen: Option<(Enterprise, Vec<Product>)>,
}

async fn load(ctx: &Ctx, actor: &Actor, chosen: Option<i64>) -> Result<Issuing, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let query = EnterpriseQuery {
            status: Some(Status::Active),
            sort: Some("name".into()),
            per_page: Some(CHOICES),
            ..EnterpriseQuery::default()
        };
        let choices = enterprises::search(conn, &actor, &query)?.items;
        let chosen = match chosen {
            None => None,
            Some(id) => {
                let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
                let all = Paging {
                    page: Some(1),
                    per_page: Some(500),
                };
                Some((enterprise, products::list_products(conn, &actor, id, all)?))
            }
        };
        Ok(Issuing { choices, chosen })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn chooser(ctx: &Ctx, data: &Issuing) -> Markup {
    let view = FormView::new(ctx, CHOOSE, None);
    let mut options: Vec<(String, String)> = data
        .choices
        .iter()
        .map(|e| (e.id.to_string(), format!("{} ({})", e.name, e.credit_code)))
        .collect();
    let selected = match &data.chosen {
        Some((e, _)) => {
            if !data.choices.iter().any(|c| c.id == e.id) {
                options.insert(
                    0,
                    (e.id.to_string(), format!("{} ({})", e.name, e.credit_code)),
                );
            }
            e.id.to_string()
        }
        None => String::new(),
    };
    html! {
        @if options.is_empty() {
            p.muted #no-enterprises { (ctx.t("stamps-no-active-enterprises")) }
        } @else {
            (view.get_form(NEW_PATH, &ctx.t("stamps-choose-enterprise"), html! {
                (view.field(Field::new("enterprise_id", ctx.t("enterprise"), Input::Select(options)).value(selected).required()
                    .hint(ctx.t("hint-stamps-enterprise"))))
            }))
        }
    }
}

fn issue_form(
    ctx: &Ctx,
    enterprise: &Enterprise,
    products: &[Product],
    posted: Option<&Posted>,
) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let this = vec![(
        enterprise.id.to_string(),
        format!("{} ({})", enterprise.name, enterprise.credit_code),
    )];
    let products = products
        .iter()
        .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.gtin)))
        .collect();
    let kinds = [StampKind::Qr, StampKind::AntiCounterfeit]
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                messages::stamp_kind(ctx.lang, k.as_str()),
            )
        })
        .collect();
    let max = count_text(MAX_ORDER_QUANTITY);
    view.form(
        PATH,
        &t("stamps-issue"),
        html! {
            (view.field(Field::new("enterprise_id", t("enterprise"), Input::Select(this)).required()))
            (view.field(Field::new("product_id", t("field-product"), Input::Select(products)).required()
                .hint(t("hint-stamps-product"))))
            (view.field(Field::new("quantity", t("field-quantity"), Input::Number("1")).required()
                .hint(ctx.lang.t_args("hint-stamps-quantity", &[("max", &max)]))))
            (view.field(Field::new("kind", t("field-stamp-kind"), Input::Select(kinds)).required()
                .hint(t("hint-stamps-kind"))))
        },
    )
}

fn render(ctx: &Ctx, data: &Issuing, posted: Option<&Posted>) -> Markup {
    let drawn = data.chosen.as_ref().is_some_and(|(_, p)| !p.is_empty());
    html! {
        h1 { (ctx.t("stamps-issue")) }
        p { (ctx.t("stamps-issue-intro")) }
        @if let Some(posted) = posted.filter(|_| !drawn) {
            div.error-summary role="alert" { p.error { (posted.message) } }
        }
        (chooser(ctx, data))
        @if let Some((enterprise, products)) = &data.chosen {
            h2 #issue-heading { (enterprise.name) " " (status_badge(ctx.lang, enterprise.status)) }
            @if products.is_empty() {
                p.notice #no-products { (ctx.t("stamps-no-products")) }
            } @else {
                (issue_form(ctx, enterprise, products, posted))
            }
        }
        p { a href=(PATH) { "← " (ctx.t("nav-stamp-orders")) } }
    }
}

/// `GET /portal/stamp-orders/new?enterprise_id=N`.
pub async fn form(ctx: Ctx, Auth(actor): Auth, query: web::Query<Vec<(String, String)>>) -> Page {
    let query = FormData::from(query.into_inner());
    let chosen = query
        .number::<i64>("enterprise_id")
        .map_err(|e| ctx.refuse(e))?;
    let data = load(&ctx, &actor, chosen).await?;
    Ok(ctx.render(&ctx.t("stamps-issue"), render(&ctx, &data, None)))
}

/// The order typed in the form.
fn new_order(data: &FormData) -> Result<NewStampOrder, ApiError> {
    Ok(NewStampOrder {
        enterprise_id: data.required_number("enterprise_id")?,
        product_id: data.required_number("product_id")?,
        quantity: data.required_number("quantity")?,
        kind: data.choice("kind")?,
    })
}

/// `POST /portal/stamp-orders`: `enterprise_id`, `product_id`, `quantity`, `kind`.
pub async fn submit(ctx: Ctx, Auth(actor): Auth, data: FormData) -> Page {
    let issued = match new_order(&data) {
        Ok(new) => {
            ctx.act(&actor, move |core, caller| {
                ops::stamps::issue(core, caller, &new, &mut |_| {})
            })
            .await
        }
        Err(error) => Err(error),
    };
    match issued {
        Ok(order) => Ok(ctx.redirect(&path(order.id), Flash::success("flash-stamps-issued"))),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let chosen = posted.data.number::<i64>("enterprise_id").ok().flatten();
            let shown = load(&ctx, &actor, chosen).await?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("stamps-issue"),
                render(&ctx, &shown, Some(&posted)),
            ))
        }
    }
}
