//! Time as the registry stores it: UTC, microsecond precision (what PostgreSQL keeps), so a
//! value read back equals the value written on both databases.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to microseconds.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A stored timestamp as an RFC 3339 UTC string with microseconds (`2026-11-23T14:00:00.000000Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}
