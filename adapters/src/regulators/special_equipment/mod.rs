//! The special-equipment system's lifecycle records (`special-equipment`): manufacture,
//! installation, maintenance, periodic inspection, a gas cylinder's registration to a filling
//! company and its fillings, scrapping. JSON Lines (one object per line). The format and its
//! mapping are in this folder's `README.md`; samples in `adapters/samples/special-equipment/`.

mod events;

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use registry::departments::Category;
use registry::enterprises::LineError;
use registry::error::Code;
use registry::ids::gs1::Gln;
use registry::ids::uscc::UnifiedSocialCreditCode;
use serde::Deserialize;

pub use events::{epc, events};

use super::{Adapter, Record, Records};
use crate::csv_table::HeaderError;
use crate::regulators::events::china_time;

/// The adapter.
pub const ADAPTER: Adapter = Adapter {
    name: "special-equipment",
    category: Category::SpecialEquipment,
    formats: "JSON Lines",
    summary: "lifecycle records of special equipment by its 18-digit code: manufacture, \
              installation, maintenance, periodic inspection, gas-cylinder filling, scrapping",
    read,
};

/// Longest line read, in bytes.
const MAX_LINE: u64 = 64 * 1024;

/// A record and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct EquipmentRecord {
    pub line: u64,
    /// The 18-digit equipment code.
    pub code: String,
    pub at: DateTime<FixedOffset>,
    /// The credit code of the company acting (manufacturer, installer, maintainer, inspection
    /// body, filling company).
    pub company: String,
    /// The GLN of the site where it happened.
    pub site: String,
    pub kind: EquipmentRecordKind,
}

/// What happened to the equipment.
#[derive(Debug, Clone, PartialEq)]
pub enum EquipmentRecordKind {
    /// Made; `gs1_prefix` is the maker's GS1 company prefix, under which the code becomes a
    /// GIAI.
    Manufacture {
        gs1_prefix: String,
        model: String,
    },
    Install,
    Maintain,
    /// A periodic inspection, its verdict, report and the next one's due date.
    Inspect {
        passed: bool,
        report_number: String,
        next_due: NaiveDate,
    },
    /// A gas cylinder registered to the filling company `company`.
    RegisterFiller,
    /// A gas cylinder filled by `company`.
    Fill {
        medium: String,
    },
    Scrap,
}

impl EquipmentRecordKind {
    /// The record type as written.
    pub fn name(&self) -> &'static str {
        match self {
            EquipmentRecordKind::Manufacture { .. } => "manufacture",
            EquipmentRecordKind::Install => "install",
            EquipmentRecordKind::Maintain => "maintain",
            EquipmentRecordKind::Inspect { .. } => "inspect",
            EquipmentRecordKind::RegisterFiller => "register_filler",
            EquipmentRecordKind::Fill { .. } => "fill",
            EquipmentRecordKind::Scrap => "scrap",
        }
    }
}

/// Checks an equipment code: 18 digits; a 4-digit type code whose first digit is a class of the
/// TSG 08 catalogue (boilers 1, pressure vessels 2 with gas cylinders 23xx, elevators 3, lifting
/// machinery 4, passenger ropeways 5, amusement rides 6, pressure pipelines 8, in-plant vehicles
/// 9); the 5-digit manufacturer code (licensing region and licence sequence, not checked
/// further); a 4-digit year of manufacture from 1950 to 2100; a 5-digit sequence that is not
/// zero.
pub fn check_code(code: &str) -> Result<(), String> {
    if code.len() != 18 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("an equipment code is 18 digits".into());
    }
    if !matches!(code.as_bytes()[0], b'1'..=b'6' | b'8' | b'9') {
        return Err(format!(
            "{} is not a type code of the catalogue",
            &code[..4]
        ));
    }
    let year: u32 = code[9..13].parse().unwrap_or(0);
    if !(1950..=2100).contains(&year) {
        return Err(format!("{year} is not a year of manufacture"));
    }
    if &code[13..] == "00000" {
        return Err("the sequence number must not be zero".into());
    }
    Ok(())
}

/// True for a gas cylinder's code (type 23xx).
pub fn is_cylinder(code: &str) -> bool {
    code.starts_with("23")
}

/// One line as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    record: String,
    code: String,
    at: String,
    company: String,
    site_gln: String,
    gs1_prefix: Option<String>,
    model: Option<String>,
    passed: Option<bool>,
    report_number: Option<String>,
    next_due: Option<String>,
    medium: Option<String>,
}

fn read<'a>(input: Box<dyn Read + Send + 'a>) -> Result<Records<'a>, HeaderError> {
    let mut reader = BufReader::new(input);
    let mut line = 0_u64;
    let mut stopped = false;
    Ok(Box::new(std::iter::from_fn(move || {
        let mut text = String::new();
        loop {
            if stopped {
                return None;
            }
            text.clear();
            line += 1;
            let read = (&mut reader).take(MAX_LINE).read_line(&mut text);
            match read {
                Ok(0) => return None,
                Ok(_) if text.trim().is_empty() => continue,
                Ok(_) if !text.ends_with('\n') && text.len() as u64 == MAX_LINE => {
                    stopped = true;
                    let message = format!("a line is at most {MAX_LINE} bytes");
                    return Some(Err(LineError::new(line, "", Code::TooLong, message)));
                }
                Ok(_) => return Some(record(line, &text)),
                Err(e) => {
                    stopped = true;
                    let code = if e.kind() == std::io::ErrorKind::InvalidData {
                        Code::InvalidEncoding
                    } else {
                        Code::UnreadableBody
                    };
                    return Some(Err(LineError::new(line, "", code, e.to_string())));
                }
            }
        }
    })))
}

fn record(line: u64, text: &str) -> Result<Record, LineError> {
    let err =
        |column: &str, code: Code, message: String| LineError::new(line, column, code, message);
    let raw: Line = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| err("", Code::InvalidJson, e.to_string()))?;
    check_code(&raw.code).map_err(|e| err("code", Code::InvalidIdentifier, e))?;
    let at = time(&raw.at).ok_or_else(|| {
        err(
            "at",
            Code::InvalidDate,
            "RFC 3339, or 2026-11-02 09:30:00 in China's time".into(),
        )
    })?;
    let company = UnifiedSocialCreditCode::parse(&raw.company)
        .map_err(|e| err("company", Code::InvalidCreditCode, e.to_string()))?;
    let site =
        Gln::parse(&raw.site_gln).map_err(|e| err("site_gln", Code::InvalidGln, e.to_string()))?;
    let required = |value: &Option<String>, column: &str| -> Result<String, LineError> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() && v.chars().count() <= 200 => Ok(v.to_owned()),
            Some(v) if !v.is_empty() => {
                Err(err(column, Code::TooLong, "at most 200 characters".into()))
            }
            _ => Err(err(
                column,
                Code::Required,
                format!("{} needs {column}", raw.record),
            )),
        }
    };
    let kind = match raw.record.as_str() {
        "manufacture" => {
            let prefix = required(&raw.gs1_prefix, "gs1_prefix")?;
            if !(6..=12).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    "gs1_prefix",
                    Code::InvalidCompanyPrefix,
                    "6 to 12 digits".into(),
                ));
            }
            EquipmentRecordKind::Manufacture {
                gs1_prefix: prefix,
                model: required(&raw.model, "model")?,
            }
        }
        "install" => EquipmentRecordKind::Install,
        "maintain" => EquipmentRecordKind::Maintain,
        "inspect" => EquipmentRecordKind::Inspect {
            passed: raw
                .passed
                .ok_or_else(|| err("passed", Code::Required, "inspect needs passed".into()))?,
            report_number: required(&raw.report_number, "report_number")?,
            next_due: NaiveDate::parse_from_str(&required(&raw.next_due, "next_due")?, "%Y-%m-%d")
                .map_err(|_| {
                    err(
                        "next_due",
                        Code::InvalidDate,
                        "a date reads YYYY-MM-DD".into(),
                    )
                })?,
        },
        "register_filler" | "fill" if !is_cylinder(&raw.code) => {
            return Err(err(
                "code",
                Code::InvalidIdentifier,
                "only gas cylinders (type 23xx) are registered to fillers and filled".into(),
            ));
        }
        "register_filler" => EquipmentRecordKind::RegisterFiller,
        "fill" => EquipmentRecordKind::Fill {
            medium: required(&raw.medium, "medium")?,
        },
        "scrap" => EquipmentRecordKind::Scrap,
        other => {
            return Err(err(
                "record",
                Code::InvalidChoice,
                format!(
                    "unknown record type {other:?}; the types are manufacture, install, \
                     maintain, inspect, register_filler, fill, scrap"
                ),
            ));
        }
    };
    Ok(Record::Equipment(EquipmentRecord {
        line,
        code: raw.code,
        at,
        company: company.as_str().to_owned(),
        site: site.as_str().to_owned(),
        kind,
    }))
}

fn time(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok().or_else(|| {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(china_time)
    })
}

#[cfg(test)]
mod tests;
