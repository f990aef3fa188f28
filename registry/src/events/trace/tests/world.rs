//! The world the trace tests run in: two producers, a processor, a store, foreign parties,
//! their registered sites, products and lots, and the events between them.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::super::*;
use crate::departments::Category;
use crate::enterprises::{Decision, NewEnterprise, decide, register};
use crate::epcis::ext::CBVMDA_NS;
use crate::epcis::{
    Action, EventType, ExtElement, ExtValue, Location, QuantityElement, SourceDest,
};
use crate::events::{CaptureMeta, capture, prepare};
use crate::filings::batches::{NewBatch, create_batch};
use crate::filings::products::{NewProduct, create_product};
use crate::filings::sites::{NewSite, SiteKind, add_site};
use crate::identity::{Actor, AuthMethod, Role};
use crate::ids::gs1::check_digit;
use crate::testing::TestDb;
use crate::testing::now;

pub(super) const FARM: &str = "6905678";
pub(super) const PROC: &str = "6901234";

pub(super) fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap())
}
pub(super) fn gtin(prefix: &str, item: &str) -> String {
    with_check(&format!("0{prefix}{item}"))
}
pub(super) fn gln(prefix: &str, loc: &str) -> String {
    with_check(&format!("{prefix}{loc}"))
}
pub(super) fn lot(g: &str, l: &str) -> String {
    format!("https://id.gs1.org/01/{g}/10/{l}")
}
pub(super) fn item(g: &str, s: &str) -> String {
    format!("https://id.gs1.org/01/{g}/21/{s}")
}
pub(super) fn sscc(serial: &str) -> String {
    format!(
        "https://id.gs1.org/00/{}",
        with_check(&format!("0{PROC}{serial}"))
    )
}
pub(super) fn sgln(g: &str) -> String {
    format!("https://id.gs1.org/414/{g}")
}
pub(super) fn pgln(g: &str) -> String {
    format!("https://id.gs1.org/417/{g}")
}
pub(super) fn at(day: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T08:00:00+08:00")).unwrap()
}
pub(super) fn cbv(kind: &str, word: &str) -> String {
    format!("https://ref.gs1.org/cbv/{kind}-{word}")
}
pub(super) fn q(class: &str, n: f64) -> QuantityElement {
    QuantityElement {
        epc_class: class.into(),
        quantity: Some(n),
        uom: Some("KGM".into()),
    }
}
pub(super) fn ilmd(lot: &str) -> Option<Vec<ExtElement>> {
    Some(vec![ExtElement {
        ns: CBVMDA_NS.into(),
        prefix: "cbvmda".into(),
        local: "lotNumber".into(),
        attrs: Vec::new(),
        value: ExtValue::Text(lot.into()),
    }])
}
pub(super) fn object(day: u32, action: Action, step: &str, place: &str) -> Event {
    let mut e = Event::new(EventType::ObjectEvent, at(day));
    e.action = Some(action);
    e.biz_step = Some(cbv("BizStep", step));
    e.biz_location = Some(Location {
        id: sgln(place),
        extensions: Vec::new(),
    });
    e
}
pub(super) fn aggregation(day: u32, action: Action, parent: &str, children: &[&str]) -> Event {
    let mut e = Event::new(EventType::AggregationEvent, at(day));
    e.action = Some(action);
    e.parent_id = Some(parent.into());
    e.child_epcs = children.iter().map(|c| (*c).to_owned()).collect();
    e
}
pub(super) fn ship(e: &mut Event, from: &str, to: &str) {
    e.source_list = vec![SourceDest {
        kind: cbv("SDT", "owning_party"),
        value: pgln(from),
    }];
    e.destination_list = vec![SourceDest {
        kind: cbv("SDT", "owning_party"),
        value: pgln(to),
    }];
}

pub(super) struct World {
    pub(super) farm_gtin: String,
    pub(super) proc_gtin: String,
    pub(super) farm_site: String,
    pub(super) proc_site: String,
    pub(super) store_site: String,
    pub(super) foreign: String,
    pub(super) elsewhere: String,
    pub(super) farm_id: i64,
    pub(super) proc_id: i64,
    pub(super) proc_user: Actor,
}

pub(super) fn admin() -> Actor {
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

pub(super) fn enterprise(
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
        now(),
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
    decide(conn, now(), &admin(), ent.id, Decision::Approve, None).unwrap();
    (ent.id, Actor::for_user(&user, AuthMethod::Session))
}

pub(super) fn site(conn: &mut DbConn, who: &Actor, id: i64, gln: &str, kind: SiteKind) {
    add_site(
        conn,
        now(),
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

pub(super) fn product(conn: &mut DbConn, who: &Actor, id: i64, gtin: &str, cat: Category) -> i64 {
    create_product(
        conn,
        now(),
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

pub(super) fn batch(
    conn: &mut DbConn,
    who: &Actor,
    id: i64,
    product: i64,
    lot: &str,
    inputs: Vec<i64>,
) -> i64 {
    create_batch(
        conn,
        now(),
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
pub(super) fn world(conn: &mut DbConn) -> World {
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
pub(super) fn events(w: &World) -> Vec<Event> {
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

pub(super) fn setup() -> (TestDb, World) {
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
        capture(conn, &prepare(events(&w), now()).unwrap(), &meta).unwrap();
        w
    };
    (test, w)
}
