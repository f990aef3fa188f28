//! The drug traceability system's export (`drugs`): products, codes commissioned, packing,
//! shipping, receiving, sale and dispensing, one record per CSV row. The format and its mapping
//! are in this folder's `README.md`; samples in `adapters/samples/drugs/`.

mod code;
mod events;

use std::io::Read;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use registry::departments::Category;
use registry::enterprises::LineError;
use registry::error::Code;

pub use code::DrugCode;
pub use events::events;

use super::{Adapter, Record, Records};
use crate::csv_table::{self, HeaderError};
use crate::regulators::events::china_time;
use crate::regulators::row::Row;

/// The adapter.
pub const ADAPTER: Adapter = Adapter {
    name: "drugs",
    category: Category::Drugs,
    formats: "CSV",
    summary: "drug traceability codes (20-digit and GS1 DataMatrix): products, commissioning, \
              packing, shipping, receiving, sale and dispensing",
    read,
};

/// The columns, in any order; only `record` is required in the header.
pub const COLUMNS: [&str; 12] = [
    "record",
    "event_time",
    "site_gln",
    "code",
    "parent_code",
    "partner_gln",
    "batch",
    "expiry",
    "drug_id",
    "gtin",
    "name",
    "approval_number",
];

/// Codes in one list cell, separated by `|`.
const LIST_SEPARATOR: char = '|';

/// A record and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct DrugRecord {
    pub line: u64,
    pub kind: DrugRecordKind,
}

/// What a record says.
#[derive(Debug, Clone, PartialEq)]
pub enum DrugRecordKind {
    /// A drug: its 7-digit identification code, the GTIN it is filed under, its name and
    /// approval number (国药准字...).
    Product {
        drug_id: String,
        gtin: String,
        name: String,
        approval_number: String,
    },
    /// A pack's code applied on the line, with its batch and expiry.
    Commission {
        at: DateTime<FixedOffset>,
        site: String,
        code: DrugCode,
        batch: String,
        expiry: NaiveDate,
    },
    /// Packs (or cases) packed into a case (or pallet).
    Pack {
        at: DateTime<FixedOffset>,
        site: String,
        parent: DrugCode,
        codes: Vec<DrugCode>,
    },
    /// Shipped from `site` to the partner's site.
    Ship {
        at: DateTime<FixedOffset>,
        site: String,
        partner: String,
        codes: Vec<DrugCode>,
    },
    /// Received at `site` from the partner's site.
    Receive {
        at: DateTime<FixedOffset>,
        site: String,
        partner: String,
        codes: Vec<DrugCode>,
    },
    /// Sold by a retail pharmacy; `batch` as the pharmacy recorded it, when it did.
    Sell {
        at: DateTime<FixedOffset>,
        site: String,
        code: DrugCode,
        batch: Option<String>,
    },
    /// Dispensed by a hospital pharmacy; `batch` as recorded, when it was.
    Dispense {
        at: DateTime<FixedOffset>,
        site: String,
        code: DrugCode,
        batch: Option<String>,
    },
}

impl DrugRecordKind {
    /// The record type as written in the file.
    pub fn name(&self) -> &'static str {
        match self {
            DrugRecordKind::Product { .. } => "product",
            DrugRecordKind::Commission { .. } => "commission",
            DrugRecordKind::Pack { .. } => "pack",
            DrugRecordKind::Ship { .. } => "ship",
            DrugRecordKind::Receive { .. } => "receive",
            DrugRecordKind::Sell { .. } => "sell",
            DrugRecordKind::Dispense { .. } => "dispense",
        }
    }
}

fn read<'a>(input: Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError> {
    let table = csv_table::open(input, &COLUMNS, &["record"])?;
    Ok(Box::new(table.map(|row| {
        let (line, cells) = row?;
        let kind = Row::new(line, &COLUMNS, &cells).kind()?;
        Ok(Record::Drug(DrugRecord { line, kind }))
    })))
}

/// The drugs adapter's own cells.
impl Row<'_> {
    fn kind(&self) -> Result<DrugRecordKind, LineError> {
        Ok(match self.text("record")? {
            "product" => DrugRecordKind::Product {
                drug_id: self.drug_id()?,
                gtin: self.gtin()?,
                name: self.text("name")?.to_owned(),
                approval_number: self.approval_number()?,
            },
            "commission" => DrugRecordKind::Commission {
                at: self.time()?,
                site: self.gln("site_gln")?,
                code: self.code("code")?,
                batch: self.batch()?.ok_or_else(|| self.required("batch"))?,
                expiry: self.date("expiry")?,
            },
            "pack" => DrugRecordKind::Pack {
                at: self.time()?,
                site: self.gln("site_gln")?,
                parent: self.code("parent_code")?,
                codes: self.codes()?,
            },
            "ship" => DrugRecordKind::Ship {
                at: self.time()?,
                site: self.gln("site_gln")?,
                partner: self.gln("partner_gln")?,
                codes: self.codes()?,
            },
            "receive" => DrugRecordKind::Receive {
                at: self.time()?,
                site: self.gln("site_gln")?,
                partner: self.gln("partner_gln")?,
                codes: self.codes()?,
            },
            "sell" => DrugRecordKind::Sell {
                at: self.time()?,
                site: self.gln("site_gln")?,
                code: self.code("code")?,
                batch: self.batch()?,
            },
            "dispense" => DrugRecordKind::Dispense {
                at: self.time()?,
                site: self.gln("site_gln")?,
                code: self.code("code")?,
                batch: self.batch()?,
            },
            other => {
                return Err(self.error(
                    "record",
                    Code::InvalidChoice,
                    format!(
                        "unknown record type {other:?}; the types are product, commission, \
                         pack, ship, receive, sell, dispense"
                    ),
                ));
            }
        })
    }

    fn drug_id(&self) -> Result<String, LineError> {
        let id = self.text("drug_id")?;
        if id.len() == 7 && id.bytes().all(|b| b.is_ascii_digit()) {
            Ok(id.to_owned())
        } else {
            Err(self.error(
                "drug_id",
                Code::InvalidIdentifier,
                "a drug identification code is 7 digits (the first 7 of its traceability codes)",
            ))
        }
    }

    /// 国药准字, then one or two capital letters (H chemical, Z Chinese medicine, S biological,
    /// J imported, ...) and 8 digits.
    fn approval_number(&self) -> Result<String, LineError> {
        let number = self.text("approval_number")?;
        let valid = number.strip_prefix("国药准字").is_some_and(|rest| {
            let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
            let digits = &rest[letters..];
            (1..=2).contains(&letters)
                && digits.len() == 8
                && digits.bytes().all(|b| b.is_ascii_digit())
        });
        if valid {
            Ok(number.to_owned())
        } else {
            Err(self.error(
                "approval_number",
                Code::InvalidIdentifier,
                "an approval number reads 国药准字, a letter and 8 digits (国药准字H20051234)",
            ))
        }
    }

    fn batch(&self) -> Result<Option<String>, LineError> {
        match self.cell("batch") {
            "" => Ok(None),
            batch if batch.len() <= 20 && batch.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(Some(batch.to_owned()))
            }
            _ => Err(self.error(
                "batch",
                Code::InvalidLot,
                "a batch number is 1 to 20 printable ASCII characters",
            )),
        }
    }

    /// RFC 3339, or `YYYY-MM-DD HH:MM:SS` in China's time (UTC+8).
    fn time(&self) -> Result<DateTime<FixedOffset>, LineError> {
        let text = self.text("event_time")?;
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(at);
        }
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(china_time)
            .ok_or_else(|| {
                self.error(
                    "event_time",
                    Code::InvalidDate,
                    "a time reads as RFC 3339 (2026-11-02T09:30:00+08:00) or \
                     2026-11-02 09:30:00 (China time)",
                )
            })
    }

    fn code(&self, column: &str) -> Result<DrugCode, LineError> {
        DrugCode::parse(self.text(column)?)
            .map_err(|e| self.error(column, Code::InvalidIdentifier, e))
    }

    fn codes(&self) -> Result<Vec<DrugCode>, LineError> {
        self.text("code")?
            .split(LIST_SEPARATOR)
            .map(|one| {
                DrugCode::parse(one).map_err(|e| {
                    self.error(
                        "code",
                        Code::InvalidIdentifier,
                        format!("{}: {e}", one.trim()),
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
