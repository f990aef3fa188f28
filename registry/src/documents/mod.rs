//! Documents an enterprise files: certificates, test reports, certificates of origin, licences.
//! Each has a type, issuer, number and validity, may be linked to one of the enterprise's
//! products or batches, and carries its content by SHA-256 (see [`store`]).
//!
//! Who sees what: the enterprise its own, a department those in its jurisdiction,
//! administrators all; the public only published ones (the enterprise publishes a document
//! linked to a product or batch, for the product page), and anyone may ask whether a content
//! hash is on file ([`verify`]), which answers the facts without the bytes.
//!
//! Only the types in [`CONTENT_TYPES`] are accepted (PDF, OFD, images, XML, JSON, text, CSV, ZIP,
//! octet-stream): published documents are served from the hub's own origin, so nothing a browser
//! would run. A refused or failed upload leaves no row and no referenced file, and a file of the
//! directory store is checked against its hash whenever it is read ([`store`]).
//!
//! Every content filed is in the evidence ledger ([`crate::ledger`]): its hash is appended in
//! the transaction that files it, once per content (filing the same bytes again adds no leaf),
//! filed by the enterprise's credit code and name.

mod read;
pub mod store;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::enterprises::{Status, own_enterprise, text};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::Actor;
use crate::ledger::{self, LeafInput, LeafKind};
use crate::schema::{batches, documents, products};

pub use read::{
    Verification, VerifiedDocument, count_documents, document_content, find_document,
    list_documents, published_content, published_documents_for_batch,
    published_documents_for_product, verify,
};
pub use store::{DocumentStore, StageError, Staged, Stager, Storage};

/// What kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Certificate,
    TestReport,
    CertificateOfOrigin,
    Licence,
}

impl DocumentType {
    /// Every type.
    pub const ALL: [DocumentType; 4] = [
        DocumentType::Certificate,
        DocumentType::TestReport,
        DocumentType::CertificateOfOrigin,
        DocumentType::Licence,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Certificate => "certificate",
            DocumentType::TestReport => "test_report",
            DocumentType::CertificateOfOrigin => "certificate_of_origin",
            DocumentType::Licence => "licence",
        }
    }

    /// Parses a stored or submitted name; `field` names it in the error.
    pub fn parse(s: &str, field: &str) -> Result<Self> {
        DocumentType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                RegistryError::invalid(
                    Code::InvalidDocumentType,
                    field,
                    format!(
                        "{s:?} is not certificate, test_report, certificate_of_origin or licence"
                    ),
                )
            })
    }
}

/// Content types accepted: documents, scans and data; nothing a browser would run (no HTML,
/// no SVG), since published documents are served from the hub's own origin.
pub const CONTENT_TYPES: &[&str] = &[
    "application/pdf",
    "application/ofd",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "image/webp",
    "application/xml",
    "text/xml",
    "application/json",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/octet-stream",
];

/// What describes a document beside its bytes.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    pub doc_type: DocumentType,
    /// Who issued it (a laboratory, a certification body, an authority).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    #[param(min_length = 1, max_length = 200, pattern = r"\S")]
    pub issuer: String,
    /// Its number as the issuer wrote it.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    #[param(min_length = 1, max_length = 100, pattern = r"\S")]
    pub number: String,
    pub valid_from: NaiveDate,
    /// None for no expiry.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// One of the enterprise's products it is about.
    #[serde(default)]
    pub product_id: Option<i64>,
    /// One of the enterprise's batches it is about (its product is then implied).
    #[serde(default)]
    pub batch_id: Option<i64>,
    /// Shown to the public on the product page (needs a product or batch).
    #[serde(default)]
    pub published: bool,
    /// The file's name, for downloads (default `document`).
    #[serde(default)]
    pub filename: Option<String>,
}

/// A document on file (its bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: i64,
    pub enterprise_id: i64,
    /// The enterprise's GS1 company prefix ("" when it has none): the future shard key.
    pub company_prefix: String,
    pub doc_type: DocumentType,
    pub issuer: String,
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub product_id: Option<i64>,
    pub batch_id: Option<i64>,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub filename: String,
    pub published: bool,
    pub uploaded_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub updated_at: NaiveDateTime,
    #[serde(skip)]
    storage: Storage,
}

impl Document {
    /// Whether it is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// Checks a submitted content type against [`CONTENT_TYPES`] (parameters such as `charset`
/// are dropped); none given is `application/octet-stream`.
pub fn content_type(value: Option<&str>) -> Result<String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok("application/octet-stream".into());
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if CONTENT_TYPES.contains(&essence.as_str()) {
        Ok(essence)
    } else {
        Err(RegistryError::invalid(
            Code::UnsupportedContentType,
            "content_type",
            format!(
                "{essence:?} is not accepted: use one of {}",
                CONTENT_TYPES.join(", ")
            ),
        ))
    }
}

/// A file name reduced to its last component, without control characters or quotes, at most
/// 200 characters; `document` when nothing is left.
pub(crate) fn filename(name: Option<&str>) -> String {
    let base = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let clean = clean.trim().to_owned();
    if clean.is_empty() || clean == "." || clean == ".." {
        "document".into()
    } else {
        clean
    }
}

/// Validates the description against the enterprise's products and batches; returns the
/// product the document is about (a batch implies its product).
fn check(conn: &mut DbConn, enterprise_id: i64, new: &NewDocument) -> Result<Option<i64>> {
    text("issuer", &new.issuer, 200)?;
    text("number", &new.number, 100)?;
    if new.valid_to.is_some_and(|to| to < new.valid_from) {
        return Err(RegistryError::invalid(
            Code::InvalidValidity,
            "valid_to",
            "must not be before valid_from",
        ));
    }
    let mut product = new.product_id;
    if let Some(batch_id) = new.batch_id {
        let of_batch = batches::table
            .find(batch_id)
            .filter(batches::enterprise_id.eq(enterprise_id))
            .select(batches::product_id)
            .first::<i64>(conn)
            .optional()?
            .ok_or_else(|| {
                RegistryError::invalid(Code::UnknownBatch, "batch_id", "no such batch of yours")
            })?;
        if product.is_some_and(|p| p != of_batch) {
            return Err(RegistryError::invalid(
                Code::BatchNotOfProduct,
                "batch_id",
                format!("the batch is of product {of_batch}"),
            ));
        }
        product = Some(of_batch);
    } else if let Some(product_id) = product {
        let mine: i64 = products::table
            .find(product_id)
            .filter(products::enterprise_id.eq(enterprise_id))
            .count()
            .get_result(conn)?;
        if mine == 0 {
            return Err(RegistryError::invalid(
                Code::UnknownProduct,
                "product_id",
                "no such product of yours",
            ));
        }
    }
    if new.published && product.is_none() {
        return Err(RegistryError::invalid(
            Code::PublishNeedsProduct,
            "published",
            "only a document about a product or batch can be published (on its product page)",
        ));
    }
    Ok(product)
}

/// Files a document for the actor's own enterprise (not revoked): validates the description,
/// places the staged content, writes the row and appends its hash to the evidence ledger (once
/// per content), in the caller's transaction.
#[allow(
    clippy::too_many_arguments,
    reason = "who, when, for whom, and the upload's parts"
)]
pub fn file_document(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    enterprise_id: i64,
    new: &NewDocument,
    content_type: &str,
    staged: Staged,
    store: &DocumentStore,
) -> Result<Document> {
    let enterprise = own_enterprise(conn, actor, enterprise_id)?;
    if enterprise.status == Status::Revoked {
        return Err(RegistryError::conflict(
            Code::EnterpriseRevoked,
            "a revoked enterprise cannot file documents",
        ));
    }
    let product = check(conn, enterprise_id, new)?;
    if staged.size() == 0 {
        return Err(RegistryError::invalid(
            Code::EmptyDocument,
            "file",
            "the document is empty",
        ));
    }
    let (sha256, size) = (staged.sha256().to_owned(), staged.size());
    let filer = ledger::document_filer(&enterprise.credit_code, &enterprise.name);
    let storage = store.place(conn, staged)?;
    let id = diesel::insert_into(documents::table)
        .values((
            documents::enterprise_id.eq(enterprise_id),
            documents::company_prefix.eq(enterprise.company_prefix.unwrap_or_default()),
            documents::doc_type.eq(new.doc_type.as_str()),
            documents::issuer.eq(new.issuer.trim()),
            documents::number.eq(new.number.trim()),
            documents::valid_from.eq(new.valid_from),
            documents::valid_to.eq(new.valid_to),
            documents::product_id.eq(product),
            documents::batch_id.eq(new.batch_id),
            documents::sha256.eq(&sha256),
            documents::size_bytes.eq(i64::try_from(size).unwrap_or(i64::MAX)),
            documents::content_type.eq(content_type),
            documents::filename.eq(filename(new.filename.as_deref())),
            documents::storage.eq(storage.as_str()),
            documents::published.eq(new.published),
            documents::uploaded_by.eq(actor.audit_name()),
            documents::created_at.eq(now),
            documents::updated_at.eq(now),
        ))
        .returning(documents::id)
        .get_result::<i64>(conn)?;
    ledger::append(
        conn,
        now,
        &LeafInput {
            sha256: &sha256,
            kind: LeafKind::Document,
            filed_by: &filer,
        },
    )?;
    read::load(conn, id)
}

/// Publishes or withdraws a document of the actor's own enterprise.
pub fn set_published(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    published: bool,
) -> Result<Document> {
    let document = read::load(conn, id)?;
    own_enterprise(conn, actor, document.enterprise_id)
        .map_err(|_| RegistryError::NotFound { entity: "document" })?;
    if published && document.product_id.is_none() {
        return Err(RegistryError::invalid(
            Code::PublishNeedsProduct,
            "published",
            "only a document about a product or batch can be published (on its product page)",
        ));
    }
    diesel::update(documents::table.find(id))
        .set((
            documents::published.eq(published),
            documents::updated_at.eq(now),
        ))
        .execute(conn)?;
    read::load(conn, id)
}

#[cfg(test)]
mod tests;
