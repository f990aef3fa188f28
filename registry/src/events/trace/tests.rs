//! Trace and recall on the backend the test environment selects: every edge kind, containment
//! bounded in time, lots made from several inputs, filed batch inputs, access.

mod world;

use world::*;

use super::*;
use crate::departments::{Category, NewDepartment, create_department};
use crate::epcis::Action;
use crate::error::Code;
use crate::events::recall::{parse_sort, recall};
use crate::events::{CaptureMeta, capture, prepare};
use crate::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use crate::testing::TestDb;
use crate::testing::now;

fn ids(t: &Trace) -> Vec<&str> {
    t.nodes.iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn forward_through_every_edge_kind_with_containment_bounded_in_time() {
    let (test, w) = setup();
    let conn = &mut *test.db().conn().unwrap();
    let a = lot(&w.farm_gtin, "A1");
    let t = trace(conn, &Start::Object(a.clone()), Direction::Forward).unwrap();
    let reached = ids(&t);
    let c = lot(&w.proc_gtin, "C1");
    for expected in [
        &a,
        &c,
        &item(&w.proc_gtin, "1"),
        &item(&w.proc_gtin, "2"),
        &sscc("000000001"),
        &sscc("000000100"),
    ] {
        assert!(
            reached.contains(&expected.as_str()),
            "{expected} not in {reached:?}"
        );
    }
    // No sideways spread: the sibling case, its item, and what came on later are not reached;
    // nor is the other input lot.
    for absent in [
        &sscc("000000002"),
        &item(&w.proc_gtin, "9"),
        &sscc("000000003"),
        &lot(&w.farm_gtin, "B1"),
    ] {
        assert!(!reached.contains(&absent.as_str()), "{absent} reached");
    }
    let pallet = t.nodes.iter().find(|n| n.id == sscc("000000100")).unwrap();
    assert_eq!(pallet.reached_as, "carrier");
    assert_eq!(pallet.windows.len(), 1);
    assert_eq!(pallet.windows[0].to, Some(at(8).naive_utc()));
    let kinds: Vec<&str> = t.edges.iter().map(|e| e.kind.as_str()).collect();
    for k in ["transform", "commission", "aggregate", "ship"] {
        assert!(kinds.contains(&k), "no {k} edge in {kinds:?}");
    }
    // The pallet's journey while it held the case is there; after the case left, it is not.
    let places: Vec<&str> = t.places.iter().map(|p| p.identifier.as_str()).collect();
    assert!(places.contains(&pgln(&w.foreign).as_str()));
    assert!(!places.contains(&pgln(&w.elsewhere).as_str()), "{places:?}");
    assert!(t.events.iter().all(|e| e.event_time != at(10).naive_utc()));
}

#[test]
fn a_lot_made_from_several_inputs_is_reached_from_each_and_backward() {
    let (test, w) = setup();
    let conn = &mut *test.db().conn().unwrap();
    let c = lot(&w.proc_gtin, "C1");
    for input in ["A1", "B1", "R7"] {
        let t = trace(
            conn,
            &Start::Object(lot(&w.farm_gtin, input)),
            Direction::Forward,
        )
        .unwrap();
        assert!(ids(&t).contains(&c.as_str()), "from {input}: {:?}", ids(&t));
        assert!(ids(&t).contains(&item(&w.proc_gtin, "1").as_str()));
        if input == "R7" {
            assert!(
                t.edges.iter().any(|e| e.kind == "input" && e.to == c),
                "{:?}",
                t.edges
            );
        }
    }
    let back = trace(
        conn,
        &Start::Object(item(&w.proc_gtin, "1")),
        Direction::Backward,
    )
    .unwrap();
    let reached = ids(&back);
    for origin in [
        &c,
        &lot(&w.farm_gtin, "A1"),
        &lot(&w.farm_gtin, "B1"),
        &lot(&w.farm_gtin, "R7"),
        &sscc("000000100"),
    ] {
        assert!(
            reached.contains(&origin.as_str()),
            "{origin} not in {reached:?}"
        );
    }
    assert!(!reached.contains(&sscc("000000002").as_str()));
    assert!(!reached.contains(&item(&w.proc_gtin, "9").as_str()));
    // Backward from the pallet: everything it ever held, and where that came from.
    let back = trace(conn, &Start::Object(sscc("000000100")), Direction::Backward).unwrap();
    for held in [
        &sscc("000000002"),
        &sscc("000000003"),
        &item(&w.proc_gtin, "9"),
        &lot(&w.farm_gtin, "A1"),
    ] {
        assert!(
            ids(&back).contains(&held.as_str()),
            "{held} not in {:?}",
            ids(&back)
        );
    }
}

#[test]
fn enterprises_start_from_their_sites_and_lots() {
    let (test, w) = setup();
    let conn = &mut *test.db().conn().unwrap();
    let t = trace(conn, &Start::Enterprise(w.farm_id), Direction::Forward).unwrap();
    assert!(ids(&t).contains(&lot(&w.proc_gtin, "C1").as_str()));
    assert!(ids(&t).contains(&lot(&w.farm_gtin, "R7").as_str()));
    let t = trace(conn, &Start::Enterprise(w.proc_id), Direction::Backward).unwrap();
    assert!(
        ids(&t).contains(&lot(&w.farm_gtin, "A1").as_str()),
        "{:?}",
        ids(&t)
    );
}

#[test]
fn the_recall_groups_sites_and_lists_rows() {
    let (test, w) = setup();
    let conn = &mut *test.db().conn().unwrap();
    let r = recall(
        conn,
        now(),
        &lot(&w.farm_gtin, "A1"),
        &parse_sort("-event_time").unwrap(),
    )
    .unwrap();
    let lots: Vec<&str> = r.lots.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(lots, [lot(&w.proc_gtin, "C1"), lot(&w.farm_gtin, "A1")]);
    assert_eq!(r.lots[0].producer_id, Some(w.proc_id));
    assert_eq!(r.items.len(), 2);
    assert_eq!(
        r.items[0].lot.as_deref(),
        Some(lot(&w.proc_gtin, "C1").as_str())
    );
    let countries: Vec<&str> = r.countries.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(countries, ["CN", "VN"]);
    let regions: Vec<&str> = r.regions.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(regions, ["CN/410102", "CN/410300", "VN/unregistered"]);
    assert_eq!(r.retailers.len(), 1);
    assert_eq!(r.retailers[0].items, 1);
    let store = r
        .sites
        .iter()
        .find(|s| s.place.gln.as_deref() == Some(&w.store_site))
        .unwrap();
    assert_eq!(store.place.site_kind.as_deref(), Some("store"));
    let shipped = r
        .rows
        .iter()
        .find(|row| row.event_time == at(7).naive_utc())
        .unwrap();
    assert_eq!(
        (shipped.items, shipped.lot.as_str()),
        (2, lot(&w.proc_gtin, "C1").as_str())
    );
    assert!(
        r.rows
            .windows(2)
            .all(|p| p[0].event_time >= p[1].event_time)
    );
    let farmed = r
        .rows
        .iter()
        .find(|row| row.biz_step == "commissioning" && row.lot == lot(&w.farm_gtin, "A1"))
        .unwrap();
    assert_eq!((farmed.quantity, farmed.uom.as_str()), (Some(100.0), "KGM"));
    assert!(parse_sort("colour").is_err());
    assert!(
        matches!(recall(conn, now(), &item(&w.proc_gtin, "1"), &[]), Err(RegistryError::Invalid { field, .. }) if field == "lot")
    );
}

#[test]
fn access_by_role_and_jurisdiction() {
    let (test, w) = setup();
    let conn = &mut *test.db().conn().unwrap();
    let c = Start::Object(lot(&w.proc_gtin, "C1"));
    let officer = |conn: &mut DbConn, code: &str, region: &str| {
        let dept = create_department(
            conn,
            now(),
            &NewDepartment {
                code: code.into(),
                name: code.into(),
                name_en: String::new(),
                region_code: region.into(),
                categories: vec![Category::Food],
            },
        )
        .unwrap();
        let user = create_user(
            conn,
            now(),
            &NewUser {
                username: code.into(),
                display_name: code.into(),
                email: None,
                password: None,
                role: Role::Officer,
                department_id: Some(dept.id),
                enterprise_id: None,
                locale: None,
                category: None,
            },
        )
        .unwrap();
        Actor::for_user(&user, AuthMethod::Session)
    };
    let zhengzhou = officer(conn, "officer-zz", "410100");
    let luoyang = officer(conn, "officer-ly", "410300");
    authorize(conn, &zhengzhou, &c).unwrap();
    assert!(matches!(
        authorize(conn, &luoyang, &c),
        Err(RegistryError::Denied {
            code: Code::OutsideJurisdiction,
            ..
        })
    ));
    authorize(conn, &w.proc_user, &c).unwrap();
    let foreign = Start::Object(lot(&gtin("8930000", "00001"), "V1"));
    assert!(authorize(conn, &w.proc_user, &foreign).is_err());
    assert!(authorize(conn, &zhengzhou, &foreign).is_err());
    let province = officer(conn, "officer-ha", "410000");
    authorize(conn, &province, &foreign).unwrap();
    assert!(authorize(conn, &w.proc_user, &Start::Enterprise(w.farm_id)).is_err());
}

#[test]
fn starting_identifiers_are_checked() {
    assert_eq!(
        parse_start("urn:epc:class:lgtin:6901234.000002.C1", "id").unwrap(),
        lot(&gtin(PROC, "00002"), "C1")
    );
    assert!(
        matches!(parse_start("", "id"), Err(RegistryError::Invalid { field, .. }) if field == "id")
    );
    assert!(parse_start("urn:epc:id:sgtin:6901234.000002.x", "id").is_ok());
    assert!(parse_start("urn:epc:id:sgtin:6901234.000002", "id").is_err());
    assert!(parse_start("urn:epc:id:sgln:6901234.00001.0", "id").is_err());
    assert!(parse_start("mailto:someone@example.cn", "id").is_err());
}

#[test]
fn a_container_emptied_twice_in_one_capture_closes_each_edge_at_its_delete() {
    use crate::schema::lineage_edges;
    use diesel::prelude::*;
    let test = TestDb::new();
    let conn = &mut *test.db().conn().unwrap();
    let (case, pallet) = (sscc("000000001"), sscc("000000100"));
    let events = vec![
        aggregation(1, Action::Add, &pallet, &[&case]),
        aggregation(2, Action::Delete, &pallet, &[&case]),
        aggregation(3, Action::Add, &pallet, &[&case]),
        aggregation(4, Action::Delete, &pallet, &[]),
    ];
    let meta = CaptureMeta {
        created_by: None,
        enterprise_id: None,
        format: "json",
    };
    capture(conn, &prepare(events, now()).unwrap(), &meta).unwrap();
    let mut spans: Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        lineage_edges::table
            .select((lineage_edges::valid_from, lineage_edges::valid_to))
            .load(conn)
            .unwrap();
    spans.sort();
    let t = |d| at(d).naive_utc();
    assert_eq!(spans, [(t(1), Some(t(2))), (t(3), Some(t(4)))]);
}
