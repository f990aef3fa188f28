//! `hub bench spotcheck`: a spot-check plan over a large pool in a scratch database. Generated
//! active food enterprises in Henan (tiers A 20 %, B 50 %, C 20 %, D 10 %), inspectors of the
//! food department with one declared conflict each, one check item; then timed: locking the
//! plan (the inputs gathered and frozen, the draw, the tasks and their inspectors written, the
//! notices enqueued: one transaction), reading the published draw back, and recomputing it.
//!
//! `hub bench credit`: the same generated enterprises, a tenth of them with a licence, a
//! product and a batch, some with alerts; then every credit tier computed from the data (one
//! transaction), timed.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::db::Db;
use registry::departments::Category;
use registry::spotchecks::{self, NewCheckItem, NewPlan, Ratios};

use super::search::{actors, median, ms, scratch};

const COUNTIES: [&str; 5] = ["410102", "410103", "410104", "410105", "410122"];

fn insert_rows(conn: &mut registry::db::DbConn, into: &str, rows: &[String]) -> anyhow::Result<()> {
    for chunk in rows.chunks(1_000) {
        diesel::sql_query(format!("INSERT INTO {into} VALUES {}", chunk.join(",")))
            .execute(conn)?;
    }
    Ok(())
}

/// Generated enterprises and inspectors (ids from the database), with one conflict each.
fn populate(db: &Db, department: i64, enterprises: u64, inspectors: u64) -> anyhow::Result<()> {
    let now = db.clock().now().format("%Y-%m-%d %H:%M:%S").to_string();
    let conn = &mut *db.conn()?;
    let tier = |n: u64| match n % 10 {
        0 | 1 => "A",
        2..=6 => "B",
        7 | 8 => "C",
        _ => "D",
    };
    let rows: Vec<String> = (0..enterprises)
        .map(|n| {
            format!(
                "('BENCH{n:013}','基准企业{n}','Bench {n}','张三','0371-12345678','e{n}@example.cn','{}','郑州市','active','{}','{now}','{now}')",
                COUNTIES[(n % 5) as usize],
                tier(n)
            )
        })
        .collect();
    insert_rows(
        conn,
        "enterprises (credit_code, name, name_en, legal_representative, phone, email, region_code, address, status, credit_tier, created_at, updated_at)",
        &rows,
    )?;
    diesel::sql_query("INSERT INTO enterprise_categories (enterprise_id, category) SELECT id, 'food' FROM enterprises").execute(conn)?;
    let users: Vec<String> = (0..inspectors)
        .map(|n| {
            format!("('inspector-{n}','检查员{n}','inspector',{department},TRUE,'{now}','{now}')")
        })
        .collect();
    insert_rows(
        conn,
        "users (username, display_name, role, department_id, active, created_at, updated_at)",
        &users,
    )?;
    diesel::sql_query(format!(
        "INSERT INTO inspectors (user_id, department_id, region_code, active, enrolled_by, enrolled_at) \
         SELECT id, {department}, '410102', TRUE, 'bench', '{now}' FROM users WHERE role = 'inspector'"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO inspector_conflicts (inspector_id, enterprise_id, kind, note, recorded_by, recorded_at) \
         SELECT user_id, (SELECT MIN(id) FROM enterprises) + (user_id * 7919) % {enterprises}, 'declared', '亲属', 'bench', '{now}' FROM inspectors"
    ))
    .execute(conn)?;
    Ok(())
}

pub(super) fn spotcheck_bench(
    enterprises: u64,
    inspectors: u64,
    postgres: Option<&str>,
    rounds: usize,
) -> anyhow::Result<ExitCode> {
    let (_scratch, db) = scratch(postgres)?;
    let (_, officer) = actors(&db)?;
    let department = officer.department_id.unwrap_or_default();
    println!(
        "database: {}; {enterprises} enterprises, {inspectors} inspectors",
        db.backend().as_str()
    );
    let started = Instant::now();
    populate(&db, department, enterprises, inspectors)?;
    db.analyze()?;
    println!("generated in {:.1} s", started.elapsed().as_secs_f64());

    let now = db.clock().now();
    let plan = db.transaction::<_, anyhow::Error, _>(|conn| {
        spotchecks::add_item(
            conn,
            now,
            &officer,
            &NewCheckItem {
                category: Category::Food,
                code: "FOOD-LABEL-01".into(),
                title: "预包装食品标签".into(),
                method: "现场检查".into(),
            },
        )?;
        Ok(spotchecks::create_plan(
            conn,
            now,
            &officer,
            &NewPlan {
                title: "基准抽查计划".into(),
                categories: vec![Category::Food],
                regions: vec!["410100".into()],
                items: vec!["FOOD-LABEL-01".into()],
                ratios: Some(Ratios::default()),
                inspectors_per_task: None,
                window_start: now.date(),
                window_end: now.date() + chrono::Duration::days(30),
                publish_within_days: None,
            },
        )?)
    })?;
    let seed: spotchecks::Seed = rand::random();
    let started = Instant::now();
    let (_, tasks) = db.transaction::<_, anyhow::Error, _>(|conn| {
        Ok(spotchecks::lock_plan(conn, now, &officer, plan.id, &seed)?)
    })?;
    let locked = started.elapsed();
    println!(
        "lock (gather, freeze, draw, write {} tasks, notices): {:.0} ms",
        tasks.len(),
        ms(locked)
    );

    let mut reads = Vec::new();
    let mut draws = Vec::new();
    let mut verified = true;
    for _ in 0..rounds {
        let started = Instant::now();
        let record = spotchecks::draw_record(&mut *db.conn()?, plan.id)?;
        reads.push(started.elapsed());
        let started = Instant::now();
        verified &= spotchecks::recompute(&record).verified;
        draws.push(started.elapsed());
    }
    let (read, draw): (Duration, Duration) = (median(&mut reads), median(&mut draws));
    println!(
        "published draw read back: {:.0} ms median; recomputed and compared: {:.0} ms median; verified: {verified}",
        ms(read),
        ms(draw)
    );
    Ok(if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Licences, products, batches and alerts for a tenth of the enterprises, so that each rule of
/// the credit assessment has facts to read.
fn populate_facts(db: &Db) -> anyhow::Result<()> {
    let now = db.clock().now();
    let at = now.format("%Y-%m-%d %H:%M:%S").to_string();
    let today = now.date();
    let conn = &mut *db.conn()?;
    // Every other licence has expired (a plain literal: each database reads it as a date).
    for (parity, valid_to) in [
        (0, "2025-01-01".to_owned()),
        (10, (today + chrono::Duration::days(200)).to_string()),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO licences (enterprise_id, licence_type, number, valid_from, valid_to, authority, created_at) \
             SELECT id, 'food_production', 'SC' || id, '2024-01-01', '{valid_to}', '郑州市市场监督管理局', '{at}' \
             FROM enterprises WHERE id % 20 = {parity}"
        ))
        .execute(conn)?;
    }
    diesel::sql_query(format!(
        "INSERT INTO products (enterprise_id, company_prefix, gtin, category, name, specification, target_markets, created_at) \
         SELECT id, '', 'B' || id, 'food', '基准产品', '500g', 'CN', '{at}' FROM enterprises WHERE id % 10 = 0"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO batches (enterprise_id, company_prefix, product_id, lot, production_date, quantity, unit, created_at) \
         SELECT enterprise_id, '', id, 'L1', '{today}', 100, 'EA', '{at}' FROM products"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO alerts (kind, severity, enterprise_id, region_code, category, company_prefix, subject, detail, status, raised_at) \
         SELECT 'stamp.scan_limit', CASE WHEN id % 3 = 0 THEN 'critical' ELSE 'warning' END, id, region_code, 'food', '', 'bench', 'bench', 'open', '{at}' \
         FROM enterprises WHERE id % 20 = 0"
    ))
    .execute(conn)?;
    Ok(())
}

pub(super) fn credit_bench(
    enterprises: u64,
    postgres: Option<&str>,
    rounds: usize,
) -> anyhow::Result<ExitCode> {
    let (_scratch, db) = scratch(postgres)?;
    let (_, officer) = actors(&db)?;
    println!(
        "database: {}; {enterprises} enterprises",
        db.backend().as_str()
    );
    populate(
        &db,
        officer.department_id.unwrap_or_default(),
        enterprises,
        0,
    )?;
    populate_facts(&db)?;
    db.analyze()?;
    let mut times = Vec::new();
    let mut first_changed = None;
    let mut last = None;
    for _ in 0..rounds {
        let now = db.clock().now();
        let started = Instant::now();
        let done = db.transaction::<_, anyhow::Error, _>(|conn| {
            Ok(registry::enterprises::credit::recompute(conn, now, None)?)
        })?;
        times.push(started.elapsed());
        first_changed.get_or_insert(done.changed);
        last = Some(done);
    }
    let done = last.unwrap_or_default();
    println!(
        "credit tiers of {} enterprises computed and stored: {:.0} ms median of {rounds} ({} changed at the first; A {}, B {}, C {}, D {})",
        done.assessed,
        ms(median(&mut times)),
        first_changed.unwrap_or_default(),
        done.tiers[0],
        done.tiers[1],
        done.tiers[2],
        done.tiers[3]
    );
    Ok(ExitCode::SUCCESS)
}
