//! Reading documents: scoped to the actor, published ones for the public, and verification of
//! a content hash.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::store::{DocumentStore, Storage};
use super::{Document, DocumentType};
use crate::db::DbConn;
use crate::enterprises::find_enterprise;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Actor;
use crate::schema::{batches, documents, enterprises};

type Row = (
    (i64, i64, String, String, String, String, NaiveDate),
    (
        Option<NaiveDate>,
        Option<i64>,
        Option<i64>,
        String,
        i64,
        String,
    ),
    (String, String, bool, String, NaiveDateTime, NaiveDateTime),
);

type Columns = (
    (
        documents::id,
        documents::enterprise_id,
        documents::company_prefix,
        documents::doc_type,
        documents::issuer,
        documents::number,
        documents::valid_from,
    ),
    (
        documents::valid_to,
        documents::product_id,
        documents::batch_id,
        documents::sha256,
        documents::size_bytes,
        documents::content_type,
    ),
    (
        documents::filename,
        documents::storage,
        documents::published,
        documents::uploaded_by,
        documents::created_at,
        documents::updated_at,
    ),
);

const COLUMNS: Columns = (
    (
        documents::id,
        documents::enterprise_id,
        documents::company_prefix,
        documents::doc_type,
        documents::issuer,
        documents::number,
        documents::valid_from,
    ),
    (
        documents::valid_to,
        documents::product_id,
        documents::batch_id,
        documents::sha256,
        documents::size_bytes,
        documents::content_type,
    ),
    (
        documents::filename,
        documents::storage,
        documents::published,
        documents::uploaded_by,
        documents::created_at,
        documents::updated_at,
    ),
);

fn from_row(row: Row) -> Result<Document> {
    let (
        (id, enterprise_id, company_prefix, doc_type, issuer, number, valid_from),
        (valid_to, product_id, batch_id, sha256, size_bytes, content_type),
        (filename, storage, published, uploaded_by, created_at, updated_at),
    ) = row;
    let storage = Storage::from_stored(&storage)?;
    Ok(Document {
        id,
        enterprise_id,
        company_prefix,
        doc_type: DocumentType::parse(&doc_type, "doc_type")?,
        issuer,
        number,
        valid_from,
        valid_to,
        product_id,
        batch_id,
        sha256,
        size_bytes,
        content_type,
        filename,
        published,
        uploaded_by,
        created_at,
        updated_at,
        storage,
    })
}

/// A document by id, whoever asks (for the registry's own use).
pub(super) fn load(conn: &mut DbConn, id: i64) -> Result<Document> {
    documents::table
        .find(id)
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "document" })
        .and_then(from_row)
}

/// A document as `actor` may see it: the enterprise its own (others' do not exist for it),
/// officers within their jurisdiction (else 403 `outside_jurisdiction`), administrators all.
pub fn find_document(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Document> {
    let document = load(conn, id)?;
    match find_enterprise(conn, actor, document.enterprise_id) {
        Ok(_) => Ok(document),
        Err(RegistryError::NotFound { .. }) => Err(RegistryError::NotFound { entity: "document" }),
        Err(other) => Err(other),
    }
}

type Boxed = documents::BoxedQuery<'static, <DbConn as Connection>::Backend>;

/// Orders `query` by `sort`: `created_at` (the default `-created_at`, newest first),
/// `doc_type`, `issuer`, `number`, `valid_to` (no expiry counts as the latest), `size_bytes` or
/// `published`, with `-` for descending; ties newest first. `invalid_sort` otherwise.
fn sorted(query: Boxed, sort: Option<&str>) -> Result<Boxed> {
    let sort = sort
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("-created_at");
    let (desc, key) = match sort.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, sort),
    };
    let newest = documents::id.desc();
    Ok(match (key, desc) {
        ("created_at", true) => query.order(newest),
        ("created_at", false) => query.order(documents::id.asc()),
        ("doc_type", false) => query.order((documents::doc_type.asc(), newest)),
        ("doc_type", true) => query.order((documents::doc_type.desc(), newest)),
        ("issuer", false) => query.order((documents::issuer.asc(), newest)),
        ("issuer", true) => query.order((documents::issuer.desc(), newest)),
        ("number", false) => query.order((documents::number.asc(), newest)),
        ("number", true) => query.order((documents::number.desc(), newest)),
        ("valid_to", false) => query.order((
            documents::valid_to.is_null().asc(),
            documents::valid_to.asc(),
            newest,
        )),
        ("valid_to", true) => query.order((
            documents::valid_to.is_null().desc(),
            documents::valid_to.desc(),
            newest,
        )),
        ("size_bytes", false) => query.order((documents::size_bytes.asc(), newest)),
        ("size_bytes", true) => query.order((documents::size_bytes.desc(), newest)),
        ("published", false) => query.order((documents::published.asc(), newest)),
        ("published", true) => query.order((documents::published.desc(), newest)),
        (other, _) => {
            return Err(RegistryError::invalid(
                Code::InvalidSort,
                "sort",
                format!(
                    "cannot sort by {other:?}: use created_at, doc_type, issuer, number, valid_to, size_bytes or published, with '-' for descending"
                ),
            ));
        }
    })
}

/// The documents of an enterprise, as `actor` may see them, in the order `sort` asks (see
/// [`sorted`]), paged.
pub fn list_documents(
    conn: &mut DbConn,
    actor: &Actor,
    enterprise_id: i64,
    paging: Paging,
    sort: Option<&str>,
) -> Result<Vec<Document>> {
    let (limit, offset) = paging.limits()?;
    find_enterprise(conn, actor, enterprise_id)?;
    let query = documents::table
        .filter(documents::enterprise_id.eq(enterprise_id))
        .into_boxed();
    sorted(query, sort)?
        .limit(limit)
        .offset(offset)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// How many documents an enterprise has, as `actor` may see them.
pub fn count_documents(conn: &mut DbConn, actor: &Actor, enterprise_id: i64) -> Result<i64> {
    find_enterprise(conn, actor, enterprise_id)?;
    Ok(documents::table
        .filter(documents::enterprise_id.eq(enterprise_id))
        .count()
        .get_result(conn)?)
}

/// The bytes of a document the caller has already been allowed to see.
pub fn document_content(
    conn: &mut DbConn,
    store: &DocumentStore,
    document: &Document,
) -> Result<Vec<u8>> {
    store.read(conn, document.storage, &document.sha256)
}

/// The published documents about a product as a whole (not about one of its batches), for the
/// product page; the stamp resolver calls this.
pub fn published_documents_for_product(
    conn: &mut DbConn,
    product_id: i64,
) -> Result<Vec<Document>> {
    documents::table
        .filter(documents::product_id.eq(product_id))
        .filter(documents::batch_id.is_null())
        .filter(documents::published.eq(true))
        .order(documents::id)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

/// The published documents a batch's page shows: those about the batch, then those about its
/// product as a whole.
pub fn published_documents_for_batch(conn: &mut DbConn, batch_id: i64) -> Result<Vec<Document>> {
    let product_id = batches::table
        .find(batch_id)
        .select(batches::product_id)
        .first::<i64>(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "batch" })?;
    let mut list: Vec<Document> = documents::table
        .filter(documents::batch_id.eq(batch_id))
        .filter(documents::published.eq(true))
        .order(documents::id)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect::<Result<_>>()?;
    list.extend(published_documents_for_product(conn, product_id)?);
    Ok(list)
}

/// A document on file with a given content, as customs and inspectors see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifiedDocument {
    pub doc_type: DocumentType,
    pub issuer: String,
    pub number: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// In force on the day asked.
    pub valid: bool,
    /// The enterprise that filed it.
    pub enterprise_name: String,
    pub credit_code: String,
    /// Published on a product page: the content may be downloaded.
    pub published: bool,
    #[serde(with = "crate::time::as_rfc3339")]
    pub filed_at: NaiveDateTime,
}

/// What the hub holds for a content hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub sha256: String,
    /// Every filing of this content (usually one).
    pub documents: Vec<VerifiedDocument>,
}

/// A content hash as 64 lower-case hex characters (upper case accepted); 422 otherwise.
fn check_hash(sha256: &str) -> Result<String> {
    let hash = sha256.trim().to_ascii_lowercase();
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidSha256,
            "sha256",
            "must be 64 hexadecimal characters",
        ))
    }
}

/// Whether a document with this content is on file, and its facts (never its bytes); 404
/// when none is.
pub fn verify(conn: &mut DbConn, sha256: &str, today: NaiveDate) -> Result<Verification> {
    let hash = check_hash(sha256)?;
    let rows = documents::table
        .inner_join(enterprises::table)
        .filter(documents::sha256.eq(&hash))
        .order(documents::id)
        .select((COLUMNS, enterprises::name, enterprises::credit_code))
        .load::<(Row, String, String)>(conn)?;
    if rows.is_empty() {
        return Err(RegistryError::NotFound { entity: "document" });
    }
    let documents = rows
        .into_iter()
        .map(|(row, enterprise_name, credit_code)| {
            let d = from_row(row)?;
            Ok(VerifiedDocument {
                valid: d.valid_on(today),
                doc_type: d.doc_type,
                issuer: d.issuer,
                number: d.number,
                valid_from: d.valid_from,
                valid_to: d.valid_to,
                enterprise_name,
                credit_code,
                published: d.published,
                filed_at: d.created_at,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Verification {
        sha256: hash,
        documents,
    })
}

/// The bytes of a published content and its newest published description (for the content
/// type and file name); 404 when no published document has this content.
pub fn published_content(
    conn: &mut DbConn,
    store: &DocumentStore,
    sha256: &str,
) -> Result<(Document, Vec<u8>)> {
    let hash = check_hash(sha256)?;
    let document = documents::table
        .filter(documents::sha256.eq(&hash))
        .filter(documents::published.eq(true))
        .order(documents::id.desc())
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "document" })
        .and_then(from_row)?;
    let bytes = document_content(conn, store, &document)?;
    Ok((document, bytes))
}
