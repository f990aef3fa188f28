//! Departments: the regulators, each over a region (see `crate::regions`) and the commodity
//! categories it regulates. Together these are its jurisdiction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::departments;

/// A commodity category under traceability.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Edible agricultural products.
    EdibleAgri,
    Food,
    Drugs,
    /// Agricultural inputs (seeds, fertilisers, pesticides, veterinary drugs).
    AgriInputs,
    SpecialEquipment,
    /// Hazardous materials.
    Hazardous,
    RareEarth,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 7] = [
        Category::EdibleAgri,
        Category::Food,
        Category::Drugs,
        Category::AgriInputs,
        Category::SpecialEquipment,
        Category::Hazardous,
        Category::RareEarth,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::EdibleAgri => "edible_agri",
            Category::Food => "food",
            Category::Drugs => "drugs",
            Category::AgriInputs => "agri_inputs",
            Category::SpecialEquipment => "special_equipment",
            Category::Hazardous => "hazardous",
            Category::RareEarth => "rare_earth",
        }
    }

    /// Parses a stored name; `field` names the input for the error.
    pub fn parse(s: &str, field: &str) -> Result<Self> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                RegistryError::invalid(
                    Code::InvalidCategory,
                    field,
                    format!(
                        "unknown category {s:?}: expected one of edible_agri, food, drugs, agri_inputs, special_equipment, hazardous, rare_earth"
                    ),
                )
            })
    }

    /// A comma-separated stored list, parsed (unknown names are skipped: the list is ours).
    pub fn parse_stored(list: &str) -> Vec<Category> {
        let mut cats: Vec<Category> = list
            .split(',')
            .filter_map(|s| Category::parse(s.trim(), "categories").ok())
            .collect();
        cats.sort();
        cats.dedup();
        cats
    }

    /// A list as stored: `"food,drugs"`.
    pub fn join(cats: &[Category]) -> String {
        cats.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A department.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub region_code: String,
    pub categories: Vec<Category>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
}

impl Department {
    /// True when this department is competent for an enterprise in `region` with `categories`:
    /// the region lies under the department's and at least one category is regulated by it.
    pub fn covers(&self, region: &str, categories: &[Category]) -> bool {
        crate::regions::covers(&self.region_code, region)
            && categories.iter().any(|c| self.categories.contains(c))
    }
}

type DepartmentRow = (i64, String, String, String, String, String, NaiveDateTime);

fn from_row(row: DepartmentRow) -> Department {
    let (id, code, name, name_en, region_code, categories, created_at) = row;
    Department {
        id,
        code,
        name,
        name_en,
        region_code,
        categories: Category::parse_stored(&categories),
        created_at,
    }
}

/// What it takes to create a department.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    /// A short unique code, e.g. `MR-HN`.
    #[schema(pattern = r"^[A-Za-z0-9._-]{1,32}$")]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// The region it covers, in the deployment's country (`410000`: the whole of Henan).
    pub region_code: String,
    /// The categories it regulates (at least one).
    pub categories: Vec<Category>,
}

/// Creates a department (call inside a transaction, with the audit entry).
pub fn create_department(
    conn: &mut DbConn,
    now: NaiveDateTime,
    new: &NewDepartment,
) -> Result<Department> {
    let code = new.code.trim();
    if code.is_empty()
        || code.len() > 32
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(RegistryError::invalid(
            Code::InvalidCode,
            "code",
            "must be 1 to 32 characters of A-Z, a-z, 0-9, '-', '_' or '.'",
        ));
    }
    if new.name.trim().is_empty() || new.name.len() > 200 {
        return Err(RegistryError::invalid(
            Code::InvalidName,
            "name",
            "must be 1 to 200 characters",
        ));
    }
    crate::regions::validate_region(conn, &new.region_code, "region_code")?;
    if new.categories.is_empty() {
        return Err(RegistryError::invalid(
            Code::InvalidCategory,
            "categories",
            "at least one category is required",
        ));
    }
    let mut categories = new.categories.clone();
    categories.sort();
    categories.dedup();
    let taken: i64 = departments::table
        .filter(departments::code.eq(code))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::DepartmentCodeTaken,
            field: Some("code".into()),
            message: format!("department code {code:?} is taken"),
        });
    }
    let id = diesel::insert_into(departments::table)
        .values((
            departments::code.eq(code),
            departments::name.eq(new.name.trim()),
            departments::name_en.eq(new.name_en.trim()),
            departments::region_code.eq(&new.region_code),
            departments::categories.eq(Category::join(&categories)),
            departments::created_at.eq(now),
        ))
        .returning(departments::id)
        .get_result::<i64>(conn)?;
    find_department(conn, id)
}

/// A department by id.
pub fn find_department(conn: &mut DbConn, id: i64) -> Result<Department> {
    departments::table
        .find(id)
        .select(departments::all_columns)
        .first::<DepartmentRow>(conn)
        .optional()?
        .map(from_row)
        .ok_or(RegistryError::NotFound {
            entity: "department",
        })
}

/// Every department, by id.
pub fn list_departments(conn: &mut DbConn) -> Result<Vec<Department>> {
    Ok(departments::table
        .select(departments::all_columns)
        .order(departments::id)
        .load::<DepartmentRow>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestDb, now};

    #[test]
    fn departments_are_created_and_cover_their_jurisdiction() {
        let test = TestDb::new();
        let mut conn = test.db().conn().unwrap();
        let new = NewDepartment {
            code: "MR-ZZ".into(),
            name: "郑州市市场监督管理局".into(),
            name_en: "Zhengzhou Market Regulation".into(),
            region_code: "410100".into(),
            categories: vec![Category::Food, Category::Drugs, Category::Food],
        };
        let dept = create_department(&mut conn, now(), &new).unwrap();
        assert_eq!(dept.categories, vec![Category::Food, Category::Drugs]);
        assert!(dept.covers("410102", &[Category::Food]));
        assert!(!dept.covers("410202", &[Category::Food]));
        assert!(!dept.covers("410102", &[Category::RareEarth]));
        assert!(matches!(
            create_department(&mut conn, now(), &new),
            Err(RegistryError::Conflict { field: Some(f), .. }) if f == "code"
        ));
        let bad = NewDepartment {
            code: "X".into(),
            region_code: "41".into(),
            ..new
        };
        assert!(matches!(
            create_department(&mut conn, now(), &bad),
            Err(RegistryError::Invalid { field, .. }) if field == "region_code"
        ));
        assert_eq!(list_departments(&mut conn).unwrap().len(), 1);
    }
}
