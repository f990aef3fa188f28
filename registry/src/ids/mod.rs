//! Identifiers the hub validates and converts: the Unified Social Credit Code (GB 32100-2015),
//! GS1 keys and Application Identifiers, GS1 Digital Link URIs and EPC URNs.
//!
//! Everything here is pure: strings in, typed values or a precise error out.

pub mod epc;
pub mod gs1;
