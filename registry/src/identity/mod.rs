//! Who may act: users and their roles, passwords, API tokens and client certificates for
//! machines, portal sessions, and the limit on login attempts.

mod certificates;
mod locale;
mod login_limit;
mod password;
mod role;
mod sessions;
mod tokens;
mod users;

use serde::Serialize;

pub use certificates::{
    ClientCertificate, NewCertificate, bind_certificate, certificate_fingerprint, certificate_user,
    list_certificates, revoke_certificate,
};
pub use locale::Locale;
pub use login_limit::{LoginPolicy, check_login_allowed, record_login_attempt};
pub use password::{hash_password, verify_password};
pub use role::{Role, Scope, with_article};
pub use sessions::{Session, create_session, delete_session, session_user};
pub use tokens::{
    ApiToken, NewToken, TOKEN_PREFIX, TokenRefusal, create_token, list_tokens, revoke_token,
    token_user,
};
pub use users::{
    NewUser, User, UserFilter, authenticate, create_user, find_user, find_user_by_name, list_users,
    set_user_active, set_user_locale,
};

/// How a request or command proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// A portal session cookie.
    Session,
    /// An API token (bearer).
    Token,
    /// The command line on the hub's own machine.
    Cli,
    /// A client certificate (mutual TLS) bound to a machine account.
    Certificate,
}

/// The authenticated party behind a request: the user, the role and bindings that scope what
/// they see, and what the credential allows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub method: AuthMethod,
    /// What the credential allows; sessions and the CLI carry both read and write.
    pub scopes: Vec<Scope>,
}

impl Actor {
    /// The actor of a user signed in by session (or the CLI): full read and write.
    pub fn for_user(user: &User, method: AuthMethod) -> Self {
        Self {
            user_id: user.id,
            username: user.username.clone(),
            role: user.role,
            department_id: user.department_id,
            enterprise_id: user.enterprise_id,
            method,
            scopes: vec![Scope::Read, Scope::Write],
        }
    }

    /// An administrator acting from the hub's own command line (generators, benchmarks), with
    /// no user row behind it (`user_id` 0); audited as `cli:{username}`.
    pub fn cli_admin(username: &str) -> Self {
        Self {
            user_id: 0,
            username: username.to_owned(),
            role: Role::Admin,
            department_id: None,
            enterprise_id: None,
            method: AuthMethod::Cli,
            scopes: vec![Scope::Read, Scope::Write],
        }
    }

    /// True when the credential carries `scope`.
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// How the audit log names this actor: `user:alice` (or `cli:alice`).
    pub fn audit_name(&self) -> String {
        match self.method {
            AuthMethod::Cli => format!("cli:{}", self.username),
            AuthMethod::Session | AuthMethod::Token | AuthMethod::Certificate => {
                format!("user:{}", self.username)
            }
        }
    }
}

#[cfg(test)]
mod tests;
