//! The synthetic world: enterprises by role and country, their sites (GLNs) and products
//! (GTINs), all with valid GS1 check digits. Chinese enterprises are mostly registered in the
//! hub; foreign ones and a share of out-of-province ones are not (their GLNs appear in events
//! only, and a recall reports them as unregistered).

use registry::departments::Category;
use registry::filings::sites::SiteKind;
use registry::ids::gs1::check_digit;

use super::Rng;

/// What an enterprise does in the chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Farm,
    Mine,
    Processor,
    Smelter,
    Distributor,
    Port,
    Retailer,
}

/// A site of an enterprise.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    pub gln: String,
    pub kind: SiteKind,
    pub name: String,
}

/// A product of an enterprise.
#[derive(Debug, Clone)]
pub struct ProductSpec {
    pub gtin: String,
    pub name: String,
    pub category: Category,
}

/// An enterprise of the world.
#[derive(Debug, Clone)]
pub struct EnterpriseSpec {
    pub index: usize,
    pub role: Role,
    /// ISO 3166 alpha-2.
    pub country: &'static str,
    /// GB/T 2260 region (Chinese enterprises).
    pub region: &'static str,
    pub name: String,
    pub name_en: String,
    pub company_prefix: String,
    /// Registered in the hub.
    pub registered: bool,
    pub category: Category,
    pub sites: Vec<SiteSpec>,
    pub products: Vec<ProductSpec>,
}

impl EnterpriseSpec {
    /// The party GLN (`https://id.gs1.org/417/...`): the GLN of the first site.
    pub fn party(&self) -> String {
        format!("https://id.gs1.org/417/{}", self.sites[0].gln)
    }
}

/// The location URI of a site.
pub fn location(site: &SiteSpec) -> String {
    format!("https://id.gs1.org/414/{}", site.gln)
}

/// `body` followed by its GS1 check digit.
pub fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap_or(0))
}

const HENAN: [&str; 10] = [
    "410102", "410105", "410202", "410302", "410402", "410702", "411002", "411302", "411602",
    "410822",
];

/// The world: every enterprise, by index.
#[derive(Debug, Clone)]
pub struct World {
    pub enterprises: Vec<EnterpriseSpec>,
}

impl World {
    /// The enterprises with a role.
    pub fn with_role(&self, role: Role) -> Vec<usize> {
        self.enterprises
            .iter()
            .filter(|e| e.role == role)
            .map(|e| e.index)
            .collect()
    }

    /// Those of them in a country.
    pub fn with_role_in(&self, role: Role, country: &str) -> Vec<usize> {
        self.enterprises
            .iter()
            .filter(|e| e.role == role && e.country == country)
            .map(|e| e.index)
            .collect()
    }

    /// Builds the world from `rng`.
    pub fn build(rng: &mut Rng) -> Self {
        let mut w = World {
            enterprises: Vec::new(),
        };
        let plan: [(Role, &str, usize); 13] = [
            (Role::Farm, "CN", 24),
            (Role::Farm, "VN", 12),
            (Role::Mine, "CN", 4),
            (Role::Processor, "CN", 16),
            (Role::Smelter, "CN", 2),
            (Role::Distributor, "CN", 10),
            (Role::Distributor, "VN", 4),
            (Role::Distributor, "TH", 2),
            (Role::Port, "CN", 2),
            (Role::Port, "VN", 1),
            (Role::Retailer, "CN", 12),
            (Role::Retailer, "VN", 6),
            (Role::Retailer, "TH", 2),
        ];
        for (role, country, count) in plan {
            for _ in 0..count {
                let spec = w.enterprise(rng, role, country);
                w.enterprises.push(spec);
            }
        }
        w
    }

    fn enterprise(&self, rng: &mut Rng, role: Role, country: &'static str) -> EnterpriseSpec {
        let index = self.enterprises.len();
        let gs1 = match country {
            "CN" => "69",
            "VN" => "893",
            _ => "885",
        };
        let digits = 7 - gs1.len();
        let company_prefix = format!("{gs1}{:0digits$}", 1000 + index * 7 + rng.below(7));
        let (region, category) = match (role, country) {
            (Role::Mine | Role::Smelter, _) => (
                if index % 2 == 0 { "360702" } else { "150202" },
                Category::RareEarth,
            ),
            (Role::Port, "CN") => (
                if index % 2 == 0 { "450702" } else { "451481" },
                Category::Food,
            ),
            (Role::Farm, _) => (HENAN[rng.below(HENAN.len())], Category::EdibleAgri),
            _ => (HENAN[rng.below(HENAN.len())], Category::Food),
        };
        // Out-of-province and a seventh of the rest stay unregistered, as do foreign ones.
        let registered = country == "CN" && index % 7 != 3;
        let (kind, sites) = match role {
            Role::Farm => (SiteKind::Farm, 1),
            Role::Mine => (SiteKind::Farm, 1),
            Role::Processor | Role::Smelter => (SiteKind::Factory, 1),
            Role::Distributor => (SiteKind::Warehouse, 1 + rng.below(2)),
            Role::Port => (SiteKind::Port, 1),
            Role::Retailer => (SiteKind::Store, 4 + rng.below(10)),
        };
        let label = match role {
            Role::Farm => "农场",
            Role::Mine => "稀土矿",
            Role::Processor => "食品加工厂",
            Role::Smelter => "冶炼分离厂",
            Role::Distributor => "物流配送中心",
            Role::Port => "口岸",
            Role::Retailer => "超市",
        };
        let sites = (0..sites)
            .map(|s| SiteSpec {
                gln: with_check(&format!(
                    "{company_prefix}{:0w$}",
                    s + 1,
                    w = 12 - company_prefix.len()
                )),
                kind,
                name: format!("{label}{index}-{}", s + 1),
            })
            .collect();
        let products = match role {
            Role::Farm | Role::Mine | Role::Processor | Role::Smelter => {
                let n = if matches!(role, Role::Processor) {
                    2
                } else {
                    1
                };
                (0..n)
                    .map(|p| ProductSpec {
                        gtin: with_check(&format!(
                            "0{company_prefix}{:0w$}",
                            p + 1,
                            w = 12 - company_prefix.len()
                        )),
                        name: product_name(role, index + p),
                        category,
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        EnterpriseSpec {
            index,
            role,
            country,
            region,
            name: format!("{label}{index}"),
            name_en: format!("{role:?} {index}"),
            company_prefix,
            registered,
            category,
            sites,
            products,
        }
    }
}

fn product_name(role: Role, n: usize) -> String {
    let names: &[&str] = match role {
        Role::Farm => &["生猪", "小麦", "蔬菜", "火龙果", "榴莲", "大米"],
        Role::Mine => &["稀土精矿"],
        Role::Smelter => &["氧化镨钕"],
        _ => &["速冻水饺", "火腿肠", "面粉", "果汁", "方便面", "腊肉"],
    };
    names[n % names.len()].to_owned()
}
