//! `GET /recalls`: the open recalls for anyone (no sign-in), newest first, each at its anchor
//! `#case-N` (the resolver's page and linkset of a recalled stamp link there) with what to do
//! and where to return the product; and the consumers' complaint form (a stamp, or a GTIN and
//! lot; a description, a contact, optionally a photo), posted as multipart with the
//! pre-session CSRF token first and filed through `ops::recalls::complain`, the operation
//! behind `POST /api/v1/public/complaints`: it reaches the competent department as an alert.

use actix_web::{HttpRequest, web};
use maud::{Markup, html};
use registry::filings::Paging;
use registry::recalls::{self, NewComplaint, PublicRecall};

use super::class_badge;
use crate::error::ApiError;
use crate::http::upload::receive_named;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Params, Position, Posted, messages, pager,
    read,
};

/// Where the public page is.
pub const PATH: &str = "/recalls";
/// Where the complaint form posts (and the form alone, where a filed complaint is thanked).
pub const COMPLAINT_PATH: &str = "/portal/complaints";
/// The complaint form's id.
const COMPLAINT: &str = "complaint";
const PER_PAGE: i64 = 20;

fn recall(ctx: &Ctx, r: &PublicRecall) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    html! {
        article.card.recall id={ "case-" (r.id) } data-case=(r.id) {
            h2 { (r.title) " " (class_badge(lang, &r.hazard_class)) }
            dl.facts {
                dt { (t("recall-reason")) } dd { (r.reason) }
                dt { (t("recall-consumer-tip")) } dd.consumer-tip { strong { (r.consumer_tip) } }
                dt { (t("recall-return-to")) } dd { (r.return_to) }
                @if let Some(at) = r.opened_at { dt { (t("recall-opened-at")) } dd { (messages::when(at)) } }
            }
            @if !r.lots.is_empty() {
                table.lots {
                    thead { tr {
                        th scope="col" { (t("field-product")) }
                        th scope="col" { (t("field-gtin")) }
                        th scope="col" { (t("field-lot")) }
                    } }
                    tbody {
                        @for l in &r.lots {
                            tr { td { (l.product) } td { code { (l.gtin) } } td { (l.lot) } }
                        }
                    }
                }
            }
        }
    }
}

/// The complaint form.
fn complaint_form(ctx: &Ctx, posted: Option<&Posted>) -> Markup {
    let view = FormView::new(ctx, COMPLAINT, posted);
    let t = |key: &str| ctx.t(key);
    html! {
        section #complain aria-labelledby="complaint-heading" {
            h2 #complaint-heading { (t("complaint-title")) }
            p { (t("complaint-intro")) }
            (view.upload_form(COMPLAINT_PATH, &t("complaint-submit"), html! {
                (view.field(Field::new("stamp", t("complaint-stamp"), Input::Text).hint(t("hint-complaint-stamp"))))
                (view.field(Field::new("gtin", t("field-gtin"), Input::Text)))
                (view.field(Field::new("lot", t("field-lot"), Input::Text)))
                (view.field(Field::new("description", t("complaint-description"), Input::TextArea).required()))
                (view.field(Field::new("contact", t("complaint-contact"), Input::Text).required().hint(t("hint-complaint-contact"))))
                (view.field(Field::new("photo", t("complaint-photo"), Input::File("image/jpeg,image/png")).hint(t("hint-complaint-photo"))))
            }))
        }
    }
}

async fn list(ctx: &Ctx, page: i64) -> Result<Vec<PublicRecall>, ApiError> {
    let paging = Paging {
        page: Some(page),
        per_page: Some(PER_PAGE),
    };
    read(&ctx.state, move |conn| {
        recalls::public_recalls(conn, paging)
    })
    .await
}

fn render(
    ctx: &Ctx,
    data: &FormData,
    page: i64,
    rows: &[PublicRecall],
    posted: Option<&Posted>,
) -> Markup {
    let t = |key: &str| ctx.t(key);
    let params = Params::new(PATH, data);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: rows.len(),
        total: None,
    };
    html! {
        h1 { (t("public-recalls-title")) }
        p { (t("public-recalls-intro")) }
        div #public-recalls {
            @for r in rows { (recall(ctx, r)) }
        }
        @if rows.is_empty() { p.muted #no-recalls { (t("public-recalls-none")) } }
        (pager(ctx.lang, &params, &at))
        (complaint_form(ctx, posted))
    }
}

/// `GET /recalls?page=N`.
pub async fn page(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let data = FormData::from(query.into_inner());
    let page = data
        .number::<i64>("page")
        .map_err(|e| ctx.refuse(e))?
        .unwrap_or(1);
    let rows = list(&ctx, page).await.map_err(|e| ctx.refuse(e))?;
    Ok(ctx.render(
        &ctx.t("public-recalls-title"),
        render(&ctx, &data, page, &rows, None),
    ))
}

/// `GET /portal/complaints`: the complaint form alone (where a filed complaint is thanked).
pub async fn complaint_page(ctx: Ctx) -> Page {
    let body = html! {
        (complaint_form(&ctx, None))
        p { a href=(PATH) { "← " (ctx.t("public-recalls-title")) } }
    };
    Ok(ctx.render(&ctx.t("complaint-title"), body))
}

/// `POST /portal/complaints` (multipart, the CSRF token first): `stamp`, `gtin`, `lot`,
/// `description`, `contact`, `photo`.
pub async fn complain(req: HttpRequest, ctx: Ctx, payload: web::Payload) -> Page {
    let received = receive_named(&ctx.state, &req, payload, "photo")
        .await
        .map_err(|e| ctx.refuse(e))?;
    let data = FormData::from(received.fields);
    let new = NewComplaint {
        stamp: data.text("stamp"),
        gtin: data.text("gtin"),
        lot: data.text("lot"),
        description: data.text("description"),
        contact: data.text("contact"),
    };
    let photo = received.file.map(|(staged, _, _)| staged);
    let client_hash = ctx.state.client_hash(&ctx.state.client_address(&req));
    let (state, request) = (ctx.state.clone(), ctx.request());
    let filed = crate::error::blocking(move || {
        ops::recalls::complain(&state, &request, &new, photo, &client_hash)
    })
    .await;
    match filed {
        Ok(_) => Ok(ctx.redirect(COMPLAINT_PATH, Flash::success("flash-complaint-filed"))),
        Err(error) => {
            let posted = ctx.posted(COMPLAINT, data, error)?;
            let rows = list(&ctx, 1).await.map_err(|e| ctx.refuse(e))?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("public-recalls-title"),
                render(&ctx, &FormData::default(), 1, &rows, Some(&posted)),
            ))
        }
    }
}
