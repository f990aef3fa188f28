//! Registering the synthetic world through the registry's own functions: each registered
//! enterprise self-registers, is approved, adds its sites and files its products, and files its
//! lots as batches with the input lots they were made from.

use std::collections::HashMap;

use chrono::NaiveDate;
use registry::db::DbConn;
use registry::enterprises::{Decision, NewEnterprise, decide, register};
use registry::filings::batches::{NewBatch, create_batch};
use registry::filings::products::{NewProduct, create_product};
use registry::filings::sites::{NewSite, add_site};
use registry::identity::{Actor, AuthMethod, Role as UserRole, Scope};
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
    enterprises: HashMap<usize, (i64, Actor)>,
    products: HashMap<String, i64>,
    batches: HashMap<String, i64>,
}

impl Registered {
    /// How many enterprises were registered.
    pub fn enterprises(&self) -> usize {
        self.enterprises.len()
    }
}

fn credit_code(region: &str, n: usize) -> String {
    let org = format!("{:08}", 70_000_000 + n);
    let org = format!("{org}{}", organisation_code_check_char(&org).unwrap_or('0'));
    let body = format!("91{region}{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap_or('0'))
}

fn approver() -> Actor {
    Actor {
        user_id: 0,
        username: "gen".into(),
        role: UserRole::Admin,
        department_id: None,
        enterprise_id: None,
        method: AuthMethod::Cli,
        scopes: vec![Scope::Read, Scope::Write],
    }
}

/// Registers the world's registered enterprises with their sites and products, approved.
pub fn register_world(conn: &mut DbConn, world: &World) -> registry::Result<Registered> {
    let mut out = Registered::default();
    for e in world.enterprises.iter().filter(|e| e.registered) {
        let (ent, user) = register(
            conn,
            &NewEnterprise {
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
            },
        )?;
        decide(conn, &approver(), ent.id, Decision::Approve, None)?;
        let actor = Actor::for_user(&user, AuthMethod::Cli);
        for s in &e.sites {
            add_site(
                conn,
                &actor,
                ent.id,
                &NewSite {
                    name: s.name.clone(),
                    kind: s.kind,
                    gln: s.gln.clone(),
                    address: e.region.into(),
                    latitude: None,
                    longitude: None,
                },
            )?;
        }
        for p in &e.products {
            let product = create_product(
                conn,
                &actor,
                ent.id,
                &NewProduct {
                    gtin: p.gtin.clone(),
                    name: p.name.clone(),
                    category: p.category,
                    specification: String::new(),
                    shelf_life_days: Some(365),
                    target_markets: vec!["CN".into(), "VN".into()],
                },
            )?;
            out.products.insert(p.gtin.clone(), product.id);
        }
        out.enterprises.insert(e.index, (ent.id, actor));
    }
    Ok(out)
}

/// Files the lots of registered producers as batches (inputs that were filed, linked);
/// returns how many were filed.
pub fn file_lots(
    conn: &mut DbConn,
    registered: &mut Registered,
    filings: &[LotFiling],
) -> registry::Result<usize> {
    let mut filed = 0;
    for f in filings {
        let Some((enterprise, actor)) = registered.enterprises.get(&f.producer) else {
            continue;
        };
        let Some((gtin, lot)) = split(&f.class) else {
            continue;
        };
        let Some(product) = registered.products.get(gtin) else {
            continue;
        };
        let inputs = f
            .inputs
            .iter()
            .filter_map(|i| registered.batches.get(i).copied())
            .collect();
        let batch = create_batch(
            conn,
            actor,
            *enterprise,
            &NewBatch {
                product_id: *product,
                lot: lot.to_owned(),
                production_date: f.produced,
                expiry_date: None,
                quantity: f.quantity,
                unit: f.unit.clone(),
                site_id: None,
                inputs,
            },
        )?;
        registered.batches.insert(f.class.clone(), batch.id);
        filed += 1;
    }
    Ok(filed)
}

fn split(class: &str) -> Option<(&str, &str)> {
    let rest = class.strip_prefix("https://id.gs1.org/01/")?;
    let (gtin, lot) = rest.split_once("/10/")?;
    Some((gtin, lot))
}
