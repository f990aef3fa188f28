//! The hub's state: domain types, domain rules and their persistence (diesel, on PostgreSQL or
//! SQLite).
//!
//! Architecture invariant: nothing here knows of HTTP, sockets or the file formats of the outside
//! world. Adapters turn documents into the values defined here; reports turn them back into
//! documents; the `hub` crate wires both to the network.

pub mod alerts;
pub mod audit;
pub mod blacklist;
pub mod db;
pub mod departments;
pub mod documents;
pub mod enterprises;
pub mod epcis;
pub mod error;
pub mod events;
pub mod filings;
pub mod identity;
pub mod ids;
pub mod intake;
pub mod ledger;
pub mod notices;
pub mod outbox;
pub mod recalls;
pub mod regions;
pub mod schema;
pub mod secret;
pub mod spotchecks;
pub mod stamps;
pub mod synthetic;
pub mod time;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{RegistryError, Result};
