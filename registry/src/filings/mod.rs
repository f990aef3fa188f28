//! What enterprises file beside their registration: sites and licences (registration data),
//! products and batches (filings proper, by an active enterprise for itself only).
//!
//! Filing needs an active enterprise (`crate::enterprises::require_active`, 409
//! `enterprise_not_active`), and a product's GTIN must lie within the enterprise's GS1 company
//! prefix when it has one. Products and batches carry that `company_prefix` (empty when none), the
//! future shard key. What an enterprise files while it is on the blacklist is stored with
//! `flagged = "blacklisted"` (see `crate::blacklist`): filing is not refused.

pub mod batches;
pub mod licences;
pub mod products;
pub mod sites;

/// The country codes of target markets: [`crate::ids::countries`], under the name the hub's
/// callers use.
pub use crate::ids::countries;

use serde::Deserialize;

use crate::error::Code;
use crate::error::{RegistryError, Result};

/// Page parameters for the filing lists.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl Paging {
    /// (limit, offset), checked.
    pub(crate) fn limits(self) -> Result<(i64, i64)> {
        let page = self.page.unwrap_or(1);
        if page < 1 {
            return Err(RegistryError::invalid(
                Code::InvalidPage,
                "page",
                "must be 1 or more",
            ));
        }
        let per_page = self.per_page.unwrap_or(100);
        if !(1..=500).contains(&per_page) {
            return Err(RegistryError::invalid(
                Code::InvalidPage,
                "per_page",
                "must be 1 to 500",
            ));
        }
        Ok((per_page, (page - 1).saturating_mul(per_page)))
    }
}

/// Those of `wanted` that are not among `have` (for the pickers' "and these besides").
fn missing_ids(wanted: &[i64], have: impl Iterator<Item = i64> + Clone) -> Vec<i64> {
    wanted
        .iter()
        .copied()
        .filter(|id| !have.clone().any(|h| h == *id))
        .collect()
}
