//! A CSV row of a regulator's export being read: typed cells whose errors name their column.

use chrono::NaiveDate;
use registry::enterprises::LineError;
use registry::error::Code;
use registry::ids::gs1::{Gln, Gtin};

use super::lots::UNITS;

/// A row being read: every accessor names its column in the error.
pub struct Row<'a> {
    pub line: u64,
    columns: &'a [&'a str],
    cells: &'a [String],
}

impl<'a> Row<'a> {
    /// A row of `cells` in the order of `columns`.
    pub fn new(line: u64, columns: &'a [&'a str], cells: &'a [String]) -> Self {
        Self {
            line,
            columns,
            cells,
        }
    }

    /// The cell of `column`, trimmed ("" when the file has no such column).
    pub fn cell(&self, column: &str) -> &str {
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

    /// The error of a required cell left empty.
    pub fn required(&self, column: &str) -> LineError {
        self.error(column, Code::Required, "required for this record type")
    }

    /// A required text of at most 200 characters.
    pub fn text(&self, column: &str) -> Result<&str, LineError> {
        match self.cell(column) {
            "" => Err(self.required(column)),
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
