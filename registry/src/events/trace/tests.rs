//! Trace and recall on the backend the test environment selects: every edge kind, containment
//! bounded in time, lots made from several inputs, filed batch inputs, access.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::*;
use crate::departments::{Category, NewDepartment, create_department};
use crate::enterprises::{Decision, NewEnterprise, decide, register};
use crate::epcis::ext::CBVMDA_NS;
use crate::epcis::{
    Action, EventType, ExtElement, ExtValue, Location, QuantityElement, SourceDest,
};
use crate::events::recall::{parse_sort, recall};
use crate::events::{CaptureMeta, capture};
use crate::filings::batches::{NewBatch, create_batch};
use crate::filings::products::{NewProduct, create_product};
use crate::filings::sites::{NewSite, SiteKind, add_site};
use crate::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use crate::ids::gs1::check_digit;
use crate::testing::TestDb;

const FARM: &str = "6905678";
const PROC: &str = "6901234";

fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap())
}
fn gtin(prefix: &str, item: &str) -> String {
    with_check(&format!("0{prefix}{item}"))
}
fn gln(prefix: &str, loc: &str) -> String {
    with_check(&format!("{prefix}{loc}"))
}
fn lot(g: &str, l: &str) -> String {
    format!("https://id.gs1.org/01/{g}/10/{l}")
}
fn item(g: &str, s: &str) -> String {
    format!("https://id.gs1.org/01/{g}/21/{s}")
}
fn sscc(serial: &str) -> String {
    format!(
        "https://id.gs1.org/00/{}",
        with_check(&format!("0{PROC}{serial}"))
    )
}
fn sgln(g: &str) -> String {
    format!("https://id.gs1.org/414/{g}")
}
fn pgln(g: &str) -> String {
    format!("https://id.gs1.org/417/{g}")
}
fn at(day: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T08:00:00+08:00")).unwrap()
}
fn cbv(kind: &str, word: &str) -> String {
    format!("https://ref.gs1.org/cbv/{kind}-{word}")
}
fn q(class: &str, n: f64) -> QuantityElement {
    QuantityElement {
        epc_class: class.into(),
        quantity: Some(n),
        uom: Some("KGM".into()),
    }
}
fn ilmd(lot: &str) -> Option<Vec<ExtElement>> {
    Some(vec![ExtElement {
        ns: CBVMDA_NS.into(),
        prefix: "cbvmda".into(),
        local: "lotNumber".into(),
        attrs: Vec::new(),
        value: ExtValue::Text(lot.into()),
    }])
}
fn object(day: u32, action: Action, step: &str, place: &str) -> Event {
    let mut e = Event::new(EventType::ObjectEvent, at(day));
    e.action = Some(action);
    e.biz_step = Some(cbv("BizStep", step));
    e.biz_location = Some(Location {
        id: sgln(place),
        extensions: Vec::new(),
    });
    e
}
fn aggregation(day: u32, action: Action, parent: &str, children: &[&str]) -> Event {
    let mut e = Event::new(EventType::AggregationEvent, at(day));
    e.action = Some(action);
    e.parent_id = Some(parent.into());
    e.child_epcs = children.iter().map(|c| (*c).to_owned()).collect();
    e
}
fn ship(e: &mut Event, from: &str, to: &str) {
    e.source_list = vec![SourceDest {
        kind: cbv("SDT", "owning_party"),
        value: pgln(from),
    }];
    e.destination_list = vec![SourceDest {
        kind: cbv("SDT", "owning_party"),
        value: pgln(to),
    }];
}

struct World {
    farm_gtin: String,
    proc_gtin: String,
    farm_site: String,
    proc_site: String,
    store_site: String,
    foreign: String,
    elsewhere: String,
    farm_id: i64,
    proc_id: i64,
    proc_user: Actor,
}

fn admin() -> Actor {
    Actor {
        user_id: 0,
        username: "root".into(),
        role: Role::Admin,
        department_id: None,
        enterprise_id: None,
        method: AuthMethod::Cli,
        scopes: vec![crate::identity::Scope::Read],
    }
}

fn enterprise(
    conn: &mut DbConn,
    n: u32,
    prefix: &str,
    region: &str,
    cat: Category,
) -> (i64, Actor) {
    let code = {
        let org = format!("{n:08}");
        let org = format!(
            "{org}{}",
            crate::ids::uscc::organisation_code_check_char(&org).unwrap()
        );
        let body = format!("91{region}{org}");
        format!(
            "{body}{}",
            crate::ids::uscc::uscc_check_char(&body).unwrap()
        )
    };
    let (ent, user) = register(
        conn,
        &NewEnterprise {
            credit_code: code,
            name: format!("企业{n}"),
            name_en: format!("Enterprise {n}"),
            legal_representative: "张三".into(),
            phone: "0371-12345678".into(),
            email: format!("e{n}@example.cn"),
            region_code: region.into(),
            address: "郑州".into(),
            latitude: None,
            longitude: None,
            company_prefix: Some(prefix.into()),
            categories: vec![cat],
            username: format!("user{n}"),
            password: "a long enough password".into(),
        },
    )
    .unwrap();
    decide(conn, &admin(), ent.id, Decision::Approve, None).unwrap();
    (ent.id, Actor::for_user(&user, AuthMethod::Session))
}

fn site(conn: &mut DbConn, who: &Actor, id: i64, gln: &str, kind: SiteKind) {
    add_site(
        conn,
        who,
        id,
        &NewSite {
            name: format!("site {gln}"),
            kind,
            gln: gln.into(),
            address: "河南".into(),
            latitude: None,
            longitude: None,
        },
    )
    .unwrap();
}

fn product(conn: &mut DbConn, who: &Actor, id: i64, gtin: &str, cat: Category) -> i64 {
    create_product(
        conn,
        who,
        id,
        &NewProduct {
            gtin: gtin.into(),
            name: format!("product {gtin}"),
            category: cat,
            specification: String::new(),
            shelf_life_days: None,
            target_markets: Vec::new(),
        },
    )
    .unwrap()
    .id
}

fn batch(
    conn: &mut DbConn,
    who: &Actor,
    id: i64,
    product: i64,
    lot: &str,
    inputs: Vec<i64>,
) -> i64 {
    create_batch(
        conn,
        who,
        id,
        &NewBatch {
            product_id: product,
            lot: lot.into(),
            production_date: NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(),
            expiry_date: None,
            quantity: 100.0,
            unit: "kg".into(),
            site_id: None,
            inputs,
        },
    )
    .unwrap()
    .id
}

/// The registry side: a farm (Luoyang) and a processor (Zhengzhou) with sites, products and
/// batches (the processor's lot C1 filed as made from the farm's lots A1 and R7).
fn world(conn: &mut DbConn) -> World {
    let (farm_id, farm) = enterprise(conn, 1, FARM, "410300", Category::EdibleAgri);
    let (proc_id, proc_user) = enterprise(conn, 2, PROC, "410102", Category::Food);
    let farm_gtin = gtin(FARM, "00001");
    let proc_gtin = gtin(PROC, "00002");
    let farm_site = gln(FARM, "00001");
    let proc_site = gln(PROC, "00001");
    let store_site = gln(PROC, "00009");
    site(conn, &farm, farm_id, &farm_site, SiteKind::Farm);
    site(conn, &proc_user, proc_id, &proc_site, SiteKind::Factory);
    site(conn, &proc_user, proc_id, &store_site, SiteKind::Store);
    let raw = product(conn, &farm, farm_id, &farm_gtin, Category::EdibleAgri);
    let made = product(conn, &proc_user, proc_id, &proc_gtin, Category::Food);
    let a1 = batch(conn, &farm, farm_id, raw, "A1", Vec::new());
    let r7 = batch(conn, &farm, farm_id, raw, "R7", Vec::new());
    batch(conn, &proc_user, proc_id, made, "C1", vec![a1, r7]);
    World {
        farm_gtin,
        proc_gtin,
        farm_site,
        proc_site,
        store_site,
        foreign: with_check("893000000001"),
        elsewhere: with_check("885000000001"),
        farm_id,
        proc_id,
        proc_user,
    }
}

/// The events: lots A1 and B1 farmed, A1 shipped, both made into C1, items commissioned into
/// C1 (and x1 into another lot), cased, palletised with a sibling case, shipped abroad, the
/// affected case taken off, another case put on and the pallet shipped on, an item sold.
fn events(w: &World) -> Vec<Event> {
    let (a, b, c) = (
        lot(&w.farm_gtin, "A1"),
        lot(&w.farm_gtin, "B1"),
        lot(&w.proc_gtin, "C1"),
    );
    let (i1, i2, x1) = (
        item(&w.proc_gtin, "1"),
        item(&w.proc_gtin, "2"),
        item(&w.proc_gtin, "9"),
    );
    let (case1, case2, case3, pallet) = (
        sscc("000000001"),
        sscc("000000002"),
        sscc("000000003"),
        sscc("000000100"),
    );
    let mut out = Vec::new();
    let mut e = object(1, Action::Add, "commissioning", &w.farm_site);
    e.quantity_list = vec![q(&a, 100.0), q(&b, 50.0)];
    out.push(e);
    let mut e = object(2, Action::Observe, "shipping", &w.farm_site);
    e.quantity_list = vec![q(&a, 100.0)];
    ship(&mut e, &w.farm_site, &w.proc_site);
    out.push(e);
    let mut e = Event::new(EventType::TransformationEvent, at(3));
    e.input_quantity_list = vec![q(&a, 100.0), q(&b, 50.0)];
    e.output_quantity_list = vec![q(&c, 140.0)];
    e.biz_location = Some(Location {
        id: sgln(&w.proc_site),
        extensions: Vec::new(),
    });
    out.push(e);
    let mut e = object(4, Action::Add, "commissioning", &w.proc_site);
    e.epc_list = vec![i1.clone(), i2.clone()];
    e.ilmd = ilmd("C1");
    out.push(e);
    let mut e = object(4, Action::Add, "commissioning", &w.proc_site);
    e.epc_list = vec![x1.clone()];
    e.ilmd = ilmd("X9");
    out.push(e);
    out.push(aggregation(5, Action::Add, &case1, &[&i1, &i2]));
    out.push(aggregation(5, Action::Add, &case2, &[&x1]));
    out.push(aggregation(6, Action::Add, &pallet, &[&case1, &case2]));
    let mut e = object(7, Action::Observe, "shipping", &w.proc_site);
    e.epc_list = vec![pallet.clone()];
    ship(&mut e, &w.proc_site, &w.foreign);
    out.push(e);
    let mut e = aggregation(8, Action::Delete, &pallet, &[&case1]);
    e.biz_location = Some(Location {
        id: sgln(&w.foreign),
        extensions: Vec::new(),
    });
    out.push(e);
    out.push(aggregation(9, Action::Add, &pallet, &[&case3]));
    let mut e = object(10, Action::Observe, "shipping", &w.foreign);
    e.epc_list = vec![pallet];
    ship(&mut e, &w.foreign, &w.elsewhere);
    out.push(e);
    let mut e = object(11, Action::Observe, "retail_selling", &w.store_site);
    e.epc_list = vec![i1];
    out.push(e);
    out
}

fn setup() -> (TestDb, World) {
    let test = TestDb::new();
    let w = {
        let mut conn = test.db().conn().unwrap();
        let conn = &mut *conn;
        let w = world(conn);
        let meta = CaptureMeta {
            created_by: None,
            enterprise_id: None,
            format: "json",
        };
        capture(conn, events(&w), &meta).unwrap();
        w
    };
    (test, w)
}

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
        matches!(recall(conn, &item(&w.proc_gtin, "1"), &[]), Err(RegistryError::Invalid { field, .. }) if field == "lot")
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
            code: "outside_jurisdiction",
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
    capture(conn, events, &meta).unwrap();
    let mut spans: Vec<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        lineage_edges::table
            .select((lineage_edges::valid_from, lineage_edges::valid_to))
            .load(conn)
            .unwrap();
    spans.sort();
    let t = |d| at(d).naive_utc();
    assert_eq!(spans, [(t(1), Some(t(2))), (t(3), Some(t(4)))]);
}
