//! The error codes of the GS1 Barcode Syntax Dictionary's linters (`GS1_LINTER_...`), with a
//! message for each.

macro_rules! lint_errors {
    ($($variant:ident => $code:literal, $msg:literal;)*) => {
        /// What a linter found wrong; [`LintError::code`] gives the dictionary's error name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
        pub enum LintError {
            $(#[doc = $msg] #[error($msg)] $variant,)*
        }

        impl LintError {
            /// The reference linters' name for this error, e.g. `GS1_LINTER_NON_DIGIT_CHARACTER`.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => concat!("GS1_LINTER_", $code),)* }
            }
        }
    };
}

lint_errors! {
    NonDigitCharacter => "NON_DIGIT_CHARACTER", "a non-digit character";
    InvalidCset82Character => "INVALID_CSET82_CHARACTER", "a character outside GS1 character set 82";
    InvalidCset39Character => "INVALID_CSET39_CHARACTER", "a character outside GS1 character set 39";
    InvalidCset64Character => "INVALID_CSET64_CHARACTER", "a character outside GS1 character set 64";
    InvalidCset64Padding => "INVALID_CSET64_PADDING", "invalid base64 padding";
    TooShortForCheckDigit => "TOO_SHORT_FOR_CHECK_DIGIT", "too short to hold a check digit";
    IncorrectCheckDigit => "INCORRECT_CHECK_DIGIT", "incorrect check digit";
    TooShortForCheckPair => "TOO_SHORT_FOR_CHECK_PAIR", "too short to hold a check character pair";
    TooLongForCheckPairImplementation => "TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION", "too long for the check character pair calculation";
    IncorrectCheckPair => "INCORRECT_CHECK_PAIR", "incorrect check character pair";
    TooShortForGcp => "TOO_SHORT_FOR_GCP", "too short to start with a GS1 company prefix";
    InvalidGcpPrefix => "INVALID_GCP_PREFIX", "does not start with a GS1 company prefix";
    RequiresNonDigitCharacter => "REQUIRES_NON_DIGIT_CHARACTER", "must contain a non-digit character";
    HourTooShort => "HOUR_TOO_SHORT", "hour too short";
    HourTooLong => "HOUR_TOO_LONG", "hour too long";
    IllegalHour => "ILLEGAL_HOUR", "hour out of range (00-23)";
    HourWithMinuteTooShort => "HOUR_WITH_MINUTE_TOO_SHORT", "time (HHMI) too short";
    HourWithMinuteTooLong => "HOUR_WITH_MINUTE_TOO_LONG", "time (HHMI) too long";
    MinuteTooShort => "MINUTE_TOO_SHORT", "minute too short";
    MinuteTooLong => "MINUTE_TOO_LONG", "minute too long";
    IllegalMinute => "ILLEGAL_MINUTE", "minute out of range (00-59)";
    SecondTooShort => "SECOND_TOO_SHORT", "second too short";
    SecondTooLong => "SECOND_TOO_LONG", "second too long";
    IllegalSecond => "ILLEGAL_SECOND", "second out of range (00-59)";
    NotHyphen => "NOT_HYPHEN", "must be hyphens only";
    IbanTooShort => "IBAN_TOO_SHORT", "IBAN too short";
    IbanTooLong => "IBAN_TOO_LONG", "IBAN too long";
    InvalidIbanCharacter => "INVALID_IBAN_CHARACTER", "a character not allowed in an IBAN";
    IllegalIbanCountryCode => "ILLEGAL_IBAN_COUNTRY_CODE", "unknown IBAN country code";
    IncorrectIbanChecksum => "INCORRECT_IBAN_CHECKSUM", "incorrect IBAN check digits";
    ImporterIdxMustBeOneCharacter => "IMPORTER_IDX_MUST_BE_ONE_CHARACTER", "importer index must be one character";
    InvalidImportIdxCharacter => "INVALID_IMPORT_IDX_CHARACTER", "invalid importer index character";
    NotIso3166 => "NOT_ISO3166", "not an ISO 3166 numeric country code";
    NotIso3166Or999 => "NOT_ISO3166_OR_999", "not an ISO 3166 numeric country code or 999";
    NotIso3166Alpha2 => "NOT_ISO3166_ALPHA2", "not an ISO 3166 alpha-2 country code";
    NotIso4217 => "NOT_ISO4217", "not an ISO 4217 numeric currency code";
    InvalidBiologicalSexCode => "INVALID_BIOLOGICAL_SEX_CODE", "not an ISO/IEC 5218 sex code (0, 1, 2 or 9)";
    LatitudeInvalidLength => "LATITUDE_INVALID_LENGTH", "latitude must be 10 digits";
    InvalidLatitude => "INVALID_LATITUDE", "latitude out of range";
    LongitudeInvalidLength => "LONGITUDE_INVALID_LENGTH", "longitude must be 10 digits";
    InvalidLongitude => "INVALID_LONGITUDE", "longitude out of range";
    InvalidMediaType => "INVALID_MEDIA_TYPE", "not an AIDC media type";
    IllegalZeroValue => "ILLEGAL_ZERO_VALUE", "must not be zero";
    IllegalZeroPrefix => "ILLEGAL_ZERO_PREFIX", "must not start with zero";
    InvalidPackageType => "INVALID_PACKAGE_TYPE", "not a PackageTypeCode";
    InvalidPercentSequence => "INVALID_PERCENT_SEQUENCE", "invalid percent-encoding";
    InvalidLengthForPieceOfTotal => "INVALID_LENGTH_FOR_PIECE_OF_TOTAL", "piece and total must have the same, non-zero length";
    ZeroPieceNumber => "ZERO_PIECE_NUMBER", "piece number is zero";
    ZeroTotalPieces => "ZERO_TOTAL_PIECES", "total number of pieces is zero";
    PieceNumberExceedsTotal => "PIECE_NUMBER_EXCEEDS_TOTAL", "piece number exceeds the total";
    PositionInSequenceMalformed => "POSITION_IN_SEQUENCE_MALFORMED", "position in sequence must be N/M";
    PositionExceedsEnd => "POSITION_EXCEEDS_END", "position exceeds the end of the sequence";
    InvalidWindingDirection => "INVALID_WINDING_DIRECTION", "winding direction must be 0, 1 or 9";
    NotZeroOrOne => "NOT_ZERO_OR_ONE", "must be 0 or 1";
    NotZero => "NOT_ZERO", "must be zeros";
    DateTooShort => "DATE_TOO_SHORT", "date too short";
    DateTooLong => "DATE_TOO_LONG", "date too long";
    IllegalMonth => "ILLEGAL_MONTH", "month out of range";
    IllegalDay => "ILLEGAL_DAY", "day out of range for the month";
}
