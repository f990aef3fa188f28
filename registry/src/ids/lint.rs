//! The check routines ("linters") of the GS1 Barcode Syntax Dictionary: each validates one
//! component of an Application Identifier's value and, on failure, says what is wrong and where.
//!
//! The names, the error codes (`GS1_LINTER_...`) and the error positions follow the dictionary's
//! reference linters, so that its published test vectors can be checked against this code.
//! Linters work on bytes: AI values are ASCII, and anything else is simply an invalid character.

use super::countries::ALPHA2 as ISO3166_ALPHA2;
pub use super::lint_errors::LintError;
use super::lint_lists::{ISO3166_NUMERIC, ISO4217_NUMERIC, MEDIA_TYPES, PACKAGE_TYPES};

/// GS1 AI encodable character set 82, in the order of its values (used by `csumalpha`).
pub(crate) const CSET82: &[u8; 82] =
    b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
/// GS1 AI encodable character set 39.
const CSET39: &[u8; 39] = b"#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// The 32 characters of a `csumalpha` check pair.
const CSET32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// The first 97 primes: the weights of `csumalpha`, from the rightmost character leftwards.
const PRIMES: [u32; 97] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
    197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307,
    311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421,
    431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
];

/// A linter's verdict against some data: what is wrong and which bytes (`pos`, `len`) are at
/// fault, counted from 0 within the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{error} at position {}", pos + 1)]
pub struct LintFailure {
    /// What is wrong.
    pub error: LintError,
    /// Offset of the first offending byte.
    pub pos: usize,
    /// Number of offending bytes (0 when something is missing).
    pub len: usize,
}

type LintResult = Result<(), LintFailure>;

fn fail(error: LintError, pos: usize, len: usize) -> LintResult {
    Err(LintFailure { error, pos, len })
}

macro_rules! linters {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A check routine named in the Syntax Dictionary.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Linter {
            $(#[doc = $doc] $variant,)*
        }

        impl Linter {
            /// Every linter.
            pub const ALL: &'static [Linter] = &[$(Self::$variant,)*];

            /// The dictionary's name of the linter, e.g. `csum`.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The linter with the dictionary name `name`, if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

linters! {
    CsetNumeric => "csetnumeric", "Digits only (the `N` type).";
    Cset82 => "cset82", "GS1 character set 82 (the `X` type).";
    Cset39 => "cset39", "GS1 character set 39 (the `Y` type).";
    Cset64 => "cset64", "GS1 character set 64, file-safe base64 (the `Z` type).";
    Csum => "csum", "GS1 mod-10 check digit in last position.";
    Csumalpha => "csumalpha", "Alphanumeric check character pair in last two positions.";
    Gcppos1 => "gcppos1", "Starts with a GS1 company prefix (digits in its minimum length).";
    Gcppos2 => "gcppos2", "A GS1 company prefix starts at the second position.";
    Hasnondigit => "hasnondigit", "Contains at least one non-digit.";
    Hh => "hh", "Hour 00-23.";
    Hhmi => "hhmi", "Hour and minute HHMI.";
    Mi => "mi", "Minute 00-59.";
    Ss => "ss", "Second 00-59.";
    Hyphen => "hyphen", "Hyphens only.";
    Iban => "iban", "International Bank Account Number (ISO 13616).";
    Importeridx => "importeridx", "One importer-index character.";
    Iso3166 => "iso3166", "ISO 3166-1 numeric country code.";
    Iso3166999 => "iso3166999", "ISO 3166-1 numeric country code, or 999.";
    Iso3166alpha2 => "iso3166alpha2", "ISO 3166-1 alpha-2 country code.";
    Iso4217 => "iso4217", "ISO 4217 numeric currency code.";
    Iso5218 => "iso5218", "ISO/IEC 5218 biological sex code.";
    Latitude => "latitude", "Latitude as 10 digits (0 = -90 degrees).";
    Longitude => "longitude", "Longitude as 10 digits (0 = -180 degrees).";
    Mediatype => "mediatype", "AIDC media type.";
    Nonzero => "nonzero", "Digits, not all zero.";
    Nozeroprefix => "nozeroprefix", "Digits, not starting with zero.";
    Packagetype => "packagetype", "PackageTypeCode.";
    Pcenc => "pcenc", "Valid percent-encoding.";
    Pieceoftotal => "pieceoftotal", "Piece number and total, equal lengths, piece <= total.";
    Posinseqslash => "posinseqslash", "Position in sequence as N/M.";
    Winding => "winding", "Winding direction 0, 1 or 9.";
    Yesno => "yesno", "0 or 1.";
    Zero => "zero", "Zeros only.";
    Yymmd0 => "yymmd0", "Date YYMMDD, day 00 allowed.";
    Yymmdd => "yymmdd", "Date YYMMDD.";
    Yyyymmd0 => "yyyymmd0", "Date YYYYMMDD, day 00 allowed.";
    Yyyymmdd => "yyyymmdd", "Date YYYYMMDD.";
    Couponcode => "couponcode", "North American coupon code (not implemented: see `is_implemented`).";
    Couponposoffer => "couponposoffer", "North American positive offer file coupon (not implemented).";
}

impl Linter {
    /// False for the two North American coupon linters, which this hub does not implement: AIs
    /// (8110) and (8112) are then checked for character set and length only.
    pub fn is_implemented(self) -> bool {
        !matches!(self, Self::Couponcode | Self::Couponposoffer)
    }

    /// Runs the linter over `data`. Unimplemented linters accept everything.
    pub fn check(self, data: &[u8]) -> Result<(), LintFailure> {
        use Linter::*;
        match self {
            CsetNumeric => csetnumeric(data),
            Cset82 => cset(data, CSET82, LintError::InvalidCset82Character),
            Cset39 => cset(data, CSET39, LintError::InvalidCset39Character),
            Cset64 => cset64(data),
            Csum => csum(data),
            Csumalpha => csumalpha(data),
            Gcppos1 => gcp(data, 0),
            Gcppos2 => gcp(data, 1),
            Hasnondigit => hasnondigit(data),
            Hh => two_digits(data, 23, TIME_HH),
            Mi => two_digits(data, 59, TIME_MI),
            Ss => two_digits(data, 59, TIME_SS),
            Hhmi => hhmi(data),
            Hyphen => whole(
                data,
                !data.is_empty() && data.iter().all(|&b| b == b'-'),
                LintError::NotHyphen,
            ),
            Iban => iban(data),
            Importeridx => importeridx(data),
            Iso3166 => listed(data, &ISO3166_NUMERIC, LintError::NotIso3166),
            Iso3166999 => match data {
                b"999" => Ok(()),
                _ => listed(data, &ISO3166_NUMERIC, LintError::NotIso3166Or999),
            },
            Iso3166alpha2 => listed(data, &ISO3166_ALPHA2, LintError::NotIso3166Alpha2),
            Iso4217 => listed(data, &ISO4217_NUMERIC, LintError::NotIso4217),
            Iso5218 => one_of(
                data,
                &[b"0", b"1", b"2", b"9"],
                LintError::InvalidBiologicalSexCode,
            ),
            Latitude => coordinate(
                data,
                1_800_000_000,
                LintError::LatitudeInvalidLength,
                LintError::InvalidLatitude,
            ),
            Longitude => coordinate(
                data,
                3_600_000_000,
                LintError::LongitudeInvalidLength,
                LintError::InvalidLongitude,
            ),
            Mediatype => listed(data, &MEDIA_TYPES, LintError::InvalidMediaType),
            Nonzero => {
                csetnumeric(data)?;
                whole(
                    data,
                    data.iter().any(|&b| b != b'0'),
                    LintError::IllegalZeroValue,
                )
            }
            Nozeroprefix => {
                csetnumeric(data)?;
                match data.first() {
                    Some(b'0') => fail(LintError::IllegalZeroPrefix, 0, 1),
                    _ => Ok(()),
                }
            }
            Packagetype => listed(data, &PACKAGE_TYPES, LintError::InvalidPackageType),
            Pcenc => pcenc(data),
            Pieceoftotal => pieceoftotal(data),
            Posinseqslash => posinseqslash(data),
            Winding => one_of(
                data,
                &[b"0", b"1", b"9"],
                LintError::InvalidWindingDirection,
            ),
            Yesno => one_of(data, &[b"0", b"1"], LintError::NotZeroOrOne),
            Zero => whole(
                data,
                !data.is_empty() && data.iter().all(|&b| b == b'0'),
                LintError::NotZero,
            ),
            Yymmd0 => date(data, false, true),
            Yymmdd => date(data, false, false),
            Yyyymmd0 => date(data, true, true),
            Yyyymmdd => date(data, true, false),
            Couponcode | Couponposoffer => Ok(()),
        }
    }
}

fn whole(data: &[u8], ok: bool, error: LintError) -> LintResult {
    if ok {
        Ok(())
    } else {
        fail(error, 0, data.len())
    }
}

fn one_of(data: &[u8], allowed: &[&[u8]], error: LintError) -> LintResult {
    whole(data, allowed.contains(&data), error)
}

fn listed(data: &[u8], list: &[&str], error: LintError) -> LintResult {
    whole(
        data,
        list.binary_search_by(|c| c.as_bytes().cmp(data)).is_ok(),
        error,
    )
}

fn csetnumeric(data: &[u8]) -> LintResult {
    match data.iter().position(|b| !b.is_ascii_digit()) {
        Some(i) => fail(LintError::NonDigitCharacter, i, 1),
        None => Ok(()),
    }
}

fn cset(data: &[u8], set: &[u8], error: LintError) -> LintResult {
    match data.iter().position(|b| !set.contains(b)) {
        Some(i) => fail(error, i, 1),
        None => Ok(()),
    }
}

fn cset64(data: &[u8]) -> LintResult {
    let len = data.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let pads = data.len() - len;
    if pads > 2 || (pads > 0 && data.len() % 3 != 0) {
        return fail(LintError::InvalidCset64Padding, len, pads);
    }
    let is64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    match data[..len].iter().position(|b| !is64(b)) {
        Some(i) => fail(LintError::InvalidCset64Character, i, 1),
        None => Ok(()),
    }
}

fn csum(data: &[u8]) -> LintResult {
    let Some((&last, body)) = data.split_last() else {
        return fail(LintError::TooShortForCheckDigit, 0, 0);
    };
    csetnumeric(data)?;
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    let expected = b'0' + ((10 - sum % 10) % 10) as u8;
    if last == expected {
        Ok(())
    } else {
        fail(LintError::IncorrectCheckDigit, data.len() - 1, 1)
    }
}

fn csumalpha(data: &[u8]) -> LintResult {
    if data.len() < 2 {
        return fail(LintError::TooShortForCheckPair, 0, data.len());
    }
    if data.len() > PRIMES.len() + 2 {
        return fail(LintError::TooLongForCheckPairImplementation, 0, data.len());
    }
    let (body, pair) = data.split_at(data.len() - 2);
    cset(body, CSET82, LintError::InvalidCset82Character)?;
    let mut sum = 0u32;
    for (b, w) in body.iter().rev().zip(PRIMES) {
        let v = CSET82.iter().position(|c| c == b).unwrap_or(0) as u32;
        sum += v * w;
    }
    sum %= 1021;
    let expected = [CSET32[(sum >> 5) as usize], CSET32[(sum & 31) as usize]];
    if pair == expected {
        Ok(())
    } else {
        fail(LintError::IncorrectCheckPair, body.len(), 2)
    }
}

fn gcp(data: &[u8], offset: usize) -> LintResult {
    const GCP_MIN: usize = 4;
    if data.len() < offset + GCP_MIN {
        return fail(LintError::TooShortForGcp, 0, data.len());
    }
    match data[offset..offset + GCP_MIN]
        .iter()
        .position(|b| !b.is_ascii_digit())
    {
        Some(i) => fail(LintError::InvalidGcpPrefix, offset + i, 1),
        None => Ok(()),
    }
}

fn hasnondigit(data: &[u8]) -> LintResult {
    whole(
        data,
        data.iter().any(|b| !b.is_ascii_digit()),
        LintError::RequiresNonDigitCharacter,
    )
}

/// Errors of a two-digit time field: too short, too long, out of range.
type TimeErrors = (LintError, LintError, LintError);
const TIME_HH: TimeErrors = (
    LintError::HourTooShort,
    LintError::HourTooLong,
    LintError::IllegalHour,
);
const TIME_MI: TimeErrors = (
    LintError::MinuteTooShort,
    LintError::MinuteTooLong,
    LintError::IllegalMinute,
);
const TIME_SS: TimeErrors = (
    LintError::SecondTooShort,
    LintError::SecondTooLong,
    LintError::IllegalSecond,
);

fn two_digits(data: &[u8], max: u8, (short, long, range): TimeErrors) -> LintResult {
    if data.len() < 2 {
        return fail(short, 0, data.len());
    }
    if data.len() > 2 {
        return fail(long, 0, data.len());
    }
    csetnumeric(data)?;
    whole(data, number(data) <= u64::from(max), range)
}

fn hhmi(data: &[u8]) -> LintResult {
    if data.len() != 4 {
        let error = if data.len() < 4 {
            LintError::HourWithMinuteTooShort
        } else {
            LintError::HourWithMinuteTooLong
        };
        return fail(error, 0, data.len());
    }
    csetnumeric(data)?;
    if number(&data[..2]) > 23 {
        return fail(LintError::IllegalHour, 0, 2);
    }
    if number(&data[2..]) > 59 {
        return fail(LintError::IllegalMinute, 2, 2);
    }
    Ok(())
}

/// The value of a run of ASCII digits (saturating; callers check digits first).
fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, b| {
        n.saturating_mul(10)
            .saturating_add(u64::from(b.wrapping_sub(b'0')))
    })
}

fn iban(data: &[u8]) -> LintResult {
    if data.len() < 5 {
        return fail(LintError::IbanTooShort, 0, data.len());
    }
    if data.len() > 34 {
        return fail(LintError::IbanTooLong, 0, data.len());
    }
    let bad = |i: usize, b: &u8| match i {
        0 | 1 => !b.is_ascii_uppercase(),
        2 | 3 => !b.is_ascii_digit(),
        _ => !(b.is_ascii_uppercase() || b.is_ascii_digit()),
    };
    if let Some(i) = data.iter().enumerate().position(|(i, b)| bad(i, b)) {
        return fail(LintError::InvalidIbanCharacter, i, 1);
    }
    if listed(
        &data[..2],
        &ISO3166_ALPHA2,
        LintError::IllegalIbanCountryCode,
    )
    .is_err()
    {
        return fail(LintError::IllegalIbanCountryCode, 0, 2);
    }
    // Move the first four characters to the end, letters become 10..35, then mod 97 must be 1.
    let rem = data[4..].iter().chain(&data[..4]).fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            (acc * 10 + u32::from(b - b'0')) % 97
        } else {
            (acc * 100 + u32::from(b - b'A') + 10) % 97
        }
    });
    if rem == 1 {
        Ok(())
    } else {
        fail(LintError::IncorrectIbanChecksum, 2, 2)
    }
}

fn importeridx(data: &[u8]) -> LintResult {
    match data {
        [b] if b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_' => Ok(()),
        [_] => fail(LintError::InvalidImportIdxCharacter, 0, 1),
        _ => fail(LintError::ImporterIdxMustBeOneCharacter, 0, data.len()),
    }
}

fn coordinate(data: &[u8], max: u64, length: LintError, range: LintError) -> LintResult {
    if data.len() != 10 {
        return fail(length, 0, data.len());
    }
    csetnumeric(data)?;
    whole(data, number(data) <= max, range)
}

fn pcenc(data: &[u8]) -> LintResult {
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'%' {
            let ok = data.len() > i + 2
                && data[i + 1].is_ascii_hexdigit()
                && data[i + 2].is_ascii_hexdigit();
            if !ok {
                return fail(
                    LintError::InvalidPercentSequence,
                    i,
                    (data.len() - i).min(3),
                );
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

fn pieceoftotal(data: &[u8]) -> LintResult {
    if data.is_empty() || data.len() % 2 != 0 {
        return fail(LintError::InvalidLengthForPieceOfTotal, 0, data.len());
    }
    csetnumeric(data)?;
    let half = data.len() / 2;
    let (piece, total) = data.split_at(half);
    if piece.iter().all(|&b| b == b'0') {
        return fail(LintError::ZeroPieceNumber, 0, half);
    }
    if total.iter().all(|&b| b == b'0') {
        return fail(LintError::ZeroTotalPieces, half, half);
    }
    // Equal lengths: byte order is numeric order.
    whole(data, piece <= total, LintError::PieceNumberExceedsTotal)
}

fn posinseqslash(data: &[u8]) -> LintResult {
    let malformed = || fail(LintError::PositionInSequenceMalformed, 0, data.len());
    let Some(slash) = data.iter().position(|&b| b == b'/') else {
        return malformed();
    };
    let (pos, end) = (&data[..slash], &data[slash + 1..]);
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if !digits(pos) || !digits(end) {
        return malformed();
    }
    if pos[0] == b'0' {
        return fail(LintError::IllegalZeroPrefix, 0, pos.len());
    }
    if end[0] == b'0' {
        return fail(LintError::IllegalZeroPrefix, slash + 1, end.len());
    }
    let exceeds = (pos.len(), pos) > (end.len(), end);
    whole(data, !exceeds, LintError::PositionExceedsEnd)
}

fn date(data: &[u8], four_digit_year: bool, day_zero_ok: bool) -> LintResult {
    let want = if four_digit_year { 8 } else { 6 };
    if data.len() < want {
        return fail(LintError::DateTooShort, 0, data.len());
    }
    if data.len() > want {
        return fail(LintError::DateTooLong, 0, data.len());
    }
    csetnumeric(data)?;
    let y = want - 4;
    let year = number(&data[..y]);
    let month = number(&data[y..y + 2]);
    let day = number(&data[y + 2..]);
    if !(1..=12).contains(&month) {
        return fail(LintError::IllegalMonth, y, 2);
    }
    // Two-digit years: every fourth year is a leap year (2000 was one).
    let leap = if four_digit_year {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    } else {
        year % 4 == 0
    };
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days || (day == 0 && !day_zero_ok) {
        return fail(LintError::IllegalDay, y + 2, 2);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(l: Linter, data: &str) -> Option<(LintError, usize, usize)> {
        l.check(data.as_bytes())
            .err()
            .map(|f| (f.error, f.pos, f.len))
    }

    #[test]
    fn names_round_trip() {
        for l in Linter::ALL {
            assert_eq!(Linter::from_name(l.name()), Some(*l));
        }
        assert_eq!(Linter::from_name("nonesuch"), None);
        assert_eq!(
            LintError::NonDigitCharacter.code(),
            "GS1_LINTER_NON_DIGIT_CHARACTER"
        );
    }

    #[test]
    fn check_digits_and_pairs() {
        assert_eq!(err(Linter::Csum, "12345678901231"), None);
        assert_eq!(
            err(Linter::Csum, "12345678901232"),
            Some((LintError::IncorrectCheckDigit, 13, 1))
        );
        assert_eq!(err(Linter::Csumalpha, "1987654Ad4X4bL5ttr2310c2K"), None);
        assert_eq!(
            err(Linter::Csumalpha, "1987654Ad4X4bL5ttr2310cXK"),
            Some((LintError::IncorrectCheckPair, 23, 2))
        );
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(err(Linter::Yymmdd, "240229"), None);
        assert_eq!(
            err(Linter::Yymmdd, "230229"),
            Some((LintError::IllegalDay, 4, 2))
        );
        assert_eq!(err(Linter::Yymmd0, "230200"), None);
        assert_eq!(
            err(Linter::Yyyymmdd, "21000229"),
            Some((LintError::IllegalDay, 6, 2))
        );
        assert_eq!(
            err(Linter::Hhmi, "2360"),
            Some((LintError::IllegalMinute, 2, 2))
        );
        assert_eq!(
            err(Linter::Gcppos2, "01I34"),
            Some((LintError::InvalidGcpPrefix, 2, 1))
        );
        assert_eq!(err(Linter::Gcppos2, "01234"), None);
        assert_eq!(
            err(Linter::Gcppos1, "123"),
            Some((LintError::TooShortForGcp, 0, 3))
        );
    }

    #[test]
    fn no_panic_on_any_short_input() {
        for l in Linter::ALL {
            for data in ["", "%", "/", "=", "\u{ff}", "0", "00", "9/"] {
                let _ = l.check(data.as_bytes());
            }
        }
    }
}
