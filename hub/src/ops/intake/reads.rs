//! What a reader of deliveries sees: a system its own, an officer those of the department's
//! categories, an administrator all.

use registry::identity::{Actor, Role};
use registry::intake::{self, Delivery};

use super::{Delivered, receipt_errors};
use crate::app::Core;
use crate::error::ApiError;

/// Most deliveries listed at once.
pub const LIST_LIMIT: i64 = 200;

/// The adapters whose deliveries `actor` reads: every one for an administrator, those of the
/// department's categories for an officer; `None` for a system user, who reads only its own.
fn readable_adapters(core: &Core, actor: &Actor) -> Result<Option<Vec<&'static str>>, ApiError> {
    let all = adapters::regulators::ADAPTERS.iter();
    match (actor.role, actor.department_id) {
        (Role::Admin, _) => Ok(Some(all.map(|a| a.name).collect())),
        (Role::Officer, Some(department)) => {
            let department =
                registry::departments::find_department(&mut *core.db.conn()?, department)?;
            Ok(Some(
                all.filter(|a| department.categories.contains(&a.category))
                    .map(|a| a.name)
                    .collect(),
            ))
        }
        (Role::System, _) => Ok(None),
        _ => Ok(Some(Vec::new())),
    }
}

/// The deliveries `actor` may read, newest first, of `adapter` when given.
pub fn deliveries(
    core: &Core,
    actor: &Actor,
    adapter: Option<&str>,
) -> Result<Vec<Delivery>, ApiError> {
    let readable = readable_adapters(core, actor)?;
    let mut conn = core.db.conn()?;
    let all: Vec<&str> = adapters::regulators::ADAPTERS
        .iter()
        .map(|a| a.name)
        .collect();
    let (names, sender) = match readable {
        None => (all, Some(actor.user_id)),
        Some(names) => (names, None),
    };
    let names: Vec<&str> = names
        .into_iter()
        .filter(|n| adapter.is_none_or(|a| a == *n))
        .collect();
    let list = intake::list_deliveries(&mut conn, &names, sender, LIST_LIMIT)?;
    Ok(list)
}

/// One delivery with its receipt, when `actor` may read it (404 otherwise).
pub fn delivery(core: &Core, actor: &Actor, id: i64) -> Result<Delivered, ApiError> {
    let readable = readable_adapters(core, actor)?;
    let delivery = intake::find_delivery(&mut *core.db.conn()?, id)?;
    let visible = match readable {
        None => delivery.sender_user_id == actor.user_id,
        Some(names) => names.contains(&delivery.adapter.as_str()),
    };
    if !visible {
        return Err(ApiError::not_found("delivery"));
    }
    let errors = receipt_errors(&delivery.receipt);
    Ok(Delivered {
        delivery,
        replayed: false,
        errors,
    })
}
