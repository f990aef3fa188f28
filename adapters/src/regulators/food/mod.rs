//! The food production system's records (`food`): production batches with their raw-material
//! lots and key process parameters, packaging of a bulk lot into finished lots, certificates of
//! analysis, shipments. CSV, one record per row; the format and mapping are in this folder's
//! `README.md`, samples in `adapters/samples/food/`.

use std::io::Read;

use chrono::NaiveDate;
use registry::departments::Category;
use registry::enterprises::LineError;
use registry::epcis::{Action, Event, EventType, QuantityElement};
use registry::error::Code;
use registry::ids::gs1::Gtin;

use super::lots::{lot_class, noon};
use super::row::Row;
use super::{Adapter, Record, Records};
use crate::csv_table::{self, HeaderError};
use crate::regulators::events::{at_site, cbv, master_data, object, place};

/// The adapter.
pub const ADAPTER: Adapter = Adapter {
    name: "food",
    category: Category::Food,
    formats: "CSV",
    summary: "production batches with raw-material lots and process parameters, packaging, \
              certificates of analysis and shipments of food producers",
    read,
};

/// The columns, in any order; only `record` is required in the header.
pub const COLUMNS: [&str; 13] = [
    "record",
    "date",
    "site_gln",
    "gtin",
    "lot",
    "quantity",
    "unit",
    "inputs",
    "params",
    "product_type",
    "result",
    "report_number",
    "partner_gln",
];

/// The product types whose batches are traced.
pub const PRODUCT_TYPES: [&str; 6] = [
    "infant_formula",
    "dairy",
    "meat",
    "edible_oil",
    "liquor",
    "other",
];

/// A record and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct FoodRecord {
    pub line: u64,
    pub date: NaiveDate,
    pub site: String,
    /// The lot the record is about (the batch made, packed, tested or shipped).
    pub gtin: String,
    pub lot: String,
    pub kind: FoodRecordKind,
}

/// What a record says.
#[derive(Debug, Clone, PartialEq)]
pub enum FoodRecordKind {
    /// A batch made from raw-material lots (`inputs`: GTIN and lot each), with the key process
    /// parameters as written (`杀菌温度=85°C;时间=15s`).
    Batch {
        product_type: String,
        inputs: Vec<(String, String)>,
        params: String,
        quantity: f64,
        unit: String,
    },
    /// A finished lot packed from bulk lots.
    Pack {
        inputs: Vec<(String, String)>,
        quantity: f64,
        unit: String,
    },
    /// A certificate of analysis of the lot.
    Coa { passed: bool, report_number: String },
    /// The lot shipped (released) to the partner's site.
    Ship {
        quantity: f64,
        unit: String,
        partner: String,
    },
}

impl FoodRecordKind {
    /// The record type as written.
    pub fn name(&self) -> &'static str {
        match self {
            FoodRecordKind::Batch { .. } => "batch",
            FoodRecordKind::Pack { .. } => "pack",
            FoodRecordKind::Coa { .. } => "coa",
            FoodRecordKind::Ship { .. } => "ship",
        }
    }

    /// The raw-material (or bulk) lots a record consumes.
    pub fn inputs(&self) -> &[(String, String)] {
        match self {
            FoodRecordKind::Batch { inputs, .. } | FoodRecordKind::Pack { inputs, .. } => inputs,
            _ => &[],
        }
    }
}

fn read<'a>(input: Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError> {
    let table = csv_table::open(input, &COLUMNS, &["record"])?;
    Ok(Box::new(table.map(|row| {
        let (line, cells) = row?;
        record(&Row::new(line, &COLUMNS, &cells)).map(Record::Food)
    })))
}

/// `gtin/lot|gtin/lot`.
fn inputs(row: &Row<'_>) -> Result<Vec<(String, String)>, LineError> {
    row.text("inputs")?
        .split('|')
        .map(|one| {
            let bad = |why: String| {
                row.error("inputs", Code::InvalidLot, format!("{}: {why}", one.trim()))
            };
            let (gtin, lot) = one
                .trim()
                .split_once('/')
                .ok_or_else(|| bad("a lot reads GTIN/lot".into()))?;
            let gtin = Gtin::parse(gtin).map_err(|e| bad(e.to_string()))?;
            if lot.is_empty() || lot.len() > 20 || !lot.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(bad("a lot is 1 to 20 printable ASCII characters".into()));
            }
            Ok((gtin.as_str().to_owned(), lot.to_owned()))
        })
        .collect()
}

fn record(row: &Row<'_>) -> Result<FoodRecord, LineError> {
    let kind = match row.text("record")? {
        "batch" => {
            let product_type = row.text("product_type")?;
            if !PRODUCT_TYPES.contains(&product_type) {
                return Err(row.error(
                    "product_type",
                    Code::InvalidChoice,
                    format!("the product types are {}", PRODUCT_TYPES.join(", ")),
                ));
            }
            FoodRecordKind::Batch {
                product_type: product_type.to_owned(),
                inputs: inputs(row)?,
                params: row.text("params")?.to_owned(),
                quantity: row.quantity()?,
                unit: row.unit()?,
            }
        }
        "pack" => FoodRecordKind::Pack {
            inputs: inputs(row)?,
            quantity: row.quantity()?,
            unit: row.unit()?,
        },
        "coa" => FoodRecordKind::Coa {
            passed: row.passed()?,
            report_number: row.text("report_number")?.to_owned(),
        },
        "ship" => FoodRecordKind::Ship {
            quantity: row.quantity()?,
            unit: row.unit()?,
            partner: row.gln("partner_gln")?,
        },
        other => {
            return Err(row.error(
                "record",
                Code::InvalidChoice,
                format!("unknown record type {other:?}; the types are batch, pack, coa, ship"),
            ));
        }
    };
    Ok(FoodRecord {
        line: row.line,
        date: row.date("date")?,
        site: row.gln("site_gln")?,
        gtin: row.gtin()?,
        lot: row.lot()?,
        kind,
    })
}

/// The events of a record: a batch or a packing transforms its input lots into the lot, a
/// shipment ships it; a certificate is a registry record.
pub fn events(record: &FoodRecord) -> Vec<Event> {
    let Some(at) = noon(record.date) else {
        return Vec::new();
    };
    let output = |quantity: f64, unit: &str| QuantityElement {
        epc_class: lot_class(&record.gtin, &record.lot),
        quantity: Some(quantity),
        uom: Some(unit.to_owned()),
    };
    match &record.kind {
        FoodRecordKind::Batch {
            inputs,
            quantity,
            unit,
            ..
        }
        | FoodRecordKind::Pack {
            inputs,
            quantity,
            unit,
        } => {
            let mut e = Event::new(EventType::TransformationEvent, at);
            let step = if record.kind.name() == "batch" {
                "commissioning"
            } else {
                "packing"
            };
            e.biz_step = Some(cbv("BizStep", step));
            e.disposition = Some(cbv("Disp", "active"));
            at_site(&mut e, &record.site);
            e.input_quantity_list = inputs
                .iter()
                .map(|(gtin, lot)| QuantityElement {
                    epc_class: lot_class(gtin, lot),
                    quantity: None,
                    uom: None,
                })
                .collect();
            e.output_quantity_list = vec![output(*quantity, unit)];
            e.ilmd = Some(vec![master_data("lotNumber", record.lot.clone())]);
            vec![e]
        }
        FoodRecordKind::Ship {
            quantity,
            unit,
            partner,
        } => {
            let mut e = object(at, Action::Observe, "shipping", "in_transit", &record.site);
            e.quantity_list = vec![output(*quantity, unit)];
            e.source_list = vec![place(&record.site)];
            e.destination_list = vec![place(partner)];
            vec![e]
        }
        FoodRecordKind::Coa { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
