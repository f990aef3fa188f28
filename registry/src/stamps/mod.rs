//! Traceability stamps, the pure parts: unguessable serials, hidden (scratch-off) codes under
//! versioned server keys, and the GS1 Digital Link URI each stamp's QR code carries.
//!
//! Storage (never reusing a serial, even after revocation), activation and the resolver build on
//! these values; nothing here touches a database or the network.

pub mod codes;
pub mod fakes;
pub mod link;
pub mod resolve;
pub mod scans;
pub mod verify;

pub use codes::{
    ALPHABET, HIDDEN_CODE_LEN, HiddenCode, HiddenCodeKey, HiddenCodeKeyRing, KeyVersion,
    SERIAL_LEN, Serial, SerialGenerator, generate_serials,
};
pub use link::{MAX_HOST_LEN, MAX_LOT_LEN, MAX_URI_LEN, StampLinkBase, StampPath};

/// What can go wrong building or checking stamp values. Each variant names the offending field.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StampError {
    /// A serial is not exactly [`SERIAL_LEN`] characters of [`ALPHABET`].
    #[error("serial: must be {SERIAL_LEN} characters from {alphabet}", alphabet = ALPHABET_STR)]
    InvalidSerial,
    /// A hidden-code key is not 64 hex digits (32 bytes).
    #[error("hidden_code_key: {0}")]
    InvalidKey(&'static str),
    /// The key ring configuration is malformed (bad entry, duplicate version, no keys).
    #[error("hidden_code_keys: {0}")]
    InvalidKeyRing(String),
    /// No key with this version is configured: an old key was removed too early.
    #[error("key_version: no hidden-code key with version {0} is configured")]
    UnknownKeyVersion(KeyVersion),
    /// The resolver host is empty, too long or holds characters a host name cannot.
    #[error("host: {0}")]
    InvalidHost(&'static str),
    /// The GTIN is not 8, 12, 13 or 14 digits with a valid GS1 check digit.
    #[error("gtin: must be 8, 12, 13 or 14 digits with a valid check digit")]
    InvalidGtin,
    /// The lot is empty, longer than 20 characters or outside GS1 character set 82.
    #[error("lot: must be 1 to {MAX_LOT_LEN} characters of GS1 character set 82")]
    InvalidLot,
    /// A Digital Link path does not have the form `/01/{gtin}[/10/{lot}]/21/{serial}`.
    #[error("path: {0}")]
    InvalidPath(&'static str),
}

const ALPHABET_STR: &str = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
