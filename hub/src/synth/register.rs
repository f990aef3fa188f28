//! Registering the synthetic world: each registered enterprise self-registers, is approved, adds
//! its sites and files its products through the registry's own functions; its lots are filed as
//! batches (with the input lots they were made from) in bulk.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use registry::db::DbConn;
use registry::enterprises::{Decision, NewEnterprise, decide, register};
use registry::filings::batches::{
    GeneratedBatch, GeneratedInput, insert_generated_batches, insert_generated_inputs,
};
use registry::filings::products::{NewProduct, create_product};
use registry::filings::sites::{NewSite, add_site};
use registry::identity::{Actor, AuthMethod};
use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
use registry::secret::random_token;

use super::world::World;

/// A lot its producer files as a batch.
#[derive(Debug, Clone)]
pub struct LotFiling {
    /// The producer (world index).
    pub producer: usize,
    /// `https://id.gs1.org/01/{gtin}/10/{lot}`.
    pub class: String,
    pub produced: NaiveDate,
    pub quantity: f64,
    pub unit: String,
    /// The lots it was made from.
    pub inputs: Vec<String>,
}

/// The registered part of a world: enterprise ids and users, product ids, filed batches.
#[derive(Debug, Default)]
pub struct Registered {
    enterprises: HashMap<usize, i64>,
    products: HashMap<String, i64>,
    batches: HashMap<String, i64>,
}

impl Registered {
    /// How many enterprises were registered.
    pub fn enterprises(&self) -> usize {
        self.enterprises.len()
    }
}

/// A valid Unified Social Credit Code of `region`, distinct for each `n` below 10^7.
pub fn credit_code(region: &str, n: usize) -> String {
    let org = format!("{:08}", 70_000_000 + n);
    let org = format!("{org}{}", organisation_code_check_char(&org).unwrap_or('0'));
    let body = format!("91{region}{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap_or('0'))
}

/// Registers the world's registered enterprises with their sites and products, approved.
pub fn register_world(
    conn: &mut DbConn,
    now: NaiveDateTime,
    world: &World,
) -> registry::Result<Registered> {
    let mut out = Registered::default();
    for e in world.enterprises.iter().filter(|e| e.registered) {
        let enterprise = NewEnterprise {
            credit_code: credit_code(e.region, e.index),
            name: e.name.clone(),
            name_en: e.name_en.clone(),
            legal_representative: "王五".into(),
            phone: "0371-65000000".into(),
            email: format!("gen{}@example.cn", e.index),
            region_code: e.region.into(),
            address: format!("{} {}", e.region, e.name),
            latitude: None,
            longitude: None,
            company_prefix: Some(e.company_prefix.clone()),
            categories: vec![e.category],
            username: format!("gen-{}-{}", e.index, &e.company_prefix),
            password: random_token("gen-"),
        };
        let sites: Vec<NewSite> = e
            .sites
            .iter()
            .map(|s| NewSite {
                name: s.name.clone(),
                kind: s.kind,
                gln: s.gln.clone(),
                address: e.region.into(),
                latitude: None,
                longitude: None,
            })
            .collect();
        let products: Vec<NewProduct> = e
            .products
            .iter()
            .map(|p| NewProduct {
                gtin: p.gtin.clone(),
                name: p.name.clone(),
                category: p.category,
                specification: String::new(),
                shelf_life_days: Some(365),
                target_markets: vec!["CN".into(), "VN".into()],
            })
            .collect();
        let (id, product_ids) = register_enterprise(conn, now, &enterprise, &sites, &products)?;
        for (p, product_id) in e.products.iter().zip(product_ids) {
            out.products.insert(p.gtin.clone(), product_id);
        }
        out.enterprises.insert(e.index, id);
    }
    Ok(out)
}

/// Registers one enterprise as it would register itself, approves it, adds its sites and files
/// its products; returns its id and its products' ids, in order.
pub fn register_enterprise(
    conn: &mut DbConn,
    now: NaiveDateTime,
    enterprise: &NewEnterprise,
    sites: &[NewSite],
    products: &[NewProduct],
) -> registry::Result<(i64, Vec<i64>)> {
    let (ent, user) = register(conn, now, enterprise)?;
    decide(
        conn,
        now,
        &Actor::cli_admin("gen"),
        ent.id,
        Decision::Approve,
        None,
    )?;
    let actor = Actor::for_user(&user, AuthMethod::Cli);
    for site in sites {
        add_site(conn, now, &actor, ent.id, site)?;
    }
    let mut ids = Vec::with_capacity(products.len());
    for product in products {
        ids.push(create_product(conn, now, &actor, ent.id, product)?.id);
    }
    Ok((ent.id, ids))
}

/// Batches per insert statement.
const BATCH_ROWS: usize = 1000;

/// Files the lots of registered producers as batches, with the inputs that were filed linked;
/// returns how many were filed. The generator's lots are valid by construction, so they go in
/// with multi-row inserts rather than one `create_batch` (a dozen queries) each.
pub fn file_lots(
    conn: &mut DbConn,
    now: NaiveDateTime,
    registered: &mut Registered,
    filings: &[LotFiling],
) -> registry::Result<usize> {
    let mut filed = 0;
    let own: Vec<(&LotFiling, i64, i64, &str)> = filings
        .iter()
        .filter_map(|f| {
            let enterprise = registered.enterprises.get(&f.producer)?;
            let (gtin, lot) = split(&f.class)?;
            let product = registered.products.get(gtin)?;
            Some((f, *enterprise, *product, lot))
        })
        .collect();
    for chunk in own.chunks(BATCH_ROWS) {
        let rows: Vec<GeneratedBatch<'_>> = chunk
            .iter()
            .map(|(f, enterprise, product, lot)| GeneratedBatch {
                enterprise_id: *enterprise,
                company_prefix: prefix_of(&f.class),
                product_id: *product,
                lot,
                production_date: f.produced,
                quantity: f.quantity,
                unit: &f.unit,
            })
            .collect();
        let ids = insert_generated_batches(conn, now, &rows)?;
        let by_key: HashMap<(i64, &str), i64> = ids
            .iter()
            .map(|(id, p, l)| ((*p, l.as_str()), *id))
            .collect();
        let mut links = Vec::new();
        for (f, _, product, lot) in chunk {
            let Some(id) = by_key.get(&(*product, *lot)).copied() else {
                continue;
            };
            registered.batches.insert(f.class.clone(), id);
            let mut inputs: Vec<i64> = f
                .inputs
                .iter()
                .filter_map(|i| registered.batches.get(i).copied())
                .collect();
            inputs.sort_unstable();
            inputs.dedup();
            for input in inputs {
                links.push(GeneratedInput {
                    batch_id: id,
                    input_batch_id: input,
                    company_prefix: prefix_of(&f.class),
                });
            }
            filed += 1;
        }
        insert_generated_inputs(conn, &links)?;
    }
    Ok(filed)
}

/// The first 7 digits of the company prefix of a lot's GTIN ("" when `class` is no lot).
fn prefix_of(class: &str) -> &str {
    split(class).map_or("", |(g, _)| &g[1..8])
}

fn split(class: &str) -> Option<(&str, &str)> {
    let rest = class.strip_prefix("https://id.gs1.org/01/")?;
    let (gtin, lot) = rest.split_once("/10/")?;
    Some((gtin, lot))
}
