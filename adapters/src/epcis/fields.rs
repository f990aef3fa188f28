//! Field-level parsing shared by the XML and JSON-LD readers: identifiers, vocabularies, times.

use chrono::{DateTime, FixedOffset};
use registry::epcis::cbv::{self, Vocab};
use registry::ids::epc::{self, Canonical};

use super::EpcisError;

/// Where in the document a value sits: the event index, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// Index of the event being read.
    pub index: Option<usize>,
}

impl Ctx {
    /// An invalid-value error at `field`.
    pub fn err(&self, field: &str, message: impl Into<String>) -> EpcisError {
        EpcisError::invalid(self.index, field, message)
    }

    /// A timestamp with an offset (`xsd:dateTimeStamp`).
    pub fn time(&self, field: &str, s: &str) -> Result<DateTime<FixedOffset>, EpcisError> {
        let t = s.trim();
        DateTime::parse_from_rfc3339(t)
            .or_else(|e| {
                // Tolerated: a time without seconds (`2006-11-07T13:00Z`), as some producers
                // write it; read as `:00` seconds.
                let b = t.as_bytes();
                if b.len() > 16 && b.get(10) == Some(&b'T') && b.get(16) != Some(&b':') {
                    DateTime::parse_from_rfc3339(&format!("{}:00{}", &t[..16], &t[16..]))
                } else {
                    Err(e)
                }
            })
            .map_err(|_| self.err(field, format!("{s:?} is not a date-time with a time zone")))
    }

    /// `eventTimeZoneOffset`: `+HH:MM` / `-HH:MM`, at most ±14:00.
    pub fn offset(&self, field: &str, s: &str) -> Result<String, EpcisError> {
        let t = s.trim();
        let b = t.as_bytes();
        let ok = b.len() == 6
            && (b[0] == b'+' || b[0] == b'-')
            && b[3] == b':'
            && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
            && {
                let h = (b[1] - b'0') * 10 + (b[2] - b'0');
                let m = (b[4] - b'0') * 10 + (b[5] - b'0');
                m < 60 && (h < 14 || (h == 14 && m == 0))
            };
        if ok {
            Ok(t.to_owned())
        } else {
            Err(self.err(
                field,
                format!("{s:?} is not a time zone offset like +01:00"),
            ))
        }
    }

    /// An identifier: EPC URN or Digital Link (to canonical Digital Link) or another absolute URI.
    pub fn id(&self, field: &str, s: &str) -> Result<String, EpcisError> {
        let t = s.trim();
        match epc::canonicalize(t) {
            Ok(Canonical::Gs1(dl)) => Ok(dl),
            Ok(Canonical::Other) => Ok(t.to_owned()),
            Err(e) => Err(self.err(field, format!("{t:?}: {e}"))),
        }
    }

    /// An absolute URI kept as it is.
    pub fn uri(&self, field: &str, s: &str) -> Result<String, EpcisError> {
        let t = s.trim();
        if epc::is_absolute_uri(t) {
            Ok(t.to_owned())
        } else {
            Err(self.err(field, format!("{t:?} is not an absolute URI")))
        }
    }

    /// A controlled-vocabulary value, normalised to its canonical form.
    pub fn vocab(&self, field: &str, v: Vocab, s: &str) -> Result<String, EpcisError> {
        cbv::normalize(v, s).map_err(|e| self.err(field, e.to_string()))
    }

    /// An `xsd:decimal` / `xsd:double` written as text.
    pub fn decimal(&self, field: &str, s: &str) -> Result<f64, EpcisError> {
        let t = s.trim();
        let lexical = !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && t.bytes().any(|b| b.is_ascii_digit());
        t.parse::<f64>()
            .ok()
            .filter(|n| lexical && n.is_finite())
            .ok_or_else(|| self.err(field, format!("{s:?} is not a number")))
    }

    /// An `xsd:boolean` written as text.
    pub fn boolean(&self, field: &str, s: &str) -> Result<bool, EpcisError> {
        match s.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(self.err(field, format!("{s:?} is not a boolean"))),
        }
    }

    /// A UN/CEFACT unit code (2 or 3 upper-case letters or digits).
    pub fn uom(&self, field: &str, s: &str) -> Result<String, EpcisError> {
        let t = s.trim();
        if (2..=3).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Ok(t.to_owned())
        } else {
            Err(self.err(field, format!("{s:?} is not a UN/CEFACT unit code")))
        }
    }
}
