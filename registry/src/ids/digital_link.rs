//! GS1 Digital Link URIs (uncompressed): `https://host[/prefix]/01/{gtin14}/10/{lot}/21/{serial}?17=...`
//! to and from validated element strings.
//!
//! Parsing finds the rightmost primary key in the path (anything before it is the host's own
//! path prefix), checks that the key qualifiers follow it in an order the Syntax Dictionary
//! allows, reads AI data attributes from the query string (other parameters, such as
//! `linkType`, are ignored) and validates the whole as an element string. Compressed URIs are
//! recognised and refused.
//!
//! A zero-suppressed GTIN (8, 12 or 13 digits) in the path is refused by default, as the GS1
//! Syntax Engine does; `Options::permit_zero_suppressed_gtin` pads it to 14 digits instead
//! (scanner input, [`super::scan`], sets it).

use super::ai::{self, AiEntry};
use super::element_string::{AiValue, ElementString, ElementStringError, Options};

/// The stem used when building a URI without one.
pub const CANONICAL_STEM: &str = "https://id.gs1.org";

/// Characters allowed anywhere in a URI (RFC 3986 unreserved, reserved and `%`).
const URI_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";
/// Characters of [`URI_CHARS`] not allowed in a host.
const BAD_HOST_CHARS: &[u8] = b"_~?#@!$&'()*+,;=%";

/// The deprecated convenience alphas of Digital Link 1.0-1.2 and the AIs they stand for.
const ALPHAS: &[(&str, &str)] = &[
    ("cpid", "8010"),
    ("cpsn", "8011"),
    ("cpv", "22"),
    ("gcn", "255"),
    ("gdti", "253"),
    ("giai", "8004"),
    ("ginc", "401"),
    ("gln", "414"),
    ("glnx", "254"),
    ("gmn", "8013"),
    ("grai", "8003"),
    ("gsin", "402"),
    ("gsrn", "8018"),
    ("gsrnp", "8017"),
    ("gtin", "01"),
    ("itip", "8006"),
    ("lot", "10"),
    ("party", "417"),
    ("refno", "8020"),
    ("ser", "21"),
    ("srin", "8019"),
    ("sscc", "00"),
];

/// Why a Digital Link URI (or path) cannot be read, or an element string cannot be written as
/// one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigitalLinkError {
    /// A character that may not appear in a URI.
    #[error("character '{found}' at position {} is not allowed in a URI", pos + 1)]
    IllegalCharacter {
        /// Offset in the input.
        pos: usize,
        /// The character.
        found: char,
    },
    /// Not `http://` or `https://` (all lower or all upper case).
    #[error("a Digital Link URI starts with http:// or https://")]
    Scheme,
    /// No host, or a host with characters hosts cannot have.
    #[error("missing or invalid host")]
    Host,
    /// A path that ends with `/`.
    #[error("the path must not end with '/'")]
    TrailingSlash,
    /// A compressed Digital Link URI, which the hub does not decompress.
    #[error(
        "compressed GS1 Digital Link URIs are not supported: send the uncompressed form (/01/.../10/...)"
    )]
    Compressed,
    /// No `/AI/value` pair with a primary key AI in the path.
    #[error("no GS1 primary key (such as /01/{{gtin}}) found in the path")]
    NoPrimaryKey,
    /// `/AI/` followed by nothing, or `AI=` with nothing.
    #[error("({ai}) has an empty value")]
    EmptyValue {
        /// The AI.
        ai: String,
    },
    /// A value that decodes to a NUL character.
    #[error("({ai}) value contains a NUL character")]
    NulInValue {
        /// The AI.
        ai: String,
    },
    /// A GTIN-8/12/13 where the 14-digit form is required.
    #[error(
        "(01) must have 14 digits in a Digital Link URI, found {found} (pad with leading zeros)"
    )]
    ZeroSuppressedGtin {
        /// Number of digits found.
        found: usize,
    },
    /// Key qualifiers in an order (or combination) the primary key does not allow.
    #[error("invalid key qualifier sequence in the path: {sequence}")]
    InvalidKeyQualifiers {
        /// The AIs of the path, e.g. `01 21 10`.
        sequence: String,
    },
    /// A numeric query parameter that is not an AI.
    #[error("query parameter {ai} is numeric but not a known AI")]
    UnknownAiInQuery {
        /// The parameter name.
        ai: String,
    },
    /// The same AI twice.
    #[error("({ai}) appears more than once")]
    DuplicateAi {
        /// The AI.
        ai: String,
    },
    /// An AI that may not be a data attribute (query parameter).
    #[error("({ai}) is not allowed as a Digital Link data attribute")]
    NotDataAttribute {
        /// The AI.
        ai: String,
    },
    /// An AI given as a query parameter that belongs in the path as a key qualifier.
    #[error("({ai}) is a key qualifier and belongs in the path, not the query")]
    ShouldBeInPath {
        /// The AI.
        ai: String,
    },
    /// Building a URI from data that has no primary key AI.
    #[error("the data has no GS1 Digital Link primary key AI")]
    NoPrimaryKeyInData,
    /// The AI data itself is invalid.
    #[error(transparent)]
    Data(#[from] ElementStringError),
}

type Result<T> = std::result::Result<T, DigitalLinkError>;

/// Percent-decodes `s` (`+` is a space when `query`); malformed escapes are kept as they are.
pub fn uri_unescape(s: &str, query: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) if query => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Percent-encodes everything but `A-Za-z0-9-._~` (a space is `+` when `query`).
pub fn uri_escape(s: &str, query: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~".contains(&c) {
            out.push(char::from(c));
        } else if c == b' ' && query {
            out.push('+');
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Parses a Digital Link URI into validated AI data.
pub fn parse_uri(uri: &str, opts: &Options) -> Result<ElementString> {
    if let Some(pos) = uri.bytes().position(|b| !URI_CHARS.contains(&b)) {
        let found = uri[pos..].chars().next().unwrap_or('?');
        return Err(DigitalLinkError::IllegalCharacter { pos, found });
    }
    let rest = ["https://", "HTTPS://", "http://", "HTTP://"]
        .iter()
        .find_map(|scheme| uri.strip_prefix(scheme))
        .ok_or(DigitalLinkError::Scheme)?;
    let slash = rest.find('/').ok_or(DigitalLinkError::Host)?;
    let host = &rest[..slash];
    if host.is_empty() || host.bytes().any(|b| BAD_HOST_CHARS.contains(&b)) {
        return Err(DigitalLinkError::Host);
    }
    parse_path(&rest[slash..], opts)
}

/// Parses the path, query and fragment part of a Digital Link URI, as a resolver receives it:
/// `/01/09506000134352/10/LOT1/21/ABC?17=251231`. Any path prefix before the primary key is
/// ignored.
pub fn parse_path(path_and_query: &str, opts: &Options) -> Result<ElementString> {
    if let Some(pos) = path_and_query.bytes().position(|b| !URI_CHARS.contains(&b)) {
        let found = path_and_query[pos..].chars().next().unwrap_or('?');
        return Err(DigitalLinkError::IllegalCharacter { pos, found });
    }
    let without_fragment = path_and_query.split('#').next().unwrap_or_default();
    let (path, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, q),
        None => (without_fragment, ""),
    };
    if path.len() > 1 && path.ends_with('/') {
        return Err(DigitalLinkError::TrailingSlash);
    }
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    let start = find_primary_key(&segments, opts)?;
    let mut elements = Vec::new();
    let mut sequence: Vec<&'static str> = Vec::new();
    for pair in segments[start..].chunks(2) {
        let [ai_seg, raw] = pair else {
            return Err(DigitalLinkError::TrailingSlash);
        };
        let (ai, entry) = path_ai(ai_seg, opts).ok_or(DigitalLinkError::NoPrimaryKey)?;
        let value = decode(ai, raw, false, true, opts)?;
        elements.push(AiValue::new(ai, &value, opts)?);
        sequence.push(entry.ai);
    }
    if !is_valid_sequence(&sequence) {
        return Err(DigitalLinkError::InvalidKeyQualifiers {
            sequence: sequence.join(" "),
        });
    }
    let path_count = elements.len();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let Some((key, raw)) = param.split_once('=') else {
            continue; // a parameter without a value is not AI data
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
            continue; // linkType, context and other non-AI parameters
        }
        let known = ai::lookup(key).is_some()
            || (opts.permit_unknown_ais && ai::is_plausible_unknown_ai(key));
        if !known {
            return Err(DigitalLinkError::UnknownAiInQuery { ai: key.to_owned() });
        }
        let value = decode(key, raw, true, false, opts)?;
        elements.push(AiValue::new(key, &value, opts)?);
    }
    for (i, e) in elements.iter().enumerate().skip(path_count) {
        if elements[..i].iter().any(|p| p.ai() == e.ai()) {
            return Err(DigitalLinkError::DuplicateAi {
                ai: e.ai().to_owned(),
            });
        }
        check_data_attribute(e, opts)?;
        for at in 1..=sequence.len() {
            let mut trial = sequence.clone();
            trial.insert(at, e.entry().ai);
            if is_valid_sequence(&trial) {
                return Err(DigitalLinkError::ShouldBeInPath {
                    ai: e.ai().to_owned(),
                });
            }
        }
    }
    Ok(ElementString::from_values(elements, opts)?)
}

/// The index of the segment holding the rightmost primary key, walking `/AI/value` pairs back
/// from the end of the path.
fn find_primary_key(segments: &[&str], opts: &Options) -> Result<usize> {
    let mut end = segments.len();
    while end >= 2 {
        let Some((_, entry)) = path_ai(segments[end - 2], opts) else {
            break;
        };
        if entry.dl_pkey.is_some() {
            return Ok(end - 2);
        }
        end -= 2;
    }
    let last = segments.last().copied().unwrap_or_default();
    let compressed = last.len() >= 8
        && !last.bytes().all(|b| b.is_ascii_digit())
        && last
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    Err(if compressed {
        DigitalLinkError::Compressed
    } else {
        DigitalLinkError::NoPrimaryKey
    })
}

/// A path segment naming an AI (or, when permitted, a convenience alpha for one).
fn path_ai<'a>(seg: &'a str, opts: &Options) -> Option<(&'a str, &'static AiEntry)> {
    if opts.permit_convenience_alphas && !seg.starts_with(|c: char| c.is_ascii_digit()) {
        let (_, ai) = ALPHAS.iter().find(|(alpha, _)| *alpha == seg)?;
        return ai::lookup(ai).map(|e| (e.ai, e));
    }
    ai::lookup(seg).map(|e| (seg, e))
}

/// Decodes a value, refusing emptiness and NUL, and handling zero-suppressed GTINs in (01).
fn decode(ai: &str, raw: &str, query: bool, in_path: bool, opts: &Options) -> Result<String> {
    if raw.is_empty() {
        return Err(DigitalLinkError::EmptyValue { ai: ai.to_owned() });
    }
    let bytes = uri_unescape(raw, query);
    if bytes.contains(&0) {
        return Err(DigitalLinkError::NulInValue { ai: ai.to_owned() });
    }
    let value = String::from_utf8_lossy(&bytes).into_owned();
    let short_gtin = ai == "01"
        && matches!(value.len(), 8 | 12 | 13)
        && value.bytes().all(|b| b.is_ascii_digit());
    if short_gtin {
        if opts.permit_zero_suppressed_gtin {
            return Ok(format!("{value:0>14}"));
        }
        if in_path {
            return Err(DigitalLinkError::ZeroSuppressedGtin { found: value.len() });
        }
    }
    Ok(value)
}

fn check_data_attribute(e: &AiValue, opts: &Options) -> Result<()> {
    let allowed = if e.is_unknown() {
        !opts.unknown_ai_not_dl_attr
    } else {
        e.entry().dl_data_attr
    };
    if allowed {
        Ok(())
    } else {
        Err(DigitalLinkError::NotDataAttribute {
            ai: e.ai().to_owned(),
        })
    }
}

/// Whether `seq` is a primary key followed by an ordered selection of one of its qualifier
/// sequences.
fn is_valid_sequence(seq: &[&str]) -> bool {
    let Some((key, qualifiers)) = seq.split_first() else {
        return false;
    };
    let Some(alternatives) = ai::lookup(key).and_then(|e| e.dl_pkey) else {
        return false;
    };
    if qualifiers.is_empty() {
        return true;
    }
    alternatives.iter().any(|alt| {
        let mut rest = alt.iter();
        qualifiers.iter().all(|q| rest.any(|a| a == q))
    })
}

/// Writes `data` as a Digital Link URI under `stem` (default [`CANONICAL_STEM`]; a trailing `/`
/// is dropped). The primary key is the first key AI in the data; the key qualifier sequence is
/// the one that places most of the data's AIs in the path; other AIs become query parameters,
/// fixed-length ones first.
pub fn to_uri(data: &ElementString, stem: Option<&str>, opts: &Options) -> Result<String> {
    let elements = data.elements();
    let key = elements
        .iter()
        .find(|e| !e.is_unknown() && e.entry().dl_pkey.is_some())
        .ok_or(DigitalLinkError::NoPrimaryKeyInData)?;
    let present = |ai: &str| elements.iter().any(|e| e.ai() == ai);
    let alternatives = key.entry().dl_pkey.unwrap_or_default();
    let mut best: &[&str] = &[];
    let mut best_count = 0;
    for alt in alternatives {
        let count = alt.iter().filter(|q| present(q)).count();
        if count > best_count {
            (best, best_count) = (alt, count);
        }
    }
    let mut path_ais: Vec<&str> = vec![key.ai()];
    path_ais.extend(best.iter().copied().filter(|q| present(q)));
    let stem = stem.unwrap_or(CANONICAL_STEM);
    let mut out = stem.strip_suffix('/').unwrap_or(stem).to_owned();
    for ai in &path_ais {
        let value = data.get(ai).unwrap_or_default();
        out.push_str(&format!("/{ai}/{}", uri_escape(value, false)));
    }
    let mut params: Vec<&AiValue> = Vec::new();
    for fixed in [true, false] {
        for e in elements {
            let is_fixed = !e.entry().fnc1;
            if is_fixed != fixed
                || path_ais.contains(&e.ai())
                || params.iter().any(|p| p.ai() == e.ai())
            {
                continue;
            }
            check_data_attribute(e, opts)?;
            params.push(e);
        }
    }
    for (i, e) in params.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&format!("{}={}", e.ai(), uri_escape(e.value(), true)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o() -> Options {
        Options::default()
    }

    #[test]
    fn stamp_uri_round_trip() {
        let uri = "https://trace.example.cn/01/09506000134352/10/LOT1/21/ABC?17=251231";
        let es = parse_uri(uri, &o()).expect("valid");
        assert_eq!(
            es.to_bracketed(),
            "(01)09506000134352(10)LOT1(21)ABC(17)251231"
        );
        assert_eq!(
            to_uri(&es, Some("https://trace.example.cn/"), &o()).as_deref(),
            Ok(uri)
        );
        let path = parse_path("/01/09506000134352/10/LOT1/21/ABC", &o()).expect("valid");
        assert_eq!(path.get("21"), Some("ABC"));
    }

    #[test]
    fn precise_errors() {
        let p = |s: &str| parse_uri(s, &o()).expect_err("must fail");
        assert_eq!(
            p("https://a/01/9506000134352"),
            DigitalLinkError::ZeroSuppressedGtin { found: 13 }
        );
        assert_eq!(
            p("https://dlnkd.tn.gg/ARHKVAdpQg"),
            DigitalLinkError::Compressed
        );
        assert_eq!(p("ftp://a/01/09506000134352"), DigitalLinkError::Scheme);
        assert_eq!(
            p("https://a/01/09506000134352/21/A/10/B"),
            DigitalLinkError::InvalidKeyQualifiers {
                sequence: "01 21 10".into()
            }
        );
        assert_eq!(
            p("https://a/01/09506000134352?10=B"),
            DigitalLinkError::ShouldBeInPath { ai: "10".into() }
        );
        assert!(matches!(
            p("https://a/01/09506000134353"),
            DigitalLinkError::Data(_)
        ));
        assert_eq!(
            p("https://a/01/09506000134352 "),
            DigitalLinkError::IllegalCharacter {
                pos: 27,
                found: ' '
            }
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(uri_escape("A B/+", false), "A%20B%2F%2B");
        assert_eq!(uri_escape("A B", true), "A+B");
        assert_eq!(uri_unescape("A%2fB+%4", true), b"A/B %4");
        assert_eq!(uri_unescape("A+B", false), b"A+B");
    }
}
