//! API tokens: created (the secret shown once) and revoked.

use registry::identity::{self, ApiToken, NewToken};
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Whose token: a user by id (the API) or by name (the command line).
pub enum Owner<'a> {
    Id(i64),
    Name(&'a str),
}

/// Creates a token for `owner`; the secret is in the answer and nowhere else.
pub fn create(
    core: &Core,
    origin: &Origin,
    owner: Owner<'_>,
    new: &NewToken,
) -> Result<(ApiToken, String), ApiError> {
    audited(core, origin, "token.create", |conn, now| {
        let user = match owner {
            Owner::Id(id) => identity::find_user(conn, id)?,
            Owner::Name(name) => identity::find_user_by_name(conn, name)?,
        };
        let (token, secret) = identity::create_token(conn, now, &user, new)?;
        let detail = json!({ "name": token.name, "user_id": user.id, "scopes": token.scopes, "expires_at": token.expires_at.map(registry::time::rfc3339), "prefix": token.token_prefix });
        let target = format!("token:{}", token.id);
        Ok(Change::recorded((token, secret), target, detail))
    })
}

/// Revokes token `id`: of `owner` only, when given (not found otherwise).
pub fn revoke(
    core: &Core,
    origin: &Origin,
    id: i64,
    owner: Option<i64>,
) -> Result<ApiToken, ApiError> {
    audited(core, origin, "token.revoke", |conn, now| {
        let token = identity::revoke_token(conn, now, id, owner)?;
        let detail = json!({ "user_id": token.user_id });
        Ok(Change::recorded(token, format!("token:{id}"), detail))
    })
}
