//! Issuing a stamp order: an officer of the competent department issues 1 to 1,000,000 stamps
//! to an active enterprise for one of its products.
//!
//! Serials come from the CSPRNG ([`SerialGenerator`]); what makes one unique for ever (also
//! across replicas) is the primary key of `stamps`. Rows are written in chunks, each under a
//! savepoint: `COPY ... BINARY` on PostgreSQL, multi-row `INSERT`s on SQLite. A chunk refused
//! for a duplicate serial is rolled back to its savepoint, the serials already taken are drawn
//! again, and the chunk is written anew. Anti-counterfeit stamps record the key version of the
//! hidden-code ring; the hidden code itself is never stored.
//!
//! Stamp rows are written only here, in the transaction that inserts their order, and orders are
//! never deleted; so on PostgreSQL `stamps.order_id` carries no foreign key (its per-row trigger
//! cost 5 s per million stamps; `2026-11-30-000090_stamps_bulk_issue`), while SQLite keeps it. An
//! order's serials are drawn first, sorted and numbered (`seq`) in that order, so that each chunk
//! reaches both unique indexes in key order; the set drawn is the same uniform draw.
//! [`require_may_receive`] refuses an enterprise on the blacklist (409 `enterprise_blacklisted`,
//! through `crate::blacklist::current_listing`), suspended (`enterprise_suspended`) or otherwise
//! not active (`enterprise_not_active`).

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{KeyVersion, Serial, SerialGenerator, StampError, StampLinkBase};
use crate::blacklist::current_listing;
use crate::db::DbConn;
use crate::enterprises::{
    Enterprise, Status, load_enterprise, named_enterprise, require_jurisdiction,
};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::products::find_product;
use crate::identity::{Actor, Role};
use crate::schema::{stamp_orders, stamps};
use crate::stamps::HiddenCodeKeyRing;

/// Most stamps in one order.
pub const MAX_ORDER_QUANTITY: i64 = 1_000_000;
/// Stamps written per `COPY` on PostgreSQL (also the unit of a retry).
const PG_CHUNK: usize = 100_000;
/// Stamps per multi-row `INSERT` on SQLite (5 parameters each, far below its limit).
const SQLITE_ROWS: usize = 2_000;
/// Stamps per savepoint on SQLite (also the unit of a retry).
const SQLITE_CHUNK: usize = 20_000;
/// How often a chunk is redrawn after duplicate serials before giving up (each redraw replaces
/// only the duplicates: a second collision of 68-bit serials is beyond any real chance).
const MAX_ATTEMPTS: usize = 8;

/// The two kinds of stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StampKind {
    /// A QR code carrying the Digital Link.
    Qr,
    /// A QR code plus a hidden (scratch-off) code that proves the pack genuine.
    AntiCounterfeit,
}

impl StampKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StampKind::Qr => "qr",
            StampKind::AntiCounterfeit => "anti_counterfeit",
        }
    }

    /// The kind a stored name denotes.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "qr" => Some(StampKind::Qr),
            "anti_counterfeit" => Some(StampKind::AntiCounterfeit),
            _ => None,
        }
    }
}

/// An order to issue.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStampOrder {
    pub enterprise_id: i64,
    /// One of the enterprise's products: its GTIN goes into every stamp's link.
    pub product_id: i64,
    /// 1 to 1,000,000.
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: i64,
    pub kind: StampKind,
}

/// An issued order (the stamps are `1..=quantity` by `seq`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = stamp_orders)]
pub struct StampOrder {
    pub id: i64,
    pub enterprise_id: i64,
    pub product_id: i64,
    /// The issuing department.
    pub department_id: i64,
    pub company_prefix: String,
    /// The product's GTIN as filed.
    pub gtin: String,
    /// `qr` or `anti_counterfeit`.
    #[schema(value_type = StampKind)]
    pub kind: String,
    pub quantity: i64,
    /// The host of the stamps' Digital Link URIs.
    pub resolver_host: String,
    pub issued_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub issued_at: NaiveDateTime,
}

impl StampOrder {
    /// The order's kind.
    pub fn stamp_kind(&self) -> StampKind {
        StampKind::parse(&self.kind).unwrap_or(StampKind::Qr)
    }

    /// The link base of the order's stamps (host and GTIN as issued).
    pub fn link_base(&self) -> Result<StampLinkBase> {
        StampLinkBase::new(&self.resolver_host, &self.gtin, None).map_err(stamp_error)
    }
}

/// A [`StampError`] from stored values: the configuration or the data is wrong, not the caller.
pub(crate) fn stamp_error(e: StampError) -> RegistryError {
    RegistryError::Config(e.to_string())
}

/// Issues an order with serials from the thread's CSPRNG (call inside a transaction, with the
/// audit entry). See [`issue_order_with`].
pub fn issue_order(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewStampOrder,
    ring: &HiddenCodeKeyRing,
    resolver_host: &str,
) -> Result<StampOrder> {
    let mut serials = SerialGenerator::from_thread_rng();
    issue_order_with(
        conn,
        now,
        actor,
        new,
        ring,
        resolver_host,
        &mut serials,
        &mut |_| {},
    )
}

/// Issues an order drawing serials from `serials` and reporting the stamps written so far to
/// `progress`. Refusals: 422 `invalid_quantity`, `unknown_enterprise`, `unknown_product`;
/// 403 `outside_jurisdiction` (not an officer of the competent department); 409
/// `enterprise_blacklisted`, `enterprise_suspended` or `enterprise_not_active`.
#[allow(
    clippy::too_many_arguments,
    reason = "who, when, what, the keys, and the serial source"
)]
pub fn issue_order_with(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewStampOrder,
    ring: &HiddenCodeKeyRing,
    resolver_host: &str,
    serials: &mut dyn Iterator<Item = Serial>,
    progress: &mut dyn FnMut(u64),
) -> Result<StampOrder> {
    if !(1..=MAX_ORDER_QUANTITY).contains(&new.quantity) {
        return Err(RegistryError::invalid(
            Code::InvalidQuantity,
            "quantity",
            format!("must be 1 to {MAX_ORDER_QUANTITY}"),
        ));
    }
    let enterprise = named_enterprise(conn, new.enterprise_id)?;
    let department_id = issuing_department(conn, actor, &enterprise)?;
    require_may_receive(conn, &enterprise)?;
    let product = find_product(conn, enterprise.id, new.product_id).map_err(|e| match e {
        RegistryError::NotFound { .. } => RegistryError::invalid(
            Code::UnknownProduct,
            "product_id",
            format!(
                "enterprise {} has no product {}",
                enterprise.id, new.product_id
            ),
        ),
        other => other,
    })?;
    StampLinkBase::new(resolver_host, &product.gtin, None).map_err(|e| match e {
        StampError::InvalidGtin => RegistryError::invalid(
            Code::InvalidGtin,
            "product_id",
            "the product's GTIN cannot be put in a stamp link",
        ),
        other => stamp_error(other),
    })?;
    let company_prefix = enterprise.company_prefix.clone().unwrap_or_default();
    let order_id = diesel::insert_into(stamp_orders::table)
        .values((
            stamp_orders::enterprise_id.eq(enterprise.id),
            stamp_orders::product_id.eq(product.id),
            stamp_orders::department_id.eq(department_id),
            stamp_orders::company_prefix.eq(&company_prefix),
            stamp_orders::gtin.eq(&product.gtin),
            stamp_orders::kind.eq(new.kind.as_str()),
            stamp_orders::quantity.eq(new.quantity),
            stamp_orders::resolver_host.eq(resolver_host),
            stamp_orders::issued_by.eq(actor.audit_name()),
            stamp_orders::issued_at.eq(now),
        ))
        .returning(stamp_orders::id)
        .get_result::<i64>(conn)?;
    let key_version = match new.kind {
        StampKind::Qr => None,
        StampKind::AntiCounterfeit => Some(i32::from(ring.current_version())),
    };
    let target = StampTarget {
        order_id,
        company_prefix: &company_prefix,
        key_version,
    };
    write_stamps(conn, &target, new.quantity, serials, progress)?;
    load_order(conn, order_id)
}

/// The department of an officer competent for `enterprise` (403 `outside_jurisdiction` else).
fn issuing_department(conn: &mut DbConn, actor: &Actor, enterprise: &Enterprise) -> Result<i64> {
    let dept = actor
        .department_id
        .filter(|_| actor.role == Role::Officer)
        .ok_or_else(|| {
            RegistryError::denied(
                Code::OutsideJurisdiction,
                "only an officer of the competent department may issue stamps",
            )
        })?;
    require_jurisdiction(conn, actor, enterprise)?;
    Ok(dept)
}

/// 409 unless `enterprise` may receive stamps: active and not on the blacklist.
pub fn require_may_receive(conn: &mut DbConn, enterprise: &Enterprise) -> Result<()> {
    if let Some(listing) = current_listing(conn, enterprise.id)? {
        return Err(RegistryError::Conflict {
            code: Code::EnterpriseBlacklisted,
            field: Some("enterprise_id".into()),
            message: format!(
                "enterprise {} is on the blacklist (listing {}): it gets no stamps",
                enterprise.id, listing.id
            ),
        });
    }
    let code = match enterprise.status {
        Status::Active => return Ok(()),
        Status::Suspended => Code::EnterpriseSuspended,
        _ => Code::EnterpriseNotActive,
    };
    Err(RegistryError::Conflict {
        code,
        field: Some("enterprise_id".into()),
        message: format!(
            "enterprise {} is {}: only an active enterprise gets stamps",
            enterprise.id,
            enterprise.status.as_str()
        ),
    })
}

/// What every stamp row of one order shares.
struct StampTarget<'a> {
    order_id: i64,
    company_prefix: &'a str,
    key_version: Option<i32>,
}

/// Writes stamps `1..=quantity` of an order, chunk by chunk, redrawing serials the database
/// already holds.
///
/// The order's serials are drawn first and numbered in sorted order, so that each chunk reaches
/// both unique indexes (`serial` and `(order_id, seq)`) in key order: random-order inserts into
/// a B-tree cost three to four times as much. Which label position gets which serial tells
/// nothing about unissued serials: the set drawn is the same uniform draw either way.
fn write_stamps(
    conn: &mut DbConn,
    target: &StampTarget<'_>,
    quantity: i64,
    serials: &mut dyn Iterator<Item = Serial>,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let total = usize::try_from(quantity).unwrap_or(0);
    let chunk_len = match conn {
        DbConn::Pg(_) => PG_CHUNK,
        DbConn::Sqlite(_) => SQLITE_CHUNK,
    };
    let mut drawn = draw_distinct(serials, total)?;
    // Filled only if the database refuses a serial: every serial of the order so far.
    let mut seen: HashSet<Serial> = HashSet::new();
    let mut written = 0usize;
    while written < total {
        let len = chunk_len.min(total - written);
        let first_seq = i64::try_from(written).unwrap_or(i64::MAX) + 1;
        let mut attempt = 0;
        loop {
            let chunk = &drawn[written..written + len];
            let outcome = conn.transaction(|c| insert_chunk(c, target, first_seq, chunk));
            match outcome {
                Ok(()) => break,
                Err(e) if e.is_unique_violation() && attempt < MAX_ATTEMPTS => {
                    attempt += 1;
                    let taken = taken_serials(conn, chunk)?;
                    if taken.is_empty() {
                        // Not a serial: (order_id, seq) cannot clash in a new order.
                        return Err(e);
                    }
                    if seen.is_empty() {
                        seen.extend(drawn.iter().copied());
                    }
                    let chunk = &mut drawn[written..written + len];
                    for serial in chunk.iter_mut().filter(|s| taken.contains(*s)) {
                        *serial = draw_new(serials, &mut seen)?;
                    }
                    chunk.sort_unstable();
                }
                Err(e) => return Err(e),
            }
        }
        written += len;
        progress(written as u64);
    }
    Ok(())
}

/// `total` distinct serials from `serials`, sorted.
fn draw_distinct(serials: &mut dyn Iterator<Item = Serial>, total: usize) -> Result<Vec<Serial>> {
    let mut drawn: Vec<Serial> = Vec::with_capacity(total);
    for _ in 0..MAX_ATTEMPTS {
        let missing = total - drawn.len();
        drawn.extend((&mut *serials).take(missing));
        drawn.sort_unstable();
        drawn.dedup();
        if drawn.len() == total {
            return Ok(drawn);
        }
    }
    Err(RegistryError::Config(
        "the serial generator keeps repeating itself".into(),
    ))
}

/// A serial from `serials` not in `seen` (then added to it).
fn draw_new(
    serials: &mut dyn Iterator<Item = Serial>,
    seen: &mut HashSet<Serial>,
) -> Result<Serial> {
    for serial in serials {
        if seen.insert(serial) {
            return Ok(serial);
        }
    }
    Err(RegistryError::Config("the serial generator ran dry".into()))
}

/// The serials of `chunk` already stored.
fn taken_serials(conn: &mut DbConn, chunk: &[Serial]) -> Result<HashSet<Serial>> {
    let mut taken = HashSet::new();
    for part in chunk.chunks(SQLITE_ROWS) {
        let names: Vec<&str> = part.iter().map(Serial::as_str).collect();
        let found = stamps::table
            .filter(stamps::serial.eq_any(&names))
            .select(stamps::serial)
            .load::<String>(conn)?;
        for s in found {
            if let Ok(serial) = Serial::parse(&s) {
                taken.insert(serial);
            }
        }
    }
    Ok(taken)
}

/// Writes one chunk of stamps with consecutive `seq` from `first_seq`.
fn insert_chunk(
    conn: &mut DbConn,
    target: &StampTarget<'_>,
    first_seq: i64,
    chunk: &[Serial],
) -> Result<()> {
    let rows: Vec<_> = chunk
        .iter()
        .zip(first_seq..)
        .map(|(serial, seq)| {
            (
                stamps::serial.eq(serial.as_str()),
                stamps::order_id.eq(target.order_id),
                stamps::seq.eq(seq),
                stamps::company_prefix.eq(target.company_prefix),
                stamps::key_version.eq(target.key_version),
            )
        })
        .collect();
    match conn {
        DbConn::Pg(pg) => {
            diesel::copy_from(stamps::table)
                .from_insertable(&rows)
                .execute(pg)?;
        }
        DbConn::Sqlite(lite) => {
            for part in rows.chunks(SQLITE_ROWS) {
                diesel::insert_into(stamps::table)
                    .values(part)
                    .execute(lite)?;
            }
        }
    }
    Ok(())
}

/// An anti-counterfeit order for benchmark data, written whole by [`write_activated_order`].
#[derive(Debug, Clone, Copy)]
pub struct ActivatedOrder<'a> {
    pub enterprise_id: i64,
    pub product_id: i64,
    /// The issuing department.
    pub department_id: i64,
    pub company_prefix: &'a str,
    /// The GTIN in the stamps' links.
    pub gtin: &'a str,
    pub resolver_host: &'a str,
    /// The audit name of the issuer (`cli:bench`).
    pub issued_by: &'a str,
    /// The hidden-code key version of every stamp.
    pub key_version: KeyVersion,
    /// Stamp `seq` is activated on batch `batches[seq % batches.len()]` (none when empty).
    pub batches: &'a [i64],
}

/// Stamps per multi-row insert of an activated order (7 parameters each).
const ACTIVATED_ROWS: usize = 1000;

/// Writes an order with `serials` (numbered from 1 in the order given) already activated,
/// with multi-row inserts and no checks: no officer, no jurisdiction, no redrawing of taken
/// serials. For benchmark data (`hub bench resolver-data` on a fresh database), never for a
/// real order (that is [`issue_order`]). Returns the order's id.
pub fn write_activated_order(
    conn: &mut DbConn,
    now: NaiveDateTime,
    order: &ActivatedOrder<'_>,
    serials: &[Serial],
) -> Result<i64> {
    let order_id = diesel::insert_into(stamp_orders::table)
        .values((
            stamp_orders::enterprise_id.eq(order.enterprise_id),
            stamp_orders::product_id.eq(order.product_id),
            stamp_orders::department_id.eq(order.department_id),
            stamp_orders::company_prefix.eq(order.company_prefix),
            stamp_orders::gtin.eq(order.gtin),
            stamp_orders::kind.eq(StampKind::AntiCounterfeit.as_str()),
            stamp_orders::quantity.eq(i64::try_from(serials.len()).unwrap_or(i64::MAX)),
            stamp_orders::resolver_host.eq(order.resolver_host),
            stamp_orders::issued_by.eq(order.issued_by),
            stamp_orders::issued_at.eq(now),
        ))
        .returning(stamp_orders::id)
        .get_result::<i64>(conn)?;
    let key_version = Some(i32::from(order.key_version));
    for (c, chunk) in serials.chunks(ACTIVATED_ROWS).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, serial)| {
                let seq = c * ACTIVATED_ROWS + i + 1;
                let batch = match order.batches.len() {
                    0 => None,
                    n => Some(order.batches[seq % n]),
                };
                (
                    stamps::serial.eq(serial.as_str()),
                    stamps::order_id.eq(order_id),
                    stamps::seq.eq(i64::try_from(seq).unwrap_or(i64::MAX)),
                    stamps::company_prefix.eq(order.company_prefix),
                    stamps::key_version.eq(key_version),
                    stamps::batch_id.eq(batch),
                    stamps::activated_at.eq(Some(now)),
                )
            })
            .collect();
        // Multi-row inserts run on the concrete connection (see `insert_chunk`).
        match conn {
            DbConn::Pg(pg) => diesel::insert_into(stamps::table)
                .values(&rows)
                .execute(pg)?,
            DbConn::Sqlite(lite) => diesel::insert_into(stamps::table)
                .values(&rows)
                .execute(lite)?,
        };
    }
    Ok(order_id)
}

/// An order by id, unscoped (for the registry's own use after a scope check).
pub(crate) fn load_order(conn: &mut DbConn, id: i64) -> Result<StampOrder> {
    stamp_orders::table
        .find(id)
        .select(StampOrder::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "stamp order",
        })
}

/// An order as `actor` may see it: an enterprise its own (404 else), an officer those of
/// enterprises in the department's jurisdiction (403 `outside_jurisdiction` else), an
/// administrator all; other roles none (404).
pub fn find_order(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<StampOrder> {
    let order = load_order(conn, id)?;
    match actor.role {
        Role::Admin => {}
        Role::Enterprise if actor.enterprise_id == Some(order.enterprise_id) => {}
        Role::Officer => {
            let enterprise = load_enterprise(conn, order.enterprise_id)?;
            require_jurisdiction(conn, actor, &enterprise)?;
        }
        _ => {
            return Err(RegistryError::NotFound {
                entity: "stamp order",
            });
        }
    }
    Ok(order)
}
