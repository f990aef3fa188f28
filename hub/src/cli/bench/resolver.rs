//! `hub bench resolver-data`: the data the resolver benchmark (`bench/resolver.sh`) scans: one
//! approved producer with a product, a factory and lots, and one anti-counterfeit stamp order
//! activated across the lots, written in multi-row inserts; the stamps' paths go to a file
//! for the load generator.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use registry::db::DbConn;
use registry::departments::{Category, NewDepartment, create_department};
use registry::enterprises::{Decision, NewEnterprise, decide, register};
use registry::filings::batches::{NewBatch, create_batch};
use registry::filings::products::{NewProduct, create_product};
use registry::filings::sites::{NewSite, SiteKind, add_site};
use registry::identity::{Actor, AuthMethod};
use registry::secret::random_token;
use registry::stamps::{ActivatedOrder, generate_serials, write_activated_order};

use crate::cli::serve::open_database;
use crate::config::Config;

const GTIN13: &str = "6901234000016";
const GTIN14: &str = "06901234000016";

/// Writes `n` activated stamps over `lots` lots into the configured (fresh) database and
/// their paths into `out`.
pub fn resolver_data(
    config: &Config,
    n: usize,
    lots: usize,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let db = open_database(config)?;
    let now = db.clock().now();
    let ring = config.stamps.key_ring(&config.secret_key()?)?;
    let started = Instant::now();
    let serials = generate_serials(n);
    db.transaction(|conn| -> anyhow::Result<()> {
        let (enterprise_id, product_id, batch_ids) = producer(conn, now, lots.max(1))?;
        let department = create_department(
            conn,
            now,
            &NewDepartment {
                code: "BENCH-410000".into(),
                name: "河南省市场监督管理局".into(),
                name_en: String::new(),
                region_code: "410000".into(),
                categories: vec![Category::Food],
            },
        )?;
        write_activated_order(
            conn,
            now,
            &ActivatedOrder {
                enterprise_id,
                product_id,
                department_id: department.id,
                company_prefix: "6901234",
                gtin: GTIN14,
                resolver_host: "trace.example.gov.cn",
                issued_by: "cli:bench",
                key_version: ring.current_version(),
                batches: &batch_ids,
            },
            &serials,
        )?;
        Ok(())
    })?;
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?,
    );
    for serial in &serials {
        writeln!(file, "/01/{GTIN14}/21/{serial}")?;
    }
    file.flush()?;
    println!(
        "{n} activated stamps over {lots} lots in {:.1} s; paths in {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn credit_code() -> String {
    use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
    let org = "69012340";
    let org = format!("{org}{}", organisation_code_check_char(org).unwrap_or('0'));
    let body = format!("91410102{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap_or('0'))
}

/// The producer, approved, with a factory, the product and `lots` batches.
fn producer(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    lots: usize,
) -> anyhow::Result<(i64, i64, Vec<i64>)> {
    let (ent, user) = register(
        conn,
        now,
        &NewEnterprise {
            credit_code: credit_code(),
            name: "郑州思念食品有限公司".into(),
            name_en: "Zhengzhou Synear Food Co., Ltd.".into(),
            legal_representative: "王五".into(),
            phone: "0371-65000000".into(),
            email: "bench@example.cn".into(),
            region_code: "410102".into(),
            address: "郑州市中原区".into(),
            latitude: None,
            longitude: None,
            company_prefix: Some("6901234".into()),
            categories: vec![Category::Food],
            username: "bench-producer".into(),
            password: random_token("bench-"),
        },
    )?;
    decide(
        conn,
        now,
        &Actor::cli_admin("bench"),
        ent.id,
        Decision::Approve,
        None,
    )?;
    let actor = Actor::for_user(&user, AuthMethod::Cli);
    let site = add_site(
        conn,
        now,
        &actor,
        ent.id,
        &NewSite {
            name: "一号工厂".into(),
            kind: SiteKind::Factory,
            gln: "6901234000108".into(),
            address: "郑州市中原区".into(),
            latitude: None,
            longitude: None,
        },
    )?;
    let product = create_product(
        conn,
        now,
        &actor,
        ent.id,
        &NewProduct {
            gtin: GTIN13.into(),
            name: "速冻水饺".into(),
            category: Category::Food,
            specification: "500 g".into(),
            shelf_life_days: Some(180),
            target_markets: vec!["CN".into(), "VN".into()],
        },
    )?;
    let mut batch_ids = Vec::with_capacity(lots);
    for i in 0..lots {
        let batch = create_batch(
            conn,
            now,
            &actor,
            ent.id,
            &NewBatch {
                product_id: product.id,
                lot: format!("L{:04}", i + 1),
                production_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
                expiry_date: None,
                quantity: 10_000.0,
                unit: "box".into(),
                site_id: Some(site.id),
                inputs: Vec::new(),
            },
        )?;
        batch_ids.push(batch.id);
    }
    Ok((ent.id, product.id, batch_ids))
}
