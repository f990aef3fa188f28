//! Stamp QR codes and sheets, checked the way a printer and a phone see them: the PDF is
//! parsed (xref offsets, page tree), checked by qpdf and pdfinfo, rendered by pdftoppm, and the
//! printed QR codes decoded back to their URIs. The external tools are used when installed
//! (Debian `qpdf`, `poppler-utils`, `librsvg2-bin`); the Rust checks always run.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::rc::Rc;

use registry::stamps::{HiddenCodeKey, HiddenCodeKeyRing, SerialGenerator, StampLinkBase};
use reports::stamps::{
    SheetHeader, SheetKind, SheetLayout, SheetWriter, StampLabel, StampPrintError, StampQr,
    try_write_sheet, write_sheet,
};

const HOST: &str = "trace.example.gov.cn";
const GTIN: &str = "09506000134352";
const A4: &str = "595.28 x 841.89 pts (A4)";
const DPI: f64 = 300.0;

fn labels(n: usize) -> Vec<StampLabel> {
    let keys = HiddenCodeKeyRing::new(1, [(1, HiddenCodeKey::generate(&mut rand::rng()))])
        .expect("key ring");
    let link = StampLinkBase::new(HOST, GTIN, Some("L2026/07")).expect("link");
    SerialGenerator::from_thread_rng()
        .take(n)
        .map(|s| StampLabel {
            serial: s.to_string(),
            uri: link.uri(&s),
            hidden_code: Some(keys.issue(&s).1.to_string()),
        })
        .collect()
}

fn header() -> SheetHeader {
    SheetHeader {
        order_id: "SO-1".into(),
        product: "Green tea (Lot L2026/07)".into(),
    }
}

fn sheet(labels: &[StampLabel], kind: SheetKind) -> Vec<u8> {
    write_sheet(
        Vec::new(),
        &SheetLayout::default(),
        kind,
        &header(),
        labels.len() as u64,
        labels.iter().cloned(),
    )
    .expect("sheet")
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

/// Decodes every QR code in a greyscale image.
fn decode_all(width: usize, height: usize, luma: impl Fn(usize, usize) -> u8) -> BTreeSet<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    img.detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

fn decode_png(png: &[u8]) -> BTreeSet<String> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("png")
        .to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    decode_all(w, h, |x, y| img.get_pixel(x as u32, y as u32).0[0])
}

/// Decodes each label of a page rendered at `dpi` on its own, in reading order; `None` for a
/// label that holds no readable code.
fn decode_labels(png: &[u8], layout: &SheetLayout, dpi: f64) -> Vec<Option<String>> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("png")
        .to_luma8();
    let px = |mm: f64| (mm * dpi / 25.4).round() as usize;
    let mut out = Vec::new();
    for row in 0..layout.rows {
        for col in 0..layout.columns {
            let x0 = px(layout.margin_left_mm
                + f64::from(col) * (layout.label_width_mm + layout.gutter_x_mm));
            let y0 = px(layout.margin_top_mm
                + f64::from(row) * (layout.label_height_mm + layout.gutter_y_mm));
            let (w, h) = (px(layout.label_width_mm), px(layout.label_height_mm));
            let found = decode_all(w, h, |x, y| {
                img.get_pixel((x0 + x) as u32, (y0 + y) as u32).0[0]
            });
            assert!(found.len() <= 1, "{found:?}");
            out.push(found.into_iter().next());
        }
    }
    out
}

fn expected_uris(labels: &[StampLabel], per_page: usize) -> Vec<Option<String>> {
    let mut uris: Vec<Option<String>> = labels.iter().map(|l| Some(l.uri.clone())).collect();
    uris.resize(per_page, None);
    uris
}

#[test]
fn qr_png_and_svg_decode_back_to_the_uri() {
    let label = &labels(1)[0];
    let qr = StampQr::encode(&label.uri).expect("qr");
    let png = qr.to_png(4).expect("png");
    assert_eq!(decode_png(&png), BTreeSet::from([label.uri.clone()]));

    let svg = qr.to_svg(300);
    // Rasterise the SVG's own path (M x y h w v h h -w z) and decode it.
    let side = qr.width_with_quiet_zone();
    let scale = 6;
    let mut grid = vec![255u8; side * side * scale * scale];
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("path");
    for rect in d.split('z').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("number"))
            .collect();
        assert_eq!(nums.len(), 5, "bad rect {rect}");
        let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for py in y * scale..(y + h) * scale {
            for px in x * scale..(x + w) * scale {
                grid[py * side * scale + px] = 0;
            }
        }
    }
    let n = side * scale;
    assert_eq!(
        decode_all(n, n, |x, y| grid[y * n + x]),
        BTreeSet::from([label.uri.clone()])
    );

    if tool("rsvg-convert") {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("qr.svg");
        std::fs::write(&path, &svg).expect("write svg");
        let out = Command::new("rsvg-convert")
            .arg(&path)
            .output()
            .expect("rsvg-convert");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // rsvg-convert writes RGBA; drop alpha onto white.
        let img = image::load_from_memory_with_format(&out.stdout, image::ImageFormat::Png)
            .expect("png")
            .to_rgba8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        let found = decode_all(w, h, |x, y| {
            let p = img.get_pixel(x as u32, y as u32).0;
            if p[3] < 128 { 255 } else { p[0] }
        });
        assert_eq!(found, BTreeSet::from([label.uri.clone()]));
    }
}

/// A minimal structural check: every xref entry points at its object, the trailer points at
/// the xref, and the page tree counts `pages` leaves.
fn check_structure(pdf: &[u8], pages: usize) {
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(pdf);
    let at = pdf
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref");
    let tail = std::str::from_utf8(&pdf[at + 10..]).expect("ascii trailer");
    let xref_at: usize = tail
        .lines()
        .next()
        .expect("offset")
        .parse()
        .expect("number");
    let xref = std::str::from_utf8(&pdf[xref_at..]).expect("ascii xref");
    assert!(xref.starts_with("xref\n0 "));
    let mut lines = xref.lines().skip(1);
    let header = lines.next().expect("subsection");
    let size: usize = header
        .split(' ')
        .nth(1)
        .expect("size")
        .parse()
        .expect("size");
    assert_eq!(size, 6 + 2 * pages);
    assert_eq!(lines.next(), Some("0000000000 65535 f "));
    for id in 1..size {
        let entry = lines.next().expect("entry");
        assert_eq!(entry.len(), 19, "{entry:?}");
        let offset: usize = entry[..10].parse().expect("offset");
        let expected = format!("{id} 0 obj\n");
        assert!(
            pdf[offset..].starts_with(expected.as_bytes()),
            "object {id} not at {offset}"
        );
    }
    assert_eq!(text.matches("/Type /Page ").count(), pages);
    assert!(text.contains(&format!("/Count {pages} >>")));
    assert!(text.contains(&format!("/Size {size} /Root 1 0 R")));
}

fn check_with_tools(pdf: &[u8], pages: usize, size: &str) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    if tool("qpdf") {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "qpdf --check: {report}");
        assert!(
            report.contains("No syntax or stream encoding errors"),
            "{report}"
        );
    }
    if !tool("pdfinfo") {
        eprintln!("poppler-utils not installed: rendering checks skipped");
        return None;
    }
    let out = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        info.contains(&format!("Pages:           {pages}\n")),
        "{info}"
    );
    assert!(info.contains(size), "{info}");
    Some(dir)
}

fn render_page(dir: &Path, page: usize) -> Vec<u8> {
    let prefix = dir.join(format!("p{page}"));
    let status = Command::new("pdftoppm")
        .args([
            "-png",
            "-gray",
            "-singlefile",
            "-aa",
            "no",
            "-aaVector",
            "no",
        ])
        .args(["-r", &DPI.to_string()])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(dir.join("sheet.pdf"))
        .arg(&prefix)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    std::fs::read(prefix.with_extension("png")).expect("rendered page")
}

fn page_text(dir: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(dir.join("sheet.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn anti_counterfeit_sheet_is_well_formed_and_its_codes_scan() {
    // 35 labels a page: two full pages and a partial third.
    let labels = labels(80);
    let pdf = sheet(&labels, SheetKind::AntiCounterfeit);
    check_structure(&pdf, 3);
    let Some(dir) = check_with_tools(&pdf, 3, A4) else {
        return;
    };
    let layout = SheetLayout::default();
    for (page, range) in [(1, 0..35), (3, 70..80)] {
        let found = decode_labels(&render_page(dir.path(), page), &layout, DPI);
        assert_eq!(found, expected_uris(&labels[range], 35), "page {page}");
    }
    let text = page_text(dir.path());
    for l in &labels {
        let hidden = l.hidden_code.as_deref().expect("hidden code");
        assert!(text.contains(&l.serial), "serial {}", l.serial);
        assert!(text.contains(&format!("{} {}", &hidden[..5], &hidden[5..])));
    }
    assert!(text.contains("Order SO-1"));
    assert!(text.contains("page 3 / 3"));
    assert!(text.contains("stamps 71\u{2013}80 of 80"));
}

#[test]
fn qr_sheet_never_prints_hidden_codes() {
    let labels = labels(12);
    let pdf = sheet(&labels, SheetKind::Qr);
    check_structure(&pdf, 1);
    let Some(dir) = check_with_tools(&pdf, 1, A4) else {
        return;
    };
    let text = page_text(dir.path());
    for l in &labels {
        assert!(text.contains(&l.serial));
        let hidden = l.hidden_code.as_deref().expect("hidden code");
        assert!(!text.contains(&hidden[..5]) || l.serial.contains(&hidden[..5]));
    }
    let found = decode_labels(&render_page(dir.path(), 1), &SheetLayout::default(), DPI);
    assert_eq!(found, expected_uris(&labels, 35));
}

#[test]
fn custom_grid_and_uncompressed_streams() {
    let labels = labels(6);
    let mut layout = SheetLayout::centered(100.0, 150.0, 2, 3, 40.0, 40.0, 0.0, 2.0);
    layout.padding_mm = 2.0;
    let mut sheet = SheetWriter::new(Vec::new(), &layout, SheetKind::Qr, &header(), 6)
        .expect("writer")
        .uncompressed();
    assert_eq!(sheet.pages(), 1);
    for l in &labels {
        sheet.push(l).expect("push");
    }
    let pdf = sheet.finish().expect("finish");
    check_structure(&pdf, 1);
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains(" re\n") && text.contains("Green tea \\(Lot L2026/07\\))"));
    if let Some(dir) = check_with_tools(&pdf, 1, "283.46 x 425.2 pts") {
        let found = decode_labels(&render_page(dir.path(), 1), &layout, DPI);
        assert_eq!(found, expected_uris(&labels, 6));
    }
}

/// Counts bytes written, to see the sheet leave memory page by page.
struct Counter(Rc<Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn pages_are_streamed_as_they_fill() {
    let labels = labels(71);
    let written = Rc::new(Cell::new(0));
    let layout = SheetLayout::default();
    let mut sheet = SheetWriter::new(
        Counter(written.clone()),
        &layout,
        SheetKind::Qr,
        &header(),
        71,
    )
    .expect("writer");
    let mut flushed = vec![written.get()];
    for l in &labels {
        sheet.push(l).expect("push");
        flushed.push(written.get());
    }
    assert_eq!(sheet.labels_written(), 71);
    // Output grows exactly when a page fills (after labels 35 and 70), not before, not after.
    let grew: Vec<usize> = (1..flushed.len())
        .filter(|&i| flushed[i] > flushed[i - 1])
        .collect();
    assert_eq!(grew, vec![35, 70]);
    sheet.finish().expect("finish");
    assert!(written.get() > flushed[71]);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let labels = labels(3);
    let layout = SheetLayout::default();
    let new = |total| {
        SheetWriter::new(
            Vec::new(),
            &layout,
            SheetKind::AntiCounterfeit,
            &header(),
            total,
        )
    };

    assert!(matches!(new(0), Err(StampPrintError::EmptyOrder)));
    let mut two = new(2).expect("writer");
    two.push(&labels[0]).expect("push");
    two.push(&labels[1]).expect("push");
    assert!(matches!(
        two.push(&labels[2]),
        Err(StampPrintError::TooManyLabels { expected: 2 })
    ));
    let mut three = new(3).expect("writer");
    three.push(&labels[0]).expect("push");
    assert!(matches!(
        three.finish(),
        Err(StampPrintError::TooFewLabels {
            expected: 3,
            got: 1
        })
    ));

    let mut no_code = labels[0].clone();
    no_code.hidden_code = None;
    let mut sheet = new(1).expect("writer");
    assert!(matches!(
        sheet.push(&no_code),
        Err(StampPrintError::MissingHiddenCode { .. })
    ));

    let mut long = labels[0].clone();
    long.uri = format!("https://{HOST}/{}", "é".repeat(2000));
    assert!(matches!(
        sheet.push(&long),
        Err(StampPrintError::UriTooLong { .. })
    ));

    for broken in [
        SheetLayout {
            columns: 0,
            ..SheetLayout::default()
        },
        SheetLayout {
            label_width_mm: 60.0,
            ..SheetLayout::default()
        },
        SheetLayout {
            rows: 9,
            ..SheetLayout::default()
        },
        SheetLayout {
            gutter_x_mm: f64::NAN,
            ..SheetLayout::default()
        },
        SheetLayout {
            margin_top_mm: -1.0,
            ..SheetLayout::default()
        },
        SheetLayout {
            padding_mm: 18.0,
            ..SheetLayout::default()
        },
        SheetLayout::centered(210.0, 297.0, 5, 8, 36.0, 36.0, 0.0, 0.0),
    ] {
        assert!(
            matches!(
                SheetWriter::new(Vec::new(), &broken, SheetKind::Qr, &header(), 1),
                Err(StampPrintError::InvalidLayout(_))
            ),
            "{broken:?}"
        );
    }
    let tiny = SheetLayout {
        header_footer: false,
        ..SheetLayout::centered(210.0, 297.0, 20, 20, 9.0, 9.0, 1.0, 1.0)
    };
    let mut sheet =
        SheetWriter::new(Vec::new(), &tiny, SheetKind::Qr, &header(), 1).expect("writer");
    assert!(matches!(
        sheet.push(&labels[0]),
        Err(StampPrintError::LabelTooSmall { .. })
    ));

    let source = labels
        .iter()
        .cloned()
        .map(Ok)
        .chain([Err(std::io::Error::other("cursor lost"))]);
    let result = try_write_sheet(Vec::new(), &layout, SheetKind::Qr, &header(), 4, source);
    assert!(matches!(result, Err(StampPrintError::Source(e)) if e.to_string() == "cursor lost"));
}
