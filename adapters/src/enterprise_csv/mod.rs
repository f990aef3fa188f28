//! Enterprise import files: CSV, UTF-8 (a leading byte-order mark is allowed), a header row
//! naming the columns (`registry::enterprises::IMPORT_COLUMNS`, in any order), one enterprise
//! per line. Read as a stream of [`ImportRecord`]s, each carrying its line number; a line that
//! cannot be read becomes a [`LineError`] for that line, and reading goes on.

use std::io::Read;

pub use crate::csv_table::HeaderError;
use crate::csv_table::{self, Table};
use registry::enterprises::{IMPORT_COLUMNS, ImportRecord, LineError, REQUIRED_COLUMNS};

/// Reads the header of `reader`; the records follow through the iterator.
pub fn read<R: Read>(reader: R) -> Result<Records<R>, HeaderError> {
    Ok(Records(csv_table::open(
        reader,
        &IMPORT_COLUMNS,
        &REQUIRED_COLUMNS,
    )?))
}

/// The lines of an import file.
#[derive(Debug)]
pub struct Records<R>(Table<R, { IMPORT_COLUMNS.len() }>);

impl<R: Read> Iterator for Records<R> {
    type Item = Result<ImportRecord, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.0.next()?.map(|(line, cells)| record(line, cells)))
    }
}

fn record(line: u64, cells: [String; IMPORT_COLUMNS.len()]) -> ImportRecord {
    let [
        credit_code,
        name,
        name_en,
        legal_representative,
        phone,
        email,
        region_code,
        address,
        latitude,
        longitude,
        company_prefix,
        categories,
        credit_tier,
        licence_type,
        licence_number,
        licence_valid_from,
        licence_valid_to,
        licence_authority,
    ] = cells;
    ImportRecord {
        line,
        credit_code,
        name,
        name_en,
        legal_representative,
        phone,
        email,
        region_code,
        address,
        latitude,
        longitude,
        company_prefix,
        categories,
        credit_tier,
        licence_type,
        licence_number,
        licence_valid_from,
        licence_valid_to,
        licence_authority,
    }
}

#[cfg(test)]
mod tests;
