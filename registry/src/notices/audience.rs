//! From an audience to people: the active users a notice reaches.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::Audience;
use crate::db::DbConn;
use crate::departments::{Category, list_departments};
use crate::error::Result;
use crate::identity::{Locale, Role};
use crate::schema::users;

/// A user a notice reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    /// Where the e-mail goes, when the user has an address.
    pub email: Option<String>,
    /// The user's language, when they chose one.
    pub locale: Option<Locale>,
}

type UserRow = (i64, Option<String>, Option<String>);

/// The active users `audience` reaches, each once, by user id.
pub fn recipients(conn: &mut DbConn, audience: &[Audience]) -> Result<Vec<Recipient>> {
    let mut found: BTreeMap<i64, Recipient> = BTreeMap::new();
    for part in audience {
        for (user_id, email, locale) in users_of(conn, part)? {
            found.entry(user_id).or_insert_with(|| Recipient {
                user_id,
                email: email.filter(|e| !e.trim().is_empty()),
                locale: locale.and_then(|tag| Locale::parse(&tag, "locale").ok()),
            });
        }
    }
    Ok(found.into_values().collect())
}

fn users_of(conn: &mut DbConn, part: &Audience) -> Result<Vec<UserRow>> {
    let active = || {
        users::table
            .filter(users::active.eq(true))
            .select((users::id, users::email, users::locale))
            .into_boxed()
    };
    let officers = || active().filter(users::role.eq(Role::Officer.as_str()));
    let rows = match part {
        Audience::Department { id } => {
            officers().filter(users::department_id.eq(*id)).load(conn)?
        }
        Audience::Competent {
            region_code,
            category,
        } => {
            let categories = category.map_or_else(|| Category::ALL.to_vec(), |c| vec![c]);
            let competent: Vec<i64> = list_departments(conn)?
                .into_iter()
                .filter(|d| d.covers(region_code, &categories))
                .map(|d| d.id)
                .collect();
            officers()
                .filter(users::department_id.eq_any(competent))
                .load(conn)?
        }
        Audience::Enterprise { id } => active()
            .filter(users::role.eq(Role::Enterprise.as_str()))
            .filter(users::enterprise_id.eq(*id))
            .load(conn)?,
        Audience::Enterprises { ids } => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(5_000) {
                rows.extend(
                    active()
                        .filter(users::role.eq(Role::Enterprise.as_str()))
                        .filter(users::enterprise_id.eq_any(chunk))
                        .load::<UserRow>(conn)?,
                );
            }
            rows
        }
        Audience::Users { ids } => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(5_000) {
                rows.extend(
                    active()
                        .filter(users::id.eq_any(chunk))
                        .load::<UserRow>(conn)?,
                );
            }
            rows
        }
        Audience::AllDepartments => officers().load(conn)?,
        Audience::Ministries => active()
            .filter(users::role.eq(Role::Ministry.as_str()))
            .load(conn)?,
    };
    Ok(rows)
}
