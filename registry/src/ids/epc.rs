//! EPC pure-identity URNs (GS1 Tag Data Standard 2.x) and GS1 Digital Link URIs, both ways.
//!
//! # The hub's canonical form
//!
//! The hub stores every GS1-keyed identifier as a **GS1 Digital Link URI on the host
//! `https://id.gs1.org`** ([`CANONICAL_HOST`]), path in canonical order, values percent-encoded
//! as GS1 Digital Link asks (everything but `A-Z a-z 0-9 - . _ ~`). Why this form:
//!
//! - it needs no GS1 Company Prefix length: an EPC URN splits the key at the prefix boundary, and
//!   that boundary cannot be recovered from the key alone (it needs GS1's prefix table), so a URN
//!   cannot be rebuilt from a bare GTIN without extra knowledge, while a Digital Link can always
//!   be built from a URN;
//! - it is what the CBV 2.0 event hash works on, so the stored form is already the hashed form;
//! - it is what a stamp's QR code and the public resolver carry, so a scan and a stored event
//!   meet on the same string;
//! - one host means one string per object: `https://brand.example/01/...` and
//!   `https://id.gs1.org/01/...` identify the same item.
//!
//! [`to_urn`] and [`to_class_urn`] convert back to EPC URNs when a partner wants them; they take
//! the GS1 Company Prefix length as a parameter.
//!
//! Strictness, where the Tag Data Standard is clear: an EPC URN component must be in GS1's
//! character set 82 with `"`, `%`, `&`, `/`, `<`, `>` and `?` percent-escaped, numeric keys carry
//! their GS1 check digit where one exists, and the Company Prefix is 6 to 12 digits.

use std::fmt::Write as _;

use crate::ids::gs1::check_digit;

/// Scheme and host of the canonical GS1 Digital Link form.
pub const CANONICAL_HOST: &str = "https://id.gs1.org";

/// Why an identifier could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    /// Not an EPC URN scheme this module knows (`urn:epc:id:sgtin:` ...).
    #[error("unknown EPC scheme in {0:?}")]
    UnknownScheme(String),
    /// The URN has the wrong number of components or a malformed component.
    #[error("malformed {scheme} URN: {reason}")]
    MalformedUrn {
        /// EPC scheme (sgtin, sscc, ...).
        scheme: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The URI is not a GS1 Digital Link URI with a supported key.
    #[error("not a GS1 Digital Link URI with an EPC-mappable key: {0}")]
    NotDigitalLink(String),
    /// A Digital Link key or qualifier value is malformed.
    #[error("malformed GS1 Digital Link: {0}")]
    MalformedDigitalLink(String),
    /// The GS1 Company Prefix length does not fit the key.
    #[error("GS1 Company Prefix length {0} does not fit this key (6 to 12 digits)")]
    PrefixLength(usize),
}

fn bad(scheme: &'static str, reason: impl Into<String>) -> EpcError {
    EpcError::MalformedUrn {
        scheme,
        reason: reason.into(),
    }
}

/// True for the GS1 AI encodable character set 82.
fn is_cs82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// True for the GS1 AI encodable character set 39 (component/part references).
fn is_cs39(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || "#-/".contains(c)
}

/// Decodes an EPC URN component (Tag Data Standard escaping) into its raw value.
fn urn_decode(scheme: &'static str, s: &str) -> Result<String, EpcError> {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad(scheme, format!("bad escape in {s:?}")))?;
            let c = char::from(hex);
            if !is_cs82(c) && c != '#' {
                return Err(bad(scheme, format!("escaped character {c:?} not allowed")));
            }
            out.push(c);
            i += 3;
        } else {
            let c = char::from(b);
            if !is_cs82(c) || "\"%&/<>?".contains(c) {
                return Err(bad(
                    scheme,
                    format!("character {c:?} must be escaped or is not allowed in {s:?}"),
                ));
            }
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// Encodes a raw value as an EPC URN component (Tag Data Standard escaping).
fn urn_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\"%&/<>?#".contains(c) {
            let _ = write!(out, "%{:02X}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Percent-encodes a Digital Link path value (all but unreserved characters).
fn dl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Decodes a Digital Link path value.
fn dl_decode(s: &str) -> Result<String, EpcError> {
    let mut out = Vec::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| EpcError::MalformedDigitalLink(format!("bad escape in {s:?}")))?;
            out.push(hex);
            i += 3;
        } else if b" \"<>\\^`{|}".contains(&bytes[i]) || bytes[i] < 0x20 {
            return Err(EpcError::MalformedDigitalLink(format!(
                "{s:?}: character {:?} must be percent-encoded",
                char::from(bytes[i])
            )));
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| EpcError::MalformedDigitalLink(format!("{s:?} not UTF-8")))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn with_check(body: &str) -> Option<String> {
    check_digit(body).map(|d| format!("{body}{d}"))
}

fn check_prefix(scheme: &'static str, cp: &str) -> Result<(), EpcError> {
    if !digits(cp) {
        return Err(bad(scheme, format!("company prefix {cp:?} is not numeric")));
    }
    if !(6..=12).contains(&cp.len()) {
        return Err(EpcError::PrefixLength(cp.len()));
    }
    Ok(())
}

/// `cp` + `rest` must be all digits and `total` long.
fn numeric_pair(
    scheme: &'static str,
    cp: &str,
    rest: &str,
    total: usize,
) -> Result<String, EpcError> {
    check_prefix(scheme, cp)?;
    if !rest.bytes().all(|b| b.is_ascii_digit()) || cp.len() + rest.len() != total {
        return Err(bad(
            scheme,
            format!("{cp}.{rest} must be {total} digits in all"),
        ));
    }
    Ok(format!("{cp}{rest}"))
}

/// GTIN-14 from company prefix and item reference with its indicator digit first.
fn gtin(scheme: &'static str, cp: &str, item: &str) -> Result<String, EpcError> {
    numeric_pair(scheme, cp, item, 13)?;
    let (ind, rest) = item.split_at(1.min(item.len()));
    with_check(&format!("{ind}{cp}{rest}")).ok_or_else(|| bad(scheme, "bad GTIN"))
}

fn serial_cs82(scheme: &'static str, s: &str, max: usize) -> Result<String, EpcError> {
    let raw = urn_decode(scheme, s)?;
    if raw.is_empty() || raw.chars().count() > max {
        return Err(bad(
            scheme,
            format!("value {s:?} must be 1 to {max} characters"),
        ));
    }
    Ok(raw)
}

fn serial_numeric(scheme: &'static str, s: &str, max: usize) -> Result<String, EpcError> {
    if !digits(s) || s.len() > max {
        return Err(bad(
            scheme,
            format!("serial {s:?} must be 1 to {max} digits"),
        ));
    }
    Ok(s.to_owned())
}

fn parts<'a, const N: usize>(
    scheme: &'static str,
    body: &'a str,
) -> Result<[&'a str; N], EpcError> {
    let v: Vec<&str> = body.split('.').collect();
    v.try_into().map_err(|_| {
        bad(
            scheme,
            format!("expected {N} dot-separated components in {body:?}"),
        )
    })
}

fn dl(path: &[(&str, &str)]) -> String {
    let mut s = String::from(CANONICAL_HOST);
    for (ai, v) in path {
        let _ = write!(s, "/{ai}/{}", dl_encode(v));
    }
    s
}

/// Converts an EPC URN (`urn:epc:id:`, `urn:epc:class:lgtin:`, `urn:epc:idpat:`) to its
/// canonical GS1 Digital Link URI on [`CANONICAL_HOST`].
pub fn to_digital_link(urn: &str) -> Result<String, EpcError> {
    if let Some(rest) = urn.strip_prefix("urn:epc:id:") {
        return id_to_dl(rest);
    }
    if let Some(rest) = urn.strip_prefix("urn:epc:class:lgtin:") {
        let [cp, item, lot] = parts("lgtin", rest)?;
        let g = gtin("lgtin", cp, item)?;
        let lot = serial_cs82("lgtin", lot, 20)?;
        return Ok(dl(&[("01", &g), ("10", &lot)]));
    }
    if let Some(rest) = urn.strip_prefix("urn:epc:idpat:") {
        return idpat_to_dl(rest);
    }
    Err(EpcError::UnknownScheme(urn.to_owned()))
}

fn id_to_dl(rest: &str) -> Result<String, EpcError> {
    let (scheme, body) = rest
        .split_once(':')
        .ok_or_else(|| EpcError::UnknownScheme(rest.to_owned()))?;
    match scheme {
        "sgtin" => {
            let [cp, item, ser] = parts("sgtin", body)?;
            let g = gtin("sgtin", cp, item)?;
            Ok(dl(&[("01", &g), ("21", &serial_cs82("sgtin", ser, 20)?)]))
        }
        "sscc" => {
            let [cp, sr] = parts("sscc", body)?;
            numeric_pair("sscc", cp, sr, 17)?;
            let body = format!("{}{cp}{}", &sr[..1], &sr[1..]);
            Ok(dl(&[("00", &with_check(&body).unwrap_or_default())]))
        }
        "sgln" => {
            let [cp, loc, ext] = parts("sgln", body)?;
            let gln = with_check(&numeric_pair("sgln", cp, loc, 12)?).unwrap_or_default();
            let ext = serial_cs82("sgln", ext, 20)?;
            if ext == "0" {
                Ok(dl(&[("414", &gln)]))
            } else {
                Ok(dl(&[("414", &gln), ("254", &ext)]))
            }
        }
        "pgln" => {
            let [cp, party] = parts("pgln", body)?;
            let gln = with_check(&numeric_pair("pgln", cp, party, 12)?).unwrap_or_default();
            Ok(dl(&[("417", &gln)]))
        }
        "grai" => {
            let [cp, at, ser] = parts("grai", body)?;
            let key =
                with_check(&format!("0{}", numeric_pair("grai", cp, at, 12)?)).unwrap_or_default();
            let ser = serial_cs82("grai", ser, 16)?;
            Ok(dl(&[("8003", &format!("{key}{ser}"))]))
        }
        "giai" => {
            let [cp, ind] = parts("giai", body)?;
            check_prefix("giai", cp)?;
            let ind = serial_cs82("giai", ind, 30 - cp.len().min(30))?;
            Ok(dl(&[("8004", &format!("{cp}{ind}"))]))
        }
        "gsrn" | "gsrnp" => {
            let sch = if scheme == "gsrn" { "gsrn" } else { "gsrnp" };
            let [cp, sr] = parts(sch, body)?;
            let key = with_check(&numeric_pair(sch, cp, sr, 17)?).unwrap_or_default();
            Ok(dl(&[(if sch == "gsrn" { "8018" } else { "8017" }, &key)]))
        }
        "gdti" => {
            let [cp, dt, ser] = parts("gdti", body)?;
            let key = with_check(&numeric_pair("gdti", cp, dt, 12)?).unwrap_or_default();
            let ser = serial_cs82("gdti", ser, 17)?;
            Ok(dl(&[("253", &format!("{key}{ser}"))]))
        }
        "sgcn" => {
            let [cp, cr, ser] = parts("sgcn", body)?;
            let key = with_check(&numeric_pair("sgcn", cp, cr, 12)?).unwrap_or_default();
            let ser = serial_numeric("sgcn", ser, 12)?;
            Ok(dl(&[("255", &format!("{key}{ser}"))]))
        }
        "cpi" => {
            let [cp, part, ser] = parts("cpi", body)?;
            check_prefix("cpi", cp)?;
            let part = urn_decode("cpi", part)?;
            if part.is_empty() || !part.chars().all(is_cs39) || cp.len() + part.len() > 30 {
                return Err(bad("cpi", format!("component/part reference {part:?}")));
            }
            let ser = serial_numeric("cpi", ser, 12)?;
            if ser.len() > 1 && ser.starts_with('0') {
                return Err(bad("cpi", "serial has a leading zero"));
            }
            Ok(dl(&[("8010", &format!("{cp}{part}")), ("8011", &ser)]))
        }
        "ginc" => {
            let [cp, r] = parts("ginc", body)?;
            check_prefix("ginc", cp)?;
            let r = urn_decode("ginc", r)?;
            if cp.len() + r.len() > 30 {
                return Err(bad("ginc", "longer than 30 characters"));
            }
            Ok(dl(&[("401", &format!("{cp}{r}"))]))
        }
        "gsin" => {
            let [cp, sr] = parts("gsin", body)?;
            let key = with_check(&numeric_pair("gsin", cp, sr, 16)?).unwrap_or_default();
            Ok(dl(&[("402", &key)]))
        }
        "itip" => {
            let [cp, item, pos, tot, ser] = parts("itip", body)?;
            let g = gtin("itip", cp, item)?;
            if pos.len() != 2 || tot.len() != 2 || !digits(pos) || !digits(tot) {
                return Err(bad("itip", "piece and total must be two digits each"));
            }
            let ser = serial_cs82("itip", ser, 20)?;
            Ok(dl(&[("8006", &format!("{g}{pos}{tot}")), ("21", &ser)]))
        }
        "upui" => {
            let [cp, item, tpx] = parts("upui", body)?;
            let g = gtin("upui", cp, item)?;
            let tpx = serial_cs82("upui", tpx, 28)?;
            Ok(dl(&[("01", &g), ("235", &tpx)]))
        }
        _ => Err(EpcError::UnknownScheme(format!("urn:epc:id:{rest}"))),
    }
}

fn idpat_to_dl(rest: &str) -> Result<String, EpcError> {
    let (scheme, body) = rest
        .split_once(':')
        .ok_or_else(|| EpcError::UnknownScheme(rest.to_owned()))?;
    let star = |sch: &'static str, s: &str| {
        if s == "*" {
            Ok(())
        } else {
            Err(bad(sch, "a class pattern must end in .*"))
        }
    };
    match scheme {
        "sgtin" => {
            let [cp, item, s] = parts("sgtin", body)?;
            star("sgtin", s)?;
            Ok(dl(&[("01", &gtin("sgtin", cp, item)?)]))
        }
        "grai" => {
            let [cp, at, s] = parts("grai", body)?;
            star("grai", s)?;
            let key =
                with_check(&format!("0{}", numeric_pair("grai", cp, at, 12)?)).unwrap_or_default();
            Ok(dl(&[("8003", &key)]))
        }
        "gdti" | "sgcn" => {
            let sch = if scheme == "gdti" { "gdti" } else { "sgcn" };
            let [cp, r, s] = parts(sch, body)?;
            star(sch, s)?;
            let key = with_check(&numeric_pair(sch, cp, r, 12)?).unwrap_or_default();
            Ok(dl(&[(if sch == "gdti" { "253" } else { "255" }, &key)]))
        }
        "cpi" => {
            let [cp, part, s] = parts("cpi", body)?;
            star("cpi", s)?;
            check_prefix("cpi", cp)?;
            let part = urn_decode("cpi", part)?;
            if !part.chars().all(is_cs39) || cp.len() + part.len() > 30 {
                return Err(bad("cpi", format!("component/part reference {part:?}")));
            }
            Ok(dl(&[("8010", &format!("{cp}{part}"))]))
        }
        "itip" => {
            let [cp, item, pos, tot, s] = parts("itip", body)?;
            star("itip", s)?;
            let g = gtin("itip", cp, item)?;
            if pos.len() != 2 || tot.len() != 2 || !digits(pos) || !digits(tot) {
                return Err(bad("itip", "piece and total must be two digits each"));
            }
            Ok(dl(&[("8006", &format!("{g}{pos}{tot}"))]))
        }
        _ => Err(EpcError::UnknownScheme(format!("urn:epc:idpat:{rest}"))),
    }
}

/// What [`canonicalize`] made of a URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Canonical {
    /// A GS1 identifier, now in canonical Digital Link form.
    Gs1(String),
    /// Another absolute URI, kept as it is (EPCIS allows any URI as an identifier).
    Other,
}

/// Canonical form of an identifier as EPCIS carries it.
///
/// EPC URNs become canonical Digital Link URIs; Digital Link URIs on any host move to
/// [`CANONICAL_HOST`]; other absolute URIs are left alone. Errors: a malformed EPC URN, a
/// malformed Digital Link on `id.gs1.org` (or whose first path segment is a GS1 key), or a string
/// that is not an absolute URI at all.
pub fn canonicalize(uri: &str) -> Result<Canonical, EpcError> {
    if uri.starts_with("urn:epc:id:")
        || uri.starts_with("urn:epc:class:")
        || uri.starts_with("urn:epc:idpat:")
    {
        return to_digital_link(uri).map(Canonical::Gs1);
    }
    if uri.starts_with("http://") || uri.starts_with("https://") {
        match parse_digital_link(uri) {
            Ok(d) => return Ok(Canonical::Gs1(d.canonical())),
            Err(e) => {
                let after = uri.split_once("://").map_or("", |(_, r)| r);
                let (host, path) = after.split_once('/').unwrap_or((after, ""));
                let first = path.split(['/', '?', '#']).next().unwrap_or("");
                let gs1_host = host.eq_ignore_ascii_case("id.gs1.org");
                if gs1_host
                    || dl::KEYS.iter().any(|(k, _)| *k == first)
                        && !matches!(e, EpcError::NotDigitalLink(_))
                {
                    return Err(e);
                }
            }
        }
    }
    if is_absolute_uri(uri) {
        Ok(Canonical::Other)
    } else {
        Err(EpcError::NotDigitalLink(format!(
            "{uri:?} is not an absolute URI"
        )))
    }
}

/// True when `s` is an absolute URI: a scheme, a colon, and no whitespace or control characters.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
}

mod dl;
mod urn;

pub use dl::{DigitalLink, parse_digital_link};
pub use urn::{to_class_urn, to_urn};

#[cfg(test)]
#[path = "epc_tests.rs"]
mod tests;
