//! The agricultural system's records (`agri`): planting and raising logs, agricultural inputs
//! used, harvest and slaughter, pesticide-residue tests, shipments. CSV, one record per row;
//! the format and mapping are in this folder's `README.md`, samples in `adapters/samples/agri/`.

use std::io::Read;

use chrono::NaiveDate;
use registry::departments::Category;
use registry::enterprises::LineError;
use registry::epcis::{Action, Event, QuantityElement};
use registry::error::Code;

use super::lots::{lot_class, noon};
use super::row::Row;
use super::{Adapter, Record, Records};
use crate::csv_table::{self, HeaderError};
use crate::regulators::events::{master_data, object, place};

/// The adapter.
pub const ADAPTER: Adapter = Adapter {
    name: "agri",
    category: Category::EdibleAgri,
    formats: "CSV",
    summary: "planting and raising logs, agricultural inputs used, harvest and slaughter, \
              pesticide-residue tests and shipments of farms and ranches",
    read,
};

/// The columns, in any order; only `record` is required in the header.
pub const COLUMNS: [&str; 15] = [
    "record",
    "date",
    "site_gln",
    "lot",
    "gtin",
    "crop",
    "input_type",
    "input_name",
    "registration_number",
    "withdrawal_days",
    "quantity",
    "unit",
    "partner_gln",
    "result",
    "report_number",
];

/// The kinds of agricultural input.
pub const INPUT_TYPES: [&str; 5] = ["pesticide", "veterinary_drug", "fertiliser", "feed", "seed"];

/// A record and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct AgriRecord {
    pub line: u64,
    pub date: NaiveDate,
    /// The GLN of the farm or ranch (or slaughterhouse) site.
    pub site: String,
    /// The farm's lot: a field's crop or a herd, kept under this code at the site.
    pub lot: String,
    pub kind: AgriRecordKind,
}

/// What a record says.
#[derive(Debug, Clone, PartialEq)]
pub enum AgriRecordKind {
    /// A crop planted or animals raised on the lot.
    Plant { crop: String },
    /// An input used on the lot, with the days to wait before harvest or slaughter.
    Input {
        input_type: String,
        name: String,
        registration_number: String,
        withdrawal_days: u32,
    },
    /// Harvested (`slaughter: false`) or slaughtered, as product `gtin`, lot code `lot`.
    Harvest {
        slaughter: bool,
        gtin: String,
        quantity: f64,
        unit: String,
    },
    /// A pesticide-residue (or veterinary-drug residue) test of the product lot.
    ResidueTest {
        gtin: String,
        passed: bool,
        report_number: String,
    },
    /// Product lot shipped to the partner's site.
    Ship {
        gtin: String,
        quantity: f64,
        unit: String,
        partner: String,
    },
}

impl AgriRecordKind {
    /// The record type as written.
    pub fn name(&self) -> &'static str {
        match self {
            AgriRecordKind::Plant { .. } => "plant",
            AgriRecordKind::Input { .. } => "input",
            AgriRecordKind::Harvest {
                slaughter: false, ..
            } => "harvest",
            AgriRecordKind::Harvest {
                slaughter: true, ..
            } => "slaughter",
            AgriRecordKind::ResidueTest { .. } => "residue_test",
            AgriRecordKind::Ship { .. } => "ship",
        }
    }
}

fn read<'a>(input: Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError> {
    let table = csv_table::open(input, &COLUMNS, &["record"])?;
    Ok(Box::new(table.map(|row| {
        let (line, cells) = row?;
        record(&Row::new(line, &COLUMNS, &cells)).map(Record::Agri)
    })))
}

fn record(row: &Row<'_>) -> Result<AgriRecord, LineError> {
    let kind = match row.text("record")? {
        "plant" => AgriRecordKind::Plant {
            crop: row.text("crop")?.to_owned(),
        },
        "input" => {
            let input_type = row.text("input_type")?;
            if !INPUT_TYPES.contains(&input_type) {
                return Err(row.error(
                    "input_type",
                    Code::InvalidChoice,
                    format!("the input types are {}", INPUT_TYPES.join(", ")),
                ));
            }
            AgriRecordKind::Input {
                input_type: input_type.to_owned(),
                name: row.text("input_name")?.to_owned(),
                registration_number: row.text("registration_number")?.to_owned(),
                withdrawal_days: row.whole("withdrawal_days", 365)?,
            }
        }
        kind @ ("harvest" | "slaughter") => AgriRecordKind::Harvest {
            slaughter: kind == "slaughter",
            gtin: row.gtin()?,
            quantity: row.quantity()?,
            unit: row.unit()?,
        },
        "residue_test" => AgriRecordKind::ResidueTest {
            gtin: row.gtin()?,
            passed: row.passed()?,
            report_number: row.text("report_number")?.to_owned(),
        },
        "ship" => AgriRecordKind::Ship {
            gtin: row.gtin()?,
            quantity: row.quantity()?,
            unit: row.unit()?,
            partner: row.gln("partner_gln")?,
        },
        other => {
            return Err(row.error(
                "record",
                Code::InvalidChoice,
                format!(
                    "unknown record type {other:?}; the types are plant, input, harvest, \
                     slaughter, residue_test, ship"
                ),
            ));
        }
    };
    Ok(AgriRecord {
        line: row.line,
        date: row.date("date")?,
        site: row.gln("site_gln")?,
        lot: row.lot()?,
        kind,
    })
}

/// The events of a record: harvest and slaughter commission the product lot, a shipment ships
/// it; the rest are registry records.
pub fn events(record: &AgriRecord) -> Vec<Event> {
    let Some(at) = noon(record.date) else {
        return Vec::new();
    };
    let quantity = |gtin: &str, quantity: f64, unit: &str| QuantityElement {
        epc_class: lot_class(gtin, &record.lot),
        quantity: Some(quantity),
        uom: Some(unit.to_owned()),
    };
    match &record.kind {
        AgriRecordKind::Harvest {
            gtin,
            quantity: q,
            unit,
            ..
        } => {
            let mut e = object(at, Action::Add, "commissioning", "active", &record.site);
            e.quantity_list = vec![quantity(gtin, *q, unit)];
            e.ilmd = Some(vec![master_data("lotNumber", record.lot.clone())]);
            vec![e]
        }
        AgriRecordKind::Ship {
            gtin,
            quantity: q,
            unit,
            partner,
        } => {
            let mut e = object(at, Action::Observe, "shipping", "in_transit", &record.site);
            e.quantity_list = vec![quantity(gtin, *q, unit)];
            e.source_list = vec![place(&record.site)];
            e.destination_list = vec![place(partner)];
            vec![e]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
