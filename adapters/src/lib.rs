//! Documents in: regulator formats and GS1 EPCIS turned into the registry's domain values.
//!
//! Architecture invariant: pure and streaming. No database, no network, no files opened here;
//! callers hand in readers or bytes and get domain values or a precise error back.

pub mod csv_table;
pub mod enterprise_csv;
pub mod epcis;
mod lines;
pub mod regulators;
