//! `hub bench intake --records N`: the drugs adapter's intake at size, on the configured
//! database. One manufacturer (a site, a product filed under `drugs`) and a regulator system
//! bound to `drugs` are set up; a CSV of one product record and N records is generated on disk
//! (nine in ten commission a 20-digit code, one in ten dispenses a code commissioned earlier);
//! then the timed part: the file delivered through `ops::intake::deliver` as `hub import` does
//! (read twice, streamed, one transaction, events captured by 5,000). It reports records per
//! second and the process's peak resident memory (`VmHWM`), which stays bounded by the chunk,
//! not the file.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use diesel::prelude::*;
use registry::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use registry::schema::{enterprise_categories, enterprises, products, sites};

use crate::cli::serve::core;
use crate::config::Config;
use crate::ops::intake::{File, Source, deliver};
use crate::ops::{Caller, Request};
use crate::synth::world::with_check;

/// A line of `/proc/self/status` in megabytes (`VmHWM`, `VmRSS`); 0 where there is none.
fn memory_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub(super) fn intake_bench(config: &Config, records: u64) -> anyhow::Result<ExitCode> {
    anyhow::ensure!((1..=100_000_000).contains(&records), "--records: 1 to 10^8");
    let core = core(config)?;
    let now = core.now();
    let tag: u32 = rand::random_range(10_000..100_000);
    let prefix = format!("69{tag}");
    let gtin = with_check(&format!("0{prefix}00001"));
    let gln = with_check(&format!("{prefix}00001"));
    let drug_id = format!("86{tag}");
    let system = core.db.transaction(|conn| {
        let id: i64 = diesel::insert_into(enterprises::table)
            .values((
                enterprises::credit_code.eq(format!("BENCH{tag}000000")),
                enterprises::name.eq(format!("基准制药 {tag}")),
                enterprises::name_en.eq(format!("Bench pharma {tag}")),
                enterprises::legal_representative.eq("基准"),
                enterprises::phone.eq("0371-12345678"),
                enterprises::email.eq(format!("pharma-{tag}@example.cn")),
                enterprises::region_code.eq("410102"),
                enterprises::address.eq("郑州市"),
                enterprises::company_prefix.eq(&prefix),
                enterprises::status.eq("active"),
                enterprises::credit_tier.eq("B"),
                enterprises::created_at.eq(now),
                enterprises::updated_at.eq(now),
            ))
            .returning(enterprises::id)
            .get_result(conn)?;
        diesel::insert_into(enterprise_categories::table)
            .values((
                enterprise_categories::enterprise_id.eq(id),
                enterprise_categories::category.eq("drugs"),
            ))
            .execute(conn)?;
        diesel::insert_into(sites::table)
            .values((
                sites::enterprise_id.eq(id),
                sites::name.eq("基准制药厂"),
                sites::kind.eq("factory"),
                sites::gln.eq(&gln),
                sites::address.eq("河南"),
                sites::created_at.eq(now),
            ))
            .execute(conn)?;
        diesel::insert_into(products::table)
            .values((
                products::enterprise_id.eq(id),
                products::company_prefix.eq(&prefix),
                products::gtin.eq(&gtin),
                products::category.eq("drugs"),
                products::name.eq("基准胶囊"),
                products::specification.eq(""),
                products::target_markets.eq(""),
                products::created_at.eq(now),
            ))
            .execute(conn)?;
        create_user(
            conn,
            now,
            &NewUser {
                username: format!("bench-drug-system-{tag}"),
                display_name: "bench".into(),
                email: None,
                password: None,
                role: Role::System,
                department_id: None,
                enterprise_id: None,
                locale: None,
                category: Some(registry::departments::Category::Drugs),
            },
        )
    })?;

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("drugs.csv");
    let generated = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(
            out,
            "record,event_time,site_gln,code,batch,expiry,drug_id,gtin,name,approval_number"
        )?;
        writeln!(
            out,
            "product,,,,,,{drug_id},{gtin},基准胶囊,国药准字H41099999"
        )?;
        let code = |i: u64| format!("{drug_id}{i:09}0000");
        for i in 0..records {
            if i % 10 == 9 {
                writeln!(
                    out,
                    "dispense,2026-11-20 10:00:00,{gln},{},,,,,,",
                    code(i - 5)
                )?;
            } else {
                writeln!(
                    out,
                    "commission,2026-11-02 08:00:00,{gln},{},B2611,2028-10-31,,,,",
                    code(i)
                )?;
            }
        }
        out.flush()?;
    }
    let size = path.metadata()?.len();
    eprintln!(
        "generated {} records ({:.1} MB) in {:.1} s; resident before delivery {:.0} MB",
        records + 1,
        size as f64 / 1e6,
        generated.elapsed().as_secs_f64(),
        memory_mb("VmRSS:"),
    );

    let caller = Caller::new(
        Actor::for_user(&system, AuthMethod::Cli),
        Request::cli(&core),
    );
    let started = Instant::now();
    let delivered = deliver(
        &core,
        &caller,
        &adapters::regulators::drugs::ADAPTER,
        File {
            name: "drugs.csv",
            source: Source::Path(&path),
            skip_bad: false,
        },
    )
    .map_err(|e| match e {
        crate::ops::intake::IntakeFailure::Api(e) => anyhow::anyhow!("{}", e.message()),
        other => anyhow::anyhow!("{other:?}"),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let counts = delivered.delivery.counts;
    println!(
        "backend {:?}: {} records delivered in {seconds:.1} s ({:.0} records/s), {} written, \
         {} alerts; peak resident memory {:.0} MB",
        core.db.backend(),
        counts.records,
        counts.records as f64 / seconds.max(1e-9),
        counts.written,
        counts.alerts,
        memory_mb("VmHWM:"),
    );
    Ok(ExitCode::SUCCESS)
}
