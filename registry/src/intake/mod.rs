//! The intake of regulator adapters: deliveries and what each adapter keeps.
//!
//! A delivery is one file a regulator system sends (HTTP push, or `hub import`), by a `system`
//! user bound to the adapter's category (or an administrator). It is kept with its SHA-256, its
//! outcome and its signed receipt (the hub signs; [`Delivery::receipt`] is the exact text
//! signed). A written delivery (accepted whole, or partly with `skip_bad`) is unique per
//! adapter, sender and content: the same file sent again finds it ([`find_written`]) and changes
//! nothing. A rejected delivery wrote nothing but its own row, so sending the file again once
//! fixed (or once its products are filed) is a new delivery.
//!
//! What each adapter keeps, and the alerts it raises, are in its module ([`drugs`]).

pub mod agri;
pub mod drugs;
pub mod food;
pub mod lots;
pub mod rare_earth;
mod site_alerts;
pub mod special_equipment;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::{intake_deliveries, users};

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every record written.
    Accepted,
    /// The good records written, the bad ones reported (`skip_bad`).
    Partial,
    /// Bad records, so nothing of the file was written.
    Rejected,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Partial => "partial",
            Outcome::Rejected => "rejected",
        }
    }

    fn from_stored(s: &str) -> Self {
        match s {
            "accepted" => Outcome::Accepted,
            "partial" => Outcome::Partial,
            _ => Outcome::Rejected,
        }
    }
}

/// A delivery as first written: its receipt is set once its records are ([`set_receipt`]).
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub adapter: &'a str,
    pub sender_user_id: i64,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub outcome: Outcome,
}

/// What a delivery's records came to.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Records read (good and bad).
    pub records: i64,
    /// Records written.
    pub written: i64,
    /// Records refused.
    pub refused: i64,
    /// Alerts raised.
    pub alerts: i64,
}

/// A stored delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub adapter: String,
    pub sender_user_id: i64,
    pub sender: String,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub received_at: NaiveDateTime,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub counts: Counts,
    /// The receipt, the exact JSON text the signature covers.
    pub receipt: String,
    /// ECDSA P-256 signature of `receipt` (DER, base64), by the hub's key.
    pub signature: String,
    /// The id of the key that signed (SHA-256 of its public key, hex; `GET /ledger/key`).
    pub key_id: String,
}

type DeliveryRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
    NaiveDateTime,
    String,
    (i64, i64, i64, i64),
    (String, String, String),
);

/// Writes a delivery (its receipt still empty) and returns its id. A written delivery of the
/// same adapter, sender and content makes this a `Conflict` (the caller replays it).
pub fn insert(conn: &mut DbConn, now: NaiveDateTime, new: &NewDelivery<'_>) -> Result<i64> {
    let id = diesel::insert_into(intake_deliveries::table)
        .values((
            intake_deliveries::adapter.eq(new.adapter),
            intake_deliveries::sender_user_id.eq(new.sender_user_id),
            intake_deliveries::file_name.eq(new.file_name),
            intake_deliveries::sha256.eq(new.sha256),
            intake_deliveries::size_bytes.eq(new.size_bytes),
            intake_deliveries::received_at.eq(now),
            intake_deliveries::outcome.eq(new.outcome.as_str()),
            intake_deliveries::records.eq(0_i64),
            intake_deliveries::written.eq(0_i64),
            intake_deliveries::refused.eq(0_i64),
            intake_deliveries::alerts.eq(0_i64),
            intake_deliveries::receipt.eq(""),
            intake_deliveries::signature.eq(""),
            intake_deliveries::key_id.eq(""),
        ))
        .returning(intake_deliveries::id)
        .get_result(conn)
        .map_err(|e| {
            let e = RegistryError::from(e);
            if e.is_unique_violation() {
                RegistryError::conflict(Code::Conflict, "this file was delivered already")
            } else {
                e
            }
        })?;
    Ok(id)
}

/// Sets a delivery's outcome, counts and signed receipt.
pub fn set_receipt(
    conn: &mut DbConn,
    id: i64,
    outcome: Outcome,
    counts: Counts,
    receipt: &str,
    signature: &str,
    key_id: &str,
) -> Result<()> {
    diesel::update(intake_deliveries::table.find(id))
        .set((
            intake_deliveries::outcome.eq(outcome.as_str()),
            intake_deliveries::records.eq(counts.records),
            intake_deliveries::written.eq(counts.written),
            intake_deliveries::refused.eq(counts.refused),
            intake_deliveries::alerts.eq(counts.alerts),
            intake_deliveries::receipt.eq(receipt),
            intake_deliveries::signature.eq(signature),
            intake_deliveries::key_id.eq(key_id),
        ))
        .execute(conn)?;
    Ok(())
}

macro_rules! delivery_columns {
    () => {
        (
            intake_deliveries::id,
            intake_deliveries::adapter,
            intake_deliveries::sender_user_id,
            users::username,
            intake_deliveries::file_name,
            intake_deliveries::sha256,
            intake_deliveries::size_bytes,
            intake_deliveries::received_at,
            intake_deliveries::outcome,
            (
                intake_deliveries::records,
                intake_deliveries::written,
                intake_deliveries::refused,
                intake_deliveries::alerts,
            ),
            (
                intake_deliveries::receipt,
                intake_deliveries::signature,
                intake_deliveries::key_id,
            ),
        )
    };
}

fn delivery(row: DeliveryRow) -> Delivery {
    let (id, adapter, sender_user_id, sender, file_name, sha256, size_bytes, received_at, outcome) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let (records, written, refused, alerts) = row.9;
    let (receipt, signature, key_id) = row.10;
    Delivery {
        id,
        adapter,
        sender_user_id,
        sender,
        file_name,
        sha256,
        size_bytes,
        received_at,
        outcome: Outcome::from_stored(&outcome),
        counts: Counts {
            records,
            written,
            refused,
            alerts,
        },
        receipt,
        signature,
        key_id,
    }
}

/// The written delivery of this content by this sender, if any.
pub fn find_written(
    conn: &mut DbConn,
    adapter: &str,
    sender_user_id: i64,
    sha256: &str,
) -> Result<Option<Delivery>> {
    Ok(intake_deliveries::table
        .inner_join(users::table.on(users::id.eq(intake_deliveries::sender_user_id)))
        .filter(intake_deliveries::adapter.eq(adapter))
        .filter(intake_deliveries::sender_user_id.eq(sender_user_id))
        .filter(intake_deliveries::sha256.eq(sha256))
        .filter(intake_deliveries::outcome.ne(Outcome::Rejected.as_str()))
        .select(delivery_columns!())
        .first::<DeliveryRow>(conn)
        .optional()?
        .map(delivery))
}

/// A delivery by id.
pub fn find_delivery(conn: &mut DbConn, id: i64) -> Result<Delivery> {
    intake_deliveries::table
        .inner_join(users::table.on(users::id.eq(intake_deliveries::sender_user_id)))
        .filter(intake_deliveries::id.eq(id))
        .select(delivery_columns!())
        .first::<DeliveryRow>(conn)
        .optional()?
        .map(delivery)
        .ok_or(RegistryError::NotFound { entity: "delivery" })
}

/// Deliveries, newest first: of these adapters, of one sender when given.
pub fn list_deliveries(
    conn: &mut DbConn,
    adapters: &[&str],
    sender_user_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Delivery>> {
    let mut query = intake_deliveries::table
        .inner_join(users::table.on(users::id.eq(intake_deliveries::sender_user_id)))
        .select(delivery_columns!())
        .order(intake_deliveries::id.desc())
        .limit(limit)
        .filter(intake_deliveries::adapter.eq_any(adapters))
        .into_boxed();
    if let Some(sender) = sender_user_id {
        query = query.filter(intake_deliveries::sender_user_id.eq(sender));
    }
    Ok(query
        .load::<DeliveryRow>(conn)?
        .into_iter()
        .map(delivery)
        .collect())
}

/// The alert kinds an adapter's rules raise, by adapter name.
pub fn alert_kinds(adapter: &str) -> &'static [&'static str] {
    match adapter {
        "agri" => &[agri::BANNED_INPUT, agri::WITHDRAWAL, agri::FAILED_SHIPPED],
        "food" => &[
            food::RECALLED_INPUT,
            food::BLACKLISTED_SUPPLIER,
            food::FAILED_RELEASED,
        ],
        "drugs" => &[
            drugs::DISPENSED_TWICE,
            drugs::AFTER_EXPIRY,
            drugs::BATCH_MISMATCH,
            drugs::UNKNOWN_CODE,
        ],
        "rare-earth" => &[
            rare_earth::NOT_DESIGNATED,
            rare_earth::MASS_BALANCE,
            rare_earth::QUOTA,
            rare_earth::LATE_REPORT,
        ],
        "special-equipment" => &[
            special_equipment::FILLED_UNREGISTERED,
            special_equipment::SCRAPPED_REUSED,
            special_equipment::INSPECTION_OVERDUE,
        ],
        _ => &[],
    }
}
