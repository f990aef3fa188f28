//! The agri adapter's records: the department's list of banned or withdrawn inputs, each input
//! used on a farm's lot with its withdrawal interval, and (through [`super::lots`]) each
//! product lot's shipments and residue tests.
//!
//! Alerts, to the department competent for the farm (category edible agricultural products):
//! - [`BANNED_INPUT`]: an input on the banned list used;
//! - [`WITHDRAWAL`]: harvest or slaughter of a lot before the withdrawal interval of an input
//!   used on it has passed;
//! - [`FAILED_SHIPPED`]: a lot whose residue test failed, shipped (whichever came first).

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::site_alerts::{self, Concerned, SiteAlert};
use crate::alerts::Severity;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::{Code, RegistryError, Result};
use crate::schema::{agri_banned_inputs, agri_input_uses};

/// A banned or withdrawn input used.
pub const BANNED_INPUT: &str = "agri.banned_input";
/// Harvest or slaughter inside a withdrawal interval.
pub const WITHDRAWAL: &str = "agri.withdrawal_interval";
/// A lot that failed its residue test, shipped.
pub const FAILED_SHIPPED: &str = "agri.failed_lot_shipped";

/// An input on the banned list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BannedInput {
    pub registration_number: String,
    pub name: String,
    pub reason: String,
    pub listed_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub listed_at: NaiveDateTime,
}

/// An input to put on the list (again: its name and reason replaced).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBannedInput {
    /// The registration number as farms record it (`PD84101-5`).
    pub registration_number: String,
    pub name: String,
    /// Why (the announcement that banned or withdrew it).
    pub reason: String,
}

fn text(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(RegistryError::invalid(
            Code::InvalidText,
            field,
            format!("1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Puts an input on the banned list.
pub fn ban_input(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &str,
    new: &NewBannedInput,
) -> Result<BannedInput> {
    let number = text("registration_number", &new.registration_number, 60)?;
    let name = text("name", &new.name, 200)?;
    let reason = text("reason", &new.reason, 2000)?;
    diesel::delete(agri_banned_inputs::table.find(&number)).execute(conn)?;
    diesel::insert_into(agri_banned_inputs::table)
        .values((
            agri_banned_inputs::registration_number.eq(&number),
            agri_banned_inputs::name.eq(&name),
            agri_banned_inputs::reason.eq(&reason),
            agri_banned_inputs::listed_by.eq(by),
            agri_banned_inputs::listed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(BannedInput {
        registration_number: number,
        name,
        reason,
        listed_by: by.to_owned(),
        listed_at: now,
    })
}

/// The banned list, by registration number.
pub fn banned_inputs(conn: &mut DbConn) -> Result<Vec<BannedInput>> {
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = agri_banned_inputs::table
        .order(agri_banned_inputs::registration_number)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(registration_number, name, reason, listed_by, listed_at)| BannedInput {
                registration_number,
                name,
                reason,
                listed_by,
                listed_at,
            },
        )
        .collect())
}

/// An input used on a farm's lot.
#[derive(Debug, Clone)]
pub struct InputUse<'a> {
    pub delivery_id: i64,
    pub site_gln: &'a str,
    pub lot: &'a str,
    pub used_on: NaiveDate,
    pub input_type: &'a str,
    pub name: &'a str,
    pub registration_number: &'a str,
    pub withdrawal_days: u32,
}

/// Records an input used; returns the alerts raised (a banned input).
pub fn record_input(conn: &mut DbConn, now: NaiveDateTime, u: &InputUse<'_>) -> Result<i64> {
    diesel::insert_into(agri_input_uses::table)
        .values((
            agri_input_uses::delivery_id.eq(u.delivery_id),
            agri_input_uses::site_gln.eq(u.site_gln),
            agri_input_uses::lot.eq(u.lot),
            agri_input_uses::used_on.eq(u.used_on),
            agri_input_uses::input_type.eq(u.input_type),
            agri_input_uses::input_name.eq(u.name),
            agri_input_uses::registration_number.eq(u.registration_number),
            agri_input_uses::withdrawal_days
                .eq(i32::try_from(u.withdrawal_days).unwrap_or(i32::MAX)),
        ))
        .execute(conn)?;
    let banned: Option<(String, String)> = agri_banned_inputs::table
        .find(u.registration_number)
        .select((agri_banned_inputs::name, agri_banned_inputs::reason))
        .first(conn)
        .optional()?;
    let Some((listed_name, reason)) = banned else {
        return Ok(0);
    };
    let key = format!(
        "{BANNED_INPUT}:{}:{}:{}",
        u.site_gln, u.lot, u.registration_number
    );
    site_alerts::raise(
        conn,
        now,
        SiteAlert {
            concerned: Concerned::Site(u.site_gln),
            category: Category::EdibleAgri,
            kind: BANNED_INPUT,
            severity: Severity::Critical,
            subject: &format!("farm-lot:{}/{}", u.site_gln, u.lot),
            detail: json!({ "registration_number": u.registration_number, "name": u.name,
                "listed_as": listed_name, "reason": reason, "used_on": u.used_on,
                "input_type": u.input_type, "delivery_id": u.delivery_id }),
            dedupe_key: &key,
        },
    )
}

/// Checks a harvest or slaughter of a farm's lot against the withdrawal intervals of the
/// inputs used on it; returns the alerts raised.
pub fn harvested(
    conn: &mut DbConn,
    now: NaiveDateTime,
    delivery_id: i64,
    site_gln: &str,
    lot: &str,
    on: NaiveDate,
) -> Result<i64> {
    let uses: Vec<(NaiveDate, String, String, i32)> = agri_input_uses::table
        .filter(agri_input_uses::site_gln.eq(site_gln))
        .filter(agri_input_uses::lot.eq(lot))
        .filter(agri_input_uses::used_on.le(on))
        .select((
            agri_input_uses::used_on,
            agri_input_uses::input_name,
            agri_input_uses::registration_number,
            agri_input_uses::withdrawal_days,
        ))
        .load(conn)?;
    let inside: Vec<_> = uses
        .into_iter()
        .filter_map(|(used_on, name, number, days)| {
            let until = used_on.checked_add_days(Days::new(u64::try_from(days).unwrap_or(0)))?;
            (on < until).then(|| {
                json!({ "input": name, "registration_number": number,
                "used_on": used_on, "withdrawal_days": days, "earliest": until })
            })
        })
        .collect();
    if inside.is_empty() {
        return Ok(0);
    }
    site_alerts::raise(
        conn,
        now,
        SiteAlert {
            concerned: Concerned::Site(site_gln),
            category: Category::EdibleAgri,
            kind: WITHDRAWAL,
            severity: Severity::Critical,
            subject: &format!("farm-lot:{site_gln}/{lot}"),
            detail: json!({ "harvested_on": on, "inputs": inside, "delivery_id": delivery_id }),
            dedupe_key: &format!("{WITHDRAWAL}:{site_gln}:{lot}:{on}"),
        },
    )
}
