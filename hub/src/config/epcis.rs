//! The `[epcis]` section: the capture policy and subscription webhooks.

use registry::events::policy::{CapturePolicy, UnregisteredGln};
use serde::{Deserialize, Serialize};

/// EPCIS capture.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpcisConfig {
    /// What a readPoint, bizLocation, source or destination whose GLN is neither a registered
    /// site nor within a registered enterprise's GS1 company prefix does: `warn` (captured,
    /// the warning kept with the capture job and returned) or `reject` (422 naming the event
    /// and field, nothing written). Foreign prefixes (imports) count alike.
    pub unregistered_gln: UnregisteredGln,
    /// Accept subscription webhooks over plain `http://` (default false: `https://` only; for
    /// a receiver on a trusted network or a test).
    pub webhook_plain_http: bool,
}

impl EpcisConfig {
    /// The policy captures are held to.
    pub fn policy(&self) -> CapturePolicy {
        CapturePolicy {
            unregistered_gln: self.unregistered_gln,
        }
    }
}
