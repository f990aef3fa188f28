//! API tokens for machines: random, shown once, stored only as a SHA-256 digest, scoped, with
//! expiry and revocation.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::role::Scope;
use super::users::{User, find_user};
use super::{Actor, AuthMethod};
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::api_tokens;
use crate::secret::{random_token, sha256_hex};

/// Every token starts with this, so that a leaked one is easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "thk_";

/// A token as listed: never the secret itself.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub token_prefix: String,
    pub scopes: Vec<Scope>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub expires_at: Option<NaiveDateTime>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    token_prefix: String,
    scopes: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

impl TokenRow {
    fn into_token(self) -> Result<ApiToken> {
        Ok(ApiToken {
            id: self.id,
            user_id: self.user_id,
            scopes: Scope::parse_list(&self.scopes)?,
            name: self.name,
            token_prefix: self.token_prefix,
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// What it takes to create a token.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, e.g. "agri adapter, production".
    pub name: String,
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
    /// When it stops working; none for no expiry.
    #[serde(default, with = "crate::time::as_rfc3339::option")]
    pub expires_at: Option<NaiveDateTime>,
}

/// Creates a token for `user`; returns it with the secret, which is never shown again.
pub fn create_token(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user: &User,
    new: &NewToken,
) -> Result<(ApiToken, String)> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(RegistryError::invalid(
            Code::InvalidTokenName,
            "name",
            "must be 1 to 200 characters",
        ));
    }
    let scopes = Scope::parse_list(&Scope::join(&new.scopes))?;
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(RegistryError::invalid(
            Code::InvalidExpiry,
            "expires_at",
            "must be in the future",
        ));
    }
    if !user.active {
        return Err(RegistryError::conflict(
            Code::UserNotActive,
            "the user is deactivated",
        ));
    }
    let secret = random_token(TOKEN_PREFIX);
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user.id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(sha256_hex(secret.as_bytes())),
            api_tokens::token_prefix.eq(&secret[..TOKEN_PREFIX.len() + 8]),
            api_tokens::scopes.eq(Scope::join(&scopes)),
            api_tokens::created_at.eq(now),
            api_tokens::expires_at.eq(new.expires_at.map(|t| t.and_utc().naive_utc())),
        ))
        .returning(api_tokens::id)
        .get_result(conn)?;
    Ok((find_token(conn, id)?, secret))
}

/// Tokens of one user, or of everyone when `user_id` is none; newest first.
pub fn list_tokens(conn: &mut DbConn, user_id: Option<i64>) -> Result<Vec<ApiToken>> {
    let mut query = api_tokens::table
        .select(TokenRow::as_select())
        .order(api_tokens::id.desc())
        .into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(api_tokens::user_id.eq(user_id));
    }
    query
        .load(conn)?
        .into_iter()
        .map(TokenRow::into_token)
        .collect()
}

/// Revokes a token. `owner`, when given, must own it (otherwise it is "not found").
/// Revoking an already revoked token keeps its first revocation time.
pub fn revoke_token(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    owner: Option<i64>,
) -> Result<ApiToken> {
    let row: TokenRow = api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?
        .filter(|row| owner.is_none_or(|o| o == row.user_id))
        .ok_or(RegistryError::NotFound { entity: "token" })?;
    if row.revoked_at.is_none() {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::revoked_at.eq(now))
            .execute(conn)?;
    }
    find_token(conn, id)
}

fn find_token(conn: &mut DbConn, id: i64) -> Result<ApiToken> {
    api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)?
        .into_token()
}

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    Unknown,
    Expired,
    Revoked,
    UserInactive,
}

/// The actor behind a presented token, or why it is refused.
pub fn token_user(
    conn: &mut DbConn,
    now: NaiveDateTime,
    presented: &str,
) -> Result<std::result::Result<Actor, TokenRefusal>> {
    if !presented.starts_with(TOKEN_PREFIX) {
        return Ok(Err(TokenRefusal::Unknown));
    }
    let Some(row) = api_tokens::table
        .filter(api_tokens::token_hash.eq(sha256_hex(presented.as_bytes())))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(Err(TokenRefusal::Unknown));
    };
    if row.revoked_at.is_some() {
        return Ok(Err(TokenRefusal::Revoked));
    }
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(Err(TokenRefusal::Expired));
    }
    let token = row.into_token()?;
    let user = find_user(conn, token.user_id)?;
    if !user.active {
        return Ok(Err(TokenRefusal::UserInactive));
    }
    let mut actor = Actor::for_user(&user, AuthMethod::Token);
    actor.scopes = token.scopes;
    Ok(Ok(actor))
}
