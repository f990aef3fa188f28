//! Searching enterprises: filtered, sorted, paginated, and scoped to what the actor may see.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{Enterprise, EnterpriseRow, Status};
use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::regions::{Coverage, coverage, search_coverage};
use crate::schema::{enterprise_categories, enterprises, licences};

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
    pub sort: Option<String>,
    /// From 1 (default 1).
    pub page: Option<i64>,
    /// 1 to 100 (default 20).
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

/// What an officer's department covers: its region and categories.
struct Scope {
    region: Option<Coverage>,
    categories: Option<Vec<String>>,
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn validate(query: &EnterpriseQuery) -> Result<(i64, i64)> {
    let page = query.page.unwrap_or(1);
    if page < 1 {
        return Err(RegistryError::invalid(
            "invalid_page",
            "page",
            "must be 1 or more",
        ));
    }
    let per_page = query.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(RegistryError::invalid(
            "invalid_page",
            "per_page",
            "must be 1 to 100",
        ));
    }
    Ok((page, per_page))
}

/// The first code after every code that starts with `prefix` (digits only): `41` → `42`,
/// `4199` → `42`; `None` when the prefix is all nines.
fn prefix_end(prefix: &str) -> Option<String> {
    let kept = prefix.trim_end_matches('9');
    let last = kept.bytes().last()?;
    Some(format!(
        "{}{}",
        &kept[..kept.len() - 1],
        char::from(last + 1)
    ))
}

/// Narrows `q` to the regions `coverage` holds: a range of codes for a prefix (which the index
/// on `region_code` serves on both databases, unlike `LIKE`), else the listed codes.
fn within<'a>(q: Boxed<'a>, coverage: &Coverage) -> Boxed<'a> {
    match coverage {
        Coverage::Prefix(prefix) => {
            let q = q.filter(enterprises::region_code.ge(prefix.clone()));
            match prefix_end(prefix) {
                Some(end) => q.filter(enterprises::region_code.lt(end)),
                None => q,
            }
        }
        Coverage::Codes(codes) => q.filter(enterprises::region_code.eq_any(codes.clone())),
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
    let scope = match (actor.role, actor.department_id) {
        (Role::Admin, _) => Scope {
            region: None,
            categories: None,
        },
        (Role::Officer, Some(dept)) => {
            let dept = find_department(conn, dept)?;
            Scope {
                region: Some(coverage(&dept.region_code)),
                categories: Some(
                    dept.categories
                        .iter()
                        .map(|c| c.as_str().to_owned())
                        .collect(),
                ),
            }
        }
        _ => {
            return Err(RegistryError::denied(
                "outside_jurisdiction",
                "only administrators and officers search enterprises",
            ));
        }
    };
    // The filters, built twice: once to count, once for the page.
    let filtered = || -> Boxed<'_> {
        let mut q = enterprises::table.into_boxed();
        if let Some(coverage) = &scope.region {
            q = within(q, coverage);
        }
        if let Some(cats) = &scope.categories {
            q = q.filter(
                enterprises::id.eq_any(
                    enterprise_categories::table
                        .filter(enterprise_categories::category.eq_any(cats.clone()))
                        .select(enterprise_categories::enterprise_id),
                ),
            );
        }
        if let Some(name) = query
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let pattern = format!("%{}%", like_escape(&name.to_lowercase()));
            q = q.filter(enterprises::search_name.like(pattern).escape('\\'));
        }
        if let Some(code) = query
            .credit_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            q = q.filter(enterprises::credit_code.eq(code.to_ascii_uppercase()));
        }
        if let Some(coverage) = &region {
            q = within(q, coverage);
        }
        if let Some(category) = query.category {
            q = q.filter(
                enterprises::id.eq_any(
                    enterprise_categories::table
                        .filter(enterprise_categories::category.eq(category.as_str()))
                        .select(enterprise_categories::enterprise_id),
                ),
            );
        }
        if let Some(date) = query.licence_expires_before {
            q = q.filter(
                enterprises::id.eq_any(
                    licences::table
                        .filter(licences::valid_to.le(date))
                        .select(licences::enterprise_id),
                ),
            );
        }
        if let Some(status) = query.status {
            q = q.filter(enterprises::status.eq(status.as_str()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let mut q = filtered();
    let sort = query.sort.as_deref().unwrap_or("id");
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
                "invalid_sort",
                "sort",
                format!(
                    "cannot sort by {other:?}: use name, credit_code, region_code, status, created_at or id, with '-' for descending"
                ),
            ));
        }
    };
    let rows = q
        .select(EnterpriseRow::as_select())
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .load::<EnterpriseRow>(conn)?;
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
