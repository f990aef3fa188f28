//! An enterprise's documents (certificates, test reports, certificates of origin, licences):
//! the list, sortable and paged, with validity (expired flagged), size, content hash, link to a
//! product or batch and publication; the download of each; for the enterprise's own users, the
//! upload form (multipart, its CSRF token the first part) and publish/withdraw buttons.
//! Officers of the jurisdiction and administrators read the same page without the forms.

use actix_web::{HttpRequest, web};
use maud::{Markup, html};
use registry::RegistryError;
use registry::documents::{self, Document, DocumentType, NewDocument};
use registry::enterprises::{self, Enterprise, Status};
use registry::error::Code;
use registry::filings::Paging;
use registry::filings::batches::{self, Batch};
use registry::filings::products::{self, Product};
use registry::identity::Actor;

use super::{PER_PAGE, Tab, heading, is_own, page_number, title};
use crate::app::Auth;
use crate::error::ApiError;
use crate::http::csrf::CSRF_FIELD;
use crate::http::upload::{receive, require_own, serve};
use crate::i18n::Lang;
use crate::ops;
use crate::portal::frame::{
    Ctx, Field, Flash, FormData, FormView, Input, Page, Params, Position, Posted, Refusal, pager,
    read, sortable,
};

/// Products and batches offered by the form's pickers: the newest this many of each.
const PICKER: i64 = 500;

/// The upload form's id.
const FORM: &str = "document";
/// The id of the publish/withdraw buttons' forms, for a refusal shown above the list.
const PUBLICATION: &str = "publication";
/// What the file input offers to choose (the hub checks the content type itself).
const ACCEPT: &str = ".pdf,.ofd,.png,.jpg,.jpeg,.tif,.tiff,.webp,.xml,.json,.txt,.csv,.zip";

struct Documents {
    enterprise: Enterprise,
    list: Vec<Document>,
    total: i64,
    /// The newest products and batches (for the form's pickers) and those the page names.
    products: Vec<Product>,
    batches: Vec<Batch>,
}

async fn load(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    page: i64,
    sort: Option<String>,
) -> Result<Documents, Refusal> {
    let actor = actor.clone();
    read(&ctx.state, move |conn| {
        let enterprise = enterprises::find_enterprise(conn, &actor, id)?;
        let paging = Paging {
            page: Some(page),
            per_page: Some(PER_PAGE),
        };
        let list = documents::list_documents(conn, &actor, id, paging, sort.as_deref())?;
        let named: Vec<i64> = list.iter().filter_map(|d| d.batch_id).collect();
        let batches = batches::picker_batches(conn, &actor, id, PICKER, &named)?;
        let named: Vec<i64> = list
            .iter()
            .filter_map(|d| d.product_id)
            .chain(batches.iter().map(|b| b.product_id))
            .collect();
        Ok(Documents {
            total: documents::count_documents(conn, &actor, id)?,
            products: products::picker_products(conn, &actor, id, PICKER, &named)?,
            batches,
            list,
            enterprise,
        })
    })
    .await
    .map_err(|e| ctx.refuse(e))
}

/// A document type in the page's language.
pub fn doc_type_text(lang: Lang, doc_type: DocumentType) -> String {
    lang.t(&format!("doc-type-{}", doc_type.as_str().replace('_', "-")))
}

/// A size in bytes as people read it (B, KiB, MiB).
pub fn size_text(bytes: i64) -> String {
    #[allow(
        clippy::cast_precision_loss,
        reason = "a size shown to one decimal place"
    )]
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", b / 1024.0)
    } else {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    }
}

/// From when to when a document is valid, with "expired" (or "not yet valid") on `today` flagged.
pub fn validity(
    lang: Lang,
    today: chrono::NaiveDate,
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
) -> Markup {
    html! {
        (from) " – " (to.map(|d| d.to_string()).unwrap_or_else(|| lang.t("no-expiry")))
        @if to.is_some_and(|to| to < today) {
            " " span.badge.expired { (lang.t("document-expired")) }
        } @else if from > today {
            " " span.badge { (lang.t("document-not-yet-valid")) }
        }
    }
}

fn render(
    ctx: &Ctx,
    actor: &Actor,
    data: &Documents,
    query: &FormData,
    page: i64,
    posted: Option<&Posted>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let e = &data.enterprise;
    let own = is_own(actor, e);
    let path = Tab::Documents.path(e.id);
    let params = Params::new(&path, query);
    let at = Position {
        page,
        per_page: PER_PAGE,
        shown: data.list.len(),
        total: Some(data.total),
    };
    let product = |id: i64| {
        data.products
            .iter()
            .find(|p| p.id == id)
            .map(|p| format!("{} ({})", p.name, p.gtin))
            .unwrap_or_else(|| format!("#{id}"))
    };
    let link = |d: &Document| match (d.batch_id, d.product_id) {
        (Some(batch), _) => data
            .batches
            .iter()
            .find(|b| b.id == batch)
            .map(|b| format!("{} {} · {}", t("field-lot"), b.lot, product(b.product_id)))
            .unwrap_or_else(|| format!("#{batch}")),
        (None, Some(id)) => product(id),
        (None, None) => "—".to_owned(),
    };
    html! {
        (heading(ctx, e, Tab::Documents))
        @if let Some(posted) = posted.filter(|p| p.form == PUBLICATION) {
            div.error-summary role="alert" { p.error { (posted.message) } }
        }
        table #documents {
            caption { (t("tab-documents")) }
            thead { tr {
                (sortable(lang, &params, "doc_type", &t("field-doc-type")))
                (sortable(lang, &params, "issuer", &t("field-issuer")))
                (sortable(lang, &params, "number", &t("field-document-number")))
                (sortable(lang, &params, "valid_to", &t("field-validity")))
                (sortable(lang, &params, "size_bytes", &t("field-size")))
                th scope="col" { "SHA-256" }
                th scope="col" { (t("field-document-link")) }
                (sortable(lang, &params, "published", &t("field-published")))
                (sortable(lang, &params, "created_at", &t("field-filed-at")))
                th scope="col" { (t("document-file")) }
            } }
            tbody {
                @for d in &data.list {
                    tr data-document=(d.id) {
                        td { (doc_type_text(lang, d.doc_type)) }
                        td { (d.issuer) }
                        td { (d.number) }
                        td { (validity(lang, ctx.state.now().date(), d.valid_from, d.valid_to)) }
                        td { (size_text(d.size_bytes)) }
                        td { a href={ "/verify?sha256=" (d.sha256) } title=(d.sha256) { code { (d.sha256[..12]) "…" } } }
                        td { (link(d)) }
                        td { (publication(ctx, own, e.id, d)) }
                        td { (d.created_at.format("%Y-%m-%d %H:%M")) }
                        td { a href={ (path) "/" (d.id) "/content" } download=(d.filename) { (t("download")) } }
                    }
                }
            }
        }
        @if data.list.is_empty() && page == 1 { p.muted { (t("none-yet")) } }
        (pager(lang, &params, &at))
        @if own {
            h2 { (t("document-add")) }
            @if e.status == Status::Revoked {
                p.notice { (t("error-enterprise_revoked")) }
            } @else {
                (upload_form(ctx, data, posted))
            }
        }
    }
}

/// Whether a document is published, and for its own users the button that changes it (only
/// documents about a product or batch can be published).
fn publication(ctx: &Ctx, own: bool, enterprise: i64, d: &Document) -> Markup {
    let t = |key: &str| ctx.t(key);
    let action = format!("{}/{}/publication", Tab::Documents.path(enterprise), d.id);
    html! {
        @if d.published { span.badge.published { (t("published-yes")) } } @else { span.muted { (t("published-no")) } }
        @if own && (d.published || d.product_id.is_some()) {
            form.inline method="post" action=(action) {
                input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf());
                input type="hidden" name="published" value=(if d.published { "false" } else { "true" });
                button.secondary type="submit" {
                    (if d.published { t("document-withdraw") } else { t("document-publish") })
                }
            }
        } @else if own {
            " " span.hint { (t("publish-needs-link")) }
        }
    }
}

fn upload_form(ctx: &Ctx, data: &Documents, posted: Option<&Posted>) -> Markup {
    let t = |key: &str| ctx.t(key);
    let view = FormView::new(ctx, FORM, posted);
    let types = DocumentType::ALL
        .into_iter()
        .map(|d| (d.as_str().to_owned(), doc_type_text(ctx.lang, d)))
        .collect();
    let none = || std::iter::once((String::new(), "—".to_owned()));
    let products = none()
        .chain(
            data.products
                .iter()
                .map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.gtin))),
        )
        .collect();
    let batches = none()
        .chain(data.batches.iter().map(|b| {
            let product = data
                .products
                .iter()
                .find(|p| p.id == b.product_id)
                .map(|p| p.name.as_str())
                .unwrap_or_default();
            (b.id.to_string(), format!("{} · {product}", b.lot))
        }))
        .collect();
    view.upload_form(
        &Tab::Documents.path(data.enterprise.id),
        &t("document-add"),
        html! {
            (view.field(Field::new("doc_type", t("field-doc-type"), Input::Select(types)).required()))
            (view.field(Field::new("issuer", t("field-issuer"), Input::Text).required().hint(t("hint-issuer"))))
            (view.field(Field::new("number", t("field-document-number"), Input::Text).required()))
            (view.field(Field::new("valid_from", t("field-valid-from"), Input::Date).required()))
            (view.field(Field::new("valid_to", t("field-valid-to"), Input::Date).hint(t("hint-valid-to"))))
            (view.field(Field::new("product_id", t("field-product"), Input::Select(products)).hint(t("hint-document-product"))))
            (view.field(Field::new("batch_id", t("field-batch"), Input::Select(batches))))
            (view.field(Field::new("file", t("document-file"), Input::File(ACCEPT)).required().hint(ctx.lang.t_args(
                "hint-document-file",
                &[("size", &size_text(i64::try_from(ctx.state.config.document_store().max_bytes).unwrap_or(i64::MAX)))],
            ))))
        },
    )
}

/// `GET /portal/enterprises/{id}/documents?sort=...&page=N`.
pub async fn page(
    ctx: Ctx,
    Auth(actor): Auth,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Page {
    let query = FormData::from(query.into_inner());
    let page = page_number(&ctx, &query)?;
    let data = load(&ctx, &actor, id.into_inner(), page, query.optional("sort")).await?;
    Ok(ctx.render(
        &title(&ctx, &data.enterprise, Tab::Documents),
        render(&ctx, &actor, &data, &query, page, None),
    ))
}

/// The description typed in the form (the file's name comes from its part).
fn new_document(data: &FormData) -> Result<NewDocument, ApiError> {
    Ok(NewDocument {
        doc_type: data.choice("doc_type")?,
        issuer: data.text("issuer"),
        number: data.text("number"),
        valid_from: data.required_date("valid_from")?,
        valid_to: data.date("valid_to")?,
        product_id: data.number("product_id")?,
        batch_id: data.number("batch_id")?,
        published: false,
        filename: None,
    })
}

/// `POST /portal/enterprises/{id}/documents` (multipart): files the document through the
/// API's audited filing. The CSRF middleware has checked the token (the first part) before
/// this reads anything; another enterprise's page is 404 before the file is received; a file
/// over `documents.max_bytes` is a 413 page.
pub async fn upload(
    ctx: Ctx,
    Auth(actor): Auth,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Page {
    let id = id.into_inner();
    require_own(&actor, id).map_err(|e| ctx.refuse(e))?;
    let received = receive(&ctx.state, &req, payload)
        .await
        .map_err(|e| ctx.refuse(e))?;
    let data = FormData::from(received.fields);
    let filed = match (new_document(&data), received.file) {
        (Err(error), _) => Err(error),
        (Ok(_), None) => {
            Err(RegistryError::invalid(Code::Required, "file", "choose a file").into())
        }
        (Ok(mut new), Some((staged, part_type, part_name))) => {
            new.filename = part_name;
            match documents::content_type(part_type.as_deref()) {
                // The content type is the file's: its error belongs next to the file input.
                Err(error) => Err(ApiError::from(error).with_field("file")),
                Ok(content_type) => {
                    ctx.act(&actor, move |core, caller| {
                        ops::documents::file(core, caller, id, &new, &content_type, staged)
                    })
                    .await
                }
            }
        }
    };
    match filed {
        Ok(_) => Ok(ctx.redirect(
            &Tab::Documents.path(id),
            Flash::success("flash-document-filed"),
        )),
        Err(error) => {
            let posted = ctx.posted(FORM, data, error)?;
            let loaded = load(&ctx, &actor, id, 1, None).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &loaded.enterprise, Tab::Documents),
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

/// `GET /portal/enterprises/{id}/documents/{document_id}/content`: the bytes, as the API
/// serves them (type, name, hash as `ETag`); a document of another enterprise is 404.
pub async fn content(ctx: Ctx, Auth(actor): Auth, path: web::Path<(i64, i64)>) -> Page {
    let (id, document_id) = path.into_inner();
    let store = ctx.state.config.document_store();
    let (document, bytes) = read(&ctx.state, move |conn| {
        let document = documents::find_document(conn, &actor, document_id)?;
        if document.enterprise_id != id {
            return Err(RegistryError::NotFound { entity: "document" });
        }
        let bytes = documents::document_content(conn, &store, &document)?;
        Ok((document, bytes))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    Ok(serve(&document, bytes))
}

/// `POST /portal/enterprises/{id}/documents/{document_id}/publication` (`published=true` or
/// `false`): publishes the document on its product page or withdraws it, through the API's
/// audited function.
pub async fn publish(
    ctx: Ctx,
    Auth(actor): Auth,
    path: web::Path<(i64, i64)>,
    data: FormData,
) -> Page {
    let (id, document_id) = path.into_inner();
    require_own(&actor, id).map_err(|e| ctx.refuse(e))?;
    let outcome = match data.text("published").as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::from(RegistryError::invalid(
            Code::InvalidChoice,
            "published",
            "true or false",
        ))),
    };
    let done = match outcome {
        Ok(published) => ctx
            .act(&actor, move |core, caller| {
                ops::documents::set_published(core, caller, document_id, published)
            })
            .await
            .map(|d| d.published),
        Err(error) => Err(error),
    };
    match done {
        Ok(published) => Ok(ctx.redirect(
            &Tab::Documents.path(id),
            Flash::success(if published {
                "flash-document-published"
            } else {
                "flash-document-withdrawn"
            }),
        )),
        Err(error) => {
            let posted = ctx.posted(PUBLICATION, data, error)?;
            let loaded = load(&ctx, &actor, id, 1, None).await?;
            Ok(ctx.render_status(
                posted.status,
                &title(&ctx, &loaded.enterprise, Tab::Documents),
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
