//! A stamp's QR code holding its GS1 Digital Link URI, as SVG, PNG, or merged rectangles for
//! vector drawing (the PDF sheets).
//!
//! Error correction is level M (about 15% of the symbol recoverable). A stamp URI of 60 to 80
//! characters gives a version 4 to 5 symbol (33 to 37 modules) at M; level Q or H would need one
//! or two versions more, and so smaller modules on the same small label, which costs more scans
//! than the extra damage tolerance wins. Scratches and creases on a pack stay well within 15%;
//! a stamp worn past that is re-issued, not read.

use std::fmt::Write as _;

use image::ImageEncoder;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

use super::StampPrintError;

/// Error-correction level of every stamp QR code (see the module documentation).
pub const EC_LEVEL: EcLevel = EcLevel::M;
/// Width of the light margin around the symbol, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// An axis-aligned rectangle of dark modules, in module units from the symbol's top-left
/// corner (quiet zone excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left column.
    pub x: u16,
    /// Top row.
    pub y: u16,
    /// Width in modules.
    pub w: u16,
    /// Height in modules.
    pub h: u16,
}

/// An encoded stamp QR code.
pub struct StampQr {
    width: usize,
    dark: Vec<bool>,
}

impl StampQr {
    /// Encodes `uri` at level [`EC_LEVEL`], in the smallest version that holds it.
    ///
    /// The symbol is the one `qrcode::QrCode::with_error_correction_level` makes, module for
    /// module (a test checks it); only the mask choice is computed here, with the same ISO
    /// penalty rules, about 10 times faster than the crate's (which boxes a closure per
    /// module and made a 10,000-stamp sheet take 5 s).
    pub fn encode(uri: &str) -> Result<Self, StampPrintError> {
        let too_long = |_| StampPrintError::UriTooLong { len: uri.len() };
        let bits = qrcode::bits::encode_auto(uri.as_bytes(), EC_LEVEL).map_err(too_long)?;
        let version = bits.version();
        let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL)
            .map_err(too_long)?;
        let mut canvas = Canvas::new(version, EC_LEVEL);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let width = version.width().max(0) as usize;
        let mut best: Option<(u32, Vec<bool>)> = None;
        for pattern in MASKS {
            let mut masked = canvas.clone();
            masked.apply_mask(pattern);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            let score = penalty(&dark, width);
            // Ties keep the first pattern, as `min_by_key` does in the crate.
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, dark));
            }
        }
        let dark = best.map(|(_, d)| d).unwrap_or_default();
        Ok(Self { width, dark })
    }

    /// Modules per side (quiet zone excluded).
    pub fn width(&self) -> usize {
        self.width
    }

    /// Modules per side including the quiet zone on both sides.
    pub fn width_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// The dark modules as few rectangles: horizontal runs, each merged with the same run in
    /// the rows below. Appends to `out` (cleared first) so one buffer serves many codes.
    pub fn rects_into(&self, out: &mut Vec<Rect>) {
        out.clear();
        // Rectangles still growing downwards, ordered by x; rebuilt for every row.
        let mut open: Vec<Rect> = Vec::new();
        let mut next: Vec<Rect> = Vec::new();
        let n = self.width;
        for y in 0..=n {
            next.clear();
            let mut i = 0;
            let mut x = 0;
            while y < n && x < n {
                if !self.dark[y * n + x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < n && self.dark[y * n + x] {
                    x += 1;
                }
                let (start, w) = (start as u16, (x - start) as u16);
                // Close the open rectangles left of this run; extend one that matches exactly.
                while i < open.len() && open[i].x < start {
                    out.push(open[i]);
                    i += 1;
                }
                if i < open.len() && open[i].x == start && open[i].w == w {
                    let mut r = open[i];
                    r.h += 1;
                    next.push(r);
                    i += 1;
                } else {
                    next.push(Rect {
                        x: start,
                        y: y as u16,
                        w,
                        h: 1,
                    });
                }
            }
            out.extend_from_slice(&open[i..]);
            std::mem::swap(&mut open, &mut next);
        }
    }

    /// The dark modules as merged rectangles (see [`StampQr::rects_into`]).
    pub fn rects(&self) -> Vec<Rect> {
        let mut out = Vec::new();
        self.rects_into(&mut out);
        out
    }

    /// An SVG document, `size_px` pixels square, quiet zone included: a white background and
    /// one path of merged rectangles in module units.
    pub fn to_svg(&self, size_px: u32) -> String {
        let side = self.width_with_quiet_zone();
        let rects = self.rects();
        let mut svg = String::with_capacity(300 + rects.len() * 16);
        // Writing to a String cannot fail.
        let _ = write!(
            svg,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{size_px}\" \
             height=\"{size_px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
        );
        for r in &rects {
            let (x, y) = (usize::from(r.x) + QUIET_ZONE, usize::from(r.y) + QUIET_ZONE);
            let _ = write!(svg, "M{x} {y}h{}v{}h-{}z", r.w, r.h, r.w);
        }
        svg.push_str("\"/></svg>\n");
        svg
    }

    /// A greyscale PNG with `module_px` pixels per module, quiet zone included.
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, StampPrintError> {
        let module_px = module_px.clamp(1, 64) as usize;
        let side = self.width_with_quiet_zone() * module_px;
        let mut pixels = vec![255u8; side * side];
        for (y, row) in pixels.chunks_exact_mut(side).enumerate() {
            let my = (y / module_px).wrapping_sub(QUIET_ZONE);
            for (x, px) in row.iter_mut().enumerate() {
                if self.is_dark((x / module_px).wrapping_sub(QUIET_ZONE), my) {
                    *px = 0;
                }
            }
        }
        let mut png = Vec::new();
        // `side` is at most (177 + 8) · 64 pixels, far below u32::MAX.
        let side = side as u32;
        image::codecs::png::PngEncoder::new(&mut png).write_image(
            &pixels,
            side,
            side,
            image::ExtendedColorType::L8,
        )?;
        Ok(png)
    }
}

/// The eight QR mask patterns, in the order of their numbers.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// ISO/IEC 18004 mask penalty (N1 runs, N2 blocks, N3 finder-like patterns, N4 balance) of a
/// square symbol, computed as the qrcode crate does so that both choose the same mask.
fn penalty(dark: &[bool], n: usize) -> u32 {
    let mut score = 0u32;
    let mut line = Vec::with_capacity(n);
    for horizontal in [true, false] {
        for i in 0..n {
            line.clear();
            if horizontal {
                line.extend_from_slice(&dark[i * n..(i + 1) * n]);
            } else {
                line.extend((0..n).map(|j| dark[j * n + i]));
            }
            score += line_penalty(&line);
        }
    }
    // N2: each 2 × 2 block of one colour costs 3.
    for y in 0..n.saturating_sub(1) {
        let (top, bottom) = (&dark[y * n..(y + 1) * n], &dark[(y + 1) * n..(y + 2) * n]);
        for x in 0..n - 1 {
            let c = top[x];
            if top[x + 1] == c && bottom[x] == c && bottom[x + 1] == c {
                score += 3;
            }
        }
    }
    // N4: distance of the dark ratio from 50 %, in half-percent steps.
    let ratio = dark.iter().filter(|&&d| d).count() * 200 / dark.len().max(1);
    score + ratio.abs_diff(100) as u32
}

/// N1 and N3 of one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    let mut score = 0;
    // N1: each run of 5 + k modules of one colour costs 3 + k.
    let mut run = 1;
    for j in 1..=line.len() {
        if j < line.len() && line[j] == line[j - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score += run - 2;
            }
            run = 1;
        }
    }
    // N3: dark-light-dark-dark-dark-light-dark without 4 light modules on either side costs
    // 40 (outside the symbol counts as light). A 15-module window slides over the line padded
    // with 4 light modules at each end: 4 before, the 7 of the pattern, 4 after.
    const FINDER: u32 = 0b101_1101;
    let mut window = 0u32;
    let padded = std::iter::repeat_n(false, 4)
        .chain(line.iter().copied())
        .chain(std::iter::repeat_n(false, 4));
    for (e, bit) in padded.enumerate() {
        window = ((window << 1) | u32::from(bit)) & 0x7FFF;
        if e >= 14 && (window >> 4) & 0x7F == FINDER && (window >> 11 == 0 || window & 0xF == 0) {
            score += 40;
        }
    }
    score
}

impl std::fmt::Debug for StampQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StampQr")
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "https://trace.example.gov.cn/01/09506000134352/21/23456789ABCDEF";

    #[test]
    fn rectangles_cover_exactly_the_dark_modules() {
        let qr = StampQr::encode(URI).expect("encode");
        let n = qr.width();
        let mut cover = vec![0u8; n * n];
        let rects = qr.rects();
        for r in &rects {
            for y in r.y..r.y + r.h {
                for x in r.x..r.x + r.w {
                    cover[usize::from(y) * n + usize::from(x)] += 1;
                }
            }
        }
        for y in 0..n {
            for x in 0..n {
                assert_eq!(cover[y * n + x], u8::from(qr.is_dark(x, y)), "({x},{y})");
            }
        }
        let dark = (0..n * n).filter(|i| qr.is_dark(i % n, i / n)).count();
        assert!(
            rects.len() * 2 < dark,
            "{} rects for {dark} modules",
            rects.len()
        );
    }

    #[test]
    fn symbols_match_the_qrcode_crate() {
        let mut rng_state = 0x9E37_79B9_7F4A_7C15u64;
        for len in (1..300).step_by(7) {
            let uri: String = (0..len)
                .map(|_| {
                    rng_state ^= rng_state << 13;
                    rng_state ^= rng_state >> 7;
                    rng_state ^= rng_state << 17;
                    char::from(b"ABCXYZ0123456789/:.%-abcxyz"[(rng_state % 27) as usize])
                })
                .collect();
            for uri in [format!("{URI}{uri}"), uri] {
                let reference =
                    qrcode::QrCode::with_error_correction_level(&uri, EC_LEVEL).expect("reference");
                let ours = StampQr::encode(&uri).expect("ours");
                assert_eq!(ours.width(), reference.width());
                let expected: Vec<bool> = reference
                    .to_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect();
                assert_eq!(ours.dark, expected, "{uri}");
            }
        }
    }

    #[test]
    fn too_long_uri_is_an_error() {
        let long = format!("https://a/{}", "x".repeat(3000));
        assert!(matches!(
            StampQr::encode(&long),
            Err(StampPrintError::UriTooLong { .. })
        ));
    }
}
