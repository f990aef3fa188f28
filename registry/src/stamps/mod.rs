//! Traceability stamps: unguessable serials, hidden (scratch-off) codes under versioned server
//! keys and the GS1 Digital Link URI each stamp's QR code carries (`codes`, `link`: no I/O);
//! orders issued and read (`issue`, `orders`), activation and revocation (`lifecycle`), the
//! public resolution with its verdict and story (`resolve`), the scan log and its counterfeit
//! alerts (`scans`), hidden-code verification with its limits (`verify`), fake reports
//! (`fakes`). A serial is never reused, even after revocation: it is the primary key.

pub mod alert_kind;
pub mod codes;
pub mod fakes;
pub mod issue;
pub mod lifecycle;
pub mod link;
pub mod orders;
pub mod resolve;
pub mod scans;
pub mod verify;

pub use codes::{
    ALPHABET, HIDDEN_CODE_LEN, HiddenCode, HiddenCodeKey, HiddenCodeKeyRing, KeyVersion,
    SERIAL_LEN, Serial, SerialGenerator, generate_serials,
};
pub use issue::{
    ActivatedOrder, MAX_ORDER_QUANTITY, NewStampOrder, StampKind, StampOrder, find_order,
    issue_order, issue_order_with, write_activated_order,
};
pub use lifecycle::{
    ActivationRecord, OrderActivation, OrderRevocation, RevocationRecord, StampActivation,
    StampRevocation, activate_order, activate_stamp, revoke_order, revoke_stamp,
};
pub use link::{MAX_HOST_LEN, MAX_LOT_LEN, MAX_URI_LEN, StampLinkBase, StampPath};
pub use orders::{
    BatchChoice, MAX_BATCH_CHOICES, OrderFilter, OrderNames, OrderPage, OrderSummary, StampPage,
    StampRow, activation_batches, list_orders, order_names, order_product_name, order_stamps,
    order_summary, serials_page, stamp_uri,
};

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

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod issue_tests;
#[cfg(test)]
mod lifecycle_tests;
