//! `hub bench search` and `hub bench generate`.
//!
//! `hub bench search` makes a fresh database (a SQLite file in a temporary directory, or a new
//! database on the PostgreSQL server given), imports generated enterprises through the same
//! path as `hub import enterprises` (timed: the import rate), then times representative
//! searches (`registry::enterprises::search`, as an administrator and as an officer) and
//! prints each one's median and the overall median.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use registry::db::{Db, PoolOptions, ScratchDb, run_migrations};
use registry::departments::{Category, NewDepartment, create_department};
use registry::enterprises::{EnterpriseQuery, search};
use registry::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use registry::regions::{Country, set_country};
use registry::secret::SecretKey;
use registry::synthetic::Synthetic;

use crate::app::Core;
use crate::config::Config;
use crate::ops::import::import_enterprises;
use crate::ops::{Caller, Request};

/// `hub bench generate`: generated enterprises written as an import file.
pub(super) fn generate(
    enterprises: u64,
    country: &str,
    seed: u64,
    file: &Path,
) -> anyhow::Result<ExitCode> {
    let country = Country::parse(country).context("--country must be cn or vn")?;
    let out = std::io::BufWriter::new(
        std::fs::File::create(file).with_context(|| format!("cannot create {}", file.display()))?,
    );
    let written = reports::enterprise_csv::write(
        Synthetic::new(country, seed).take(enterprises as usize),
        out,
    )?;
    println!("wrote {written} enterprises to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// A migrated database that exists for one benchmark run.
pub(super) fn scratch(postgres: Option<&str>) -> anyhow::Result<(ScratchDb, Db)> {
    let scratch = ScratchDb::create("bench", postgres)?;
    let db = Db::open(
        scratch.url(),
        PoolOptions {
            max_size: 2,
            ..PoolOptions::default()
        },
    )?;
    run_migrations(&mut *db.conn()?)?;
    Ok((scratch, db))
}

/// An administrator and an officer of Henan's food department.
pub(super) fn actors(db: &Db) -> anyhow::Result<(Actor, Actor)> {
    let now = db.clock().now();
    let conn = &mut *db.conn()?;
    set_country(conn, Country::Cn)?;
    let dept = create_department(
        conn,
        now,
        &NewDepartment {
            code: "HA-FOOD".into(),
            name: "河南省市场监督管理局".into(),
            name_en: "Henan Market Regulation".into(),
            region_code: "410000".into(),
            categories: vec![Category::Food],
        },
    )?;
    let user = |name: &str, role, department_id| NewUser {
        username: name.into(),
        display_name: name.into(),
        email: None,
        password: None,
        role,
        department_id,
        enterprise_id: None,
        locale: None,
        category: None,
    };
    let admin = create_user(conn, now, &user("bench-admin", Role::Admin, None))?;
    let officer = create_user(
        conn,
        now,
        &user("bench-officer", Role::Officer, Some(dept.id)),
    )?;
    Ok((
        Actor::for_user(&admin, AuthMethod::Cli),
        Actor::for_user(&officer, AuthMethod::Cli),
    ))
}

pub(super) fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(super) fn search_bench(
    count: u64,
    postgres: Option<&str>,
    rounds: usize,
    seed: u64,
) -> anyhow::Result<ExitCode> {
    let (_scratch, db) = scratch(postgres)?;
    let db = &db;
    let (admin, officer) = actors(db)?;
    println!(
        "database: {} ({}); {count} enterprises, seed {seed}",
        db.backend().as_str(),
        db.url()
    );

    let dir = tempfile::tempdir()?;
    let file = dir.path().join("enterprises.csv");
    let started = Instant::now();
    let sample: Vec<_> = Synthetic::new(Country::Cn, seed)
        .skip(count as usize / 2)
        .take(1)
        .collect();
    reports::enterprise_csv::write(
        Synthetic::new(Country::Cn, seed).take(count as usize),
        std::io::BufWriter::new(std::fs::File::create(&file)?),
    )?;
    let generated = started.elapsed();
    let core = Core::new(db.clone(), Config::default(), &SecretKey::generate());
    let caller = Caller::new(admin.clone(), Request::new(&core, "bench"));
    let started = Instant::now();
    let input = std::io::BufReader::new(std::fs::File::open(&file)?);
    let report = import_enterprises(&core, &caller, input, false)
        .map_err(|e| anyhow::anyhow!("import failed: {e}"))?;
    let imported = started.elapsed();
    println!(
        "generated the file in {:.1} s; imported {} enterprises in {:.1} s: {:.0} enterprises/s",
        generated.as_secs_f64(),
        report.imported,
        imported.as_secs_f64(),
        report.imported as f64 / imported.as_secs_f64()
    );
    db.analyze()?;

    let code = sample
        .first()
        .map(|r| r.credit_code.clone())
        .unwrap_or_default();
    let q = |f: fn(&mut EnterpriseQuery)| {
        let mut query = EnterpriseQuery::default();
        f(&mut query);
        query
    };
    let by_code = EnterpriseQuery {
        credit_code: Some(code),
        ..EnterpriseQuery::default()
    };
    let cases: Vec<(&str, &Actor, EnterpriseQuery)> = vec![
        ("admin: first page", &admin, q(|_| {})),
        (
            "admin: name 食品 (Chinese substring)",
            &admin,
            q(|q| q.name = Some("食品".into())),
        ),
        (
            "admin: name \"HENGFENG food\" (any case)",
            &admin,
            q(|q| q.name = Some("HENGFENG food".into())),
        ),
        (
            "admin: name, no match",
            &admin,
            q(|q| q.name = Some("zz-no-such-name".into())),
        ),
        ("admin: credit code", &admin, by_code),
        (
            "admin: region 41 (province)",
            &admin,
            q(|q| q.region = Some("41".into())),
        ),
        (
            "admin: region 410100 (prefecture), sort name",
            &admin,
            q(|q| {
                q.region = Some("410100".into());
                q.sort = Some("name".into());
            }),
        ),
        (
            "admin: category drugs",
            &admin,
            q(|q| q.category = Some(Category::Drugs)),
        ),
        (
            "admin: status active, newest first",
            &admin,
            q(|q| {
                q.status = Some(registry::enterprises::Status::Active);
                q.sort = Some("-created_at".into());
            }),
        ),
        (
            "admin: licence expires before 2026-12-31",
            &admin,
            q(|q| q.licence_expires_before = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)),
        ),
        (
            "admin: sort by name, page 200",
            &admin,
            q(|q| {
                q.sort = Some("name".into());
                q.page = Some(200);
            }),
        ),
        ("officer (Henan, food): first page", &officer, q(|_| {})),
        (
            "officer: name 有限, sort name",
            &officer,
            q(|q| {
                q.name = Some("有限".into());
                q.sort = Some("name".into());
            }),
        ),
        (
            "officer: region 410102, licence expiring",
            &officer,
            q(|q| {
                q.region = Some("410102".into());
                q.licence_expires_before = chrono::NaiveDate::from_ymd_opt(2027, 6, 30);
            }),
        ),
    ];
    let mut conn = db.conn()?;
    let mut all = Vec::new();
    println!("\n| search | matches | median ms |\n|---|---:|---:|");
    for (label, actor, query) in &cases {
        let page = search(&mut conn, actor, query)?;
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            search(&mut conn, actor, query)?;
            times.push(started.elapsed());
        }
        all.extend_from_slice(&times);
        println!(
            "| {label} | {} | {:.2} |",
            page.total,
            ms(median(&mut times))
        );
    }
    let overall = median(&mut all);
    all.sort_unstable();
    let p95 = all[all.len() * 95 / 100];
    println!(
        "\noverall: median {:.2} ms, p95 {:.2} ms over {} searches ({} rounds each)",
        ms(overall),
        ms(p95),
        all.len(),
        rounds
    );
    Ok(ExitCode::SUCCESS)
}
