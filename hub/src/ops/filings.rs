//! What enterprises file: licences, sites, products and batches.

use registry::filings::batches::{self, Batch, NewBatch};
use registry::filings::licences::{self, LicenceOutcome, NewLicence};
use registry::filings::products::{self, NewProduct, Product};
use registry::filings::sites::{self, NewSite, Site};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Files a licence: added at once before approval, proposed for review after.
pub fn file_licence(
    core: &Core,
    caller: &Caller,
    enterprise: i64,
    new: &NewLicence,
) -> Result<LicenceOutcome, ApiError> {
    audited_as(core, caller, "licence.file", |conn, now, actor| {
        let outcome = licences::file_licence(conn, now, actor, enterprise, new)?;
        let detail = json!({ "licence": new, "licence_id": outcome.licence.as_ref().map(|l| l.id), "proposed_change": outcome.proposed_change.as_ref().map(|c| c.id) });
        Ok(Change::recorded(
            outcome,
            format!("enterprise:{enterprise}"),
            detail,
        ))
    })
}

/// Adds a site (with a GLN) to the caller's own enterprise.
pub fn add_site(
    core: &Core,
    caller: &Caller,
    enterprise: i64,
    new: &NewSite,
) -> Result<Site, ApiError> {
    audited_as(core, caller, "site.add", |conn, now, actor| {
        let site = sites::add_site(conn, now, actor, enterprise, new)?;
        let detail = json!({ "enterprise_id": enterprise, "gln": site.gln, "kind": site.kind });
        let target = format!("site:{}", site.id);
        Ok(Change::recorded(site, target, detail))
    })
}

/// Files a product (active enterprises only, for themselves).
pub fn create_product(
    core: &Core,
    caller: &Caller,
    enterprise: i64,
    new: &NewProduct,
) -> Result<Product, ApiError> {
    audited_as(core, caller, "product.create", |conn, now, actor| {
        let product = products::create_product(conn, now, actor, enterprise, new)?;
        let detail = json!({ "enterprise_id": enterprise, "gtin": product.gtin, "category": product.category });
        let target = format!("product:{}", product.id);
        Ok(Change::recorded(product, target, detail))
    })
}

/// Files a batch (lot) of one of the enterprise's products, with its input lots.
pub fn create_batch(
    core: &Core,
    caller: &Caller,
    enterprise: i64,
    new: &NewBatch,
) -> Result<Batch, ApiError> {
    audited_as(core, caller, "batch.create", |conn, now, actor| {
        let batch = batches::create_batch(conn, now, actor, enterprise, new)?;
        let detail = json!({ "enterprise_id": enterprise, "product_id": batch.product_id, "lot": batch.lot, "inputs": batch.inputs });
        let target = format!("batch:{}", batch.id);
        Ok(Change::recorded(batch, target, detail))
    })
}
