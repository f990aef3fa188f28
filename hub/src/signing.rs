//! The hub's asymmetric key: the evidence ledger's signing key, ECDSA over P-256 with SHA-256
//! (what Certificate Transparency logs use), kept as PEM at `[ledger] signing_key`
//! ([`crate::config::Config::ledger_key`]). Signatures are DER-encoded; the public key is
//! served as PEM at `GET /ledger/key`, and its id is the SHA-256 of its DER
//! SubjectPublicKeyInfo, hex (each signed head names it).

use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use openssl::sign::{Signer, Verifier};

/// The key that signs tree heads.
pub struct LedgerKey {
    key: PKey<Private>,
    public: PKey<Public>,
    public_pem: String,
    key_id: String,
}

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LedgerKey({})", self.key_id)
    }
}

impl LedgerKey {
    /// A new P-256 key.
    pub fn generate() -> anyhow::Result<Self> {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
        Self::from_private(PKey::from_ec_key(EcKey::generate(&group)?)?)
    }

    /// A key from PEM (PKCS#8 or SEC1); anything but a P-256 key is refused.
    pub fn from_pem(pem: &[u8]) -> anyhow::Result<Self> {
        let key = PKey::private_key_from_pem(pem)
            .map_err(|e| anyhow::anyhow!("not a PEM private key: {e}"))?;
        Self::from_private(key)
    }

    fn from_private(key: PKey<Private>) -> anyhow::Result<Self> {
        let ec = key
            .ec_key()
            .map_err(|_| anyhow::anyhow!("not an EC key: the ledger signs with ECDSA P-256"))?;
        if ec.group().curve_name() != Some(Nid::X9_62_PRIME256V1) {
            anyhow::bail!("not a P-256 key: the ledger signs with ECDSA P-256");
        }
        ec.check_key()?;
        let der = key.public_key_to_der()?;
        let public = PKey::public_key_from_der(&der)?;
        let public_pem = String::from_utf8(public.public_key_to_pem()?)?;
        let key_id = registry::secret::sha256_hex(&der);
        Ok(Self {
            key,
            public,
            public_pem,
            key_id,
        })
    }

    /// The private key as PKCS#8 PEM (to write the generated key).
    pub fn private_pem(&self) -> anyhow::Result<String> {
        Ok(String::from_utf8(self.key.private_key_to_pem_pkcs8()?)?)
    }

    /// The public key as PEM (SubjectPublicKeyInfo).
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo, hex.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// ECDSA/SHA-256 over `message`, DER.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key)?;
        signer.update(message)?;
        signer.sign_to_vec()
    }

    /// Whether `signature` (DER) is this key's over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        // A signature that is not DER, or not canonical DER, is no signature.
        let canonical = EcdsaSig::from_der(signature)
            .and_then(|sig| sig.to_der())
            .is_ok_and(|der| der == signature);
        canonical
            && Verifier::new(MessageDigest::sha256(), &self.public)
                .and_then(|mut v| {
                    v.update(message)?;
                    v.verify(signature)
                })
                .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_signs_verifies_and_survives_its_pem() {
        let key = LedgerKey::generate().unwrap();
        let again = LedgerKey::from_pem(key.private_pem().unwrap().as_bytes()).unwrap();
        assert_eq!(again.key_id(), key.key_id());
        assert_eq!(again.public_pem(), key.public_pem());
        let signature = key.sign(b"head").unwrap();
        assert!(again.verify(b"head", &signature));
        assert!(!again.verify(b"other", &signature));
        assert!(!again.verify(b"head", b"not a signature"));
        let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
        let pem = PKey::from_rsa(rsa)
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap();
        assert!(
            LedgerKey::from_pem(&pem)
                .unwrap_err()
                .to_string()
                .contains("P-256")
        );
        assert!(LedgerKey::from_pem(b"nonsense").is_err());
    }
}
