//! `hub bench stamps`: issue one order of `--count` stamps through the real path (the issuing
//! rules, CSPRNG serials, `COPY` on PostgreSQL or multi-row `INSERT` on SQLite, the audit row,
//! one transaction) on the configured database, then draw the PDF sheet of the first
//! `--pdf` stamps of it. It creates its own department, officer, enterprise and product.

use std::process::ExitCode;
use std::time::Instant;

use registry::departments::{Category, NewDepartment, create_department};
use registry::enterprises::{Decision, NewEnterprise, decide, register};
use registry::filings::products::{NewProduct, create_product};
use registry::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
use registry::stamps::{NewStampOrder, StampKind};
use reports::stamps::SheetLayout;

use crate::cli::serve::core;
use crate::cli::stamps::stamp_bar;
use crate::config::Config;
use crate::ops::{self, Caller, Request};

/// A GTIN-14 under `prefix` with item `item`, check digit computed.
fn gtin(prefix: &str, item: u32) -> String {
    let body = format!("0{prefix}{item:05}");
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

pub(super) fn stamps_bench(
    config: &Config,
    count: i64,
    kind: &str,
    pdf: u64,
) -> anyhow::Result<ExitCode> {
    let kind =
        StampKind::parse(kind).ok_or_else(|| anyhow::anyhow!("--kind: qr or anti_counterfeit"))?;
    let core = core(config)?;
    let db = core.db.clone();
    let now = core.now();
    let ring = core.stamp_key_ring()?;
    let tag = &registry::secret::random_token("")[..8].to_ascii_lowercase();
    let number: u32 = rand::random_range(0..10_000_000);

    // The cast: a food department of Henan, its officer, an active enterprise, a product.
    let (officer, enterprise_id, product_id) = db.transaction(|conn| {
        let dept = create_department(
            conn,
            now,
            &NewDepartment {
                code: format!("bench-{tag}"),
                name: format!("bench stamps {tag}"),
                name_en: String::new(),
                region_code: "410000".into(),
                categories: vec![Category::Food],
            },
        )?;
        let user = create_user(
            conn,
            now,
            &NewUser {
                username: format!("bench-officer-{tag}"),
                display_name: "bench".into(),
                email: None,
                password: None,
                role: Role::Officer,
                department_id: Some(dept.id),
                enterprise_id: None,
                locale: None,
                category: None,
            },
        )?;
        let officer = Actor::for_user(&user, AuthMethod::Cli);
        let org = format!("{number:08}");
        let org = format!("{org}{}", organisation_code_check_char(&org).unwrap_or('0'));
        let body = format!("91410102{org}");
        let credit_code = format!("{body}{}", uscc_check_char(&body).unwrap_or('0'));
        let prefix = format!("69{:05}", number % 100_000);
        let (ent, ent_user) = register(
            conn,
            now,
            &NewEnterprise {
                credit_code,
                name: format!("基准食品 {tag}"),
                name_en: format!("Bench Food {tag}"),
                legal_representative: "基准".into(),
                phone: "0371-12345678".into(),
                email: format!("bench-{tag}@example.cn"),
                region_code: "410102".into(),
                address: "郑州市".into(),
                latitude: None,
                longitude: None,
                company_prefix: Some(prefix.clone()),
                categories: vec![Category::Food],
                username: format!("bench-ent-{tag}"),
                password: "a long enough bench password".into(),
            },
        )?;
        decide(conn, now, &officer, ent.id, Decision::Approve, None)?;
        let ent_actor = Actor::for_user(&ent_user, AuthMethod::Cli);
        let product = create_product(
            conn,
            now,
            &ent_actor,
            ent.id,
            &NewProduct {
                gtin: gtin(&prefix, 1),
                name: "基准牛奶".into(),
                category: Category::Food,
                specification: String::new(),
                shelf_life_days: None,
                target_markets: vec![],
            },
        )?;
        Ok::<_, registry::RegistryError>((officer, ent.id, product.id))
    })?;

    let new = NewStampOrder {
        enterprise_id,
        product_id,
        quantity: count,
        kind,
    };
    let bar = stamp_bar(u64::try_from(count).unwrap_or(0), "issuing")?;
    let started = Instant::now();
    let caller = Caller::new(officer, Request::new(&core, "bench"));
    let order = ops::stamps::issue(&core, &caller, &new, &mut |n| bar.set_position(n))?;
    let issued = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    println!(
        "issue: {} {} stamps on {} in {issued:.2} s ({:.0} stamps/s), order {}",
        order.quantity,
        order.kind,
        db.backend().as_str(),
        order.quantity as f64 / issued.max(1e-9),
        order.id
    );

    if pdf > 0 {
        let mut part = order.clone();
        part.quantity = i64::try_from(pdf).unwrap_or(i64::MAX).min(order.quantity);
        let started = Instant::now();
        let mut bytes = CountingSink(0);
        crate::sheets::write_order_sheet(
            &db,
            &part,
            Some(&*ring),
            &SheetLayout::default(),
            &mut bytes,
            &mut |_| {},
        )?;
        let drawn = started.elapsed().as_secs_f64();
        println!(
            "pdf: {} labels ({}) in {drawn:.2} s ({:.0} labels/s), {:.1} MB",
            part.quantity,
            if kind == StampKind::AntiCounterfeit {
                "with hidden codes"
            } else {
                "QR only"
            },
            part.quantity as f64 / drawn.max(1e-9),
            bytes.0 as f64 / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A writer that only counts bytes (the PDF is timed, not kept).
struct CountingSink(u64);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
