//! Fixtures shared by the stamp tests: enterprises, products, batches, key rings (officers come
//! from [`crate::testing::officer`]).

use chrono::NaiveDate;

use super::{HiddenCodeKey, HiddenCodeKeyRing};
use crate::db::DbConn;
use crate::departments::Category;
use crate::enterprises::{Decision, NewEnterprise, decide, register};
use crate::filings::batches::{NewBatch, create_batch};
use crate::filings::products::{NewProduct, create_product};
use crate::identity::{Actor, AuthMethod};
use crate::ids::uscc::{organisation_code_check_char, uscc_check_char};
use crate::testing::now;

pub const HOST: &str = "trace.example.gov.cn";

/// A valid credit code in 410102 numbered `n`.
fn credit_code(n: u32) -> String {
    let org = format!("{n:08}");
    let org = format!("{org}{}", organisation_code_check_char(&org).unwrap());
    let body = format!("91410102{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap())
}

/// A pending food enterprise in 410102 numbered `n` (company prefix `690123n`), and its user.
pub fn pending_enterprise(conn: &mut DbConn, n: u32) -> (i64, Actor) {
    let (ent, user) = register(
        conn,
        now(),
        &NewEnterprise {
            credit_code: credit_code(n),
            name: format!("郑州食品{n}"),
            name_en: format!("Zhengzhou Food {n}"),
            legal_representative: "李四".into(),
            phone: "0371-12345678".into(),
            email: format!("a{n}@example.cn"),
            region_code: "410102".into(),
            address: "郑州市".into(),
            latitude: None,
            longitude: None,
            company_prefix: Some(format!("690123{n}")),
            categories: vec![Category::Food],
            username: format!("ent-{n}"),
            password: "a long enough password".into(),
        },
    )
    .unwrap();
    (ent.id, Actor::for_user(&user, AuthMethod::Session))
}

/// An active enterprise numbered `n` (1 to 9), approved by `approver`.
pub fn active_enterprise(conn: &mut DbConn, approver: &Actor, n: u32) -> (i64, Actor) {
    let (ent, user) = pending_enterprise(conn, n);
    decide(conn, now(), approver, ent, Decision::Approve, None).unwrap();
    (ent, user)
}

/// A product of the enterprise numbered `n`, with item reference `item` (0 to 99999).
pub fn product(conn: &mut DbConn, user: &Actor, ent: i64, n: u32, item: u32) -> i64 {
    let body = format!("0690123{n}{item:05}");
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    let gtin = format!("{body}{}", (10 - sum % 10) % 10);
    create_product(
        conn,
        now(),
        user,
        ent,
        &NewProduct {
            gtin,
            name: format!("牛奶 {item}"),
            category: Category::Food,
            specification: String::new(),
            shelf_life_days: Some(30),
            target_markets: vec!["CN".into()],
        },
    )
    .unwrap()
    .id
}

/// A batch `lot` of a product.
pub fn batch(conn: &mut DbConn, user: &Actor, ent: i64, product_id: i64, lot: &str) -> i64 {
    create_batch(
        conn,
        now(),
        user,
        ent,
        &NewBatch {
            product_id,
            lot: lot.into(),
            production_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            expiry_date: None,
            quantity: 10.0,
            unit: "box".into(),
            site_id: None,
            inputs: vec![],
        },
    )
    .unwrap()
    .id
}

pub const KEY1: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
pub const KEY2: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

/// A ring of version 1 only.
pub fn ring_v1() -> HiddenCodeKeyRing {
    HiddenCodeKeyRing::new(1, [(1, HiddenCodeKey::from_hex(KEY1).unwrap())]).unwrap()
}

/// The ring after rotation: versions 1 and 2, issuing under 2.
pub fn ring_v2() -> HiddenCodeKeyRing {
    HiddenCodeKeyRing::new(
        2,
        [
            (1, HiddenCodeKey::from_hex(KEY1).unwrap()),
            (2, HiddenCodeKey::from_hex(KEY2).unwrap()),
        ],
    )
    .unwrap()
}
