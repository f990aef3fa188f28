//! GS1 Digital Link URIs taken apart: primary key, qualifiers, query.

use super::{EpcError, digits, dl, dl_decode, is_cs39, is_cs82};

/// A GS1 Digital Link URI taken apart: primary key and key qualifiers (decoded), and the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalLink {
    /// `(AI, value)` pairs: the primary key first, then its qualifiers, in canonical order.
    pub path: Vec<(String, String)>,
    /// The query string without `?` (data attributes), if any.
    pub query: Option<String>,
}

/// Primary-key AIs and the qualifiers each may take, in canonical order.
pub(super) const KEYS: &[(&str, &[&str])] = &[
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

    pub(super) fn get(&self, ai: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(a, _)| a == ai)
            .map(|(_, v)| v.as_str())
    }
}
