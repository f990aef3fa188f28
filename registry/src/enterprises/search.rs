//! Searching enterprises: filtered, sorted, paginated, and scoped to what the actor may see.
//!
//! Names are matched in `enterprise_search.search_name`: the name and the English name,
//! Unicode-lower-cased when written, and the needle lower-cased alike, so the match ignores case
//! on both databases, Vietnamese capitals included (SQLite's `LIKE` folds ASCII only, PostgreSQL's
//! folds nothing). SQLite finds the needle with `instr`; PostgreSQL with `LIKE '%...%'`, served by
//! a trigram index, from three characters on, and with `strpos` below that. Region filters are
//! ranges or code lists (see `crate::regions`). BENCHMARKS.md has the costs.

use std::collections::HashMap;

use diesel::dsl::exists;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{Enterprise, EnterpriseRow, Status};
use crate::db::{DbConn, like_escape};
use crate::departments::{Category, find_department};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::regions::{Coverage, coverage, search_coverage, within_coverage};
use crate::schema::{enterprise_categories, enterprise_search, enterprises, licences};

/// Search filters; all optional.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// Part of the local or English name, in any case.
    pub name: Option<String>,
    /// The exact Unified Social Credit Code.
    pub credit_code: Option<String>,
    /// A region: in China a code or prefix (`41` or `410000` for the province, `4101` or
    /// `410100` for the prefecture, `410102`); in Viet Nam a province or commune code.
    pub region: Option<String>,
    pub category: Option<Category>,
    pub status: Option<Status>,
    /// Only enterprises with a licence that expires on or before this date (`YYYY-MM-DD`).
    pub licence_expires_before: Option<chrono::NaiveDate>,
    /// `name`, `credit_code`, `region_code`, `status` or `created_at`, `-` first for
    /// descending; default `id`.
    #[param(pattern = "^(-?(name|credit_code|region_code|status|created_at|id))?$")]
    pub sort: Option<String>,
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// One page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnterprisePage {
    pub items: Vec<Enterprise>,
    /// Matches over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

type Boxed<'a> = enterprises::BoxedQuery<'a, <DbConn as Connection>::Backend>;

/// The enterprises an actor may list: all (administrators) or those of an officer's
/// department, by region and categories. Shared by the search and the review queue.
pub(crate) struct Jurisdiction {
    region: Option<Coverage>,
    categories: Option<Vec<String>>,
}

impl Jurisdiction {
    /// The jurisdiction of `actor`; anyone but administrators and officers is refused.
    pub(crate) fn of(conn: &mut DbConn, actor: &Actor) -> Result<Self> {
        match (actor.role, actor.department_id) {
            (Role::Admin, _) => Ok(Jurisdiction {
                region: None,
                categories: None,
            }),
            (Role::Officer, Some(dept)) => {
                let dept = find_department(conn, dept)?;
                Ok(Jurisdiction {
                    region: Some(coverage(&dept.region_code)),
                    categories: Some(
                        dept.categories
                            .iter()
                            .map(|c| c.as_str().to_owned())
                            .collect(),
                    ),
                })
            }
            _ => Err(RegistryError::denied(
                Code::OutsideJurisdiction,
                "only administrators and officers search enterprises",
            )),
        }
    }

    /// `q` narrowed to the enterprises within this jurisdiction (`narrow`: see [`search`]).
    fn within<'a>(&self, mut q: Boxed<'a>, narrow: bool) -> Boxed<'a> {
        if let Some(coverage) = &self.region {
            q = within_coverage!(q, enterprises::region_code, coverage);
        }
        if let Some(cats) = &self.categories {
            q = with_category(q, cats.clone(), narrow);
        }
        q
    }

    /// The region covered, unless all are.
    pub(crate) fn region(&self) -> Option<&Coverage> {
        self.region.as_ref()
    }

    /// The categories covered (stored names), unless all are.
    pub(crate) fn categories(&self) -> Option<&[String]> {
        self.categories.as_deref()
    }
}

fn validate(query: &EnterpriseQuery) -> Result<(i64, i64)> {
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "page",
            "must be 1 or more",
        ));
    }
    let per_page = query.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "per_page",
            "must be 1 to 100",
        ));
    }
    Ok((page, per_page))
}

diesel::define_sql_function! {
    /// SQLite's substring position (1-based; 0 when absent): a plain byte search, several times
    /// faster than `LIKE`'s pattern matcher, and exact since both sides are lower-cased.
    fn instr(haystack: diesel::sql_types::Text, needle: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

diesel::define_sql_function! {
    /// PostgreSQL's substring position (1-based; 0 when absent).
    fn strpos(haystack: diesel::sql_types::Text, needle: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// Narrows `q` to names containing `name` (lower-cased). SQLite: `instr`. PostgreSQL: `LIKE`
/// from three characters on, which the trigram index serves; shorter needles (a two-character
/// Chinese word) have no trigram, and a cached plan would still walk the whole index for
/// them, so they use `strpos`, which only a scan of the narrow name table answers (the faster
/// way for them).
fn with_name<'a>(q: Boxed<'a>, name: &str, sqlite: bool, narrow: bool) -> Boxed<'a> {
    macro_rules! containing {
        ($contains:expr) => {{
            let matching = enterprise_search::table.filter($contains);
            if narrow {
                q.filter(exists(
                    matching.filter(enterprise_search::enterprise_id.eq(enterprises::id)),
                ))
            } else {
                q.filter(enterprises::id.eq_any(matching.select(enterprise_search::enterprise_id)))
            }
        }};
    }
    if sqlite {
        containing!(instr(enterprise_search::search_name, name.to_owned()).gt(0))
    } else if name.chars().count() >= 3 {
        let pattern = format!("%{}%", like_escape(name));
        containing!(enterprise_search::search_name.like(pattern).escape('\\'))
    } else {
        containing!(strpos(enterprise_search::search_name, name.to_owned()).gt(0))
    }
}

/// Narrows `q` to enterprises with one of `categories`.
fn with_category<'a>(q: Boxed<'a>, categories: Vec<String>, narrow: bool) -> Boxed<'a> {
    let matching =
        enterprise_categories::table.filter(enterprise_categories::category.eq_any(categories));
    if narrow {
        q.filter(exists(matching.filter(
            enterprise_categories::enterprise_id.eq(enterprises::id),
        )))
    } else {
        q.filter(enterprises::id.eq_any(matching.select(enterprise_categories::enterprise_id)))
    }
}

/// Narrows `q` to enterprises with a licence expiring on or before `date`.
fn with_licence_expiring<'a>(q: Boxed<'a>, date: chrono::NaiveDate, narrow: bool) -> Boxed<'a> {
    let expiring = licences::table.filter(licences::valid_to.le(date));
    if narrow {
        q.filter(exists(
            expiring.filter(licences::enterprise_id.eq(enterprises::id)),
        ))
    } else {
        q.filter(enterprises::id.eq_any(expiring.select(licences::enterprise_id)))
    }
}

/// Enterprises matching `query` among those `actor` may see (administrators: all; officers:
/// their department's jurisdiction).
pub fn search(conn: &mut DbConn, actor: &Actor, query: &EnterpriseQuery) -> Result<EnterprisePage> {
    let (page, per_page) = validate(query)?;
    let region = match query.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(search_coverage(conn, r, "region")?),
    };
    let scope = Jurisdiction::of(conn, actor)?;
    let name = query
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_lowercase);
    let credit_code = query
        .credit_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase);
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    // A search bounded by region or credit code visits few enterprises: probing categories and
    // licences per enterprise (EXISTS) is then cheaper than building the whole matching set
    // (IN), which SQLite materialises; PostgreSQL plans both as the same semi-join.
    let narrow = scope.region.is_some() || region.is_some() || credit_code.is_some();
    // The filters, built twice: once to count, once for the page.
    let filtered = || -> Boxed<'_> {
        let mut q = scope.within(enterprises::table.into_boxed(), narrow);
        if let Some(name) = &name {
            q = with_name(q, name, sqlite, narrow);
        }
        if let Some(code) = &credit_code {
            q = q.filter(enterprises::credit_code.eq(code.clone()));
        }
        if let Some(coverage) = &region {
            q = within_coverage!(q, enterprises::region_code, coverage);
        }
        if let Some(category) = query.category {
            q = with_category(q, vec![category.as_str().to_owned()], narrow);
        }
        if let Some(date) = query.licence_expires_before {
            q = with_licence_expiring(q, date, narrow);
        }
        if let Some(status) = query.status {
            q = q.filter(enterprises::status.eq(status.as_str()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let mut q = filtered();
    let sort = query
        .sort
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("id");
    let (desc, key) = match sort.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, sort),
    };
    macro_rules! order {
        ($col:expr) => {
            if desc {
                q.order(($col.desc(), enterprises::id.desc()))
            } else {
                q.order(($col.asc(), enterprises::id.asc()))
            }
        };
    }
    q = match key {
        "id" => {
            if desc {
                q.order(enterprises::id.desc())
            } else {
                q.order(enterprises::id.asc())
            }
        }
        "name" => order!(enterprises::name),
        "credit_code" => order!(enterprises::credit_code),
        "region_code" => order!(enterprises::region_code),
        "status" => order!(enterprises::status),
        "created_at" => order!(enterprises::created_at),
        other => {
            return Err(RegistryError::invalid(
                Code::InvalidSort,
                "sort",
                format!(
                    "cannot sort by {other:?}: use name, credit_code, region_code, status, created_at or id, with '-' for descending"
                ),
            ));
        }
    };
    let offset = (page - 1).saturating_mul(per_page);
    // Past the last match there is nothing to fetch (and a search matching nothing would scan
    // again for no row).
    let rows = if offset >= total {
        Vec::new()
    } else {
        q.select(EnterpriseRow::as_select())
            .limit(per_page)
            .offset(offset)
            .load::<EnterpriseRow>(conn)?
    };
    let ids: Vec<i64> = rows.iter().map(EnterpriseRow::id).collect();
    let mut categories: HashMap<i64, Vec<Category>> = HashMap::new();
    for (id, category) in enterprise_categories::table
        .filter(enterprise_categories::enterprise_id.eq_any(&ids))
        .select((
            enterprise_categories::enterprise_id,
            enterprise_categories::category,
        ))
        .load::<(i64, String)>(conn)?
    {
        categories
            .entry(id)
            .or_default()
            .push(Category::parse(&category, "categories")?);
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let mut cats = categories.remove(&row.id()).unwrap_or_default();
            cats.sort();
            row.into_enterprise(cats)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(EnterprisePage {
        items,
        total,
        page,
        per_page,
    })
}
