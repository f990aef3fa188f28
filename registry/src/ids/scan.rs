//! Scanner output: the AIM symbology identifier (`]C1`, `]d2`, `]Q3`, ...) followed by the data,
//! with GS (0x1D) as FNC1 separator in GS1 data. A drug pack's GS1 DataMatrix, for instance,
//! reads `]d201095060001343521725123110LOT1<GS>21ABC`.

use super::digital_link::{self, DigitalLinkError};
use super::element_string::{AiValue, ElementString, ElementStringError, GS, Options};
use super::gs1::{Gtin, KeyError};

/// Barcode symbologies the hub reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbology {
    /// GS1-128 (`]C1`).
    Gs1_128,
    /// GS1 DataBar, and composites (`]e0`).
    DataBar,
    /// Data Matrix (`]d1` plain, `]d2` GS1).
    DataMatrix,
    /// QR Code (`]Q1` plain, `]Q3` GS1).
    Qr,
    /// DotCode (`]J0` plain, `]J1` GS1).
    DotCode,
    /// EAN-13 and UPC-A (`]E0`).
    Ean13,
    /// EAN-8 (`]E4`).
    Ean8,
}

impl Symbology {
    /// The symbology identifier for GS1 AI data, if the symbology carries it.
    pub fn gs1_identifier(self) -> Option<&'static str> {
        match self {
            Self::Gs1_128 => Some("]C1"),
            Self::DataBar => Some("]e0"),
            Self::DataMatrix => Some("]d2"),
            Self::Qr => Some("]Q3"),
            Self::DotCode => Some("]J1"),
            Self::Ean13 | Self::Ean8 => None,
        }
    }

    /// The symbology identifier for plain text, if the symbology carries it.
    pub fn text_identifier(self) -> Option<&'static str> {
        match self {
            Self::DataMatrix => Some("]d1"),
            Self::Qr => Some("]Q1"),
            Self::DotCode => Some("]J0"),
            _ => None,
        }
    }
}

/// What a scan carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanContent {
    /// GS1 AI data (from GS1 symbologies, or a GTIN from EAN/UPC, with any composite data).
    Gs1(ElementString),
    /// A GS1 Digital Link URI in a plain-text symbology, already parsed.
    DigitalLink(ElementString),
    /// Any other plain text.
    Text(String),
}

/// A decoded scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The symbology that was read.
    pub symbology: Symbology,
    /// Its content.
    pub content: ScanContent,
}

/// Why scan data cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// Missing or unknown symbology identifier.
    #[error("missing or unsupported symbology identifier")]
    Symbology,
    /// A GS1 symbology identifier with no data after it.
    #[error("no data after the symbology identifier")]
    Empty,
    /// A raw `^` in GS1 data.
    #[error("'^' is not a valid character in GS1 data")]
    Caret,
    /// Bad EAN/UPC digits.
    #[error("invalid EAN/UPC: {0}")]
    Linear(#[from] KeyError),
    /// Invalid AI data.
    #[error(transparent)]
    Data(#[from] ElementStringError),
    /// Invalid Digital Link URI.
    #[error(transparent)]
    DigitalLink(#[from] DigitalLinkError),
    /// The data cannot be carried by the requested symbology.
    #[error("this data cannot be written in the requested symbology")]
    NotEncodable,
}

const TABLE: &[(&str, Symbology, bool)] = &[
    ("]C1", Symbology::Gs1_128, true),
    ("]e0", Symbology::DataBar, true),
    ("]d2", Symbology::DataMatrix, true),
    ("]Q3", Symbology::Qr, true),
    ("]J1", Symbology::DotCode, true),
    ("]d1", Symbology::DataMatrix, false),
    ("]Q1", Symbology::Qr, false),
    ("]J0", Symbology::DotCode, false),
    ("]E0", Symbology::Ean13, false),
    ("]E4", Symbology::Ean8, false),
];

fn gs1_data(data: &str, opts: &Options) -> Result<ElementString, ScanError> {
    if data.is_empty() {
        return Err(ScanError::Empty);
    }
    if data.contains('^') {
        return Err(ScanError::Caret);
    }
    Ok(ElementString::parse_unbracketed(
        &format!("^{}", data.replace(GS, "^")),
        opts,
    )?)
}

/// Reads scanner output: symbology identifier, then data.
pub fn parse_scan_data(s: &str, opts: &Options) -> Result<Scan, ScanError> {
    let (id, symbology, gs1) = TABLE
        .iter()
        .copied()
        .find(|(id, ..)| s.starts_with(id))
        .ok_or(ScanError::Symbology)?;
    let data = &s[id.len()..];
    let content = match symbology {
        _ if gs1 => ScanContent::Gs1(gs1_data(data, opts)?),
        Symbology::Ean13 | Symbology::Ean8 => {
            let (linear, composite) = match data.split_once("|]e0") {
                Some((l, c)) => (l, Some(c)),
                None => (data, None),
            };
            let want = if symbology == Symbology::Ean13 { 13 } else { 8 };
            if linear.len() != want {
                return Err(KeyError::WrongLength {
                    key: if want == 13 { "EAN-13" } else { "EAN-8" },
                    expected: if want == 13 { "13" } else { "8" },
                    found: linear.len(),
                }
                .into());
            }
            let gtin = Gtin::parse(linear)?;
            let mut elements = vec![AiValue::new("01", gtin.as_str(), opts)?];
            if let Some(c) = composite {
                elements.extend(gs1_data(c, opts)?.elements().iter().cloned());
            }
            ScanContent::Gs1(ElementString::from_values(elements, opts)?)
        }
        _ => {
            let is_uri = ["https://", "HTTPS://", "http://", "HTTP://"]
                .iter()
                .any(|p| data.starts_with(p));
            if is_uri {
                ScanContent::DigitalLink(digital_link::parse_uri(data, opts)?)
            } else {
                ScanContent::Text(data.to_owned())
            }
        }
    };
    Ok(Scan { symbology, content })
}

/// Writes AI data as the scanner output of `symbology` (GS1 identifier, GS separators). For
/// EAN-13/EAN-8 the data must be a lone (01) GTIN of that size.
pub fn to_scan_data(data: &ElementString, symbology: Symbology) -> Result<String, ScanError> {
    if let Some(id) = symbology.gs1_identifier() {
        return Ok(format!("{id}{}", data.to_gs_separated()));
    }
    let [only] = data.elements() else {
        return Err(ScanError::NotEncodable);
    };
    let gtin = Gtin::parse(only.value()).map_err(|_| ScanError::NotEncodable)?;
    let digits = gtin.as_str();
    match symbology {
        Symbology::Ean13 if only.ai() == "01" && digits.starts_with('0') => {
            Ok(format!("]E0{}", &digits[1..]))
        }
        Symbology::Ean8 if only.ai() == "01" && digits.starts_with("000000") => {
            Ok(format!("]E4{}", &digits[6..]))
        }
        _ => Err(ScanError::NotEncodable),
    }
}

/// Plain text as the scanner output of `symbology`.
pub fn text_scan_data(text: &str, symbology: Symbology) -> Result<String, ScanError> {
    let id = symbology.text_identifier().ok_or(ScanError::NotEncodable)?;
    Ok(format!("{id}{text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drug_datamatrix() {
        let o = Options::default();
        assert!(parse_scan_data("]d20109506000134352172512311\u{1d}", &o).is_err());
        let scan = parse_scan_data("]d2010950600013435217251231\u{1d}10LOT1\u{1d}21ABC", &o)
            .expect("valid");
        let expected =
            ElementString::parse_bracketed("(01)09506000134352(17)251231(10)LOT1(21)ABC", &o)
                .expect("valid");
        assert_eq!(scan.symbology, Symbology::DataMatrix);
        assert_eq!(scan.content, ScanContent::Gs1(expected.clone()));
        assert_eq!(
            to_scan_data(&expected, Symbology::DataMatrix).as_deref(),
            Ok("]d2010950600013435217251231" /* (17) is fixed-length */
                .to_owned()
                + "10LOT1\u{1d}21ABC")
            .as_deref()
        );
        assert_eq!(
            parse_scan_data("]Q1^TEXT", &o).map(|s| s.content),
            Ok(ScanContent::Text("^TEXT".into()))
        );
        assert_eq!(parse_scan_data("]X9", &o), Err(ScanError::Symbology));
        assert_eq!(
            parse_scan_data("]E402345673", &o).map(|s| s.symbology),
            Ok(Symbology::Ean8)
        );
    }

    /// Pseudo-random inputs built from GS1-ish fragments: nothing may panic.
    #[test]
    fn no_panics_on_arbitrary_input() {
        use crate::ids::{digital_link, gs1, lint::Linter, uscc::UnifiedSocialCreditCode};
        const PARTS: &[&str] = &[
            "(",
            ")",
            "\\",
            "^",
            "\u{1d}",
            "]d2",
            "]Q1",
            "]E0",
            "https://a/",
            "/",
            "?",
            "&",
            "=",
            "%",
            "%2",
            "%00",
            "01",
            "10",
            "21",
            "8003",
            "235",
            "09506000134352",
            "0",
            "9",
            "A",
            "é",
            "中",
            "#",
            "+",
            "gtin",
            "99",
            "8030",
            "|]e0",
            " ",
        ];
        let permissive = Options {
            permit_unknown_ais: true,
            permit_zero_suppressed_gtin: true,
            permit_convenience_alphas: true,
            ..Options::default()
        };
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut input = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut x = state;
            for _ in 0..(x % 9) {
                x /= 7;
                input.push_str(PARTS[(x as usize) % PARTS.len()]);
                x = x.rotate_left(11);
            }
            for opts in [Options::default(), permissive] {
                let _ = parse_scan_data(&input, &opts);
                let _ = digital_link::parse_uri(&input, &opts);
                let _ = digital_link::parse_path(&input, &opts);
                let _ = ElementString::parse_bracketed(&input, &opts);
                let _ = ElementString::parse_unbracketed(&input, &opts);
            }
            let _ = UnifiedSocialCreditCode::parse(&input);
            let _ = gs1::Gtin::parse(&input);
            for l in Linter::ALL {
                let _ = l.check(input.as_bytes());
            }
        }
    }
}
