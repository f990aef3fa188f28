//! GS1 keys: the mod-10 check digit shared by GTIN, GLN, SSCC and the other numeric keys, and
//! newtypes for the keys the hub stores ([`Gtin`], [`Gln`], [`Sscc`], [`CompanyPrefix`]).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The GS1 mod-10 check digit for `body` (the key without its check digit).
///
/// Weights 3 and 1 alternate from the rightmost digit. Returns `None` when `body` is empty or
/// holds anything but ASCII digits.
pub fn check_digit(body: &str) -> Option<u8> {
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `key` is the GS1 check digit of the digits before it.
pub fn has_valid_check_digit(key: &str) -> bool {
    let Some((body, last)) = key.len().checked_sub(1).map(|n| key.split_at(n)) else {
        return false;
    };
    match (check_digit(body), last.bytes().next()) {
        (Some(expected), Some(actual)) => actual == b'0' + expected,
        _ => false,
    }
}

/// Why a string is not a valid GS1 key. Positions count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key has the wrong number of digits.
    #[error("{key} must have {expected} digits, found {found} characters")]
    WrongLength {
        /// Which key ("GTIN", "GLN", "SSCC", "GS1 company prefix").
        key: &'static str,
        /// The lengths allowed, in words.
        expected: &'static str,
        /// The number of characters found.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("{key}: character '{found}' at position {position} is not a digit")]
    NotDigit {
        /// Which key.
        key: &'static str,
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The last digit is not the GS1 mod-10 check digit of the others.
    #[error("{key}: check digit is {found}, expected {expected}")]
    BadCheckDigit {
        /// Which key.
        key: &'static str,
        /// The check digit the other digits call for.
        expected: char,
        /// The digit found.
        found: char,
    },
}

/// Checks that `s` is all digits, of one of `lengths`, with a valid check digit when `checked`.
fn check_key(
    key: &'static str,
    s: &str,
    lengths: &[usize],
    expected: &'static str,
    checked: bool,
) -> Result<(), KeyError> {
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(KeyError::NotDigit {
            key,
            position: i + 1,
            found: c,
        });
    }
    if !lengths.contains(&s.len()) {
        return Err(KeyError::WrongLength {
            key,
            expected,
            found: s.len(),
        });
    }
    if checked {
        let (body, last) = s.split_at(s.len() - 1);
        let expected = check_digit(body).map_or('0', |d| char::from(b'0' + d));
        let found = last.chars().next().unwrap_or('0');
        if expected != found {
            return Err(KeyError::BadCheckDigit {
                key,
                expected,
                found,
            });
        }
    }
    Ok(())
}

/// Which form a GTIN was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GtinKind {
    /// 8 digits (EAN-8).
    Gtin8,
    /// 12 digits (UPC-A).
    Gtin12,
    /// 13 digits (EAN-13).
    Gtin13,
    /// 14 digits.
    Gtin14,
}

impl GtinKind {
    /// The number of digits of this form.
    pub fn digits(self) -> usize {
        match self {
            Self::Gtin8 => 8,
            Self::Gtin12 => 12,
            Self::Gtin13 => 13,
            Self::Gtin14 => 14,
        }
    }
}

/// A Global Trade Item Number, kept in its 14-digit form (AI 01) together with the form it was
/// given in. Two GTINs are equal when their 14-digit forms are.
#[derive(Debug, Clone, Copy)]
pub struct Gtin {
    digits: [u8; 14],
    kind: GtinKind,
}

impl Gtin {
    /// Parses a GTIN-8, -12, -13 or -14 (digits only, check digit verified).
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        check_key("GTIN", s, &[8, 12, 13, 14], "8, 12, 13 or 14", true)?;
        let kind = match s.len() {
            8 => GtinKind::Gtin8,
            12 => GtinKind::Gtin12,
            13 => GtinKind::Gtin13,
            _ => GtinKind::Gtin14,
        };
        let mut digits = [b'0'; 14];
        digits[14 - s.len()..].copy_from_slice(s.as_bytes());
        Ok(Self { digits, kind })
    }

    /// The 14-digit form, as used in AI (01) and Digital Link URIs.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }

    /// The form the GTIN was given in.
    pub fn kind(&self) -> GtinKind {
        self.kind
    }

    /// The GTIN in the form it was given in (8, 12, 13 or 14 digits).
    pub fn original(&self) -> &str {
        &self.as_str()[14 - self.kind.digits()..]
    }

    /// Why this GTIN cannot identify a trade item in a shared registry, if it cannot (GS1
    /// General Specifications §1.4.2 and §2.1.12): a Restricted Circulation Number (GTIN-13 /
    /// GTIN-14 prefixes 020–029, 040–049 and 200–299, that is GTIN-12 starting 2 or 4; GTIN-8
    /// starting 0 or 2), a coupon or refund number (050–059, 980–999), or all zeros.
    pub fn not_a_trade_item(&self) -> Option<&'static str> {
        let body = &self.as_str()[1..13];
        if body.bytes().all(|b| b == b'0') {
            return Some("a GTIN of zeros identifies nothing");
        }
        if self.kind == GtinKind::Gtin8 {
            return matches!(self.original().as_bytes()[0], b'0' | b'2')
                .then_some("a GTIN-8 starting 0 or 2 is a restricted circulation number (RCN-8)");
        }
        match body.as_bytes() {
            [b'0', b'2' | b'4', ..] | [b'2', ..] => Some(
                "a restricted circulation number (prefix 02, 04 or 2) is only for use within a company or region",
            ),
            [b'0', b'5', ..] | [b'9', b'8' | b'9', ..] => {
                Some("a coupon or refund number (prefix 05, 98 or 99) is not a trade item")
            }
            _ => None,
        }
    }

    /// True when the GS1 company prefix `prefix` starts the GTIN (after the indicator digit of the
    /// 14-digit form). GTIN-8s carry a GS1-8 prefix, not a company prefix: always false.
    pub fn has_company_prefix(&self, prefix: &CompanyPrefix) -> bool {
        self.kind != GtinKind::Gtin8 && prefix.starts(&self.as_str()[1..])
    }
}

impl PartialEq for Gtin {
    fn eq(&self, other: &Self) -> bool {
        self.digits == other.digits
    }
}

impl Eq for Gtin {}

impl Hash for Gtin {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.digits.hash(state);
    }
}

/// A Global Location Number (13 digits, AI 414 and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gln([u8; 13]);

impl Gln {
    /// Parses a 13-digit GLN, check digit verified.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        check_key("GLN", s, &[13], "13", true)?;
        let mut digits = [0u8; 13];
        digits.copy_from_slice(s.as_bytes());
        Ok(Self(digits))
    }

    /// The 13 digits.
    /// Why this number cannot be a GLN of a registered location, if it cannot: a Restricted
    /// Circulation Number (prefixes 02, 04, 2), a coupon or refund prefix (05, 98, 99), the
    /// ISSN and ISBN prefixes (977–979), or all zeros.
    pub fn not_a_location(&self) -> Option<&'static str> {
        match &self.0 {
            digits if digits.iter().all(|&b| b == b'0') => {
                Some("a GLN of zeros identifies nothing")
            }
            [b'0', b'2' | b'4', ..] | [b'2', ..] => {
                Some("a restricted circulation number (prefix 02, 04 or 2) is not a GLN")
            }
            [b'0', b'5', ..] | [b'9', b'8' | b'9', ..] => {
                Some("a coupon or refund prefix (05, 98 or 99) is not a GLN")
            }
            [b'9', b'7', b'7'..=b'9', ..] => Some("prefixes 977 to 979 (ISSN, ISBN) are not GLNs"),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// True when the GS1 company prefix `prefix` starts the GLN.
    pub fn has_company_prefix(&self, prefix: &CompanyPrefix) -> bool {
        prefix.starts(self.as_str())
    }
}

/// A Serial Shipping Container Code (18 digits, AI 00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sscc([u8; 18]);

impl Sscc {
    /// Parses an 18-digit SSCC, check digit verified.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        check_key("SSCC", s, &[18], "18", true)?;
        let mut digits = [0u8; 18];
        digits.copy_from_slice(s.as_bytes());
        Ok(Self(digits))
    }

    /// The 18 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// True when the GS1 company prefix `prefix` follows the extension digit.
    pub fn has_company_prefix(&self, prefix: &CompanyPrefix) -> bool {
        prefix.starts(&self.as_str()[1..])
    }
}

/// A GS1 company prefix: 4 to 12 digits (no check digit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CompanyPrefix(String);

impl CompanyPrefix {
    /// Parses a company prefix of 4 to 12 digits.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        check_key(
            "GS1 company prefix",
            s,
            &[4, 5, 6, 7, 8, 9, 10, 11, 12],
            "4 to 12",
            false,
        )?;
        Ok(Self(s.to_owned()))
    }

    /// The digits of the prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `key_body` (a key with any indicator or extension digit already removed)
    /// starts with this prefix.
    pub fn starts(&self, key_body: &str) -> bool {
        key_body.starts_with(self.0.as_str())
    }
}

/// Whether the GS1 key `key` (the full digits of a GTIN-14, SSCC, GLN, ...) carries the company
/// prefix `prefix` at offset `offset` (1 for GTIN-14 and SSCC, 0 for GLN, GRAI, GDTI, ...).
pub fn key_has_company_prefix(key: &str, offset: usize, prefix: &CompanyPrefix) -> bool {
    key.get(offset..).is_some_and(|body| prefix.starts(body))
}

macro_rules! string_key_impls {
    ($($t:ty),*) => {$(
        impl FromStr for $t {
            type Err = KeyError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

string_key_impls!(Gtin, Gln, Sscc, CompanyPrefix);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_keys() {
        // GTIN-13 and GLN examples from the GS1 General Specifications.
        assert!(has_valid_check_digit("4006381333931"));
        assert!(has_valid_check_digit("0614141000012"));
        assert!(!has_valid_check_digit("4006381333932"));
        assert_eq!(check_digit("400638133393"), Some(1));
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("12a"), None);
        assert!(!has_valid_check_digit(""));
    }

    #[test]
    fn gtin_forms_normalise_to_14_digits() {
        let g8 = Gtin::parse("02345673").expect("GTIN-8");
        assert_eq!(g8.as_str(), "00000002345673");
        assert_eq!(g8.kind(), GtinKind::Gtin8);
        assert_eq!(g8.original(), "02345673");
        let g12 = Gtin::parse("416000336108").expect("GTIN-12");
        assert_eq!(g12.as_str(), "00416000336108");
        assert_eq!(g12.kind(), GtinKind::Gtin12);
        let g13 = Gtin::parse("9506000134352").expect("GTIN-13");
        let g14 = Gtin::parse("09506000134352").expect("GTIN-14");
        assert_eq!(g13, g14);
        assert_eq!(g13.kind(), GtinKind::Gtin13);
        assert_eq!(g14.kind(), GtinKind::Gtin14);
        assert_eq!(g14.to_string(), "09506000134352");
    }

    #[test]
    fn key_errors_are_precise() {
        assert_eq!(
            Gtin::parse("0950600013435"),
            Err(KeyError::BadCheckDigit {
                key: "GTIN",
                expected: '9',
                found: '5'
            })
        );
        assert_eq!(
            Gtin::parse("095060001343"),
            Err(KeyError::BadCheckDigit {
                key: "GTIN",
                expected: '0',
                found: '3'
            })
        );
        assert_eq!(
            Gtin::parse("1234567"),
            Err(KeyError::WrongLength {
                key: "GTIN",
                expected: "8, 12, 13 or 14",
                found: 7
            })
        );
        assert_eq!(
            Gtin::parse("0950600013435A"),
            Err(KeyError::NotDigit {
                key: "GTIN",
                position: 14,
                found: 'A'
            })
        );
        assert_eq!(
            Gln::parse("0614141000013"),
            Err(KeyError::BadCheckDigit {
                key: "GLN",
                expected: '2',
                found: '3'
            })
        );
        assert!(Gln::parse("0614141000012").is_ok());
        assert!(Sscc::parse("106141411234567897").is_ok());
        assert!(matches!(
            Sscc::parse("106141411234567890"),
            Err(KeyError::BadCheckDigit { expected: '7', .. })
        ));
        assert!(matches!(
            Sscc::parse("10614141123456789"),
            Err(KeyError::WrongLength { found: 17, .. })
        ));
        assert!(matches!(
            CompanyPrefix::parse("123"),
            Err(KeyError::WrongLength { .. })
        ));
        assert!(matches!(
            CompanyPrefix::parse("1234567890123"),
            Err(KeyError::WrongLength { .. })
        ));
        assert!(matches!(
            CompanyPrefix::parse("12a4"),
            Err(KeyError::NotDigit { position: 3, .. })
        ));
    }

    #[test]
    fn company_prefix_matching() {
        let gcp = CompanyPrefix::parse("9506000").expect("prefix");
        assert!(
            Gtin::parse("09506000134352")
                .expect("gtin")
                .has_company_prefix(&gcp)
        );
        assert!(
            Gtin::parse("9506000134352")
                .expect("gtin")
                .has_company_prefix(&gcp)
        );
        assert!(
            !Gtin::parse("02345673")
                .expect("gtin")
                .has_company_prefix(&gcp)
        );
        let gcp = CompanyPrefix::parse("0614141").expect("prefix");
        assert!(
            Gln::parse("0614141000012")
                .expect("gln")
                .has_company_prefix(&gcp)
        );
        assert!(
            Sscc::parse("106141411234567897")
                .expect("sscc")
                .has_company_prefix(&gcp)
        );
        assert!(
            !Sscc::parse("006141411234567890")
                .expect("sscc")
                .has_company_prefix(&CompanyPrefix::parse("0061414").expect("prefix"))
        );
        assert!(key_has_company_prefix("106141411234567897", 1, &gcp));
        assert!(!key_has_company_prefix("1", 2, &gcp));
    }

    #[test]
    fn keys_serialise_as_strings_and_validate_on_the_way_in() {
        let g = Gtin::parse("9506000134352").expect("gtin");
        assert_eq!(
            serde_json::to_string(&g).expect("json"),
            "\"09506000134352\""
        );
        let back: Gtin = serde_json::from_str("\"9506000134352\"").expect("json");
        assert_eq!(back, g);
        assert!(serde_json::from_str::<Gtin>("\"9506000134353\"").is_err());
        assert!(serde_json::from_str::<Gln>("\"0614141000012\"").is_ok());
        assert!(serde_json::from_str::<Sscc>("\"106141411234567898\"").is_err());
        assert!(serde_json::from_str::<CompanyPrefix>("\"0614141\"").is_ok());
    }

    /// A GS1 key of `body` (its check digit appended).
    fn key(body: &str) -> String {
        format!("{body}{}", check_digit(body).unwrap())
    }

    #[test]
    fn restricted_circulation_and_coupon_numbers_are_no_trade_items_or_locations() {
        let gtin = |body: &str| Gtin::parse(&key(body)).unwrap().not_a_trade_item();
        // Trade items: Chinese, GS1 example, ISBN and ISSN GTIN-13s, a GTIN-14 of one of them.
        for ok in [
            "690123456789",
            "401234500000",
            "978710111111",
            "977100000000",
            "1690123456789",
        ] {
            assert_eq!(gtin(ok), None, "{ok}");
        }
        // RCN GTIN-13 (2x), GTIN-12 starting 2 or 4 (02x, 04x), GTIN-8 starting 0 or 2,
        // coupons (05x as GTIN-12 5..., 98x, 99x), all zeros, and an indicator over an RCN.
        for restricted in [
            "200000000001",
            "29123456789",
            "41234567890",
            "51234567890",
            "981234567890",
            "991234567890",
            "0000000",
            "2000000",
            "000000000000",
            "1200000000001",
        ] {
            assert!(gtin(restricted).is_some(), "{restricted}");
        }
        let gln = |body: &str| Gln::parse(&key(body)).unwrap().not_a_location();
        for ok in ["690123456789", "401234500000", "061414100000"] {
            assert_eq!(gln(ok), None, "{ok}");
        }
        for restricted in [
            "200000000001",
            "020000000001",
            "977000000000",
            "978000000000",
            "979000000000",
            "980000000000",
            "990000000000",
            "000000000000",
        ] {
            assert!(gln(restricted).is_some(), "{restricted}");
        }
    }
}
