//! Roles: what kind of user someone is, and what that binds them to.

use serde::{Deserialize, Serialize};

use crate::error::Code;

/// A user's role. Officers are bound to a department (and through it a region), enterprise
/// users to an enterprise; the others act province-wide within what their routes allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the hub: users, tokens, audit.
    Admin,
    /// A department officer: reviews, issues stamps, draws spot checks in their jurisdiction.
    Officer,
    /// A user of one enterprise: files records for it.
    Enterprise,
    /// Carries out spot checks.
    Inspector,
    /// A ministry receiving exchanges.
    Ministry,
    /// A regulator system pushing records through an adapter.
    System,
}

impl Role {
    /// Every role, in a fixed order (for tables and tests).
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Officer,
        Role::Enterprise,
        Role::Inspector,
        Role::Ministry,
        Role::System,
    ];

    /// The role's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Enterprise => "enterprise",
            Role::Inspector => "inspector",
            Role::Ministry => "ministry",
            Role::System => "system",
        }
    }
}

/// `word` with its English indefinite article: "an admin", "a ministry".
pub fn with_article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = crate::RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                crate::RegistryError::invalid(
                    Code::InvalidRole,
                    "role",
                    format!("unknown role {s:?}: expected one of admin, officer, enterprise, inspector, ministry, system"),
                )
            })
    }
}

/// What a credential may do: read (safe HTTP methods) or also write.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    /// The scope's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }

    /// Parses a comma-separated list (`"read,write"`), rejecting unknown names.
    pub fn parse_list(list: &str) -> Result<Vec<Scope>, crate::RegistryError> {
        let mut scopes = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let scope = match name {
                "read" => Scope::Read,
                "write" => Scope::Write,
                other => {
                    return Err(crate::RegistryError::invalid(
                        Code::InvalidScope,
                        "scopes",
                        format!("unknown scope {other:?}: expected read or write"),
                    ));
                }
            };
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(crate::RegistryError::invalid(
                Code::InvalidScope,
                "scopes",
                "at least one scope is required",
            ));
        }
        scopes.sort();
        Ok(scopes)
    }

    /// A scope list as stored: `"read,write"`.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}
