//! The server's secret key and the purpose-bound keys derived from it.
//!
//! The key lives in configuration, never in the database, so that a copy of the database alone
//! cannot forge audit rows, CSRF tokens or anything else the hub MACs.

use hmac::{Hmac, KeyInit, Mac};
use rand::RngExt;
use sha2::Sha256;

use crate::error::Code;
use crate::error::{RegistryError, Result};

type HmacSha256 = Hmac<Sha256>;

/// A 32-byte secret. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(****)")
    }
}

impl SecretKey {
    /// A fresh random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self(rand::rng().random())
    }

    /// Parses 64 hexadecimal characters.
    pub fn from_hex(hex_key: &str) -> Result<Self> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| {
            RegistryError::invalid(
                Code::InvalidSecretKey,
                "secret_key",
                "must be 64 hexadecimal characters",
            )
        })?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            RegistryError::invalid(
                Code::InvalidSecretKey,
                "secret_key",
                "must be 32 bytes (64 hexadecimal characters)",
            )
        })?;
        Ok(Self(key))
    }

    /// The key as 64 hexadecimal characters (for writing a generated key to its file).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A key bound to one purpose (`"audit-log"`, `"csrf"`...), so that a MAC made for one
    /// purpose never verifies for another.
    pub fn derive(&self, purpose: &str) -> Self {
        Self(self.mac(&[b"tracehub-derive", purpose.as_bytes()]))
    }

    /// HMAC-SHA256 over the parts, each prefixed with its length so that part boundaries count.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.hmac_over(parts).finalize().into_bytes().into()
    }

    fn hmac_over(&self, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac =
            <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// [`mac`](Self::mac) as lowercase hex.
    pub fn mac_hex(&self, parts: &[&[u8]]) -> String {
        hex::encode(self.mac(parts))
    }

    /// Checks a hex MAC in constant time.
    pub fn verify_hex(&self, parts: &[&[u8]], candidate: &str) -> bool {
        let Ok(candidate) = hex::decode(candidate) else {
            return false;
        };
        self.hmac_over(parts).verify_slice(&candidate).is_ok()
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(bytes))
}

/// A random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
pub fn random_uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A random token: `prefix` followed by 64 hexadecimal characters (256 bits).
pub fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("{prefix}{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_differ_by_purpose_and_macs_verify() {
        let key = SecretKey::generate();
        let audit = key.derive("audit-log");
        assert_ne!(audit, key.derive("csrf"));
        let tag = audit.mac_hex(&[b"a", b"bc"]);
        assert!(audit.verify_hex(&[b"a", b"bc"], &tag));
        assert!(
            !audit.verify_hex(&[b"ab", b"c"], &tag),
            "part boundaries count"
        );
        assert!(!key.verify_hex(&[b"a", b"bc"], &tag));
        assert_eq!(SecretKey::from_hex(&key.to_hex()).unwrap(), key);
        assert!(SecretKey::from_hex("abcd").is_err());
        assert!(!format!("{key:?}").contains(&key.to_hex()[..8]));
    }
}
