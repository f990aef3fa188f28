//! `/verify`: the public verification of a document, for customs, inspectors and buyers (no
//! sign-in). Anyone enters a SHA-256, or uploads a file that the hub hashes (and does not
//! keep), and sees what is on file for that content: type, issuer, number, validity and the
//! enterprise that filed it, or that there is no such document. The bytes can be downloaded
//! only when the enterprise published the document, as `GET /api/v1/public/documents/{sha256}`
//! rules.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use registry::RegistryError;
use registry::documents::{self, Verification};
use registry::error::Code;

use super::enterprise::documents::{doc_type_text, size_text, validity};
use super::frame::{Ctx, Field, FormData, FormView, Input, Page, Posted, read};
use crate::http::upload::hash_multipart;

/// Where the page is.
pub const PATH: &str = "/verify";
/// Where its file form posts: under `/portal`, where the pre-session CSRF cookie is sent.
pub const UPLOAD_PATH: &str = "/portal/verify";
/// The form that takes a hash.
const BY_HASH: &str = "verify-hash";
/// The form that takes a file.
const BY_FILE: &str = "verify-file";

/// What the page shows under its forms.
enum Outcome<'a> {
    Nothing,
    Found(&'a Verification),
    Unknown(&'a str),
}

fn render(ctx: &Ctx, outcome: Outcome<'_>, posted: Option<&Posted>) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let by_hash = FormView::new(ctx, BY_HASH, posted);
    let by_file = FormView::new(ctx, BY_FILE, posted);
    let max = i64::try_from(ctx.state.config.document_store().max_bytes).unwrap_or(i64::MAX);
    html! {
        h1 { (t("verify-title")) }
        p { (t("verify-intro")) }
        div.actions {
            (by_hash.get_form(PATH, &t("verify-by-hash"), html! {
                (by_hash.field(Field::new("sha256", t("field-sha256"), Input::Text).required().hint(t("hint-sha256"))))
            }))
            (by_file.upload_form(UPLOAD_PATH, &t("verify-by-file"), html! {
                (by_file.field(Field::new("file", t("document-file"), Input::File("")).required()
                    .hint(lang.t_args("hint-verify-file", &[("size", &size_text(max))]))))
            }))
        }
        @match outcome {
            Outcome::Nothing => {},
            Outcome::Unknown(hash) => {
                section #verification data-found="false" {
                    h2 { (t("verify-result")) }
                    p { code { (hash) } }
                    p.notice role="status" { (t("verify-none")) }
                }
            },
            Outcome::Found(v) => {
                section #verification data-found="true" {
                    h2 { (t("verify-result")) }
                    p {
                        code { (v.sha256) } " "
                        a href={ "/ledger?sha256=" (v.sha256) } { (t("verify-in-ledger")) }
                    }
                    table {
                        thead { tr {
                            th scope="col" { (t("field-doc-type")) }
                            th scope="col" { (t("field-issuer")) }
                            th scope="col" { (t("field-document-number")) }
                            th scope="col" { (t("field-validity")) }
                            th scope="col" { (t("enterprise")) }
                            th scope="col" { (t("field-filed-at")) }
                            th scope="col" { (t("document-file")) }
                        } }
                        tbody {
                            @for d in &v.documents {
                                tr {
                                    td { (doc_type_text(lang, d.doc_type)) }
                                    td { (d.issuer) }
                                    td { (d.number) }
                                    td {
                                        (validity(lang, ctx.state.now().date(), d.valid_from, d.valid_to))
                                        @if d.valid { " " span.badge.valid { (t("document-valid")) } }
                                    }
                                    td { (d.enterprise_name) br; span.muted { (d.credit_code) } }
                                    td { (d.filed_at.format("%Y-%m-%d")) }
                                    td {
                                        @if d.published {
                                            a href={ "/api/v1/public/documents/" (v.sha256) "/content" } { (t("download")) }
                                        } @else {
                                            span.muted { (t("verify-not-published")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        }
    }
}

/// `GET /verify?sha256=...`: the forms, and what is on file for the hash when one is given
/// (404 with "no such document" when nothing is; a malformed hash is shown at its field).
pub async fn page(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let query = FormData::from(query.into_inner());
    let title = ctx.t("verify-title");
    let Some(hash) = query.optional("sha256") else {
        return Ok(ctx.render(&title, render(&ctx, Outcome::Nothing, None)));
    };
    let today = ctx.state.now().date();
    let asked = hash.clone();
    match read(&ctx.state, move |conn| {
        documents::verify(conn, &asked, today)
    })
    .await
    {
        Ok(found) => Ok(ctx.render(&title, render(&ctx, Outcome::Found(&found), None))),
        Err(error) if error.status() == StatusCode::NOT_FOUND => {
            let hash = hash.to_ascii_lowercase();
            Ok(ctx.render_status(
                StatusCode::NOT_FOUND,
                &title,
                render(&ctx, Outcome::Unknown(&hash), None),
            ))
        }
        Err(error) => {
            let posted = ctx.posted(BY_HASH, query, error)?;
            Ok(ctx.render_status(
                posted.status,
                &title,
                render(&ctx, Outcome::Nothing, Some(&posted)),
            ))
        }
    }
}

/// `POST /portal/verify` (multipart, the CSRF token first): hashes the uploaded file and shows what
/// is on file for it (303 to `/verify?sha256=...`).
pub async fn by_file(ctx: Ctx, req: HttpRequest, payload: web::Payload) -> Page {
    let limit = ctx.state.config.document_store().max_bytes;
    match hash_multipart(&req, payload, limit).await.map(|h| h.sha256) {
        Ok(Some(hash)) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{PATH}?sha256={hash}")))
            .finish()),
        Ok(None) => {
            let error = RegistryError::invalid(Code::Required, "file", "choose a file").into();
            let posted = ctx.posted(BY_FILE, FormData::default(), error)?;
            Ok(ctx.render_status(
                posted.status,
                &ctx.t("verify-title"),
                render(&ctx, Outcome::Nothing, Some(&posted)),
            ))
        }
        Err(error) => Err(ctx.refuse(error)),
    }
}
