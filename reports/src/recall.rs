//! The recall spreadsheet: one CSV row per event and affected lot (RFC 4180, UTF-8 with a byte
//! order mark so that spreadsheet programs read Chinese and Vietnamese names right), in the
//! order the report's rows were sorted. Cells that a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@` first) are prefixed with `'`.

use std::io::Write;

use chrono::SecondsFormat;
use registry::events::recall::RecallRow;

/// The header row.
pub const COLUMNS: [&str; 18] = [
    "event_time",
    "biz_step",
    "event_type",
    "event",
    "lot",
    "gtin",
    "product",
    "quantity",
    "uom",
    "items",
    "location",
    "location_name",
    "location_kind",
    "enterprise",
    "country",
    "region",
    "ship_from",
    "ship_to",
];

/// One cell, quoted when it must be, defused when a spreadsheet would evaluate it.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn line<W: Write>(out: &mut W, cells: &[String]) -> std::io::Result<()> {
    let joined: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.write_all(joined.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// Writes `rows` as CSV with a header row.
pub fn write_csv<W: Write>(mut out: W, rows: &[RecallRow]) -> std::io::Result<W> {
    out.write_all("\u{feff}".as_bytes())?;
    let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    line(&mut out, &header)?;
    for r in rows {
        line(
            &mut out,
            &[
                r.event_time
                    .and_utc()
                    .to_rfc3339_opts(SecondsFormat::AutoSi, true),
                r.biz_step.clone(),
                r.event_type.clone(),
                r.event.clone(),
                r.lot.clone(),
                r.gtin.clone(),
                r.product.clone(),
                r.quantity.map(|q| q.to_string()).unwrap_or_default(),
                r.uom.clone(),
                r.items.to_string(),
                r.location.clone(),
                r.location_name.clone(),
                r.location_kind.clone(),
                r.enterprise.clone(),
                r.country.clone(),
                r.region.clone(),
                r.ship_from.clone(),
                r.ship_to.clone(),
            ],
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
