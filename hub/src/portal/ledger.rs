//! `/ledger`: the evidence ledger for customs and inspectors (no sign-in). Anyone pastes a
//! SHA-256, or drops a file that the hub hashes (and does not keep), and sees whether the
//! content is in the tamper-evident log: its position, who filed it and when, the signed tree
//! head it is checked against and the audit path from the leaf to that head's root (checked by
//! the hub, and linked as JSON to be checked independently with the key at `/ledger/key`).
//! Same frame and forms as `/verify`, which shows the document's own facts.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use maud::{Markup, html};
use registry::RegistryError;
use registry::error::Code;
use registry::ledger::{self, LeafKind, SignedHead};

use super::enterprise::documents::size_text;
use super::frame::messages::when;
use super::frame::{Ctx, Field, FormData, FormView, Input, Page, Posted, read};
use crate::http::upload::hash_multipart;
use crate::ops::ledger::{LedgerVerification, verify};

/// Where the page is.
pub const PATH: &str = "/ledger";
/// Where its file form posts: under `/portal`, where the pre-session CSRF cookie is sent.
pub const UPLOAD_PATH: &str = "/portal/ledger";
const BY_HASH: &str = "ledger-hash";
const BY_FILE: &str = "ledger-file";

/// The ledger as it stands: its size and latest head.
struct State {
    leaves: u64,
    head: Option<SignedHead>,
}

fn kind_text(ctx: &Ctx, kind: LeafKind) -> String {
    ctx.t(&format!("ledger-kind-{}", kind.as_str()))
}

fn head_table(ctx: &Ctx, head: &SignedHead) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        table.data #ledger-head data-tree-size=(head.tree_size) {
            tbody {
                tr { th scope="row" { (t("ledger-tree-size")) } td { (head.tree_size) } }
                tr { th scope="row" { (t("ledger-root-hash")) } td { code { (head.root_hash) } } }
                tr { th scope="row" { (t("ledger-signed-at")) } td { (when(head.timestamp)) } }
                tr { th scope="row" { (t("ledger-key-id")) } td { a href="/ledger/key" { code { (head.key_id) } } } }
                tr { th scope="row" { (t("ledger-signature")) } td { code.wrap { (head.signature) } } }
            }
        }
    }
}

fn found(ctx: &Ctx, v: &LedgerVerification) -> Markup {
    let t = |key: &str| ctx.t(key);
    html! {
        section #ledger-result data-found="true" data-leaf-index=[v.leaf_index] data-verified=(v.proof_verified) {
            h2 { (t("ledger-result")) }
            table.data {
                tbody {
                    tr { th scope="row" { (t("field-sha256")) } td { code { (v.sha256) } " " a href={ "/verify?sha256=" (v.sha256) } { (t("ledger-document-details")) } } }
                    tr { th scope="row" { (t("ledger-leaf-index")) } td { @if let Some(i) = v.leaf_index { (i) } } }
                    tr { th scope="row" { (t("ledger-kind")) } td { @if let Some(k) = v.kind { (kind_text(ctx, k)) } } }
                    tr { th scope="row" { (t("ledger-filed-by")) } td { @if let Some(by) = &v.filed_by { (by) } } }
                    tr { th scope="row" { (t("ledger-filed-at")) } td { @if let Some(at) = v.filed_at { (when(at)) } } }
                    tr { th scope="row" { (t("ledger-leaf-hash")) } td { @if let Some(h) = &v.leaf_hash { code { (h) } } } }
                }
            }
            @match (&v.head, &v.proof) {
                (Some(head), Some(proof)) => {
                    h3 { (t("ledger-head")) }
                    (head_table(ctx, head))
                    h3 { (t("ledger-proof")) }
                    @if v.proof_verified {
                        p { span.badge.valid { "✓" } " " (t("ledger-proof-verified")) }
                    } @else {
                        p.notice role="status" { (t("ledger-proof-failed")) }
                    }
                    ol #ledger-proof {
                        @for hash in proof { li { code { (hash) } } }
                    }
                    @if let Some(index) = v.leaf_index {
                        p.muted {
                            (t("ledger-check-yourself")) " "
                            a href={ "/ledger/proof/inclusion?leaf_index=" (index) "&tree_size=" (head.tree_size) } { (t("ledger-proof")) } " · "
                            a href={ "/ledger/heads/" (head.tree_size) } { (t("ledger-head")) } " · "
                            a href="/ledger/key" { (t("ledger-key-id")) }
                        }
                    }
                },
                _ => {
                    p.notice role="status" #ledger-pending { (t("ledger-pending")) }
                },
            }
        }
    }
}

fn render(
    ctx: &Ctx,
    state: Option<&State>,
    outcome: Option<&LedgerVerification>,
    posted: Option<&Posted>,
) -> Markup {
    let lang = ctx.lang;
    let t = |key: &str| ctx.t(key);
    let by_hash = FormView::new(ctx, BY_HASH, posted);
    let by_file = FormView::new(ctx, BY_FILE, posted);
    let max = i64::try_from(ctx.state.config.document_store().max_bytes).unwrap_or(i64::MAX);
    html! {
        h1 { (t("ledger-title")) }
        p { (t("ledger-intro")) }
        @if let Some(state) = state {
            p.muted #ledger-state {
                @match &state.head {
                    Some(head) => (lang.t_args("ledger-state", &[
                        ("leaves", &state.leaves.to_string()),
                        ("size", &head.tree_size.to_string()),
                        ("time", &when(head.timestamp)),
                    ])),
                    None => (t("ledger-state-empty")),
                }
            }
        }
        div.actions {
            (by_hash.get_form(PATH, &t("ledger-by-hash"), html! {
                (by_hash.field(Field::new("sha256", t("field-sha256"), Input::Text).required().hint(t("hint-sha256"))))
            }))
            (by_file.upload_form(UPLOAD_PATH, &t("ledger-by-file"), html! {
                (by_file.field(Field::new("file", t("document-file"), Input::File("")).required()
                    .hint(lang.t_args("hint-verify-file", &[("size", &size_text(max))]))))
            }))
        }
        @match outcome {
            Some(v) if v.found => (found(ctx, v)),
            Some(v) => {
                section #ledger-result data-found="false" {
                    h2 { (t("ledger-result")) }
                    p { code { (v.sha256) } }
                    p.notice role="status" { (t("ledger-none")) }
                    @if let Some(head) = &v.head {
                        p.muted { (t("ledger-none-head")) }
                        (head_table(ctx, head))
                    }
                }
            },
            None => {},
        }
    }
}

fn state(conn: &mut registry::db::DbConn) -> registry::Result<State> {
    Ok(State {
        leaves: ledger::size(conn)?,
        head: ledger::latest_head(conn)?,
    })
}

/// `GET /ledger?sha256=...`: the forms, and what the ledger holds for the hash when one is
/// given (404 with "not in the ledger" when nothing; a malformed hash is shown at its field).
pub async fn page(ctx: Ctx, query: web::Query<Vec<(String, String)>>) -> Page {
    let query = FormData::from(query.into_inner());
    let title = ctx.t("ledger-title");
    let asked = query.optional("sha256");
    let answer = read(&ctx.state, move |conn| {
        let now = state(conn)?;
        let verification = asked.map(|hash| verify(conn, &hash, None)).transpose();
        Ok((now, verification))
    })
    .await
    .map_err(|e| ctx.refuse(e))?;
    match answer {
        (now, Ok(None)) => Ok(ctx.render(&title, render(&ctx, Some(&now), None, None))),
        (now, Ok(Some(v))) => {
            let status = if v.found {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            Ok(ctx.render_status(status, &title, render(&ctx, Some(&now), Some(&v), None)))
        }
        (now, Err(error)) => {
            let posted = ctx.posted(BY_HASH, query, error.into())?;
            Ok(ctx.render_status(
                posted.status,
                &title,
                render(&ctx, Some(&now), None, Some(&posted)),
            ))
        }
    }
}

/// `POST /portal/ledger` (multipart, the CSRF token first): hashes the uploaded file and shows
/// what the ledger holds for it (303 to `/ledger?sha256=...`).
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
                &ctx.t("ledger-title"),
                render(&ctx, None, None, Some(&posted)),
            ))
        }
        Err(error) => Err(ctx.refuse(error)),
    }
}
