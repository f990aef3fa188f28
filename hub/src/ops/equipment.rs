//! Special equipment's scheduled check: periodic inspections overdue
//! (`registry::intake::special_equipment::overdue_inspections`).

use registry::intake::special_equipment;
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Raises an alert for each piece of equipment whose inspection is overdue (once per due
/// date); audited as `origin` when any was raised. Returns how many were.
pub fn overdue_inspections(core: &Core, origin: &Origin) -> Result<i64, ApiError> {
    audited::<_, ApiError>(core, origin, "equipment.inspections", |conn, now| {
        let raised = special_equipment::overdue_inspections(conn, now)?;
        if raised == 0 {
            return Ok(Change::unwritten(raised));
        }
        Ok(Change::recorded(
            raised,
            "equipment",
            json!({ "alerts": raised }),
        ))
    })
}
