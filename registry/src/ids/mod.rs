//! Identifiers the hub validates and converts: the Unified Social Credit Code (GB 32100-2015),
//! GS1 keys and Application Identifiers, GS1 Digital Link URIs and EPC URNs.
//!
//! Everything here is pure: strings in, typed values or a precise error out.

pub mod ai;
mod ai_table;
pub mod countries;
pub mod digital_link;
pub mod element_string;
pub mod epc;
pub mod gs1;
pub mod lint;
mod lint_errors;
mod lint_lists;
pub mod scan;
pub mod uscc;
