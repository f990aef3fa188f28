//! CSV files with a header row naming their columns (in any order), read as a stream of rows
//! that each carry the line they start on. UTF-8, a leading byte-order mark allowed. A row that
//! cannot be read becomes a [`LineError`] for its line, and reading goes on; broken quoting stops
//! the stream after reporting it, since no sure place to resume is left.

use std::io::Read;

use registry::enterprises::LineError;
use registry::error::Code;

use crate::lines::LineCounter;

/// The header row is unusable; nothing can be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{column}: {message}")]
pub struct HeaderError {
    /// The column at fault ("" when there is no header at all).
    pub column: String,
    pub message: String,
}

/// One row: its first line and its cells in the order of the column list ("" for a column the
/// file does not have).
pub type Row<const N: usize> = (u64, [String; N]);

/// The rows of a CSV file whose header names some of `N` known columns.
pub struct Table<R, const N: usize> {
    csv: csv::Reader<LineCounter<R>>,
    columns: &'static [&'static str; N],
    positions: [Option<usize>; N],
    width: usize,
    record: csv::ByteRecord,
    stopped: bool,
}

impl<R, const N: usize> std::fmt::Debug for Table<R, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Table({} columns)", self.width)
    }
}

/// Reads the header of `reader` against the known `columns`, of which `required` must appear;
/// the rows follow through the iterator.
pub fn open<R: Read, const N: usize>(
    reader: R,
    columns: &'static [&'static str; N],
    required: &[&str],
) -> Result<Table<R, N>, HeaderError> {
    let counter = LineCounter::new(reader);
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(counter);
    let header = csv.byte_headers().map_err(|e| HeaderError {
        column: String::new(),
        message: format!("cannot read the header row: {e}"),
    })?;
    let mut positions = [None; N];
    for (at, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        let name = name.trim_start_matches('\u{feff}').trim();
        let Some(index) = columns.iter().position(|c| *c == name) else {
            return Err(HeaderError {
                column: name.to_owned(),
                message: format!("unknown column; the columns are {}", columns.join(", ")),
            });
        };
        if positions[index].replace(at).is_some() {
            return Err(HeaderError {
                column: name.to_owned(),
                message: "the column appears twice".into(),
            });
        }
    }
    if let Some(missing) = required.iter().find(|c| {
        !columns
            .iter()
            .zip(&positions)
            .any(|(n, p)| n == *c && p.is_some())
    }) {
        return Err(HeaderError {
            column: (*missing).to_owned(),
            message: "a required column is missing".into(),
        });
    }
    let width = header.len();
    Ok(Table {
        csv,
        columns,
        positions,
        width,
        record: csv::ByteRecord::new(),
        stopped: false,
    })
}

impl<R: Read, const N: usize> Iterator for Table<R, N> {
    type Item = Result<Row<N>, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        match self.csv.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let start = self.record.position().map_or(0, csv::Position::byte);
                let line = self.csv.get_mut().line_from(start);
                Some(self.cells(line).map(|cells| (line, cells)))
            }
            Err(e) => {
                self.stopped = true;
                let start = e.position().map_or(0, csv::Position::byte);
                let line = self.csv.get_mut().line_from(start);
                Some(Err(LineError::new(
                    line,
                    "",
                    Code::InvalidCsv,
                    e.to_string(),
                )))
            }
        }
    }
}

impl<R: Read, const N: usize> Table<R, N> {
    fn cells(&self, line: u64) -> Result<[String; N], LineError> {
        if self.record.len() != self.width {
            return Err(LineError::new(
                line,
                "",
                Code::InvalidCsv,
                format!(
                    "{} fields where the header has {}",
                    self.record.len(),
                    self.width
                ),
            ));
        }
        let mut cells: [String; N] = std::array::from_fn(|_| String::new());
        for (index, position) in self.positions.iter().enumerate() {
            let Some(at) = position else { continue };
            let raw = self.record.get(*at).unwrap_or_default();
            cells[index] = String::from_utf8(raw.to_vec()).map_err(|_| {
                LineError::new(
                    line,
                    self.columns[index],
                    Code::InvalidEncoding,
                    "not UTF-8: save the file as UTF-8",
                )
            })?;
        }
        Ok(cells)
    }
}
