//! The kinds of the alerts stamps raise (`alerts.kind`): one list for the code that raises
//! them (`scans`, `verify`, `fakes`) and for whoever names them to people (the portal's
//! labels, the notices), whose tests check that every kind here has a name.

/// A serial never issued (or issued under another GTIN) was scanned.
pub const UNKNOWN_SERIAL: &str = "stamp_unknown_serial";
/// A revoked stamp was scanned.
pub const REVOKED_SCANNED: &str = "stamp_revoked_scanned";
/// A wrong hidden code was entered for a stamp.
pub const WRONG_CODE: &str = "stamp_wrong_code";
/// A stamp was scanned more often than one pack allows.
pub const SCAN_LIMIT: &str = "stamp_scan_limit";
/// Two scans of a stamp too far apart for the time between them.
pub const IMPLAUSIBLE_TRAVEL: &str = "stamp_implausible_travel";
/// A product scanned outside its declared markets.
pub const OUTSIDE_MARKET: &str = "stamp_outside_market";
/// Someone reported a suspected fake.
pub const FAKE_REPORT: &str = "stamp_fake_report";

/// Every kind above.
pub const ALL: [&str; 7] = [
    UNKNOWN_SERIAL,
    REVOKED_SCANNED,
    WRONG_CODE,
    SCAN_LIMIT,
    IMPLAUSIBLE_TRAVEL,
    OUTSIDE_MARKET,
    FAKE_REPORT,
];
