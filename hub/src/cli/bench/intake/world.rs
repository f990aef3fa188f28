//! The registered parties a benchmark's file speaks of, registered through the registry's own
//! functions under a random tag (so that runs on one database do not collide), and the
//! regulator system that delivers.

use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::departments::Category;
use registry::enterprises::NewEnterprise;
use registry::filings::products::NewProduct;
use registry::filings::sites::{NewSite, SiteKind};
use registry::identity::{NewUser, Role, User, create_user};
use registry::secret::random_token;

use crate::synth::register::{credit_code, register_enterprise};
use crate::synth::world::with_check;

/// A registered enterprise with one site and its products.
#[derive(Debug, Clone)]
pub(super) struct Party {
    pub id: i64,
    pub credit_code: String,
    pub prefix: String,
    pub gln: String,
    pub gtins: Vec<String>,
}

/// Registers party `n` (0 to 9) of run `tag`: an approved enterprise of `category` in
/// `region` with a site of `kind` and one product per name, all under the company prefix
/// `69{tag}{n}`.
pub(super) fn party(
    conn: &mut DbConn,
    now: NaiveDateTime,
    (tag, n): (u32, u32),
    region: &str,
    category: Category,
    kind: SiteKind,
    products: &[&str],
) -> registry::Result<Party> {
    let prefix = format!("69{tag}{n}");
    let gln = with_check(&format!("{prefix}0001"));
    let gtins: Vec<String> = (1..=products.len())
        .map(|p| with_check(&format!("0{prefix}000{p}")))
        .collect();
    let credit_code = credit_code(region, (tag * 10 + n) as usize);
    let enterprise = NewEnterprise {
        credit_code: credit_code.clone(),
        name: format!("基准企业 {tag}-{n}"),
        name_en: format!("Bench enterprise {tag}-{n}"),
        legal_representative: "基准".into(),
        phone: "0371-12345678".into(),
        email: format!("bench-{tag}-{n}@example.cn"),
        region_code: region.into(),
        address: "河南省郑州市".into(),
        latitude: None,
        longitude: None,
        company_prefix: Some(prefix.clone()),
        categories: vec![category],
        username: format!("bench-{tag}-{n}"),
        password: random_token("bench-"),
    };
    let site = NewSite {
        name: format!("基准场所 {tag}-{n}"),
        kind,
        gln: gln.clone(),
        address: "河南省郑州市".into(),
        latitude: None,
        longitude: None,
    };
    let filed: Vec<NewProduct> = products
        .iter()
        .zip(&gtins)
        .map(|(name, gtin)| NewProduct {
            gtin: gtin.clone(),
            name: (*name).into(),
            category,
            specification: String::new(),
            shelf_life_days: Some(365),
            target_markets: vec!["CN".into()],
        })
        .collect();
    let (id, _) = register_enterprise(conn, now, &enterprise, &[site], &filed)?;
    Ok(Party {
        id,
        credit_code,
        prefix,
        gln,
        gtins,
    })
}

/// The regulator system of `category` that delivers the file.
pub(super) fn system_user(
    conn: &mut DbConn,
    now: NaiveDateTime,
    tag: u32,
    category: Category,
) -> registry::Result<User> {
    create_user(
        conn,
        now,
        &NewUser {
            username: format!("bench-{}-system-{tag}", category.as_str()),
            display_name: "bench".into(),
            email: None,
            password: None,
            role: Role::System,
            department_id: None,
            enterprise_id: None,
            locale: None,
            category: Some(category),
        },
    )
}
