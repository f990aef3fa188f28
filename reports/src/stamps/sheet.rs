//! Print-ready PDF sheets of a stamp order, streamed to any `Write` one page at a time.
//!
//! # Why a hand-written PDF writer
//! printpdf 0.12 builds the whole `PdfDocument` (every page's operations) in memory before
//! `save`/`save_writer` serialises it, so 1,000,000 stamps would mean gigabytes. pdf-writer
//! also assembles into one in-memory buffer unless its chunks are stitched together by hand.
//! A label sheet needs five kinds of object (catalog, page tree, two standard fonts, pages
//! with their content streams), so this module writes them itself: each page is drawn into a
//! reusable buffer, Flate-compressed (miniz_oxide, level 3, about a quarter of the size for a
//! few milliseconds per page), written out and dropped; only the byte offset of each object is
//! kept for the cross-reference table (16 bytes per page). Fonts are the standard Helvetica and
//! Courier-Bold, which need no embedding (text outside WinAnsi, e.g. a Chinese product name,
//! prints as `?`).
//!
//! Each QR code is drawn as vector rectangles (runs of dark modules merged across rows), with a
//! 4-module quiet zone; the serial is printed under it, and on the anti-counterfeit sheet the
//! hidden code in a box for the scratch-off layer. Crop marks sit outside each label's corners.

use std::io::Write;

use super::StampPrintError;
use super::layout::SheetLayout;
use super::pdf::{PdfOut, glyph_count, push_num, push_text};
use super::qr::{QUIET_ZONE, Rect, StampQr};

const PT_PER_MM: f64 = 72.0 / 25.4;
/// Smallest QR module printed (0.25 mm scans with phone cameras at a hand's distance).
const MIN_MODULE_MM: f64 = 0.25;
/// Courier glyphs are 600/1000 em wide.
const COURIER_ADVANCE: f64 = 0.6;
const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT_SANS: usize = 3;
const FONT_MONO: usize = 4;
const INFO: usize = 5;
const FIRST_PAGE: usize = 6;

/// Which sheet: QR codes only, or QR codes with their hidden codes (anti-counterfeit stamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// QR code and serial; hidden codes are never printed, even if given.
    Qr,
    /// QR code, serial and hidden code. The caller decides who may have this sheet.
    AntiCounterfeit,
}

/// The header and footer text of every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetHeader {
    /// Order identifier.
    pub order_id: String,
    /// Product name (and GTIN, as the caller likes).
    pub product: String,
}

/// One label's values, as the caller streams them (e.g. from a database cursor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampLabel {
    /// Serial printed under the code.
    pub serial: String,
    /// The Digital Link URI the QR code holds.
    pub uri: String,
    /// Hidden code, printed only on [`SheetKind::AntiCounterfeit`] sheets.
    pub hidden_code: Option<String>,
}

/// Writes a sheet PDF page by page: [`SheetWriter::push`] each label, then
/// [`SheetWriter::finish`]. The total is announced up front (each page prints "page n / m").
/// Memory stays bounded: one page's content plus 16 bytes per page for the xref. After an
/// error the output is incomplete and should be discarded.
pub struct SheetWriter<W: Write> {
    out: PdfOut<W>,
    layout: SheetLayout,
    kind: SheetKind,
    header: SheetHeader,
    compress: bool,
    total: u64,
    pages: u64,
    count: u64,
    page: u64,
    on_page: u64,
    content: Vec<u8>,
    rects: Vec<Rect>,
}

impl<W: Write> SheetWriter<W> {
    /// Starts a sheet of `total` labels on `out` (wrap a file in a `BufWriter`; writes are
    /// page-sized, but the trailer is written in small pieces).
    pub fn new(
        out: W,
        layout: &SheetLayout,
        kind: SheetKind,
        header: &SheetHeader,
        total: u64,
    ) -> Result<Self, StampPrintError> {
        layout.validate()?;
        if total == 0 {
            return Err(StampPrintError::EmptyOrder);
        }
        let pages = total.div_ceil(layout.labels_per_page());
        let objects = usize::try_from(pages)
            .ok()
            .and_then(|p| p.checked_mul(2))
            .and_then(|n| n.checked_add(FIRST_PAGE - 1))
            .ok_or_else(|| StampPrintError::InvalidLayout("too many pages".into()))?;
        let mut out = PdfOut::new(out, objects)?;
        out.object(
            FONT_SANS,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        )?;
        out.object(
            FONT_MONO,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>",
        )?;
        let mut info = b"<< /Producer (tracehub) /Title ".to_vec();
        push_text(&mut info, &format!("Stamps, order {}", header.order_id));
        info.extend_from_slice(b" >>");
        out.object(INFO, &info)?;
        Ok(Self {
            out,
            layout: layout.clone(),
            kind,
            header: header.clone(),
            compress: true,
            total,
            pages,
            count: 0,
            page: 0,
            on_page: 0,
            content: Vec::with_capacity(256 * 1024),
            rects: Vec::with_capacity(512),
        })
    }

    /// Leaves content streams uncompressed (to read them while debugging).
    pub fn uncompressed(mut self) -> Self {
        self.compress = false;
        self
    }

    /// Number of pages the sheet will have.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Labels drawn so far (for a progress bar).
    pub fn labels_written(&self) -> u64 {
        self.count
    }

    /// Adds the next label.
    pub fn push(&mut self, label: &StampLabel) -> Result<(), StampPrintError> {
        self.push_parts(&label.serial, &label.uri, label.hidden_code.as_deref())
    }

    /// Adds the next label from borrowed parts.
    pub fn push_parts(
        &mut self,
        serial: &str,
        uri: &str,
        hidden_code: Option<&str>,
    ) -> Result<(), StampPrintError> {
        if self.count == self.total {
            return Err(StampPrintError::TooManyLabels {
                expected: self.total,
            });
        }
        let hidden = match self.kind {
            SheetKind::Qr => None,
            SheetKind::AntiCounterfeit => {
                Some(
                    hidden_code.ok_or_else(|| StampPrintError::MissingHiddenCode {
                        serial: serial.to_owned(),
                    })?,
                )
            }
        };
        let qr = StampQr::encode(uri)?;
        // Both are below 100 (validated), so the casts are exact.
        let col = (self.on_page % u64::from(self.layout.columns)) as u32;
        let row = (self.on_page / u64::from(self.layout.columns)) as u32;
        self.draw_label(col, row, &qr, serial, hidden)?;
        self.count += 1;
        self.on_page += 1;
        if self.on_page == self.layout.labels_per_page() {
            self.flush_page()?;
        }
        Ok(())
    }

    /// Writes the last page, the page tree and the cross-reference table; returns `out`.
    pub fn finish(mut self) -> Result<W, StampPrintError> {
        if self.count != self.total {
            return Err(StampPrintError::TooFewLabels {
                expected: self.total,
                got: self.count,
            });
        }
        if self.on_page > 0 {
            self.flush_page()?;
        }
        let pages = self.pages;
        self.out.object_with(PAGES, |w| {
            w.write_all(b"<< /Type /Pages /Kids [")?;
            for i in 0..pages {
                write!(w, "{} 0 R ", page_object(i))?;
            }
            write!(w, "] /Count {pages} >>")
        })?;
        self.out
            .object(CATALOG, b"<< /Type /Catalog /Pages 2 0 R >>")?;
        Ok(self.out.finish(CATALOG, INFO)?)
    }

    fn draw_label(
        &mut self,
        col: u32,
        row: u32,
        qr: &StampQr,
        serial: &str,
        hidden: Option<&str>,
    ) -> Result<(), StampPrintError> {
        let l = &self.layout;
        let k = PT_PER_MM;
        let (lw, lh, pad) = (
            l.label_width_mm * k,
            l.label_height_mm * k,
            l.padding_mm * k,
        );
        let x = (l.margin_left_mm + f64::from(col) * (l.label_width_mm + l.gutter_x_mm)) * k;
        let top = (l.page_height_mm
            - l.margin_top_mm
            - f64::from(row) * (l.label_height_mm + l.gutter_y_mm))
            * k;
        let inner_w = lw - 2.0 * pad;

        // Text under the code: monospaced, at most 7 pt, shrunk to fit the label's width.
        let serial_size = fit_font(inner_w, glyph_count(serial), 7.0);
        let hidden_text = hidden.map(group_hidden_code);
        let hidden_size = hidden_text
            .as_deref()
            .map_or(0.0, |h| fit_font(inner_w - 4.0, glyph_count(h), 8.0));
        let text_h = serial_size * 1.1
            + if hidden.is_some() {
                hidden_size * 1.8
            } else {
                0.0
            };

        let side = inner_w.min(lh - 2.0 * pad - text_h);
        let module = side / qr.width_with_quiet_zone() as f64;
        if module < MIN_MODULE_MM * k {
            return Err(StampPrintError::LabelTooSmall {
                module_mm: (module / k * 100.0).round() / 100.0,
                min_mm: MIN_MODULE_MM,
            });
        }
        let qr_left = x + (lw - side) / 2.0;
        // Centre code and text vertically in what the width leaves over.
        let qr_top = top - pad - (lh - 2.0 * pad - side - text_h) / 2.0;
        let c = &mut self.content;
        // The symbol in module units, y pointing down, origin at its top-left dark corner.
        c.extend_from_slice(b"q ");
        push_num(c, module);
        c.extend_from_slice(b" 0 0 ");
        push_num(c, -module);
        c.push(b' ');
        push_num(c, qr_left + QUIET_ZONE as f64 * module);
        c.push(b' ');
        push_num(c, qr_top - QUIET_ZONE as f64 * module);
        c.extend_from_slice(b" cm\n");
        qr.rects_into(&mut self.rects);
        for r in &self.rects {
            // Writing to a Vec cannot fail.
            let _ = writeln!(c, "{} {} {} {} re", r.x, r.y, r.w, r.h);
        }
        c.extend_from_slice(b"f Q\n");

        let centre = x + lw / 2.0;
        let serial_base = qr_top - side - serial_size * 0.8;
        text_line(c, FONT_MONO, serial_size, centre, serial_base, serial);
        if let Some(h) = hidden_text.as_deref() {
            let base = serial_base - hidden_size * 1.6;
            let box_w = glyph_count(h) as f64 * COURIER_ADVANCE * hidden_size + 4.0;
            c.extend_from_slice(b"0.5 G 0.5 w ");
            for v in [centre - box_w / 2.0, base - hidden_size * 0.35, box_w] {
                push_num(c, v);
                c.push(b' ');
            }
            push_num(c, hidden_size * 1.3);
            c.extend_from_slice(b" re S 0 G\n");
            text_line(c, FONT_MONO, hidden_size, centre, base, h);
        }
        if self.layout.crop_marks {
            self.crop_marks(col, row, x, top, lw, lh);
        }
        Ok(())
    }

    /// Short hairlines extending each label edge outwards from its corners, kept within half
    /// the gutter (or the margin) so neighbouring labels' marks never cross a label.
    fn crop_marks(&mut self, col: u32, row: u32, x: f64, top: f64, lw: f64, lh: f64) {
        let l = &self.layout;
        let k = PT_PER_MM;
        let left_space = if col == 0 {
            l.margin_left_mm
        } else {
            l.gutter_x_mm / 2.0
        };
        let right_space = if col + 1 == l.columns {
            l.margin_right_mm()
        } else {
            l.gutter_x_mm / 2.0
        };
        let top_space = if row == 0 {
            l.margin_top_mm
        } else {
            l.gutter_y_mm / 2.0
        };
        let bottom_space = if row + 1 == l.rows {
            l.margin_bottom_mm()
        } else {
            l.gutter_y_mm / 2.0
        };
        // (offset, length) in pt of a mark in a space of `space` mm; None when there is no room.
        let mark = |space: f64| {
            let off = (space * 0.3).min(1.0);
            let len = (space - off).min(3.0);
            (len >= 0.5).then_some((off * k, len * k))
        };
        let c = &mut self.content;
        c.extend_from_slice(b"0.25 w\n");
        let (right, bottom) = (x + lw, top - lh);
        let mut line = |x0: f64, y0: f64, x1: f64, y1: f64| {
            for v in [x0, y0] {
                push_num(c, v);
                c.push(b' ');
            }
            c.extend_from_slice(b"m ");
            for v in [x1, y1] {
                push_num(c, v);
                c.push(b' ');
            }
            c.extend_from_slice(b"l\n");
        };
        if let Some((off, len)) = mark(left_space) {
            line(x - off, top, x - off - len, top);
            line(x - off, bottom, x - off - len, bottom);
        }
        if let Some((off, len)) = mark(right_space) {
            line(right + off, top, right + off + len, top);
            line(right + off, bottom, right + off + len, bottom);
        }
        if let Some((off, len)) = mark(top_space) {
            line(x, top + off, x, top + off + len);
            line(right, top + off, right, top + off + len);
        }
        if let Some((off, len)) = mark(bottom_space) {
            line(x, bottom - off, x, bottom - off - len);
            line(right, bottom - off, right, bottom - off - len);
        }
        c.extend_from_slice(b"S\n");
    }

    fn flush_page(&mut self) -> Result<(), StampPrintError> {
        let l = &self.layout;
        let k = PT_PER_MM;
        if l.header_footer {
            let c = &mut self.content;
            let left = l.margin_left_mm * k;
            let right = (l.page_width_mm - l.margin_right_mm()) * k;
            let head_y = (l.page_height_mm - l.margin_top_mm / 2.0) * k - 3.0;
            let foot_y = l.margin_bottom_mm() / 2.0 * k - 3.0;
            let title = format!(
                "Order {}  \u{b7}  {}",
                self.header.order_id, self.header.product
            );
            // Helvetica averages about half an em per glyph; cut what would run off the grid.
            let title = truncate_chars(&title, ((right - left) / (0.55 * 9.0)) as usize);
            text_at(c, FONT_SANS, 9.0, left, head_y, &title);
            let kind = match self.kind {
                SheetKind::Qr => "QR stamps".to_owned(),
                SheetKind::AntiCounterfeit => {
                    "ANTI-COUNTERFEIT STAMPS \u{2014} CONFIDENTIAL: HIDDEN CODES".to_owned()
                }
            };
            let first = self.page * l.labels_per_page() + 1;
            let last = self.count;
            let foot = format!(
                "{kind}  \u{b7}  stamps {first}\u{2013}{last} of {}",
                self.total
            );
            text_at(c, FONT_SANS, 8.0, left, foot_y, &foot);
            let page = format!("page {} / {}", self.page + 1, self.pages);
            let width = glyph_count(&page) as f64 * COURIER_ADVANCE * 8.0;
            text_at(c, FONT_MONO, 8.0, right - width, foot_y, &page);
        }
        let page_id = page_object(self.page);
        self.out.stream(page_id + 1, &self.content, self.compress)?;
        let mut dict = Vec::with_capacity(200);
        let _ = write!(dict, "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 ");
        push_num(&mut dict, l.page_width_mm * k);
        dict.push(b' ');
        push_num(&mut dict, l.page_height_mm * k);
        let _ = write!(
            dict,
            "] /Resources << /Font << /F{FONT_SANS} {FONT_SANS} 0 R /F{FONT_MONO} {FONT_MONO} 0 R >> >> /Contents {} 0 R >>",
            page_id + 1
        );
        self.out.object(page_id, &dict)?;
        self.content.clear();
        self.page += 1;
        self.on_page = 0;
        Ok(())
    }
}

impl<W: Write> std::fmt::Debug for SheetWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetWriter")
            .field("kind", &self.kind)
            .field("total", &self.total)
            .field("written", &self.count)
            .finish_non_exhaustive()
    }
}

/// Writes a whole sheet of `total` labels from `labels` to `out`; returns `out`.
pub fn write_sheet<W: Write>(
    out: W,
    layout: &SheetLayout,
    kind: SheetKind,
    header: &SheetHeader,
    total: u64,
    labels: impl IntoIterator<Item = StampLabel>,
) -> Result<W, StampPrintError> {
    let mut sheet = SheetWriter::new(out, layout, kind, header, total)?;
    for label in labels {
        sheet.push(&label)?;
    }
    sheet.finish()
}

/// As [`write_sheet`], from a fallible source such as a database cursor: the first error
/// stops the sheet and is returned as [`StampPrintError::Source`].
pub fn try_write_sheet<W: Write, E>(
    out: W,
    layout: &SheetLayout,
    kind: SheetKind,
    header: &SheetHeader,
    total: u64,
    labels: impl IntoIterator<Item = Result<StampLabel, E>>,
) -> Result<W, StampPrintError>
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut sheet = SheetWriter::new(out, layout, kind, header, total)?;
    for label in labels {
        sheet.push(&label.map_err(|e| StampPrintError::Source(e.into()))?)?;
    }
    sheet.finish()
}

/// Object number of page `i` (0-based); its content stream is the next number.
fn page_object(i: u64) -> usize {
    FIRST_PAGE + 2 * i as usize
}

/// Largest font size (at most `max`) for `glyphs` Courier glyphs to fit in `width` pt.
fn fit_font(width: f64, glyphs: usize, max: f64) -> f64 {
    if glyphs == 0 {
        return max;
    }
    (width / (glyphs as f64 * COURIER_ADVANCE)).min(max)
}

/// `text` cut to `max` characters, the last replaced by an ellipsis when cut.
fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('\u{2026}');
    out
}

/// `ABCDEFGHJK` as `ABCDE FGHJK`; other lengths as given.
fn group_hidden_code(code: &str) -> String {
    if code.len() == 10 && code.is_ascii() {
        format!("{} {}", &code[..5], &code[5..])
    } else {
        code.to_owned()
    }
}

fn text_at(c: &mut Vec<u8>, font: usize, size: f64, x: f64, y: f64, text: &str) {
    let _ = write!(c, "BT /F{font} ");
    push_num(c, size);
    c.extend_from_slice(b" Tf ");
    push_num(c, x);
    c.push(b' ');
    push_num(c, y);
    c.extend_from_slice(b" Td ");
    push_text(c, text);
    c.extend_from_slice(b" Tj ET\n");
}

/// Monospaced text centred on `centre`.
fn text_line(c: &mut Vec<u8>, font: usize, size: f64, centre: f64, y: f64, text: &str) {
    let width = glyph_count(text) as f64 * COURIER_ADVANCE * size;
    text_at(c, font, size, centre - width / 2.0, y, text);
}
