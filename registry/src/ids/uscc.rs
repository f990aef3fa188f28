//! The Unified Social Credit Code (统一社会信用代码, GB 32100-2015) and the organisation code
//! inside it (GB 11714).
//!
//! Layout of the 18 characters, all from `0-9A-HJ-NPQRTUWXY` (no I, O, Z, S, V):
//!
//! | position | meaning |
//! |---|---|
//! | 1 | registration authority (e.g. `9` market regulation) |
//! | 2 | entity type within that authority |
//! | 3-8 | region code of the registering authority (GB/T 2260, digits) |
//! | 9-17 | organisation code (GB 11714), its 9th character a check character |
//! | 18 | check character over positions 1-17 |

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::regions::Country;

/// The 31 characters of the code, in the order of their values 0..=30.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1..=17 (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 weights of the 8 body characters of an organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 32100-2015 tables 1 and 2: each registration authority (position 1) with the entity
/// types (position 2) it registers: `1` establishment offices, `2` foreign affairs, `3` justice,
/// `4` culture, `5` civil affairs, `6` tourism, `7` religious affairs, `8` trade unions, `9`
/// market regulation (`1` enterprise, `2` individual business, `3` farmers' co-operative), `A`
/// the military, `N` agriculture (rural collective economic organisations), `Y` others.
const AUTHORITIES: [(u8, &[u8]); 12] = [
    (b'1', b"1239"),
    (b'2', b"19"),
    (b'3', b"1234569"),
    (b'4', b"19"),
    (b'5', b"1239"),
    (b'6', b"129"),
    (b'7', b"129"),
    (b'8', b"19"),
    (b'9', b"123"),
    (b'A', b"19"),
    (b'N', b"1239"),
    (b'Y', b"1"),
];

/// The region code of national-level registrations.
const NATIONAL: &str = "100000";

/// Why a string is not a Unified Social Credit Code. Positions count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters long.
    #[error("a Unified Social Credit Code has 18 characters, found {found}")]
    WrongLength {
        /// The number of characters found.
        found: usize,
    },
    /// A lower-case letter whose upper case is allowed: the code is written in upper case only
    /// (input is not upper-cased for you).
    #[error(
        "character '{found}' at position {position} is lower case: the code uses upper case only"
    )]
    LowerCase {
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
    },
    /// A character outside `0-9A-HJ-NPQRTUWXY`.
    #[error(
        "character '{found}' at position {position} is not allowed (only 0-9 and A-Y without I, O, S, V, Z)"
    )]
    BadCharacter {
        /// 1-based position.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Positions 1-2 name no registration authority and entity type of GB 32100.
    #[error(
        "positions 1-2 '{found}' are no registration authority and entity type of GB 32100 (an enterprise registered by market regulation is 91)"
    )]
    BadAuthority {
        /// The two characters found.
        found: String,
    },
    /// Positions 3-8 are not a GB/T 2260 region code (nor a county of a known prefecture, for
    /// codes issued before a county was merged or renamed).
    #[error("region code '{region}' (positions 3-8) is no GB/T 2260 region")]
    BadRegion {
        /// The six characters found.
        region: String,
    },
    /// The organisation code (positions 9-17) fails its GB 11714 check.
    #[error("organisation code check character (position 17) is '{found}', expected '{expected}'")]
    BadOrganisationCodeCheck {
        /// The check character the body calls for.
        expected: char,
        /// The character found.
        found: char,
    },
    /// The check character (position 18) is wrong.
    #[error("check character (position 18) is '{found}', expected '{expected}'")]
    BadCheckCharacter {
        /// The check character the first 17 call for.
        expected: char,
        /// The character found.
        found: char,
    },
}

/// Whether positions 3-8 name a region of China: national, a region of the GB/T 2260 table, or
/// a county (since merged or renamed) of a prefecture in it.
fn is_region(code: &str) -> bool {
    let regions = Country::Cn.regions();
    code.bytes().all(|b| b.is_ascii_digit())
        && (code == NATIONAL
            || regions.get(code).is_some()
            || regions.get(&format!("{}00", &code[..4])).is_some())
}

/// A validated Unified Social Credit Code (GB 32100-2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnifiedSocialCreditCode([u8; 18]);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The check character over the first 17 characters of a code, or `None` if `body` is not 17
/// characters of the code's alphabet.
pub fn uscc_check_char(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    ALPHABET
        .get(((31 - sum % 31) % 31) as usize)
        .map(|&c| char::from(c))
}

/// The GB 11714 check character of an organisation code body (8 characters from `0-9A-Z`):
/// `11 - (weighted sum mod 11)`, where 10 is written `X` and 11 is written `0`.
pub fn organisation_code_check_char(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    })
}

/// True when `code` is a 9-character GB 11714 organisation code with a correct check character.
pub fn is_valid_organisation_code(code: &str) -> bool {
    code.len() == 9
        && code.is_char_boundary(8)
        && organisation_code_check_char(&code[..8]) == code[8..].chars().next()
}

impl UnifiedSocialCreditCode {
    /// Parses and validates a code. Lower case is rejected, not corrected.
    pub fn parse(s: &str) -> Result<Self, UsccError> {
        let count = s.chars().count();
        if count != 18 {
            return Err(UsccError::WrongLength { found: count });
        }
        for (i, c) in s.chars().enumerate() {
            let ok = c.is_ascii() && value_of(c as u8).is_some();
            if !ok {
                let (position, found) = (i + 1, c);
                return Err(
                    if c.is_ascii_lowercase() && value_of(c.to_ascii_uppercase() as u8).is_some() {
                        UsccError::LowerCase { position, found }
                    } else {
                        UsccError::BadCharacter { position, found }
                    },
                );
            }
        }
        // All 18 characters are ASCII from here on.
        let mut bytes = [0u8; 18];
        bytes.copy_from_slice(s.as_bytes());
        let known_type = AUTHORITIES
            .iter()
            .any(|(authority, types)| *authority == bytes[0] && types.contains(&bytes[1]));
        if !known_type {
            return Err(UsccError::BadAuthority {
                found: s[..2].to_owned(),
            });
        }
        let region = &s[2..8];
        if !is_region(region) {
            return Err(UsccError::BadRegion {
                region: region.to_owned(),
            });
        }
        let found = char::from(bytes[16]);
        match organisation_code_check_char(&s[8..16]) {
            Some(expected) if expected == found => {}
            Some(expected) => return Err(UsccError::BadOrganisationCodeCheck { expected, found }),
            // Unreachable: the body is from the code's alphabet, a subset of 0-9A-Z.
            None => return Err(UsccError::BadCharacter { position: 9, found }),
        }
        let found = char::from(bytes[17]);
        match uscc_check_char(&s[..17]) {
            Some(expected) if expected == found => Ok(Self(bytes)),
            Some(expected) => Err(UsccError::BadCheckCharacter { expected, found }),
            None => Err(UsccError::BadCharacter { position: 1, found }),
        }
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Position 1: the registration authority (e.g. `9` for market regulation).
    pub fn registration_authority(&self) -> char {
        char::from(self.0[0])
    }

    /// Position 2: the entity type within the registration authority.
    pub fn entity_type(&self) -> char {
        char::from(self.0[1])
    }

    /// Positions 3-8: the GB/T 2260 region code of the registering authority.
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// Positions 9-17: the GB 11714 organisation code, check character included.
    pub fn organisation_code(&self) -> &str {
        &self.as_str()[8..17]
    }

    /// Position 18: the check character.
    pub fn check_char(&self) -> char {
        char::from(self.0[17])
    }
}

impl FromStr for UnifiedSocialCreditCode {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for UnifiedSocialCreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UnifiedSocialCreditCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UnifiedSocialCreditCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_example_code() {
        let code: UnifiedSocialCreditCode = "91110000600037341L".parse().expect("valid");
        assert_eq!(code.to_string(), "91110000600037341L");
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.entity_type(), '1');
        assert_eq!(code.region_code(), "110000");
        assert_eq!(code.organisation_code(), "600037341");
        assert_eq!(code.check_char(), 'L');
    }

    #[test]
    fn check_character_is_computed_from_the_weights() {
        assert_eq!(uscc_check_char("91110000600037341"), Some('L'));
        // Value 0 maps to '0' (sum divisible by 31).
        assert_eq!(uscc_check_char("00000000000000000"), Some('0'));
        assert_eq!(uscc_check_char("9111000060003734"), None);
        assert_eq!(uscc_check_char("9111000060003734I"), None);
    }

    #[test]
    fn organisation_code_check() {
        assert_eq!(organisation_code_check_char("60003734"), Some('1'));
        assert!(is_valid_organisation_code("600037341"));
        assert!(!is_valid_organisation_code("600037342"));
        // 11 - sum mod 11 = 10 is written X; = 11 is written 0.
        assert_eq!(organisation_code_check_char("00000006"), Some('X'));
        assert_eq!(organisation_code_check_char("00000000"), Some('0'));
        assert_eq!(organisation_code_check_char("0000000a"), None);
        assert!(!is_valid_organisation_code("6000373é"));
    }

    #[test]
    fn precise_errors() {
        use UsccError::*;
        let p = UnifiedSocialCreditCode::parse;
        assert_eq!(p("91110000600037341"), Err(WrongLength { found: 17 }));
        assert_eq!(p(""), Err(WrongLength { found: 0 }));
        assert_eq!(
            p("91110000600037341l"),
            Err(LowerCase {
                position: 18,
                found: 'l'
            })
        );
        assert_eq!(
            p("9111000060003734IL"),
            Err(BadCharacter {
                position: 17,
                found: 'I'
            })
        );
        assert_eq!(
            p("9111000060003734éL"),
            Err(BadCharacter {
                position: 17,
                found: 'é'
            })
        );
        assert_eq!(
            p("91A10000600037341L"),
            Err(BadRegion {
                region: "A10000".into()
            })
        );
        assert_eq!(
            p("91990000600037341L"),
            Err(BadRegion {
                region: "990000".into()
            })
        );
        // Positions 3-8 are checked against the region table, not only the province.
        for region in ["419999", "123456"] {
            let body = format!("91{region}60003734");
            let org = organisation_code_check_char(&body[8..16]).unwrap();
            let body = format!("{body}{org}");
            let code = format!("{body}{}", uscc_check_char(&body).unwrap());
            assert_eq!(
                p(&code),
                Err(BadRegion {
                    region: region.into()
                }),
                "{code}"
            );
        }
        // Positions 1-2: a registration authority and one of its entity types.
        for authority in ["00", "01", "90", "98", "9A", "Y2"] {
            let body = format!("{authority}11000060003734");
            let org = organisation_code_check_char(&body[8..16]).unwrap();
            let body = format!("{body}{org}");
            let code = format!("{body}{}", uscc_check_char(&body).unwrap());
            assert_eq!(
                p(&code),
                Err(BadAuthority {
                    found: authority.into()
                }),
                "{code}"
            );
        }
        assert_eq!(
            p("91110000600037342L"),
            Err(BadOrganisationCodeCheck {
                expected: '1',
                found: '2'
            })
        );
        assert_eq!(
            p("91110000600037341M"),
            Err(BadCheckCharacter {
                expected: 'L',
                found: 'M'
            })
        );
        assert!(
            p("91110000600037341l")
                .expect_err("must fail")
                .to_string()
                .contains("lower case")
        );
    }

    #[test]
    fn serde_round_trip_validates() {
        let code = UnifiedSocialCreditCode::parse("91110000600037341L").expect("valid");
        let json = serde_json::to_string(&code).expect("serialise");
        assert_eq!(json, "\"91110000600037341L\"");
        let back: UnifiedSocialCreditCode = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, code);
        let bad = serde_json::from_str::<UnifiedSocialCreditCode>("\"91110000600037341M\"");
        assert!(bad.is_err());
    }
}
