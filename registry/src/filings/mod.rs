//! What enterprises file beside their registration: sites and licences (registration data),
//! products and batches (filings proper, by an active enterprise for itself only).

pub mod batches;
pub mod countries;
pub mod licences;
pub mod products;
pub mod sites;

use serde::Deserialize;

use crate::error::Code;
use crate::error::{RegistryError, Result};

/// Page parameters for the filing lists.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// From 1 (default 1).
    pub page: Option<i64>,
    /// 1 to 500 (default 100).
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
