//! Named EPCIS queries (`/epcis/queries`): a simple event query saved under a name, per owner
//! (the user who saved it; another user's queries are invisible to them). The parameters are
//! kept as given (a JSON object of parameter name to value) and read again each time the query
//! runs, with the reader's scope of that moment; checking them is the caller's (the hub reads
//! them with the same parser as `GET /epcis/events` before saving).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::epcis_named_queries;

/// Longest query name.
pub const MAX_NAME: usize = 100;

/// A saved query.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = epcis_named_queries)]
pub struct NamedQuery {
    /// Row id.
    #[serde(skip)]
    pub id: i64,
    /// The user it belongs to.
    #[serde(skip)]
    pub owner_id: i64,
    /// Its name (unique per owner).
    pub name: String,
    /// The parameters: a JSON object of parameter name to value.
    pub query: String,
    /// When it was saved (UTC).
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
}

/// Checks a query name: 1 to [`MAX_NAME`] letters, digits, `-`, `_` or `.`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(RegistryError::invalid(
            Code::InvalidField,
            "name",
            format!("a query name is 1 to {MAX_NAME} letters, digits, '-', '_' or '.'"),
        ))
    }
}

/// Saves `query` (parameters as JSON) as `name` for `owner`; 409 `query_name_taken` when the
/// owner has a query of that name.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    owner: i64,
    name: &str,
    query: &str,
) -> Result<NamedQuery> {
    check_name(name)?;
    if find(conn, owner, name)?.is_some() {
        return Err(taken(name));
    }
    diesel::insert_into(epcis_named_queries::table)
        .values((
            epcis_named_queries::owner_id.eq(owner),
            epcis_named_queries::name.eq(name),
            epcis_named_queries::query.eq(query),
            epcis_named_queries::created_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| match RegistryError::from(e) {
            e if e.is_unique_violation() => taken(name),
            e => e,
        })?;
    find(conn, owner, name)?.ok_or(RegistryError::NotFound {
        entity: "named query",
    })
}

fn taken(name: &str) -> RegistryError {
    RegistryError::Conflict {
        code: Code::QueryNameTaken,
        field: Some("name".into()),
        message: format!("you already have a query named {name:?}"),
    }
}

/// `owner`'s query `name`, if any.
pub fn find(conn: &mut DbConn, owner: i64, name: &str) -> Result<Option<NamedQuery>> {
    Ok(epcis_named_queries::table
        .filter(epcis_named_queries::owner_id.eq(owner))
        .filter(epcis_named_queries::name.eq(name))
        .select(NamedQuery::as_select())
        .first(conn)
        .optional()?)
}

/// A query by row id (a subscription's), if it still exists.
pub fn by_id(conn: &mut DbConn, id: i64) -> Result<Option<NamedQuery>> {
    Ok(epcis_named_queries::table
        .find(id)
        .select(NamedQuery::as_select())
        .first(conn)
        .optional()?)
}

/// `owner`'s queries, by name.
pub fn list(conn: &mut DbConn, owner: i64) -> Result<Vec<NamedQuery>> {
    Ok(epcis_named_queries::table
        .filter(epcis_named_queries::owner_id.eq(owner))
        .order(epcis_named_queries::name)
        .select(NamedQuery::as_select())
        .load(conn)?)
}

/// Deletes `owner`'s query `name` and its subscriptions; 404 when there is none.
pub fn delete(conn: &mut DbConn, owner: i64, name: &str) -> Result<NamedQuery> {
    let found = find(conn, owner, name)?.ok_or(RegistryError::NotFound {
        entity: "named query",
    })?;
    super::subscriptions::delete_for_query(conn, found.id)?;
    diesel::delete(epcis_named_queries::table.find(found.id)).execute(conn)?;
    Ok(found)
}
