//! Regulator adapters: each reads the records a competent regulator's own system exports and
//! turns them into the hub's values (registry records and EPCIS events). Pure and streaming like
//! the rest of the crate: an adapter takes a reader and yields one [`Record`] (or a
//! [`LineError`] naming the line and field) at a time.
//!
//! [`ADAPTERS`] is the table the hub's intake (`POST /api/v1/intake/{adapter}/deliveries`, `hub import
//! <adapter>`) looks names up in. Each adapter documents its format in a `README.md` beside its
//! code, with sample files under `adapters/samples/<name>/`.

pub mod agri;
pub mod drugs;
mod events;
pub mod food;
mod lots;
pub mod rare_earth;
mod row;
pub mod special_equipment;

use std::io::Read;

use registry::departments::Category;
use registry::enterprises::LineError;

use crate::csv_table::HeaderError;

/// One record read by an adapter, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A record of the drug traceability system.
    Drug(drugs::DrugRecord),
    /// A record of a rare-earth product-flow report.
    RareEarth(rare_earth::RareEarthRecord),
    /// A lifecycle record of special equipment.
    Equipment(special_equipment::EquipmentRecord),
    /// A record of a farm's or ranch's system.
    Agri(agri::AgriRecord),
    /// A record of a food producer's system.
    Food(food::FoodRecord),
}

impl Record {
    /// The line (or element position) the record starts on.
    pub fn line(&self) -> u64 {
        match self {
            Record::Drug(r) => r.line,
            Record::RareEarth(r) => r.line,
            Record::Equipment(r) => r.line,
            Record::Agri(r) => r.line,
            Record::Food(r) => r.line,
        }
    }
}

/// The records of one file.
pub type Records<'a> = Box<dyn Iterator<Item = Result<Record, LineError>> + Send + 'a>;

/// A regulator adapter.
#[derive(Debug)]
pub struct Adapter {
    /// The name in URLs and on the command line (`drugs`).
    pub name: &'static str,
    /// The category whose regulator sends it: a `system` user bound to it delivers.
    pub category: Category,
    /// The input formats it reads, e.g. `CSV`.
    pub formats: &'static str,
    /// One line on what it takes in.
    pub summary: &'static str,
    /// Reads a file's header; the records follow.
    pub read: for<'a> fn(Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError>,
}

/// Every adapter, by name.
pub const ADAPTERS: &[Adapter] = &[
    agri::ADAPTER,
    food::ADAPTER,
    drugs::ADAPTER,
    rare_earth::ADAPTER,
    special_equipment::ADAPTER,
];

/// The adapter called `name`.
pub fn find(name: &str) -> Option<&'static Adapter> {
    ADAPTERS.iter().find(|a| a.name == name)
}

/// The records of a sample file of `adapter` (tests).
#[cfg(test)]
pub(crate) fn sample_records(adapter: &str, file: &str) -> Vec<Result<Record, LineError>> {
    let path = format!("{}/samples/{adapter}/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let Ok(records) = (find(adapter).unwrap().read)(Box::new(std::io::Cursor::new(bytes))) else {
        panic!("{path}: the header is unusable");
    };
    records.collect()
}
