//! Departments: the regulators, their region and categories.

use registry::departments::{self, Department, NewDepartment};
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Creates a department over a region and the categories it regulates.
pub fn create(core: &Core, origin: &Origin, new: &NewDepartment) -> Result<Department, ApiError> {
    audited(core, origin, "department.create", |conn, now| {
        let dept = departments::create_department(conn, now, new)?;
        let detail = json!({ "code": dept.code, "region_code": dept.region_code, "categories": dept.categories });
        let target = format!("department:{}", dept.id);
        Ok(Change::recorded(dept, target, detail))
    })
}
