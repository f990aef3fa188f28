//! The hub's state: domain types, domain rules and their persistence (diesel, on PostgreSQL or
//! SQLite).
//!
//! Architecture invariant: nothing here knows of HTTP, sockets or the file formats of the outside
//! world. Adapters turn documents into the values defined here; reports turn them back into
//! documents; the `hub` crate wires both to the network.

pub mod epcis;
pub mod ids;
