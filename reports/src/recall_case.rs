//! A recall case's progress out: the spreadsheet (one row per party, then per region, country
//! and the total; CSV as `reports::recall` writes it) and a PDF report of the same, streamed
//! with the stamp sheets' PDF writer. The PDF draws text with the CJK font every PDF reader
//! provides (`STSong-Light`, UCS-2), so Chinese names print; characters outside it are blank.

use std::io::Write;

use chrono::SecondsFormat;
use registry::recalls::{Progress, Tally};

use crate::stamps::pdf::{PdfOut, push_num};

/// The header row.
pub const COLUMNS: [&str; 15] = [
    "level",
    "key",
    "enterprise_id",
    "region",
    "country",
    "affected",
    "uom",
    "held",
    "returned",
    "destroyed",
    "sold",
    "unaccounted",
    "acknowledged_at",
    "reminders",
    "escalated_at",
];

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

fn num(v: f64) -> String {
    let mut out = Vec::new();
    push_num(&mut out, v);
    String::from_utf8(out).unwrap_or_default()
}

fn tally_cells(t: &Tally) -> [String; 5] {
    [
        num(t.held),
        num(t.returned),
        num(t.destroyed),
        num(t.sold),
        num(t.unaccounted),
    ]
}

/// Writes the case's progress as CSV.
pub fn write_csv<W: Write>(mut out: W, p: &Progress) -> std::io::Result<W> {
    out.write_all("\u{feff}".as_bytes())?;
    let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    line(&mut out, &header)?;
    let time = |t: Option<chrono::NaiveDateTime>| {
        t.map(|t| t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    for party in &p.parties {
        let [held, returned, destroyed, sold, unaccounted] = tally_cells(&party.tally);
        line(
            &mut out,
            &[
                "party".into(),
                party.enterprise_name.clone(),
                party.party.enterprise_id.to_string(),
                party.party.region_code.clone(),
                party.party.country.clone(),
                num(party.tally.affected),
                party.party.uom.clone(),
                held,
                returned,
                destroyed,
                sold,
                unaccounted,
                time(party.party.acknowledged_at),
                party.party.reminders.to_string(),
                time(party.party.escalated_at),
            ],
        )?;
    }
    let groups = p
        .regions
        .iter()
        .map(|t| ("region", t))
        .chain(p.countries.iter().map(|t| ("country", t)))
        .chain(std::iter::once(("total", &p.total)));
    for (level, t) in groups {
        let [held, returned, destroyed, sold, unaccounted] = tally_cells(t);
        line(
            &mut out,
            &[
                level.into(),
                t.key.clone(),
                String::new(),
                String::new(),
                String::new(),
                num(t.affected),
                String::new(),
                held,
                returned,
                destroyed,
                sold,
                unaccounted,
                String::new(),
                String::new(),
                String::new(),
            ],
        )?;
    }
    Ok(out)
}

/// A text as a UCS-2 hex string for the `UniGB-UCS2-H` encoding.
fn push_ucs2(out: &mut Vec<u8>, text: &str) {
    out.push(b'<');
    for c in text.chars() {
        let unit = u16::try_from(u32::from(c)).unwrap_or(0x3F);
        let _ = write!(out, "{unit:04X}");
    }
    out.push(b'>');
}

/// The lines of the report, in order.
fn report_lines(p: &Progress) -> Vec<(f64, String)> {
    let c = &p.case;
    let mut lines = vec![
        (14.0, format!("Recall case {} / 召回案件 {}", c.id, c.id)),
        (10.0, c.title.clone()),
        (
            9.0,
            format!(
                "Class {} · {} · status {}",
                c.hazard_class, c.category, c.status
            ),
        ),
        (9.0, format!("Reason: {}", c.reason)),
        (
            9.0,
            format!(
                "Opened {} by {} · deadline {} · scope version {}",
                c.opened_at.map(|t| t.to_string()).unwrap_or_default(),
                c.opened_by.clone().unwrap_or_default(),
                c.deadline_at.map(|t| t.to_string()).unwrap_or_default(),
                c.scope_version
            ),
        ),
        (
            9.0,
            format!(
                "Parties {} · acknowledged {} · reported {} · unregistered places {}",
                p.parties.len(),
                p.acknowledged,
                p.reported,
                p.unregistered_places
            ),
        ),
        (10.0, "Lots".into()),
    ];
    for lot in &p.lots {
        lines.push((
            8.0,
            format!("  {} {} (v{})", lot.lot_id, lot.product, lot.added_version),
        ));
    }
    let row = |t: &Tally| {
        format!(
            "  {} · affected {} · held {} · returned {} · destroyed {} · sold {} · unaccounted {}",
            t.key,
            num(t.affected),
            num(t.held),
            num(t.returned),
            num(t.destroyed),
            num(t.sold),
            num(t.unaccounted)
        )
    };
    lines.push((10.0, "Parties".into()));
    lines.extend(p.parties.iter().map(|x| (8.0, row(&x.tally))));
    lines.push((10.0, "Regions".into()));
    lines.extend(p.regions.iter().map(|t| (8.0, row(t))));
    lines.push((10.0, "Countries".into()));
    lines.extend(p.countries.iter().map(|t| (8.0, row(t))));
    lines.push((10.0, row(&p.total)));
    if let Some(e) = &c.effectiveness {
        lines.push((9.0, format!("Effectiveness check: {e}")));
    }
    lines
}

/// Writes the case's progress as a PDF report (A4, as many pages as it needs).
pub fn write_pdf<W: Write>(out: W, p: &Progress) -> std::io::Result<W> {
    const TOP: f64 = 800.0;
    const BOTTOM: f64 = 50.0;
    let lines = report_lines(p);
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let mut content = Vec::new();
    let mut y = TOP;
    for (size, text) in &lines {
        if y < BOTTOM {
            pages.push(std::mem::take(&mut content));
            y = TOP;
        }
        let _ = write!(content, "BT /F1 ");
        push_num(&mut content, *size);
        let _ = write!(content, " Tf 40 ");
        push_num(&mut content, y);
        let _ = write!(content, " Td ");
        let shown: String = text.chars().take(110).collect();
        push_ucs2(&mut content, &shown);
        let _ = writeln!(content, " Tj ET");
        y -= size + 4.0;
    }
    pages.push(content);
    // 1 catalog, 2 page tree, 3 font, 4 CID font, 5 descriptor, 6 info, then page and content.
    let mut pdf = PdfOut::new(out, 6 + 2 * pages.len())?;
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>")?;
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 7 + 2 * i))
        .collect();
    pdf.object(
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .as_bytes(),
    )?;
    pdf.object(3, b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>")?;
    pdf.object(4, b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 >>")?;
    pdf.object(5, b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")?;
    let mut info = Vec::from(&b"<< /Producer (tracehub) /Title "[..]);
    crate::stamps::pdf::push_text(&mut info, &format!("Recall case {}", p.case.id));
    info.extend_from_slice(b" >>");
    pdf.object(6, &info)?;
    for (i, page) in pages.iter().enumerate() {
        let id = 7 + 2 * i;
        pdf.object(
            id,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                id + 1
            )
            .as_bytes(),
        )?;
        pdf.stream(id + 1, page, true)?;
    }
    pdf.finish(1, 6)
}
