//! Documents out: national-format reports, EPCIS query results, notices, task sheets and stamp
//! sheets, written from the registry's domain values.
//!
//! Architecture invariant: pure and streaming. No database, no network; every writer takes an
//! iterator of values and a `Write`, so a report of any size runs in bounded memory.
pub mod notices;
pub mod stamps;

pub mod enterprise_csv;
pub mod epcis;
pub mod recall;
pub mod recall_case;
