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
