//! Reading stamp orders as their readers may: the list (an officer's jurisdiction, an
//! enterprise's own, everything for administrators), an order's counts, and its stamps page by
//! page with their state. Hidden codes are never read here: they are not stored.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::Serial;
use super::issue::{StampOrder, find_order, load_order};
use crate::db::DbConn;
use crate::enterprises::Jurisdiction;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::regions::within_coverage;
use crate::schema::{batches, enterprise_categories, enterprises, products, stamp_orders, stamps};

/// Filters and page of [`list_orders`].
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilter {
    /// Only this enterprise's orders.
    pub enterprise_id: Option<i64>,
    /// Only this product's orders.
    pub product_id: Option<i64>,
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// One page of orders, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderPage {
    pub items: Vec<StampOrder>,
    /// Matches over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// An order with the state of its stamps.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    #[serde(flatten)]
    pub order: StampOrder,
    /// Stamps issued (the quantity).
    pub issued: i64,
    /// Stamps bound to a batch.
    pub activated: i64,
    /// Stamps revoked.
    pub revoked: i64,
}

/// One stamp as its order's readers see it (never its hidden code).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StampRow {
    pub serial: String,
    /// Position in the order, from 1.
    pub seq: i64,
    /// `issued`, `active` or `revoked`.
    pub state: &'static str,
    /// The hidden-code key version (anti-counterfeit stamps).
    pub key_version: Option<i32>,
    pub batch_id: Option<i64>,
    /// The lot of the batch it is bound to.
    pub lot: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub activated_at: Option<NaiveDateTime>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub revoked_at: Option<NaiveDateTime>,
}

/// A page of an order's stamps, by `seq`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StampPage {
    pub items: Vec<StampRow>,
    /// Stamps in the order.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Page and size of a list, checked: (page, per_page).
pub(crate) fn page_of(page: Option<i64>, per_page: Option<i64>, max: i64) -> Result<(i64, i64)> {
    let page = page.unwrap_or(1);
    if page < 1 {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "page",
            "must be 1 or more",
        ));
    }
    let per_page = per_page.unwrap_or(20);
    if !(1..=max).contains(&per_page) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "per_page",
            format!("must be 1 to {max}"),
        ));
    }
    Ok((page, per_page))
}

type Boxed<'a> = diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::InnerJoin<stamp_orders::table, enterprises::table>,
    <DbConn as Connection>::Backend,
>;

/// The orders `actor` may read: administrators all, officers those of enterprises in their
/// department's jurisdiction, an enterprise its own; other roles are refused (403).
pub fn list_orders(conn: &mut DbConn, actor: &Actor, filter: &OrderFilter) -> Result<OrderPage> {
    let (page, per_page) = page_of(filter.page, filter.per_page, 100)?;
    let scope = match actor.role {
        Role::Enterprise => None,
        _ => Some(Jurisdiction::of(conn, actor)?),
    };
    let own = actor
        .enterprise_id
        .filter(|_| actor.role == Role::Enterprise);
    let query = || -> Boxed<'static> {
        let mut q = stamp_orders::table
            .inner_join(enterprises::table)
            .into_boxed();
        if let Some(scope) = &scope {
            if let Some(coverage) = scope.region() {
                q = within_coverage!(q, enterprises::region_code, coverage);
            }
            if let Some(cats) = scope.categories() {
                q = q.filter(
                    enterprises::id.eq_any(
                        enterprise_categories::table
                            .filter(enterprise_categories::category.eq_any(cats.to_vec()))
                            .select(enterprise_categories::enterprise_id),
                    ),
                );
            }
        } else {
            q = q.filter(stamp_orders::enterprise_id.eq(own.unwrap_or(-1)));
        }
        if let Some(id) = filter.enterprise_id {
            q = q.filter(stamp_orders::enterprise_id.eq(id));
        }
        if let Some(id) = filter.product_id {
            q = q.filter(stamp_orders::product_id.eq(id));
        }
        q
    };
    let total: i64 = query().count().get_result(conn)?;
    let items = query()
        .order(stamp_orders::id.desc())
        .limit(per_page)
        .offset((page - 1).saturating_mul(per_page))
        .select(StampOrder::as_select())
        .load(conn)?;
    Ok(OrderPage {
        items,
        total,
        page,
        per_page,
    })
}

/// An order with its counts, as `actor` may see it (see [`find_order`]).
pub fn order_summary(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<OrderSummary> {
    let order = find_order(conn, actor, id)?;
    summarize(conn, order)
}

/// The counts of an order already read.
pub(crate) fn summarize(conn: &mut DbConn, order: StampOrder) -> Result<OrderSummary> {
    let of_order = || stamps::table.filter(stamps::order_id.eq(order.id));
    let activated: i64 = of_order()
        .filter(stamps::batch_id.is_not_null())
        .select(count_star())
        .get_result(conn)?;
    let revoked: i64 = of_order()
        .filter(stamps::revoked_at.is_not_null())
        .select(count_star())
        .get_result(conn)?;
    Ok(OrderSummary {
        issued: order.quantity,
        activated,
        revoked,
        order,
    })
}

/// A page of an order's stamps with their state, as `actor` may see the order.
pub fn order_stamps(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<StampPage> {
    let (page, per_page) = page_of(page, per_page, 1000)?;
    let order = find_order(conn, actor, id)?;
    let first = (page - 1).saturating_mul(per_page) + 1;
    let rows = stamps::table
        .left_join(batches::table)
        .filter(stamps::order_id.eq(order.id))
        .filter(stamps::seq.ge(first))
        .filter(stamps::seq.lt(first.saturating_add(per_page)))
        .order(stamps::seq)
        .select((
            stamps::serial,
            stamps::seq,
            stamps::key_version,
            stamps::batch_id,
            batches::lot.nullable(),
            stamps::activated_at,
            stamps::revoked_at,
        ))
        .load::<StampTuple>(conn)?;
    Ok(StampPage {
        items: rows.into_iter().map(stamp_row).collect(),
        total: order.quantity,
        page,
        per_page,
    })
}

type StampTuple = (
    String,
    i64,
    Option<i32>,
    Option<i64>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn stamp_row(
    (serial, seq, key_version, batch_id, lot, activated_at, revoked_at): StampTuple,
) -> StampRow {
    let state = if revoked_at.is_some() {
        "revoked"
    } else if batch_id.is_some() {
        "active"
    } else {
        "issued"
    };
    StampRow {
        serial,
        seq,
        state,
        key_version,
        batch_id,
        lot,
        activated_at,
        revoked_at,
    }
}

/// The order and seq of a stamp by serial (as typed: normalised; 404 when unknown).
pub(crate) fn locate(conn: &mut DbConn, serial: &str) -> Result<(StampOrder, i64, Serial)> {
    let not_found = RegistryError::NotFound { entity: "stamp" };
    let serial = Serial::parse_lenient(serial).map_err(|_| not_found)?;
    let (order_id, seq) = stamps::table
        .find(serial.as_str())
        .select((stamps::order_id, stamps::seq))
        .first::<(i64, i64)>(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "stamp" })?;
    Ok((load_order(conn, order_id)?, seq, serial))
}

/// Stamps of an order with `seq` in `first..=last`, with their serial, in print order: what a
/// sheet needs, read in pages of `chunk` so that any order passes in bounded memory.
pub fn serials_page(
    conn: &mut DbConn,
    order_id: i64,
    after_seq: i64,
    chunk: i64,
) -> Result<Vec<(i64, Serial, Option<i32>)>> {
    let rows = stamps::table
        .filter(stamps::order_id.eq(order_id))
        .filter(stamps::seq.gt(after_seq))
        .order(stamps::seq)
        .limit(chunk)
        .select((stamps::seq, stamps::serial, stamps::key_version))
        .load::<(i64, String, Option<i32>)>(conn)?;
    rows.into_iter()
        .map(|(seq, serial, version)| {
            Serial::parse(&serial)
                .map(|s| (seq, s, version))
                .map_err(|e| RegistryError::Config(format!("stored serial {serial}: {e}")))
        })
        .collect()
}

/// The name of an order's product (for sheet headers).
pub fn order_product_name(conn: &mut DbConn, order: &StampOrder) -> Result<String> {
    Ok(products::table
        .find(order.product_id)
        .select(products::name)
        .first::<String>(conn)?)
}

/// The Digital Link URI of a stamp, as `actor` may see its order (see [`find_order`]).
pub fn stamp_uri(conn: &mut DbConn, actor: &Actor, serial: &str) -> Result<String> {
    let (order, _, serial) = locate(conn, serial)?;
    let order = find_order(conn, actor, order.id)?;
    Ok(order.link_base()?.uri(&serial))
}

/// The names of the enterprises and products of orders already read (for lists).
#[derive(Debug, Clone, Default)]
pub struct OrderNames {
    /// Enterprise id to name.
    pub enterprises: HashMap<i64, String>,
    /// Product id to name.
    pub products: HashMap<i64, String>,
}

/// The names of the enterprises and products `orders` name: two reads, whatever their number.
pub fn order_names(conn: &mut DbConn, orders: &[StampOrder]) -> Result<OrderNames> {
    let enterprise_ids: Vec<i64> = orders.iter().map(|o| o.enterprise_id).collect();
    let product_ids: Vec<i64> = orders.iter().map(|o| o.product_id).collect();
    Ok(OrderNames {
        enterprises: enterprises::table
            .filter(enterprises::id.eq_any(enterprise_ids))
            .select((enterprises::id, enterprises::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
        products: products::table
            .filter(products::id.eq_any(product_ids))
            .select((products::id, products::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect(),
    })
}

/// A batch an order's stamps may be bound to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchChoice {
    pub id: i64,
    pub lot: String,
    pub production_date: NaiveDate,
}

/// Most batches [`activation_batches`] offers.
pub const MAX_BATCH_CHOICES: i64 = 500;

/// The batches of the order's enterprise and product, newest first (at most
/// [`MAX_BATCH_CHOICES`]): what activation accepts, as `actor` may see the order.
pub fn activation_batches(
    conn: &mut DbConn,
    actor: &Actor,
    order_id: i64,
) -> Result<Vec<BatchChoice>> {
    let order = find_order(conn, actor, order_id)?;
    Ok(batches::table
        .filter(batches::enterprise_id.eq(order.enterprise_id))
        .filter(batches::product_id.eq(order.product_id))
        .order(batches::id.desc())
        .limit(MAX_BATCH_CHOICES)
        .select((batches::id, batches::lot, batches::production_date))
        .load::<(i64, String, NaiveDate)>(conn)?
        .into_iter()
        .map(|(id, lot, production_date)| BatchChoice {
            id,
            lot,
            production_date,
        })
        .collect())
}
