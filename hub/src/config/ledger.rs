//! The `[ledger]` section: the evidence ledger's signing key.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The evidence ledger.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    /// The PEM file of the ECDSA P-256 private key that signs tree heads; empty:
    /// `data_dir/ledger-key.pem`. Generated there on first start when missing. Every replica
    /// needs the same key: heads are checked against `GET /ledger/key`.
    pub signing_key: String,
}

impl LedgerConfig {
    /// Where the key is, under `data_dir` unless configured.
    pub fn key_path(&self, data_dir: &std::path::Path) -> PathBuf {
        if self.signing_key.trim().is_empty() {
            data_dir.join("ledger-key.pem")
        } else {
            PathBuf::from(self.signing_key.trim())
        }
    }
}
