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

/// A GS1 Digital Link URI taken apart: primary key and key qualifiers (decoded), and the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalLink {
    /// `(AI, value)` pairs: the primary key first, then its qualifiers, in canonical order.
    pub path: Vec<(String, String)>,
    /// The query string without `?` (data attributes), if any.
    pub query: Option<String>,
}

/// Primary-key AIs and the qualifiers each may take, in canonical order.
const KEYS: &[(&str, &[&str])] = &[
    ("01", &["22", "10", "21", "235"]),
    ("00", &[]),
    ("253", &[]),
    ("255", &[]),
    ("401", &[]),
    ("402", &[]),
    ("414", &["254", "7040"]),
    ("417", &[]),
    ("8003", &[]),
    ("8004", &[]),
    ("8006", &["22", "10", "21"]),
    ("8010", &["8011"]),
    ("8017", &["8019"]),
    ("8018", &["8019"]),
];

/// Parses an `http(s)` GS1 Digital Link URI on any host and with any path prefix.
///
/// Numeric keys are checked (length and check digit); values are percent-decoded.
pub fn parse_digital_link(uri: &str) -> Result<DigitalLink, EpcError> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .ok_or_else(|| EpcError::NotDigitalLink(uri.to_owned()))?;
    let rest = rest.split_once('#').map_or(rest, |(a, _)| a);
    let (rest, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q.to_owned())),
        None => (rest, None),
    };
    let segs: Vec<&str> = rest.split('/').skip(1).collect();
    // The first segment (after the host) at which a well-formed key path starts.
    let mut last_err = None;
    for start in 0..segs.len() {
        let Some((_, quals)) = KEYS.iter().find(|(k, _)| *k == segs[start]) else {
            continue;
        };
        match key_path(&segs[start..], quals) {
            Ok(path) => return Ok(DigitalLink { path, query }),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| EpcError::NotDigitalLink(uri.to_owned())))
}

fn key_path(segs: &[&str], quals: &[&str]) -> Result<Vec<(String, String)>, EpcError> {
    if segs.len() % 2 != 0 {
        return Err(EpcError::MalformedDigitalLink("AI without a value".into()));
    }
    let mut path = Vec::new();
    let mut next_qual = 0;
    for pair in segs.chunks(2) {
        let (ai, raw) = (pair[0], pair[1]);
        if path.is_empty() {
            path.push((ai.to_owned(), validate_value(ai, &dl_decode(raw)?)?));
            continue;
        }
        let pos = quals[next_qual..]
            .iter()
            .position(|q| *q == ai)
            .ok_or_else(|| EpcError::MalformedDigitalLink(format!("AI {ai} out of place")))?;
        next_qual += pos + 1;
        path.push((ai.to_owned(), validate_value(ai, &dl_decode(raw)?)?));
    }
    // 21 and 235 exclude each other (they sit at the end of the qualifier list together).
    let has = |a: &str| path.iter().any(|(x, _)| x == a);
    if has("21") && has("235") {
        return Err(EpcError::MalformedDigitalLink("21 with 235".into()));
    }
    Ok(path)
}

fn validate_value(ai: &str, v: &str) -> Result<String, EpcError> {
    let err = |why: &str| EpcError::MalformedDigitalLink(format!("AI ({ai}) {v:?}: {why}"));
    let fixed_check = |n: usize| {
        if v.len() == n && digits(v) && crate::ids::gs1::has_valid_check_digit(v) {
            Ok(v.to_owned())
        } else {
            Err(err(&format!("must be {n} digits with a valid check digit")))
        }
    };
    let cs82 = |max: usize| {
        if !v.is_empty() && v.chars().count() <= max && v.chars().all(is_cs82) {
            Ok(v.to_owned())
        } else {
            Err(err(&format!("must be 1 to {max} characters of GS1 set 82")))
        }
    };
    let lead_check = |n: usize, tail_max: usize, numeric_tail: bool| {
        let (head, tail) = (v.get(..n).unwrap_or(""), v.get(n..).unwrap_or(""));
        let tail_ok = tail.chars().count() <= tail_max
            && tail.chars().all(|c| {
                if numeric_tail {
                    c.is_ascii_digit()
                } else {
                    is_cs82(c)
                }
            });
        if head.len() == n
            && digits(head)
            && crate::ids::gs1::has_valid_check_digit(head)
            && tail_ok
        {
            Ok(v.to_owned())
        } else {
            Err(err("malformed key"))
        }
    };
    match ai {
        "01" => fixed_check(14),
        "00" => fixed_check(18),
        "414" | "417" => fixed_check(13),
        "402" => fixed_check(17),
        "8017" | "8018" => fixed_check(18),
        "253" => lead_check(13, 17, false),
        "255" => lead_check(13, 12, true),
        "8003" => {
            if v.starts_with('0') {
                lead_check(14, 16, false)
            } else {
                Err(err("must start with 0"))
            }
        }
        "8006" => {
            let ok = v.len() == 18 && digits(v) && crate::ids::gs1::has_valid_check_digit(&v[..14]);
            if ok {
                Ok(v.to_owned())
            } else {
                Err(err("must be GTIN-14 + 4 digits"))
            }
        }
        "8010" => {
            if !v.is_empty() && v.len() <= 30 && v.chars().all(is_cs39) {
                Ok(v.to_owned())
            } else {
                Err(err("must be 1 to 30 characters of GS1 set 39"))
            }
        }
        "8011" => {
            if digits(v) && v.len() <= 12 {
                Ok(v.to_owned())
            } else {
                Err(err("must be 1 to 12 digits"))
            }
        }
        "10" | "21" | "22" | "254" => cs82(20),
        "235" => cs82(28),
        "401" | "8004" => cs82(30),
        "7040" => cs82(4),
        "8019" => {
            if digits(v) && v.len() <= 10 {
                Ok(v.to_owned())
            } else {
                Err(err("must be 1 to 10 digits"))
            }
        }
        _ => Err(err("unsupported AI")),
    }
}

impl DigitalLink {
    /// The canonical URI: [`CANONICAL_HOST`], the key path, and the query string if any.
    pub fn canonical(&self) -> String {
        let pairs: Vec<(&str, &str)> = self
            .path
            .iter()
            .map(|(a, v)| (a.as_str(), v.as_str()))
            .collect();
        let mut s = dl(&pairs);
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }

    fn get(&self, ai: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(a, _)| a == ai)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a key with a GS1 Company Prefix of `cp_len` digits after `skip` leading characters.
fn split_cp(v: &str, skip: usize, cp_len: usize, end: usize) -> Result<(&str, &str), EpcError> {
    if !(6..=12).contains(&cp_len) || skip + cp_len > end {
        return Err(EpcError::PrefixLength(cp_len));
    }
    let cp = v
        .get(skip..skip + cp_len)
        .ok_or(EpcError::PrefixLength(cp_len))?;
    let rest = v
        .get(skip + cp_len..end)
        .ok_or(EpcError::PrefixLength(cp_len))?;
    if !digits(cp) {
        return Err(EpcError::PrefixLength(cp_len));
    }
    Ok((cp, rest))
}

/// `(company prefix, item reference with indicator)` of a GTIN-14.
fn gtin_parts(g: &str, cp_len: usize) -> Result<(String, String), EpcError> {
    let (cp, rest) = split_cp(g, 1, cp_len, 13)?;
    Ok((cp.to_owned(), format!("{}{rest}", &g[..1])))
}

/// Converts a GS1 Digital Link URI (any host) to an EPC pure-identity URN (`urn:epc:id:`).
///
/// `cp_len` is the length of the GS1 Company Prefix inside the key (6 to 12).
pub fn to_urn(uri: &str, cp_len: usize) -> Result<String, EpcError> {
    let d = parse_digital_link(uri)?;
    let (ai, v) = d
        .path
        .first()
        .map(|(a, v)| (a.as_str(), v.as_str()))
        .unwrap_or(("", ""));
    let e = urn_encode;
    let not_instance = || EpcError::NotDigitalLink(format!("{uri} is a class, not an instance"));
    Ok(match ai {
        "01" => {
            let (cp, item) = gtin_parts(v, cp_len)?;
            if let Some(s) = d.get("21") {
                format!("urn:epc:id:sgtin:{cp}.{item}.{}", e(s))
            } else if let Some(t) = d.get("235") {
                format!("urn:epc:id:upui:{cp}.{item}.{}", e(t))
            } else {
                return Err(not_instance());
            }
        }
        "00" => {
            let (cp, rest) = split_cp(v, 1, cp_len, 17)?;
            format!("urn:epc:id:sscc:{cp}.{}{rest}", &v[..1])
        }
        "414" => {
            let (cp, loc) = split_cp(v, 0, cp_len, 12)?;
            format!(
                "urn:epc:id:sgln:{cp}.{loc}.{}",
                e(d.get("254").unwrap_or("0"))
            )
        }
        "417" => {
            let (cp, party) = split_cp(v, 0, cp_len, 12)?;
            format!("urn:epc:id:pgln:{cp}.{party}")
        }
        "8003" => {
            let (cp, at) = split_cp(v, 1, cp_len, 13)?;
            let ser = v.get(14..).unwrap_or("");
            if ser.is_empty() {
                return Err(not_instance());
            }
            format!("urn:epc:id:grai:{cp}.{at}.{}", e(ser))
        }
        "8004" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            let r = v.get(cp_len..).unwrap_or("");
            format!("urn:epc:id:giai:{cp}.{}", e(r))
        }
        "8017" | "8018" => {
            let (cp, sr) = split_cp(v, 0, cp_len, 17)?;
            let s = if ai == "8018" { "gsrn" } else { "gsrnp" };
            format!("urn:epc:id:{s}:{cp}.{sr}")
        }
        "253" | "255" => {
            let (cp, r) = split_cp(v, 0, cp_len, 12)?;
            let ser = v.get(13..).unwrap_or("");
            if ser.is_empty() {
                return Err(not_instance());
            }
            let s = if ai == "253" { "gdti" } else { "sgcn" };
            format!("urn:epc:id:{s}:{cp}.{r}.{}", e(ser))
        }
        "8010" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            let part = v.get(cp_len..).unwrap_or("");
            let ser = d.get("8011").ok_or_else(not_instance)?;
            format!("urn:epc:id:cpi:{cp}.{}.{ser}", e(part))
        }
        "401" => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            format!("urn:epc:id:ginc:{cp}.{}", e(v.get(cp_len..).unwrap_or("")))
        }
        "402" => {
            let (cp, sr) = split_cp(v, 0, cp_len, 16)?;
            format!("urn:epc:id:gsin:{cp}.{sr}")
        }
        "8006" => {
            let (cp, item) = gtin_parts(&v[..14], cp_len)?;
            let ser = d.get("21").ok_or_else(not_instance)?;
            format!(
                "urn:epc:id:itip:{cp}.{item}.{}.{}.{}",
                &v[14..16],
                &v[16..18],
                e(ser)
            )
        }
        _ => return Err(EpcError::NotDigitalLink(uri.to_owned())),
    })
}

/// Converts a class-level GS1 Digital Link URI to an EPC class URN: `urn:epc:class:lgtin:` for
/// GTIN + lot, `urn:epc:idpat:` for a bare GTIN, GRAI, GDTI, SGCN, CPI or ITIP key.
pub fn to_class_urn(uri: &str, cp_len: usize) -> Result<String, EpcError> {
    let d = parse_digital_link(uri)?;
    let (ai, v) = d
        .path
        .first()
        .map(|(a, v)| (a.as_str(), v.as_str()))
        .unwrap_or(("", ""));
    let not_class = || EpcError::NotDigitalLink(format!("{uri} is not a class-level identifier"));
    Ok(match ai {
        "01" => {
            let (cp, item) = gtin_parts(v, cp_len)?;
            match (d.get("10"), d.path.len()) {
                (Some(lot), 2) => format!("urn:epc:class:lgtin:{cp}.{item}.{}", urn_encode(lot)),
                (None, 1) => format!("urn:epc:idpat:sgtin:{cp}.{item}.*"),
                _ => return Err(not_class()),
            }
        }
        "8003" if v.len() == 14 => {
            let (cp, at) = split_cp(v, 1, cp_len, 13)?;
            format!("urn:epc:idpat:grai:{cp}.{at}.*")
        }
        "253" | "255" if v.len() == 13 => {
            let (cp, r) = split_cp(v, 0, cp_len, 12)?;
            format!(
                "urn:epc:idpat:{}:{cp}.{r}.*",
                if ai == "253" { "gdti" } else { "sgcn" }
            )
        }
        "8010" if d.path.len() == 1 => {
            let (cp, _) = split_cp(v, 0, cp_len, cp_len)?;
            format!(
                "urn:epc:idpat:cpi:{cp}.{}.*",
                urn_encode(v.get(cp_len..).unwrap_or(""))
            )
        }
        "8006" if d.path.len() == 1 => {
            let (cp, item) = gtin_parts(&v[..14], cp_len)?;
            format!(
                "urn:epc:idpat:itip:{cp}.{item}.{}.{}.*",
                &v[14..16],
                &v[16..18]
            )
        }
        _ => return Err(not_class()),
    })
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
                    || KEYS.iter().any(|(k, _)| *k == first)
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

#[cfg(test)]
#[path = "epc_tests.rs"]
mod tests;
