//! `hub bench recall-case --parties N`: on the configured database, a producer's lot received
//! by N registered enterprises (each with a user and a mail address, over six regions of two
//! provinces), captured through the real capture path; then the timed part: a recall case
//! opened through `ops::recalls::open` (the scope computed and frozen, every notice enqueued, one
//! transaction), and the notice jobs delivered as the worker does (each party's inbox row and
//! e-mail job written). It reports the time from opening to the last notice enqueued, and to the
//! last inbox row written.

use std::process::ExitCode;
use std::time::Instant;

use diesel::prelude::*;
use registry::departments::{Category, NewDepartment, create_department};
use registry::identity::{Actor, AuthMethod, Locale, NewUser, Role, create_user};
use registry::notices::{self, NOTICE_JOB, Notice};
use registry::outbox;
use registry::recalls::{HazardClass, NewCase};
use registry::schema::{
    enterprise_categories, enterprises, notices as inbox, products, sites, users,
};
use serde_json::json;

use crate::cli::serve::core;
use crate::config::Config;
use crate::ops::{self, Caller, Request};
use crate::synth::world::with_check;

const REGIONS: [&str; 6] = ["410102", "410302", "410502", "440305", "440106", "410105"];

pub(super) fn recall_case_bench(config: &Config, parties: usize) -> anyhow::Result<ExitCode> {
    anyhow::ensure!((1..=99_999).contains(&parties), "--parties: 1 to 99,999");
    let core = core(config)?;
    let db = core.db.clone();
    let now = core.now();
    let tag: u32 = rand::random_range(10_000..100_000);
    let prefix = format!("69{tag}");
    let gtin = with_check(&format!("0{prefix}00001"));
    let lot = format!("R{tag}");
    let setup = Instant::now();
    let (officer, admin, producer_gln, glns) = db.transaction(|conn| {
        let dept = create_department(
            conn,
            now,
            &NewDepartment {
                code: format!("bench-recall-{tag}"),
                name: format!("bench recall {tag}"),
                name_en: String::new(),
                region_code: "410000".into(),
                categories: vec![Category::Food],
            },
        )?;
        let mut user = |name: String, role: Role, department_id: Option<i64>| {
            create_user(
                conn,
                now,
                &NewUser {
                    username: name,
                    display_name: "bench".into(),
                    email: None,
                    password: None,
                    role,
                    department_id,
                    enterprise_id: None,
                    locale: None,
                    category: None,
                },
            )
        };
        let officer = user(
            format!("bench-recall-officer-{tag}"),
            Role::Officer,
            Some(dept.id),
        )?;
        let admin = user(format!("bench-recall-admin-{tag}"), Role::Admin, None)?;
        let mut glns = Vec::with_capacity(parties);
        let mut producer = (0, String::new());
        for i in 0..=parties {
            let region = if i == 0 {
                "410102"
            } else {
                REGIONS[i % REGIONS.len()]
            };
            let id: i64 = diesel::insert_into(enterprises::table)
                .values((
                    enterprises::credit_code.eq(format!("BENCH{tag}{i:06}")),
                    enterprises::name.eq(format!("基准企业 {tag}-{i}")),
                    enterprises::name_en.eq(format!("Bench {tag}-{i}")),
                    enterprises::legal_representative.eq("基准"),
                    enterprises::phone.eq("0371-12345678"),
                    enterprises::email.eq(format!("p{i}-{tag}@example.cn")),
                    enterprises::region_code.eq(region),
                    enterprises::address.eq("郑州市"),
                    enterprises::company_prefix.eq((i == 0).then(|| prefix.clone())),
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
                    enterprise_categories::category.eq("food"),
                ))
                .execute(conn)?;
            diesel::insert_into(users::table)
                .values((
                    users::username.eq(format!("bench-p{i}-{tag}")),
                    users::display_name.eq("bench"),
                    users::email.eq(format!("p{i}-{tag}@example.cn")),
                    users::role.eq("enterprise"),
                    users::enterprise_id.eq(id),
                    users::active.eq(true),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                    users::locale.eq(Locale::ALL[i % 3].tag()),
                ))
                .execute(conn)?;
            let gln = with_check(&format!("{prefix}{i:05}"));
            diesel::insert_into(sites::table)
                .values((
                    sites::enterprise_id.eq(id),
                    sites::name.eq(format!("site {i}")),
                    sites::kind.eq(if i == 0 { "factory" } else { "store" }),
                    sites::gln.eq(&gln),
                    sites::address.eq("河南"),
                    sites::created_at.eq(now),
                ))
                .execute(conn)?;
            if i == 0 {
                diesel::insert_into(products::table)
                    .values((
                        products::enterprise_id.eq(id),
                        products::company_prefix.eq(&prefix),
                        products::gtin.eq(&gtin),
                        products::category.eq("food"),
                        products::name.eq("基准婴幼儿配方奶粉"),
                        products::specification.eq(""),
                        products::target_markets.eq(""),
                        products::created_at.eq(now),
                    ))
                    .execute(conn)?;
                producer = (id, gln);
            } else {
                glns.push(gln);
            }
        }
        Ok::<_, registry::RegistryError>((
            Actor::for_user(&officer, AuthMethod::Cli),
            Actor::for_user(&admin, AuthMethod::Cli),
            producer.1,
            glns,
        ))
    })?;
    // The lot's events: commissioned at the producer, received at every party's store.
    let class = format!("https://id.gs1.org/01/{gtin}/10/{lot}");
    let sgln = |gln: &str| format!("https://id.gs1.org/414/{gln}");
    let mut events = vec![
        json!({"type": "ObjectEvent", "eventTime": "2026-01-01T08:00:00+08:00",
        "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
        "bizLocation": {"id": sgln(&producer_gln)},
        "quantityList": [{"epcClass": class, "quantity": 10.0 * parties as f64, "uom": "KGM"}]}),
    ];
    for gln in &glns {
        events.push(
            json!({"type": "ObjectEvent", "eventTime": "2026-01-02T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "receiving",
            "bizLocation": {"id": sgln(gln)},
            "quantityList": [{"epcClass": class, "quantity": 10, "uom": "KGM"}]}),
        );
    }
    let doc = json!({"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": events}});
    let parsed = adapters::epcis::json::parse_json(doc.to_string().as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let as_admin = Caller::new(admin, Request::cli(&core));
    ops::epcis::capture(&core, &as_admin, "json", parsed.events)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "setup: {parties} parties, {} events, {:.1} s",
        parties + 1,
        setup.elapsed().as_secs_f64()
    );

    // Timed: open, then deliver every notice job as the worker does.
    let before: i64 = inbox::table.count().get_result(&mut *db.conn()?)?;
    let start = Instant::now();
    let (case, scope) = ops::recalls::open(
        &core,
        &Caller::new(officer, Request::cli(&core)),
        &NewCase {
            lots: vec![class],
            hazard_class: HazardClass::I,
            reason: "bench".into(),
            consumer_tip: "stop using it".into(),
            return_to: "the shop".into(),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let enqueued = start.elapsed();
    let default_locale = core.config.notices.default_locale;
    let mut jobs = 0;
    while let Some(job) = outbox::claim(&db, &[NOTICE_JOB], chrono::Duration::minutes(10))? {
        let notice: Notice = serde_json::from_str(&job.payload)?;
        db.transaction(|conn| {
            notices::deliver(
                conn,
                core.now(),
                &notice,
                default_locale,
                true,
                &reports::notices::render,
            )
        })?;
        outbox::complete(&db, job.id)?;
        jobs += 1;
    }
    let delivered = start.elapsed();
    let after: i64 = inbox::table.count().get_result(&mut *db.conn()?)?;
    println!(
        "case {}: {} parties, {} places, {} notices enqueued in {:.3} s; {jobs} notice jobs delivered, {} inbox rows written, {:.3} s from opening",
        case.id,
        scope.new_parties,
        scope.new_places,
        scope.notices,
        enqueued.as_secs_f64(),
        after - before,
        delivered.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
