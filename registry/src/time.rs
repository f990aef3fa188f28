//! Time as the registry stores it, and the one clock it comes from.
//!
//! Stored times are UTC with microsecond precision (what PostgreSQL keeps), so a value read back
//! equals the value written on both databases.
//!
//! Architecture invariant: every "now" and "today" of the registry and the hub is read from a
//! [`Clock`]. Registry functions take the reading (`now: NaiveDateTime`, `today: NaiveDate`)
//! from their caller; the caller takes it from the clock its [`Db`](crate::db::Db) holds. In
//! production that is wall time; tests shift it (`TRACEHUB_TEST_CLOCK`, see
//! [`crate::testing`]) or advance it to cross a deadline. `tests/house.rs` fails when
//! `Utc::now()`, `Local::now()` or `SystemTime::now()` appear anywhere else.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, SubsecRound, Utc};

/// Wall time plus an offset that tests may set and move. Cheap to clone; clones share the
/// offset, so advancing one advances every holder (the hub's state, its jobs, the test).
#[derive(Clone, Default)]
pub struct Clock {
    offset_micros: Arc<AtomicI64>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Clock(wall time {:+} µs)",
            self.offset().num_microseconds().unwrap_or(0)
        )
    }
}

impl Clock {
    /// Wall time, as production runs.
    pub fn system() -> Self {
        Self::default()
    }

    /// Wall time moved by `offset` (into the future when positive).
    pub fn shifted(offset: Duration) -> Self {
        let clock = Self::default();
        clock.advance(offset);
        clock
    }

    /// A clock that reads `at` now and runs on from there at wall-clock speed.
    pub fn starting_at(at: NaiveDateTime) -> Self {
        // The offset is kept in whole microseconds, rounded down: one more keeps `now() >= at`.
        Self::shifted(at - wall() + Duration::microseconds(1))
    }

    /// Moves this clock (and every clone of it) by `by`.
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// How far this clock is from wall time.
    pub fn offset(&self) -> Duration {
        Duration::microseconds(self.offset_micros.load(Ordering::Relaxed))
    }

    /// Now, in UTC, truncated to microseconds.
    pub fn now(&self) -> NaiveDateTime {
        (wall() + self.offset()).trunc_subsecs(6)
    }

    /// Now, with its UTC offset (for schedules and documents that carry one).
    pub fn now_utc(&self) -> DateTime<Utc> {
        DateTime::from_naive_utc_and_offset(self.now(), Utc)
    }

    /// Today's date in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }
}

/// The one reading of the wall clock.
fn wall() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A stored timestamp as an RFC 3339 UTC string with microseconds (`2026-11-23T14:00:00.000000Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Serde for stored timestamps on the wire: written as RFC 3339 in UTC with `Z`
/// ([`rfc3339`]), read from any RFC 3339 `date-time` (any offset, converted to UTC and truncated
/// to microseconds as stored). A time without an offset is refused: it names no instant.
///
/// Every `NaiveDateTime` field of a type that serde writes or reads carries
/// `#[serde(with = "registry::time::as_rfc3339")]` (or `::option`); `tests/house.rs` checks it.
pub mod as_rfc3339 {
    use chrono::{DateTime, NaiveDateTime, SubsecRound};
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    /// Writes `at` (UTC) as `2026-11-23T14:00:00.000000Z`.
    pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::rfc3339(*at))
    }

    /// Reads an RFC 3339 `date-time` into UTC.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDateTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse(&text).map_err(D::Error::custom)
    }

    /// Parses an RFC 3339 `date-time` (`2027-01-01T00:00:00Z`, `2027-01-01T08:00:00+08:00`) to UTC.
    pub fn parse(text: &str) -> Result<NaiveDateTime, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|at| at.naive_utc().trunc_subsecs(6))
            .map_err(|_| format!("not an RFC 3339 date-time with an offset: {text:?}"))
    }

    /// The same for an optional field (`null` or absent is `None`).
    pub mod option {
        use chrono::NaiveDateTime;
        use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

        /// Writes `Some(at)` as [`super::serialize`] does, `None` as `null`.
        pub fn serialize<S: Serializer>(
            at: &Option<NaiveDateTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => super::serialize(at, serializer),
                None => serializer.serialize_none(),
            }
        }

        /// Reads `null` as `None`, anything else as [`super::deserialize`] does.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<NaiveDateTime>, D::Error> {
            let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
            text.map(|text| super::parse(&text).map_err(D::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_reads_wall_time_plus_its_offset_and_clones_move_together() {
        let clock = Clock::shifted(Duration::days(365));
        let ahead = clock.now() - wall();
        assert!(ahead > Duration::days(364) && ahead <= Duration::days(365));
        let clone = clock.clone();
        clone.advance(Duration::days(1));
        assert_eq!(clock.offset(), Duration::days(366));
        let start = NaiveDate::from_ymd_opt(2031, 6, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        let from = Clock::starting_at(start);
        assert_eq!(from.today(), start.date());
        assert!(from.now() >= start);
    }
}
