//! The deployment's country as the database records it, and what depends on it: validation of
//! region codes, the region filter of searches, the region lists for pickers.

use diesel::prelude::*;
use serde::Serialize;

use super::{Country, Level, check_code, gb2260_prefix, is_gb2260_form};
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{departments, enterprises, registry_settings};

const COUNTRY_KEY: &str = "country";

/// The country the database's region codes belong to (`cn` on a fresh database).
pub fn stored_country(conn: &mut DbConn) -> Result<Country> {
    let value = registry_settings::table
        .find(COUNTRY_KEY)
        .select(registry_settings::value)
        .first::<String>(conn)
        .optional()?
        .unwrap_or_else(|| Country::Cn.as_str().to_owned());
    Country::parse(&value)
        .ok_or_else(|| RegistryError::Config(format!("stored country {value:?} is not cn or vn")))
}

/// Records the deployment's country. Changing it is refused once departments or enterprises
/// exist, since their region codes would stop meaning anything.
pub fn set_country(conn: &mut DbConn, country: Country) -> Result<()> {
    let current = stored_country(conn)?;
    if current == country {
        return Ok(());
    }
    let departments: i64 = departments::table.count().get_result(conn)?;
    let enterprises: i64 = enterprises::table.count().get_result(conn)?;
    if departments + enterprises > 0 {
        return Err(RegistryError::Config(format!(
            "the database holds regions of {} ({departments} departments, {enterprises} enterprises); it cannot become {}",
            current.as_str(),
            country.as_str()
        )));
    }
    diesel::delete(registry_settings::table.find(COUNTRY_KEY)).execute(conn)?;
    diesel::insert_into(registry_settings::table)
        .values((
            registry_settings::key.eq(COUNTRY_KEY),
            registry_settings::value.eq(country.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Checks a region code against the deployment's hierarchy (422 `invalid_region` naming
/// `field` when unknown).
pub fn validate_region(conn: &mut DbConn, code: &str, field: &str) -> Result<()> {
    check_code(stored_country(conn)?, code, field).map(|_| ())
}

/// The enterprises a region holds, as a filter on `region_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// Codes starting with this prefix (GB/T 2260).
    Prefix(String),
    /// Exactly these codes (Viet Nam: a province and its communes).
    Codes(Vec<String>),
}

impl Coverage {
    /// The first code after every code that starts with `prefix` (digits only): `41` → `42`,
    /// `4199` → `42`; `None` when the prefix is all nines.
    pub fn prefix_end(prefix: &str) -> Option<String> {
        let kept = prefix.trim_end_matches('9');
        let last = kept.bytes().last()?;
        Some(format!(
            "{}{}",
            &kept[..kept.len() - 1],
            char::from(last + 1)
        ))
    }
}

/// Narrows the boxed query `$q` to rows whose region column `$column` lies in `$coverage`: a
/// range of codes for a prefix (which an index on the column serves on both databases, unlike
/// `LIKE`), else the listed codes. A macro because the query and column types differ by table.
macro_rules! within_coverage {
    ($q:expr, $column:expr, $coverage:expr) => {
        match $coverage {
            $crate::regions::Coverage::Prefix(prefix) => {
                let q = $q.filter($column.ge(prefix.clone()));
                match $crate::regions::Coverage::prefix_end(prefix) {
                    Some(end) => q.filter($column.lt(end)),
                    None => q,
                }
            }
            $crate::regions::Coverage::Codes(codes) => $q.filter($column.eq_any(codes.clone())),
        }
    };
}
pub(crate) use within_coverage;

/// What a (valid) region code covers.
pub fn coverage(code: &str) -> Coverage {
    if is_gb2260_form(code) {
        Coverage::Prefix(gb2260_prefix(code).to_owned())
    } else {
        Coverage::Codes(
            Country::Vn
                .regions()
                .subtree(code)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// The region filter of a search: in China a code or prefix of 2 to 6 digits (`41`, `4101`,
/// `410100`, `410102`), in Viet Nam a province or commune code; `field` names it in errors.
pub fn search_coverage(conn: &mut DbConn, region: &str, field: &str) -> Result<Coverage> {
    let region = region.trim();
    match stored_country(conn)? {
        Country::Cn
            if (2..=6).contains(&region.len()) && region.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(coverage(&format!("{region:0<6}")))
        }
        Country::Cn => Err(RegistryError::invalid(
            Code::InvalidRegion,
            field,
            format!("{region:?} is not a region code or prefix (2 to 6 digits)"),
        )),
        Country::Vn => {
            check_code(Country::Vn, region, field)?;
            Ok(coverage(region))
        }
    }
}

/// A region as a picker lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionEntry {
    pub code: String,
    pub parent: Option<String>,
    pub level: Level,
    pub name: String,
    pub name_en: String,
    /// Whether regions lie under it (a picker offers to go down).
    pub has_children: bool,
}

/// The regions directly under `parent` (the provinces when `None`) in the deployment's
/// country; an unknown parent is 422 `invalid_region` on `parent`.
pub fn list_regions(conn: &mut DbConn, parent: Option<&str>) -> Result<Vec<RegionEntry>> {
    let country = stored_country(conn)?;
    let regions = country.regions();
    let parent = parent.map(str::trim).filter(|p| !p.is_empty());
    if let Some(parent) = parent {
        check_code(country, parent, "parent")?;
    }
    Ok(regions
        .children(parent)
        .into_iter()
        .map(|r| RegionEntry {
            code: r.code.clone(),
            parent: r.parent.clone(),
            level: r.level,
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            has_children: regions.has_children(&r.code),
        })
        .collect())
}
