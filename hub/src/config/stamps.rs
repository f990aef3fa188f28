//! The `[stamps]` section: where stamp links point, the hidden-code keys, and the limits the
//! public resolver applies.

use std::collections::BTreeMap;

use registry::secret::SecretKey;
use registry::stamps::{HiddenCodeKey, HiddenCodeKeyRing};
use serde::{Deserialize, Serialize};

use super::ConfigError;

/// Traceability stamps.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StampsConfig {
    /// The host in stamp links (`https://{host}/01/{gtin}/21/{serial}`); empty: the host of
    /// `server.public_url`.
    pub resolver_host: String,
    /// Hidden-code keys as `VERSION:HEX` entries (64 hex digits each) separated by commas;
    /// new stamps use `hidden_code_current` or else the highest version, and every listed
    /// version still verifies. Empty: one key (version 1) derived from the server secret.
    /// Generate one with `hub stamps keygen`. Masked by `hub config check`.
    pub hidden_code_keys: String,
    /// The version new anti-counterfeit stamps are issued under (0: the highest configured).
    pub hidden_code_current: u16,
    /// Scans of one stamp above which each further scan raises a `stamp_scan_limit` alert.
    pub scan_limit: u32,
    /// Two scans of one stamp further apart than this speed allows raise an
    /// `stamp_implausible_travel` alert, in km/h.
    pub max_travel_kmh: f64,
    /// Wrong hidden codes allowed per stamp within `verify_window_minutes`.
    pub verify_max_failures_per_stamp: u32,
    /// Wrong hidden codes allowed per client address within `verify_window_minutes`.
    pub verify_max_failures_per_client: u32,
    /// The window of the two limits above, in minutes.
    pub verify_window_minutes: i64,
    /// Where `?linkType=...` redirects (307), by link type (`gs1:pip`, `gs1:certificationInfo`
    /// ...): a URL template with `{gtin}`, `{serial}` and `{lot}`.
    pub links: BTreeMap<String, String>,
}

impl Default for StampsConfig {
    fn default() -> Self {
        Self {
            resolver_host: String::new(),
            hidden_code_keys: String::new(),
            hidden_code_current: 0,
            scan_limit: 50,
            max_travel_kmh: 1000.0,
            verify_max_failures_per_stamp: 5,
            verify_max_failures_per_client: 20,
            verify_window_minutes: 60,
            links: BTreeMap::new(),
        }
    }
}

impl StampsConfig {
    /// Checks what the types alone cannot.
    pub(super) fn validate(&self, public_url: &str) -> Result<(), ConfigError> {
        self.resolver_host(public_url)?;
        if !self.hidden_code_keys.is_empty() {
            let ring = HiddenCodeKeyRing::from_config(&self.hidden_code_keys)
                .map_err(|e| ConfigError::new("stamps.hidden_code_keys", e.to_string()))?;
            if self.hidden_code_current != 0 {
                ring.with_current(self.hidden_code_current).map_err(|_| {
                    ConfigError::new(
                        "stamps.hidden_code_current",
                        "names no version of stamps.hidden_code_keys",
                    )
                })?;
            }
        } else if self.hidden_code_current > 1 {
            return Err(ConfigError::new(
                "stamps.hidden_code_current",
                "without stamps.hidden_code_keys only version 1 exists",
            ));
        }
        if self.scan_limit < 1 {
            return Err(ConfigError::new("stamps.scan_limit", "must be at least 1"));
        }
        if !(self.max_travel_kmh.is_finite() && self.max_travel_kmh > 0.0) {
            return Err(ConfigError::new(
                "stamps.max_travel_kmh",
                "must be a positive number",
            ));
        }
        if self.verify_max_failures_per_stamp < 1 || self.verify_max_failures_per_client < 1 {
            return Err(ConfigError::new(
                "stamps.verify_max_failures_per_stamp",
                "limits must be at least 1",
            ));
        }
        if self.verify_window_minutes < 1 {
            return Err(ConfigError::new(
                "stamps.verify_window_minutes",
                "must be at least 1",
            ));
        }
        for (link_type, template) in &self.links {
            if !(template.starts_with("https://") || template.starts_with("http://")) {
                return Err(ConfigError::new(
                    &format!("stamps.links.{link_type}"),
                    "must be an http:// or https:// URL template",
                ));
            }
        }
        Ok(())
    }

    /// The host stamp links name: `resolver_host`, else the host (and port) of `public_url`.
    pub fn resolver_host(&self, public_url: &str) -> Result<String, ConfigError> {
        let host = if self.resolver_host.is_empty() {
            public_url
                .split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
                .unwrap_or_default()
                .to_owned()
        } else {
            self.resolver_host.clone()
        };
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if valid {
            Ok(host)
        } else {
            Err(ConfigError::new(
                "stamps.resolver_host",
                "must be a host name (and port), e.g. trace.example.gov.cn",
            ))
        }
    }

    /// The hidden-code key ring: the configured keys, or version 1 derived from `secret`.
    pub fn key_ring(&self, secret: &SecretKey) -> Result<HiddenCodeKeyRing, ConfigError> {
        let ring = if self.hidden_code_keys.is_empty() {
            let derived = secret.derive("stamps.hidden-code.v1");
            HiddenCodeKey::from_hex(&derived.to_hex())
                .and_then(|key| HiddenCodeKeyRing::new(1, [(1, key)]))
        } else {
            HiddenCodeKeyRing::from_config(&self.hidden_code_keys)
        }
        .map_err(|e| ConfigError::new("stamps.hidden_code_keys", e.to_string()))?;
        if self.hidden_code_current == 0 {
            return Ok(ring);
        }
        ring.with_current(self.hidden_code_current).map_err(|_| {
            ConfigError::new(
                "stamps.hidden_code_current",
                "names no version of stamps.hidden_code_keys",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const KEY_B: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    #[test]
    fn the_default_ring_is_derived_from_the_secret() {
        let secret = SecretKey::generate();
        let ring = StampsConfig::default().key_ring(&secret).unwrap();
        let again = StampsConfig::default().key_ring(&secret).unwrap();
        let serial = registry::stamps::generate_serials(1).remove(0);
        assert_eq!(ring.current_version(), 1);
        assert_eq!(ring.issue(&serial), again.issue(&serial));
        let other = StampsConfig::default()
            .key_ring(&SecretKey::generate())
            .unwrap();
        assert_ne!(ring.issue(&serial), other.issue(&serial));
    }

    #[test]
    fn configured_keys_rotate_and_errors_name_the_key() {
        let mut config = StampsConfig {
            hidden_code_keys: format!("1:{KEY_A},2:{KEY_B}"),
            ..StampsConfig::default()
        };
        let secret = SecretKey::generate();
        assert_eq!(config.key_ring(&secret).unwrap().current_version(), 2);
        config.hidden_code_current = 1;
        assert_eq!(config.key_ring(&secret).unwrap().current_version(), 1);
        config.hidden_code_current = 3;
        assert_eq!(
            config.validate("https://trace.example.cn").unwrap_err().key,
            "stamps.hidden_code_current"
        );
        config.hidden_code_current = 0;
        config.hidden_code_keys = "1:zz".into();
        assert_eq!(
            config.validate("https://trace.example.cn").unwrap_err().key,
            "stamps.hidden_code_keys"
        );
    }

    #[test]
    fn the_resolver_host_defaults_to_the_public_url() {
        let config = StampsConfig::default();
        assert_eq!(
            config.resolver_host("https://trace.example.cn/").unwrap(),
            "trace.example.cn"
        );
        assert_eq!(
            config.resolver_host("http://127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080"
        );
        let bad = StampsConfig {
            resolver_host: "a b".into(),
            ..StampsConfig::default()
        };
        assert_eq!(
            bad.validate("https://x.cn").unwrap_err().key,
            "stamps.resolver_host"
        );
    }
}
