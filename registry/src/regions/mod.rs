//! Regions: the administrative hierarchy a deployment's jurisdictions are drawn on, loaded from
//! data generated out of maintained packages (`registry/tools/gen_regions.py`, the sources and
//! licences in each file's header).
//!
//! - China (`cn`): GB/T 2260 codes, six digits; province → prefecture → county.
//! - Viet Nam (`vn`): the units after the reform of 1 July 2025; province (two digits) →
//!   commune or ward (five digits); the district level no longer exists.
//!
//! A deployment chooses its country (`registry.country` in the hub's configuration); the
//! database records it (`registry_settings`), and region codes of departments and enterprises
//! are validated against that country's hierarchy. Coverage (does a department's region hold an
//! enterprise's?) follows the hierarchy. A code's form tells its scheme apart: six digits are
//! GB/T 2260, where coverage is the digit-prefix rule (`410000` covers `41xxxx`, `410100` covers
//! `4101xx`), which the generated hierarchy agrees with (a test checks); shorter codes are
//! Vietnamese, where coverage walks the parent links.
//!
//! The hierarchy is data compiled into the binary (3,217 Chinese regions, 3,355 Vietnamese), not a
//! table: it changes with a release, and a jurisdiction check needs no query. The database records
//! which country its codes belong to (`set_country`); `hub serve` records the configured
//! `registry.country` at start and refuses to start when it differs from the stored one once
//! departments or enterprises exist. Searches turn a region into a range of `region_code` (China:
//! `41` covers `[41, 42)`) or a list of codes (Viet Nam) through `within_coverage!`, never `LIKE`,
//! which neither database serves from the index here.

mod setting;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Code;
use crate::error::{RegistryError, Result};

pub(crate) use setting::within_coverage;
pub use setting::{
    Coverage, RegionEntry, coverage, list_regions, search_coverage, set_country, stored_country,
    validate_region,
};

/// A country whose regions the hub knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Country {
    /// China: GB/T 2260.
    Cn,
    /// Viet Nam: the National Statistics Office's unit codes (after the 2025 reform).
    Vn,
}

impl Country {
    /// The configured and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Country::Cn => "cn",
            Country::Vn => "vn",
        }
    }

    /// Parses `cn` or `vn`.
    pub fn parse(s: &str) -> Option<Country> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cn" => Some(Country::Cn),
            "vn" => Some(Country::Vn),
            _ => None,
        }
    }

    /// The country's hierarchy (parsed once, on first use).
    pub fn regions(self) -> &'static Regions {
        static CN: OnceLock<Regions> = OnceLock::new();
        static VN: OnceLock<Regions> = OnceLock::new();
        match self {
            Country::Cn => CN.get_or_init(|| Regions::parse(include_str!("data/cn.tsv"))),
            Country::Vn => VN.get_or_init(|| Regions::parse(include_str!("data/vn.tsv"))),
        }
    }
}

/// Where a region stands in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    /// China's prefecture level (地级).
    Prefecture,
    /// China's county level (县级).
    County,
    /// Viet Nam's commune level (xã, phường, đặc khu).
    Commune,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        match s {
            "province" => Some(Level::Province),
            "prefecture" => Some(Level::Prefecture),
            "county" => Some(Level::County),
            "commune" => Some(Level::Commune),
            _ => None,
        }
    }
}

/// One region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Region {
    pub code: String,
    /// The region above; `None` for a province.
    pub parent: Option<String>,
    pub level: Level,
    /// The official name, in the country's language.
    pub name: String,
    /// A Latin-script name where the data has one (Viet Nam: without diacritics); else empty.
    pub name_en: String,
}

/// A country's hierarchy: regions by code, and each region's children in data order.
#[derive(Debug)]
pub struct Regions {
    regions: Vec<Region>,
    by_code: HashMap<String, usize>,
    children: HashMap<Option<String>, Vec<usize>>,
    /// The counts the generator wrote in the header, per level name.
    header_counts: Vec<(String, usize)>,
}

impl Regions {
    /// Parses a generated data file. The file is ours and checked by tests, so a malformed
    /// line is a build defect: it is skipped here and the tests fail on the counts.
    fn parse(text: &str) -> Regions {
        let mut regions = Vec::new();
        let mut header_counts = Vec::new();
        for line in text.lines() {
            if let Some(counts) = line.strip_prefix("# counts: ") {
                header_counts = counts
                    .split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
                    .collect();
            }
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let [code, parent, level, name, name_en] = fields[..] else {
                continue;
            };
            let Some(level) = Level::parse(level) else {
                continue;
            };
            regions.push(Region {
                code: code.to_owned(),
                parent: (!parent.is_empty()).then(|| parent.to_owned()),
                level,
                name: name.to_owned(),
                name_en: name_en.to_owned(),
            });
        }
        let by_code = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();
        let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        for (i, region) in regions.iter().enumerate() {
            children.entry(region.parent.clone()).or_default().push(i);
        }
        Regions {
            regions,
            by_code,
            children,
            header_counts,
        }
    }

    /// Every region, parents before children.
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    /// A region by code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|&i| &self.regions[i])
    }

    /// The regions directly under `parent` (the provinces for `None`).
    pub fn children(&self, parent: Option<&str>) -> Vec<&Region> {
        self.children
            .get(&parent.map(str::to_owned))
            .map(|list| list.iter().map(|&i| &self.regions[i]).collect())
            .unwrap_or_default()
    }

    /// Whether a region has regions under it.
    pub fn has_children(&self, code: &str) -> bool {
        self.children.contains_key(&Some(code.to_owned()))
    }

    /// The chain of regions above `code`, nearest first.
    pub fn ancestors<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Region> + 'a {
        let mut next = self.get(code).and_then(|r| r.parent.clone());
        std::iter::from_fn(move || {
            let region = self.get(next.as_deref()?)?;
            next = region.parent.clone();
            Some(region)
        })
    }

    /// `code` and every region under it.
    pub fn subtree(&self, code: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut stack = vec![code.to_owned()];
        while let Some(current) = stack.pop() {
            if let Some(&i) = self.by_code.get(&current) {
                out.push(self.regions[i].code.as_str());
            }
            for child in self.children(Some(&current)) {
                stack.push(child.code.clone());
            }
        }
        out
    }

    /// Whether `ancestor` is `code` or lies above it in this hierarchy.
    pub fn tree_covers(&self, ancestor: &str, code: &str) -> bool {
        (ancestor == code && self.get(code).is_some())
            || self.ancestors(code).any(|r| r.code == ancestor)
    }

    /// The counts per level the data file's header announces (checked against the data by
    /// tests).
    pub fn header_counts(&self) -> &[(String, usize)] {
        &self.header_counts
    }
}

/// Whether a code has GB/T 2260's form: six ASCII digits.
pub fn is_gb2260_form(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The prefix a GB/T 2260 code covers: `410000` → `41` (the province), `410100` → `4101`
/// (the prefecture), `410102` → `410102` (the county).
pub fn gb2260_prefix(code: &str) -> &str {
    let mut prefix = code;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = &prefix[..prefix.len() - 2];
    }
    prefix
}

/// Whether the region `ancestor` holds the region `code` (or is it). GB/T 2260 codes by the
/// digit-prefix rule; Vietnamese codes by the hierarchy's parent links.
pub fn covers(ancestor: &str, code: &str) -> bool {
    if is_gb2260_form(ancestor) && is_gb2260_form(code) {
        code.starts_with(gb2260_prefix(ancestor))
    } else {
        ancestor == code || Country::Vn.regions().tree_covers(ancestor, code)
    }
}

/// Checks a region code against `country`'s hierarchy; the error names `field`.
pub fn check_code(country: Country, code: &str, field: &str) -> Result<&'static Region> {
    country.regions().get(code.trim()).ok_or_else(|| {
        RegistryError::invalid(
            Code::InvalidRegion,
            field,
            format!(
                "{code:?} is not a region code of {} ({})",
                country.as_str(),
                match country {
                    Country::Cn => "six-digit GB/T 2260 code of a province, prefecture or county",
                    Country::Vn => "two-digit province or five-digit commune code",
                }
            ),
        )
    })
}

#[cfg(test)]
mod tests;
