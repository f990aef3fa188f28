//! EPCIS over HTTP: eventID aliases (`aliases`), the query (`query`) and its further parameters
//! (`params`), the binding's resources: discovery, named queries, headers (`rest`), the capture
//! policy (`policy`), subscriptions (`subscriptions`) and the conformance corpus (`corpus`),
//! with their shared helpers (`common`).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

mod common;
#[path = "../../adapters/tests/epcis_support/mod.rs"]
mod epcis_support;

mod aliases;
mod corpus;
mod params;
mod policy;
mod query;
mod rest;
mod subscriptions;
