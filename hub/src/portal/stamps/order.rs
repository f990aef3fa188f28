//! An order's page: what was issued to whom, the counts of its stamps issued, activated and
//! revoked, its stamps page by page with their state, and the download of its sheet. The
//! enterprise's own users get the activation form (all stamps or a `seq` range, bound to one of
//! its batches of the order's product); officers of the issuing department the revocation form
//! (all or a range, with a reason). Reads are the registry's scoped reads (`order_summary`:
//! another enterprise's order is 404, an officer outside the jurisdiction gets 403); writes the
//! operations the API uses (`ops::stamps`).

use actix_web::web;
use maud::{Markup, html};
use registry::identity::{Actor, Role};
use registry::stamps::{
    self, BatchChoice, OrderActivation, OrderRevocation, OrderSummary, StampKind, StampOrder,
    StampPage,
};

use super::{PATH, count_text, kind_badge, path, state_badge};
use crate::app::Auth;
use crate::error::ApiError;
use crate::http::sheet::{SheetQuery, sheet_response};
use crate::ops;
use crate::ops::stamps::{Activation, Revocation};
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Params, Position, Posted, Refusal,
    messages, pager, read,
};

const ACTIVATE: &str = "activate";
const REVOKE: &str = "revoke";
/// Stamps per page of the order's page.
const PER_PAGE: i64 = 50;

/// What the page shows.
struct Shown {
    summary: OrderSummary,
    enterprise: String,
    product: String,
    stamps: StampPage,
    /// The batches the stamps may be bound to (the enterprise's own users only).
    batches: Vec<BatchChoice>,
}

/// Whether `actor` is a user of the enterprise the order was issued to (activates it).
fn is_own(actor: &Actor, order: &StampOrder) -> bool {
    actor.role == Role::Enterprise && actor.enterprise_id == Some(order.enterprise_id)
}

impl Shown {
    fn own(&self, actor: &Actor) -> bool {
        is_own(actor, &self.summary.order)
    }

    /// Whether `actor` is an officer of the issuing department (revokes, gets hidden codes).
    fn issuing(&self, actor: &Actor) -> bool {
        crate::sheets::may_see_hidden_codes(actor, &self.summary.order)
    }
}

async fn load(ctx: &Ctx, actor: &Actor, id: i64, page: i64) -> Result<Shown, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let summary = stamps::order_summary(conn, &actor, id)?;
        let mut names = stamps::order_names(conn, std::slice::from_ref(&summary.order))?;
        let stamps = stamps::order_stamps(conn, &actor, id, Some(page), Some(PER_PAGE))?;
        let batches = if is_own(&actor, &summary.order) {
            stamps::activation_batches(conn, &actor, id)?
        } else {
            Vec::new()
        };
        let order = &summary.order;
        Ok(Shown {
            enterprise: names
                .enterprises
                .remove(&order.enterprise_id)
                .unwrap_or_default(),
            product: names.products.remove(&order.product_id).unwrap_or_default(),
            stamps,
            batches,
            summary,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

fn record(ctx: &Ctx, shown: &Shown) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let s = &shown.summary;
    let o = &s.order;
    html! {
        table.data #order {
            tr { th scope="row" { (t("enterprise")) } td { a href={ "/portal/enterprises/" (o.enterprise_id) } { (shown.enterprise) } } }
            tr { th scope="row" { (t("field-product")) } td { (shown.product) } }
            tr { th scope="row" { (t("field-gtin")) } td { code { (o.gtin) } } }
            tr { th scope="row" { (t("field-stamp-kind")) } td { (kind_badge(lang, &o.kind)) } }
            tr { th scope="row" { (t("field-issued-by")) } td { (o.issued_by) } }
            tr { th scope="row" { (t("field-issued-at")) } td { (messages::when(o.issued_at)) } }
            tr { th scope="row" { (t("field-resolver-host")) } td { (o.resolver_host) } }
            tr { th scope="row" { (t("stamps-issued")) } td #count-issued { (count_text(s.issued)) } }
            tr { th scope="row" { (t("stamps-activated")) } td #count-activated { (count_text(s.activated)) } }
            tr { th scope="row" { (t("stamps-revoked")) } td #count-revoked { (count_text(s.revoked)) } }
        }
    }
}

/// The optional `first_seq` and `last_seq` inputs of both forms.
fn range_fields(ctx: &Ctx, view: &FormView<'_>, quantity: i64) -> Markup {
    let hint = ctx
        .lang
        .t_args("hint-stamps-range", &[("quantity", &count_text(quantity))]);
    html! {
        (view.field(Field::new("first_seq", ctx.t("field-first-seq"), Input::Number("1")).hint(hint)))
        (view.field(Field::new("last_seq", ctx.t("field-last-seq"), Input::Number("1"))))
    }
}

fn activation(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let o = &shown.summary.order;
    let view = FormView::new(ctx, ACTIVATE, posted);
    let batches = shown
        .batches
        .iter()
        .map(|b| {
            (
                b.id.to_string(),
                format!("{} · {}", b.lot, b.production_date),
            )
        })
        .collect();
    html! {
        section aria-labelledby="activate-heading" {
            h2 #activate-heading { (ctx.t("stamps-activate")) }
            @if shown.batches.is_empty() {
                p.notice #no-batches { (ctx.t("stamps-no-batches")) }
            } @else {
                (view.form(&format!("{}/activate", path(o.id)), &ctx.t("stamps-activate"), html! {
                    (view.field(Field::new("batch_id", ctx.t("field-batch"), Input::Select(batches)).required()
                        .hint(ctx.t("hint-stamps-batch"))))
                    (range_fields(ctx, &view, o.quantity))
                }))
            }
        }
    }
}

fn revocation(ctx: &Ctx, shown: &Shown, posted: Option<&Posted>) -> Markup {
    let o = &shown.summary.order;
    let view = FormView::new(ctx, REVOKE, posted);
    html! {
        section aria-labelledby="revoke-heading" {
            h2 #revoke-heading { (ctx.t("stamps-revoke")) }
            p { (ctx.t("stamps-revoke-intro")) }
            (view.form(&format!("{}/revoke", path(o.id)), &ctx.t("stamps-revoke"), html! {
                (view.field(Field::new("reason", ctx.t("field-reason"), Input::TextArea).required()))
                (range_fields(ctx, &view, o.quantity))
            }))
        }
    }
}

fn stamp_table(ctx: &Ctx, shown: &Shown, query: &FormData) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let page = &shown.stamps;
    let here = path(shown.summary.order.id);
    let params = Params::new(&here, query);
    let at = Position {
        page: page.page,
        per_page: page.per_page,
        shown: page.items.len(),
        total: Some(page.total),
    };
    html! {
        table #stamps {
            caption { (t("stamps-caption")) }
            thead { tr {
                th scope="col" { (t("field-seq")) }
                th scope="col" { (t("field-serial")) }
                th scope="col" { (t("status")) }
                th scope="col" { (t("field-lot")) }
                th scope="col" { (t("field-activated-at")) }
                th scope="col" { (t("field-revoked-at")) }
            } }
            tbody {
                @for s in &page.items {
                    tr data-seq=(s.seq) data-serial=(s.serial) {
                        td.number { (s.seq) }
                        td { code { (s.serial) } }
                        td { (state_badge(lang, s.state)) }
                        td { (s.lot.as_deref().unwrap_or("—")) }
                        td { (s.activated_at.map(messages::when).unwrap_or_else(|| "—".into())) }
                        td { (s.revoked_at.map(messages::when).unwrap_or_else(|| "—".into())) }
                    }
                }
            }
        }
        (pager(lang, &params, &at))
    }
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    shown: &Shown,
    query: &FormData,
    posted: Option<&Posted>,
) -> Markup {
    let o = &shown.summary.order;
    let drawn = (shown.own(actor) && !shown.batches.is_empty()) || shown.issuing(actor);
    let hidden_codes = shown.issuing(actor) && o.stamp_kind() == StampKind::AntiCounterfeit;
    html! {
        h1 { (title(ctx, o.id)) }
        @if let Some(posted) = posted.filter(|_| !drawn) {
            div.error-summary role="alert" { p.error { (posted.message) } }
        }
        (record(ctx, shown))
        p {
            a #sheet href={ (path(o.id)) "/sheet.pdf" } download { (ctx.t("stamps-sheet")) }
            " " span.hint {
                (ctx.t(if hidden_codes { "stamps-sheet-hidden-codes" } else { "stamps-sheet-qr" }))
            }
        }
        @if shown.own(actor) { (activation(ctx, shown, posted)) }
        @if shown.issuing(actor) { (revocation(ctx, shown, posted)) }
        h2 { (ctx.t("stamps-caption")) }
        (stamp_table(ctx, shown, query))
        p { a href=(PATH) { "← " (ctx.t("nav-stamp-orders")) } }
    }
}

fn title(ctx: &Ctx, id: i64) -> String {
    ctx.lang
        .t_args("stamp-order-title", &[("id", &id.to_string())])
}

/// `GET /portal/stamp-orders/{id}?page=N`.
pub async fn page(
    ctx: Ctx,
    Auth(actor): Auth,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Page {
    let id = id.into_inner();
    let query = FormData::from(query.into_inner());
    let page = query
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let shown = load(&ctx, &actor, id, page).await?;
    Ok(ctx.render(&title(&ctx, id), render(&ctx, &actor, &shown, &query, None)))
}

/// Shows a refused form again on the order's page (422, 409), or a refusal page.
async fn refused(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    form: &str,
    data: FormData,
    error: ApiError,
) -> Page {
    let posted = ctx.posted(form, data, error)?;
    let shown = load(ctx, actor, id, 1).await?;
    Ok(ctx.render_status(
        posted.status,
        &title(ctx, id),
        render(ctx, actor, &shown, &FormData::default(), Some(&posted)),
    ))
}

/// The activation typed in the form.
fn activation_of(data: &FormData) -> Result<OrderActivation, ApiError> {
    Ok(OrderActivation {
        batch_id: data.required_number("batch_id")?,
        first_seq: data.number("first_seq")?,
        last_seq: data.number("last_seq")?,
    })
}

/// The revocation typed in the form.
fn revocation_of(data: &FormData) -> Result<OrderRevocation, ApiError> {
    Ok(OrderRevocation {
        reason: data.text("reason"),
        first_seq: data.number("first_seq")?,
        last_seq: data.number("last_seq")?,
    })
}

/// `POST /portal/stamp-orders/{id}/activate`: `batch_id`, optional `first_seq`, `last_seq`.
pub async fn activate(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let typed = activation_of(&data);
    let done = match typed {
        Ok(activation) => {
            let which = Activation::Order(id, activation);
            ctx.act(&actor, move |core, caller| {
                ops::stamps::activate(core, caller, &which)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-stamps-activated"))),
        Err(error) => refused(&ctx, &actor, id, ACTIVATE, data, error).await,
    }
}

/// `POST /portal/stamp-orders/{id}/revoke`: `reason`, optional `first_seq`, `last_seq`.
pub async fn revoke(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>, data: FormData) -> Page {
    let id = id.into_inner();
    let typed = revocation_of(&data);
    let done = match typed {
        Ok(revocation) => {
            let which = Revocation::Order(id, revocation);
            ctx.act(&actor, move |core, caller| {
                ops::stamps::revoke(core, caller, &which)
            })
            .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(_) => Ok(ctx.redirect(&path(id), Flash::success("flash-stamps-revoked"))),
        Err(error) => refused(&ctx, &actor, id, REVOKE, data, error).await,
    }
}

/// `GET /portal/stamp-orders/{id}/sheet.pdf`: the order's PDF sheet on the default A4 grid,
/// streamed by the API's function (hidden codes only for the issuing department); a refusal is
/// a page of the frame.
pub async fn sheet(ctx: Ctx, Auth(actor): Auth, id: web::Path<i64>) -> Page {
    let layout = SheetQuery {
        columns: None,
        rows: None,
        label_mm: None,
        gutter_mm: None,
    }
    .layout()
    .map_err(|e| ctx.refuse(e))?;
    sheet_response(ctx.state.clone(), actor, id.into_inner(), layout)
        .await
        .map_err(|e| ctx.refuse(e))
}
