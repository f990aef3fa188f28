//! The registry's one error type, and the list of error codes.

mod code;

pub use code::Code;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Everything that can go wrong in the registry, from a bad value to a lost database.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A value broke a domain rule; `field` names it as the caller sent it.
    #[error("{field}: {message}")]
    Invalid {
        code: Code,
        field: String,
        message: String,
    },
    /// The thing asked for does not exist (or is not visible to the asker).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The change clashes with the current state (a duplicate, a wrong status...).
    #[error("{message}")]
    Conflict {
        code: Code,
        field: Option<String>,
        message: String,
    },
    /// The actor may not do this to this object.
    #[error("{0}")]
    Forbidden(String),
    /// The actor may not do this to this object, for a reason a stable code names (e.g.
    /// [`Code::OutsideJurisdiction`]), unlike a route's access rule.
    #[error("{message}")]
    Denied { code: Code, message: String },
    /// As [`RegistryError::Denied`], about one field of the input (an EPCIS capture refused
    /// for `events[3].bizLocation`).
    #[error("{field}: {message}")]
    DeniedField {
        code: Code,
        field: String,
        message: String,
    },
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts, retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The database URL or a setting of the store is wrong.
    #[error("database configuration: {0}")]
    Config(String),
    /// Migrations could not run.
    #[error("migrations: {0}")]
    Migration(String),
    /// Stored data does not hold together (a node of the evidence ledger missing, a stored
    /// value no longer readable): a fault of the database, never of the request.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
    /// No connection could be had from the pool.
    #[error("database unavailable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A query failed.
    #[error("database: {0}")]
    Database(#[from] DieselError),
}

impl RegistryError {
    /// A domain-rule violation on `field`.
    pub fn invalid(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    /// A clash with the current state.
    pub fn conflict(code: Code, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            field: None,
            message: message.into(),
        }
    }

    /// A refusal by object (jurisdiction, ownership) with its code.
    pub fn denied(code: Code, message: impl Into<String>) -> Self {
        Self::Denied {
            code,
            message: message.into(),
        }
    }

    /// A refusal by object about `field` of the input.
    pub fn denied_field(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::DeniedField {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    /// True for a unique-constraint violation reported by either database.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Database(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = RegistryError> = std::result::Result<T, E>;
