//! Enterprise import files written: the header row (`registry::enterprises::IMPORT_COLUMNS`)
//! and one line per enterprise, as `adapters::enterprise_csv` reads them back. Used to make
//! test and benchmark files (`registry::synthetic`) and to hand a department a template.

use std::io::Write;

use registry::enterprises::{IMPORT_COLUMNS, ImportRecord};

/// Writes the header and every record of `records` to `out`; returns how many were written.
pub fn write<W: Write>(
    records: impl IntoIterator<Item = ImportRecord>,
    out: W,
) -> Result<u64, csv::Error> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(IMPORT_COLUMNS)?;
    let mut count = 0;
    for r in records {
        csv.write_record([
            &r.credit_code,
            &r.name,
            &r.name_en,
            &r.legal_representative,
            &r.phone,
            &r.email,
            &r.region_code,
            &r.address,
            &r.latitude,
            &r.longitude,
            &r.company_prefix,
            &r.categories,
            &r.credit_tier,
            &r.licence_type,
            &r.licence_number,
            &r.licence_valid_from,
            &r.licence_valid_to,
            &r.licence_authority,
        ])?;
        count += 1;
    }
    csv.flush()?;
    Ok(count)
}
