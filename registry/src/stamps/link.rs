//! The GS1 Digital Link URI of a stamp (uncompressed form):
//! `https://{host}/01/{gtin14}/21/{serial}`, or with a lot
//! `https://{host}/01/{gtin14}/10/{lot}/21/{serial}`.
//!
//! # Length bounds
//! The serial is 14 characters (AI (21) allows 20; the EU rules allow identifiers up to 50).
//! The path after the host is 36 characters without a lot and at most 100 with one (a lot of
//! 20 characters, each percent-encoded in the worst case). With a host of at most
//! [`MAX_HOST_LEN`] = 64 characters the whole URI is `44 + host` characters without a lot
//! (e.g. 61 for `trace.example.gov.cn`) and never more than [`MAX_URI_LEN`] = 172.

use std::fmt::Write as _;

use super::{SERIAL_LEN, Serial, StampError};
use crate::ids::gs1;

/// Longest resolver host accepted (with an optional `:port`).
pub const MAX_HOST_LEN: usize = 64;
/// Longest lot (AI (10) is X..20).
pub const MAX_LOT_LEN: usize = 20;
/// Upper bound of any URI built here: `https://` + host + `/01/` + 14 + `/10/` + 3·20 + `/21/` + 14.
pub const MAX_URI_LEN: usize = 8 + MAX_HOST_LEN + 4 + 14 + 4 + 3 * MAX_LOT_LEN + 4 + SERIAL_LEN;

/// The part of a stamp URI shared by every stamp of one product (and lot), validated once;
/// appending a serial gives each stamp's URI without further checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampLinkBase {
    /// `https://{host}/01/{gtin14}[/10/{lot}]/21/`
    prefix: String,
}

impl StampLinkBase {
    /// Validates and normalises `host` (lower-cased; `name[:port]`), `gtin` (8, 12, 13 or 14
    /// digits with a valid check digit, padded to 14) and the optional `lot` (1 to 20
    /// characters of GS1 character set 82, percent-encoded where the URI needs it).
    pub fn new(host: &str, gtin: &str, lot: Option<&str>) -> Result<Self, StampError> {
        let host = normalize_host(host)?;
        let gtin = gtin14(gtin)?;
        let mut prefix = String::with_capacity(MAX_URI_LEN);
        prefix.push_str("https://");
        prefix.push_str(&host);
        prefix.push_str("/01/");
        prefix.push_str(&gtin);
        if let Some(lot) = lot {
            if lot.is_empty() || lot.len() > MAX_LOT_LEN || !lot.bytes().all(is_cset82) {
                return Err(StampError::InvalidLot);
            }
            prefix.push_str("/10/");
            percent_encode_into(lot, &mut prefix);
        }
        prefix.push_str("/21/");
        Ok(Self { prefix })
    }

    /// The URI of the stamp with `serial`.
    pub fn uri(&self, serial: &Serial) -> String {
        let mut uri = String::with_capacity(self.prefix.len() + SERIAL_LEN);
        self.write_uri(serial, &mut uri);
        uri
    }

    /// Appends the URI of the stamp with `serial` to `out` (no allocation when `out` has room).
    pub fn write_uri(&self, serial: &Serial, out: &mut String) {
        out.push_str(&self.prefix);
        out.push_str(serial.as_str());
    }

    /// Length of every URI this base produces.
    pub fn uri_len(&self) -> usize {
        self.prefix.len() + SERIAL_LEN
    }
}

/// A stamp's Digital Link path as the resolver receives it, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampPath {
    /// GTIN, 14 digits.
    pub gtin: String,
    /// Lot (AI 10), decoded, if the path had one.
    pub lot: Option<String>,
    /// Serial (AI 21), decoded. Any AI (21) value is accepted here; one that is not a
    /// [`Serial`] is simply an unknown serial.
    pub serial: String,
}

impl StampPath {
    /// Parses `/01/{gtin}/21/{serial}` or `/01/{gtin}/10/{lot}/21/{serial}` (no query string).
    pub fn parse(path: &str) -> Result<Self, StampError> {
        let rest = path
            .strip_prefix("/01/")
            .ok_or(StampError::InvalidPath("must start with /01/"))?;
        let segments: Vec<&str> = rest.split('/').collect();
        let (gtin, lot, serial) = match segments.as_slice() {
            [gtin, "21", serial] => (*gtin, None, *serial),
            [gtin, "10", lot, "21", serial] => (*gtin, Some(*lot), *serial),
            _ => {
                return Err(StampError::InvalidPath(
                    "must be /01/{gtin}/21/{serial} or /01/{gtin}/10/{lot}/21/{serial}",
                ));
            }
        };
        let gtin = gtin14(gtin)?;
        let lot = match lot {
            Some(lot) => Some(decode_ai_value(lot).ok_or(StampError::InvalidLot)?),
            None => None,
        };
        let serial = decode_ai_value(serial).ok_or(StampError::InvalidPath(
            "serial must be 1 to 20 characters of GS1 CSET 82",
        ))?;
        Ok(Self { gtin, lot, serial })
    }

    /// The serial, if it has the form of the serials this hub issues.
    pub fn stamp_serial(&self) -> Option<Serial> {
        Serial::parse(&self.serial).ok()
    }
}

/// GS1 character set 82 (the characters allowed in AI (10) and (21) values).
fn is_cset82(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!\"%&'()*+,-./:;<=>?_".contains(&b)
}

/// Appends `value`, percent-encoding every byte that is not an RFC 3986 unreserved character.
fn percent_encode_into(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Percent-decodes one path segment into an AI value (1 to 20 characters of CSET 82).
fn decode_ai_value(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            i += 3;
            u8::from_str_radix(hex, 16).ok()?
        } else {
            i += 1;
            bytes[i - 1]
        };
        if !is_cset82(b) {
            return None;
        }
        out.push(b);
    }
    if out.is_empty() || out.len() > MAX_LOT_LEN {
        return None;
    }
    String::from_utf8(out).ok()
}

/// A GTIN-8, -12, -13 or -14 with a valid check digit, as the 14 digits stored.
pub fn gtin14(gtin: &str) -> Result<String, StampError> {
    if !matches!(gtin.len(), 8 | 12 | 13 | 14) || !gs1::has_valid_check_digit(gtin) {
        return Err(StampError::InvalidGtin);
    }
    Ok(format!("{gtin:0>14}"))
}

fn normalize_host(host: &str) -> Result<String, StampError> {
    let host = host.trim().to_ascii_lowercase();
    if host.is_empty() || host.len() > MAX_HOST_LEN {
        return Err(StampError::InvalidHost("must be 1 to 64 characters"));
    }
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host.as_str(), None),
    };
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) || port.starts_with('0') {
            return Err(StampError::InvalidHost("port must be 1 to 65535"));
        }
    }
    let labels_ok = name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !labels_ok {
        return Err(StampError::InvalidHost(
            "must be a DNS name (letters, digits, hyphens, dots), optionally with :port",
        ));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stamps::generate_serials;

    const GTIN: &str = "09506000134352";

    fn serial() -> Serial {
        Serial::parse("23456789ABCDEF").expect("serial")
    }

    #[test]
    fn builds_the_uri_with_and_without_lot() {
        let base = StampLinkBase::new("Trace.Example.gov.cn", GTIN, None).expect("base");
        assert_eq!(
            base.uri(&serial()),
            "https://trace.example.gov.cn/01/09506000134352/21/23456789ABCDEF"
        );
        let base =
            StampLinkBase::new("localhost:8080", "9506000134352", Some("AB/12+x")).expect("lot");
        assert_eq!(
            base.uri(&serial()),
            "https://localhost:8080/01/09506000134352/10/AB%2F12%2Bx/21/23456789ABCDEF"
        );
        assert_eq!(base.uri_len(), base.uri(&serial()).len());
    }

    #[test]
    fn lengths_stay_within_their_bounds() {
        let host = format!("{}.{}", "a".repeat(31), "b".repeat(32));
        assert_eq!(host.len(), MAX_HOST_LEN);
        let worst = StampLinkBase::new(&host, GTIN, Some(&"%".repeat(20))).expect("worst case");
        let short = StampLinkBase::new("t.cn", GTIN, None).expect("short");
        for s in generate_serials(10_000) {
            assert!(s.as_str().len() <= 50);
            let uri = worst.uri(&s);
            assert!(uri.len() <= MAX_URI_LEN);
            let path = &short.uri(&s)["https://t.cn".len()..];
            assert_eq!(path.len(), 36);
            assert!(path.len() <= 50);
        }
        assert_eq!(worst.uri_len(), MAX_URI_LEN);
        assert_eq!(MAX_URI_LEN, 172);
    }

    #[test]
    fn rejects_bad_parts() {
        for host in [
            "",
            "a/b",
            "a b",
            "-a.cn",
            "a..cn",
            "a.cn:0",
            "a.cn:99999",
            "a.cn:",
            "é.cn",
        ] {
            assert!(
                matches!(
                    StampLinkBase::new(host, GTIN, None),
                    Err(StampError::InvalidHost(_))
                ),
                "{host:?}"
            );
        }
        assert!(StampLinkBase::new(&"a".repeat(65), GTIN, None).is_err());
        for gtin in [
            "",
            "09506000134353",
            "0950600013435",
            "abc",
            "095060001343520",
        ] {
            assert_eq!(
                StampLinkBase::new("t.cn", gtin, None),
                Err(StampError::InvalidGtin),
                "{gtin:?}"
            );
        }
        for lot in ["", &"A".repeat(21), "Lot#1", "批次", "a\u{0}"] {
            assert_eq!(
                StampLinkBase::new("t.cn", GTIN, Some(lot)),
                Err(StampError::InvalidLot),
                "{lot:?}"
            );
        }
    }

    #[test]
    fn paths_round_trip() {
        for lot in [None, Some("L-2026/07"), Some("!\"%&'()*+,-./:;<=>?_z")] {
            let lot = lot.map(|l| &l[..l.len().min(20)]);
            let uri = StampLinkBase::new("t.cn", GTIN, lot)
                .expect("base")
                .uri(&serial());
            let path = &uri["https://t.cn".len()..];
            let parsed = StampPath::parse(path).expect("parse");
            assert_eq!(parsed.gtin, GTIN);
            assert_eq!(parsed.lot.as_deref(), lot);
            assert_eq!(parsed.stamp_serial(), Some(serial()));
        }
        let other = StampPath::parse("/01/9506000134352/21/abc").expect("foreign serial");
        assert_eq!(other.gtin, GTIN);
        assert_eq!(other.stamp_serial(), None);
        for bad in [
            "",
            "/",
            "/01/09506000134352",
            "/01/09506000134352/21/",
            "/01/09506000134352/21/A/",
            "/01/09506000134353/21/A",
            "/01/09506000134352/22/A",
            "/01/09506000134352/10/L/21",
            "/01/09506000134352/21/%ZZ",
            "/01/09506000134352/21/%4",
            "/01/09506000134352/21/%C3%A9",
            "/01/09506000134352/21/AAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(StampPath::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// The GS1 Digital Link parser's vectors (`../shared/conformance/gs1`) whose path has the
    /// stamp form parse here to the same AI values. Skipped when the vectors are not beside
    /// the repository.
    #[test]
    fn agrees_with_gs1_parser_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/conformance/gs1/gs1-digital-link-uri-simple-parser/vectors.jsonl"
        );
        let Ok(vectors) = std::fs::read_to_string(path) else {
            eprintln!("no GS1 vectors at {path}: skipped");
            return;
        };
        let mut checked = 0;
        for line in vectors.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("vector");
            let (Some(uri), Some(true)) = (v["dl_uri"].as_str(), v["should_succeed"].as_bool())
            else {
                continue;
            };
            let Some(rest) = uri.strip_prefix("https://") else {
                continue;
            };
            let path = rest.find('/').map_or("", |i| &rest[i..]);
            let path = path.split(['?', '#']).next().unwrap_or_default();
            let Ok(parsed) = StampPath::parse(path) else {
                continue;
            };
            let ais: serde_json::Value =
                serde_json::from_str(v["json_unsorted"].as_str().expect("json")).expect("ais");
            assert_eq!(ais["01"].as_str(), Some(parsed.gtin.as_str()), "{uri}");
            assert_eq!(ais["10"].as_str(), parsed.lot.as_deref(), "{uri}");
            assert_eq!(ais["21"].as_str(), Some(parsed.serial.as_str()), "{uri}");
            checked += 1;
        }
        assert!(checked >= 2, "only {checked} stamp-form vectors");
    }
}
