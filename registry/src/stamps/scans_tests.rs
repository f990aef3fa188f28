//! Tests of the scan log and its signals.

use super::*;

#[test]
fn distances_and_plausible_travel() {
    let zhengzhou = (34.7, 113.6);
    let hanoi = (21.0, 105.8);
    let km = haversine_km(zhengzhou, hanoi);
    assert!((1700.0..1800.0).contains(&km), "{km}");
    assert_eq!(haversine_km(hanoi, hanoi), 0.0);
    // A day is enough by air; ten minutes is not; rounding noise never alerts.
    assert!(!implausible(zhengzhou, hanoi, 24.0, 1000.0));
    assert!(implausible(zhengzhou, hanoi, 1.0 / 6.0, 1000.0));
    assert!(!implausible((34.7, 113.6), (34.8, 113.7), 0.0, 1000.0));
}

/// The previous location of a stamp comes from the log when it was scanned in an earlier
/// batch: only the newest located scan counts, unlocated ones are skipped.
#[test]
fn travel_is_checked_against_the_logged_scans() {
    let test = crate::testing::TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let at = |minutes: i64| {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(minutes)
    };
    let scan = |serial: &str, minutes: i64, place: Option<(f64, f64)>| NewScan {
        serial: serial.into(),
        gtin: "06901234000017".into(),
        company_prefix: "6901234".into(),
        scanned_at: at(minutes),
        client_hash: "client".into(),
        latitude: place.map(|p| p.0),
        longitude: place.map(|p| p.1),
        country: None,
        verdict: Verdict::Active.as_str().into(),
        known: true,
        subject: None,
        markets: Arc::from(Vec::new()),
    };
    let (zhengzhou, hanoi) = (Some((34.7, 113.6)), Some((21.0, 105.8)));
    let rules = ScanRules {
        scan_limit: 100,
        max_travel_kmh: 1000.0,
    };
    let mut memo = Memo::default();
    let first = [
        scan("TRAVELLER0001", 0, hanoi),
        scan("TRAVELLER0001", 10, zhengzhou),
        scan("TRAVELLER0001", 20, None),
        scan("TRAVELLER0002", 0, zhengzhou),
    ];
    assert_eq!(
        record_scans(&mut conn, &first, rules, &mut memo).unwrap(),
        1
    );
    let serials = ["TRAVELLER0001", "TRAVELLER0002", "NEWCOMER00001"];
    let logged = last_located(&mut conn, &serials).unwrap();
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert_eq!(logged["TRAVELLER0001"], (at(10), (34.7, 113.6)));
    assert_eq!(logged["TRAVELLER0002"], (at(0), (34.7, 113.6)));
    // A new process (empty memo): the second traveller is caught from the log; the first
    // was already raised (one alert per stamp); the newcomer has no past.
    let mut memo = Memo::default();
    let second = [
        scan("TRAVELLER0001", 30, hanoi),
        scan("TRAVELLER0002", 30, hanoi),
        scan("NEWCOMER00001", 30, hanoi),
    ];
    assert_eq!(
        record_scans(&mut conn, &second, rules, &mut memo).unwrap(),
        1
    );
    let mut keys: Vec<String> = alerts_table::table
        .select(alerts_table::dedupe_key.assume_not_null())
        .load(&mut *conn)
        .unwrap();
    keys.sort();
    assert_eq!(
        keys,
        [
            "stamp_implausible_travel:TRAVELLER0001",
            "stamp_implausible_travel:TRAVELLER0002"
        ]
    );
}

#[test]
fn locations_are_coarse_and_checked() {
    assert_eq!(
        check_location(Some(34.7466), Some(113.6253)).unwrap(),
        Some((34.7, 113.6))
    );
    assert_eq!(check_location(None, None).unwrap(), None);
    for (lat, lon, field) in [
        (Some(91.0), Some(0.0), "lat"),
        (Some(0.0), Some(-181.0), "lon"),
        (Some(f64::NAN), Some(0.0), "lat"),
        (Some(1.0), None, "lon"),
        (None, Some(1.0), "lat"),
    ] {
        match check_location(lat, lon) {
            Err(RegistryError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{lat:?} {lon:?}: {other:?}"),
        }
    }
}
