//! What the lot-based adapters (agri, food) share: reading a CSV row's typed cells with errors
//! that name their column, lots as GS1 classes, and the noon of a day as the event time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use registry::enterprises::LineError;
use registry::error::Code;
use registry::ids::digital_link::uri_escape;
use registry::ids::gs1::{Gln, Gtin};

use super::events::china_time;

/// Units of quantity accepted (UN/CEFACT Rec. 20): kilogram, tonne, litre, piece, head.
pub const UNITS: [&str; 5] = ["KGM", "TNE", "LTR", "H87", "HEA"];

/// A lot of a GTIN as an EPC class: `https://id.gs1.org/01/{gtin}/10/{lot}`, the lot
/// percent-encoded where Digital Link reserves its characters.
pub fn lot_class(gtin: &str, lot: &str) -> String {
    format!("https://id.gs1.org/01/{gtin}/10/{}", uri_escape(lot, false))
}

/// Noon of a day in China's time: the event time of a record that gives only its day.
pub fn noon(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    china_time(date.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))
}

/// A row being read: every accessor names its column in the error.
pub struct LotRow<'a> {
    pub line: u64,
    columns: &'a [&'a str],
    cells: &'a [String],
}

impl<'a> LotRow<'a> {
    /// A row of `cells` in the order of `columns`.
    pub fn new(line: u64, columns: &'a [&'a str], cells: &'a [String]) -> Self {
        Self {
            line,
            columns,
            cells,
        }
    }

    fn cell(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|at| self.cells.get(at))
            .map_or("", |c| c.trim())
    }

    /// An error on `column` of this row.
    pub fn error(&self, column: &str, code: Code, message: impl Into<String>) -> LineError {
        LineError::new(self.line, column, code, message)
    }

    /// A required text of at most 200 characters.
    pub fn text(&self, column: &str) -> Result<&str, LineError> {
        match self.cell(column) {
            "" => Err(self.error(column, Code::Required, "required for this record type")),
            text if text.chars().count() > 200 => {
                Err(self.error(column, Code::TooLong, "at most 200 characters"))
            }
            text => Ok(text),
        }
    }

    /// A date, `YYYY-MM-DD`.
    pub fn date(&self, column: &str) -> Result<NaiveDate, LineError> {
        NaiveDate::parse_from_str(self.text(column)?, "%Y-%m-%d")
            .map_err(|_| self.error(column, Code::InvalidDate, "a date reads YYYY-MM-DD"))
    }

    /// A GLN, check digit verified.
    pub fn gln(&self, column: &str) -> Result<String, LineError> {
        Gln::parse(self.text(column)?)
            .map(|g| g.as_str().to_owned())
            .map_err(|e| self.error(column, Code::InvalidGln, e.to_string()))
    }

    /// The `gtin` column, check digit verified.
    pub fn gtin(&self) -> Result<String, LineError> {
        Gtin::parse(self.text("gtin")?)
            .map(|g| g.as_str().to_owned())
            .map_err(|e| self.error("gtin", Code::InvalidGtin, e.to_string()))
    }

    /// The `lot` column: 1 to 20 printable ASCII characters.
    pub fn lot(&self) -> Result<String, LineError> {
        let lot = self.text("lot")?;
        if lot.len() <= 20 && lot.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(lot.to_owned())
        } else {
            Err(self.error(
                "lot",
                Code::InvalidLot,
                "1 to 20 printable ASCII characters",
            ))
        }
    }

    /// The `quantity` column: above 0, at most a billion.
    pub fn quantity(&self) -> Result<f64, LineError> {
        let value: f64 = self
            .text("quantity")?
            .parse()
            .map_err(|_| self.error("quantity", Code::InvalidQuantity, "not a number"))?;
        if value.is_finite() && value > 0.0 && value <= 1e9 {
            Ok(value)
        } else {
            Err(self.error("quantity", Code::InvalidQuantity, "above 0, at most 10^9"))
        }
    }

    /// The `unit` column, one of [`UNITS`].
    pub fn unit(&self) -> Result<String, LineError> {
        let unit = self.text("unit")?;
        if UNITS.contains(&unit) {
            Ok(unit.to_owned())
        } else {
            Err(self.error(
                "unit",
                Code::InvalidUnit,
                format!("one of {}", UNITS.join(", ")),
            ))
        }
    }

    /// A whole number from 0 to `max`.
    pub fn whole(&self, column: &str, max: u32) -> Result<u32, LineError> {
        self.text(column)?
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                self.error(
                    column,
                    Code::InvalidNumber,
                    format!("a whole number from 0 to {max}"),
                )
            })
    }

    /// The `result` column: `pass` or `fail`.
    pub fn passed(&self) -> Result<bool, LineError> {
        match self.text("result")? {
            "pass" => Ok(true),
            "fail" => Ok(false),
            _ => Err(self.error("result", Code::InvalidChoice, "pass or fail")),
        }
    }
}
