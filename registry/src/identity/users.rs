//! Users: creation with their bindings, lookup, password sign-in, deactivation.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::locale::Locale;
use super::password::{DUMMY_HASH, hash_password, verify_password};
use super::role::{Role, with_article};
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{departments, users};

/// A user account.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub active: bool,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub updated_at: NaiveDateTime,
    /// Whether a password is set (machine accounts may have only tokens).
    pub has_password: bool,
    /// The language notices are written in; none: the hub's default (`notices.default_locale`).
    pub locale: Option<Locale>,
    /// The category a regulator adapter (`system` user) captures for; none for other roles.
    pub category: Option<Category>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    email: Option<String>,
    password_hash: Option<String>,
    role: String,
    department_id: Option<i64>,
    enterprise_id: Option<i64>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    locale: Option<String>,
    category: Option<String>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id,
            role: self.role.parse()?,
            username: self.username,
            display_name: self.display_name,
            email: self.email,
            department_id: self.department_id,
            enterprise_id: self.enterprise_id,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
            has_password: self.password_hash.is_some(),
            locale: self
                .locale
                .as_deref()
                .map(|tag| Locale::parse(tag, "locale"))
                .transpose()?,
            category: self
                .category
                .as_deref()
                .map(|c| Category::parse(c, "category"))
                .transpose()?,
        })
    }
}

/// What it takes to create a user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(pattern = r"^[a-z0-9._-]{3,64}$")]
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Omit for machine accounts that sign in with tokens only.
    #[serde(default)]
    pub password: Option<String>,
    pub role: Role,
    /// Required for officers; an inspector's department (whose spot-check pool they may join).
    #[serde(default)]
    pub department_id: Option<i64>,
    /// Required for enterprise users.
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    /// The language of the user's notices; omit for the hub's default.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// The category of a regulator adapter (`system` user): it captures events only about
    /// products of this category. Only for `system` users.
    #[serde(default)]
    pub category: Option<Category>,
}

fn validate_username(username: &str) -> Result<()> {
    let ok_len = (3..=64).contains(&username.len());
    let ok_chars = username
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(RegistryError::invalid(
            Code::InvalidUsername,
            "username",
            "must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-'",
        ))
    }
}

impl NewUser {
    fn validate(&self, conn: &mut DbConn) -> Result<()> {
        validate_username(&self.username)?;
        if self.display_name.trim().is_empty() || self.display_name.len() > 200 {
            return Err(RegistryError::invalid(
                Code::InvalidDisplayName,
                "display_name",
                "must be 1 to 200 characters",
            ));
        }
        if let Some(email) = &self.email {
            if !email.contains('@') || email.len() > 254 {
                return Err(RegistryError::invalid(
                    Code::InvalidEmail,
                    "email",
                    "is not an e-mail address",
                ));
            }
        }
        match (self.role, self.department_id, self.enterprise_id) {
            (Role::Officer | Role::Inspector, Some(dept), None) => {
                let exists: i64 = departments::table
                    .filter(departments::id.eq(dept))
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    return Err(RegistryError::invalid(
                        Code::UnknownDepartment,
                        "department_id",
                        format!("no department with id {dept}"),
                    ));
                }
            }
            (Role::Officer, None, _) => {
                return Err(RegistryError::invalid(
                    Code::BindingRequired,
                    "department_id",
                    "an officer must be bound to a department",
                ));
            }
            (Role::Enterprise, None, Some(_)) => {}
            (Role::Enterprise, _, None) => {
                return Err(RegistryError::invalid(
                    Code::BindingRequired,
                    "enterprise_id",
                    "an enterprise user must be bound to an enterprise",
                ));
            }
            (_, Some(_), _) => {
                return Err(RegistryError::invalid(
                    Code::BindingNotAllowed,
                    "department_id",
                    format!(
                        "{} user is not bound to a department",
                        with_article(self.role.as_str())
                    ),
                ));
            }
            (_, _, Some(_)) => {
                return Err(RegistryError::invalid(
                    Code::BindingNotAllowed,
                    "enterprise_id",
                    format!(
                        "{} user is not bound to an enterprise",
                        with_article(self.role.as_str())
                    ),
                ));
            }
            _ => {}
        }
        if self.category.is_some() && self.role != Role::System {
            return Err(RegistryError::invalid(
                Code::BindingNotAllowed,
                "category",
                format!(
                    "{} user is not bound to a category",
                    with_article(self.role.as_str())
                ),
            ));
        }
        Ok(())
    }
}

/// Creates a user (call inside a transaction, with the audit entry).
pub fn create_user(conn: &mut DbConn, now: NaiveDateTime, new: &NewUser) -> Result<User> {
    new.validate(conn)?;
    let password_hash = new.password.as_deref().map(hash_password).transpose()?;
    let inserted = diesel::insert_into(users::table)
        .values((
            users::username.eq(&new.username),
            users::display_name.eq(new.display_name.trim()),
            users::email.eq(&new.email),
            users::password_hash.eq(password_hash),
            users::role.eq(new.role.as_str()),
            users::department_id.eq(new.department_id),
            users::enterprise_id.eq(new.enterprise_id),
            users::locale.eq(new.locale.map(Locale::tag)),
            users::category.eq(new.category.map(Category::as_str)),
            users::active.eq(true),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i64>(conn);
    match inserted {
        Ok(id) => find_user(conn, id),
        Err(e) => {
            let e = RegistryError::from(e);
            if e.is_unique_violation() {
                Err(RegistryError::Conflict {
                    code: Code::UsernameTaken,
                    field: Some("username".into()),
                    message: format!("username {:?} is taken", new.username),
                })
            } else {
                Err(e)
            }
        }
    }
}

/// A user by id.
pub fn find_user(conn: &mut DbConn, id: i64) -> Result<User> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "user" })?
        .into_user()
}

/// A user by username.
pub fn find_user_by_name(conn: &mut DbConn, username: &str) -> Result<User> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "user" })?
        .into_user()
}

/// Filters for [`list_users`].
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

/// Users matching the filter, by id.
pub fn list_users(conn: &mut DbConn, filter: &UserFilter) -> Result<Vec<User>> {
    let mut query = users::table
        .select(UserRow::as_select())
        .order(users::id)
        .into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(dept) = filter.department_id {
        query = query.filter(users::department_id.eq(dept));
    }
    if let Some(ent) = filter.enterprise_id {
        query = query.filter(users::enterprise_id.eq(ent));
    }
    query
        .load(conn)?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
}

/// Activates or deactivates a user; a deactivated user's sessions end.
pub fn set_user_active(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    active: bool,
) -> Result<User> {
    let updated = diesel::update(users::table.find(id))
        .set((users::active.eq(active), users::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        return Err(RegistryError::NotFound { entity: "user" });
    }
    if !active {
        diesel::delete(
            crate::schema::sessions::table.filter(crate::schema::sessions::user_id.eq(id)),
        )
        .execute(conn)?;
    }
    find_user(conn, id)
}

/// Sets the language of a user's notices (none: the hub's default).
pub fn set_user_locale(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    locale: Option<Locale>,
) -> Result<User> {
    let updated = diesel::update(users::table.find(id))
        .set((
            users::locale.eq(locale.map(Locale::tag)),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(RegistryError::NotFound { entity: "user" });
    }
    find_user(conn, id)
}

/// Checks a username and password. The same error for an unknown user, a wrong password, a
/// user without a password and a deactivated user, so that the answer tells nothing.
pub fn authenticate(conn: &mut DbConn, username: &str, password: &str) -> Result<User> {
    let row = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    let denied = || RegistryError::Forbidden("invalid username or password".into());
    let Some(row) = row else {
        // Spend the same time as a real check.
        verify_password(password, DUMMY_HASH);
        return Err(denied());
    };
    let ok = row
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(password, h));
    if !ok || !row.active {
        return Err(denied());
    }
    row.into_user()
}
