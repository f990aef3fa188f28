//! The one API error type: a stable snake_case code, the HTTP status decided here and nowhere
//! else, and a JSON body `{"error": code, "message": ..., "field": ...}`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use registry::RegistryError;
use serde::Serialize;

/// What kind of failure, which fixes the status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 400: the request could not be read (malformed JSON, bad query string).
    BadRequest,
    /// 401: no credentials, or credentials that are not (or no longer) valid.
    Unauthenticated,
    /// 403: authenticated but not allowed.
    Forbidden,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 409: clashes with the current state.
    Conflict,
    /// 413.
    PayloadTooLarge,
    /// 415.
    UnsupportedMediaType,
    /// 422: well-formed, but a value breaks a rule.
    Invalid,
    /// 429.
    TooManyRequests,
    /// 503: a dependency (the database) is down.
    Unavailable,
    /// 500: our fault; the cause goes to the log, not to the client.
    Internal,
}

impl Kind {
    /// The HTTP status for this kind.
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    kind: Kind,
    code: &'static str,
    message: String,
    field: Option<String>,
    retry_after_secs: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// Stable, machine-readable code, e.g. `invalid_credit_code`.
    error: &'a str,
    /// For people; may change.
    message: &'a str,
    /// The request field at fault, when there is one (a JSON path such as `sites[2].gln`).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// An error of `kind` with a code and message.
    pub fn new(kind: Kind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            retry_after_secs: None,
        }
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Tells the client when to try again (`Retry-After`, on 429).
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// A 400 for a request that could not be read.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::BadRequest, code, message)
    }

    /// A 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(Kind::NotFound, "not_found", format!("{what} not found"))
    }

    /// A 403 with a reason.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::Forbidden, code, message)
    }

    /// A 401 with a reason.
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Kind::Unauthenticated, code, message)
    }

    /// A 500; `cause` is logged, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            Kind::Internal,
            "internal_error",
            "the hub failed to answer; the error is logged",
        )
    }

    /// The code, for tests and logs.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The request field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The message, for people (English).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON body sent to the client.
    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            error: self.code,
            message: &self.message,
            field: self.field.as_deref(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        if self.kind == Kind::Unauthenticated {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(self.body())
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::Invalid {
                code,
                field,
                message,
            } => {
                ApiError::new(Kind::Invalid, code, format!("{field}: {message}")).with_field(field)
            }
            RegistryError::NotFound { entity } => ApiError::not_found(entity),
            RegistryError::Conflict {
                code,
                field,
                message,
            } => {
                let error = ApiError::new(Kind::Conflict, code, message);
                match field {
                    Some(field) => error.with_field(field),
                    None => error,
                }
            }
            RegistryError::Forbidden(message) => ApiError::forbidden("forbidden", message),
            RegistryError::Denied { code, message } => ApiError::forbidden(code, message),
            RegistryError::DeniedField {
                code,
                field,
                message,
            } => ApiError::forbidden(code, format!("{field}: {message}")).with_field(field),
            RegistryError::RateLimited { retry_after_secs } => ApiError {
                retry_after_secs: Some(retry_after_secs),
                ..ApiError::new(
                    Kind::TooManyRequests,
                    "too_many_attempts",
                    "too many attempts; try again later",
                )
            },
            RegistryError::Pool(cause) => {
                tracing::error!(error = %cause, "database unavailable");
                ApiError::new(
                    Kind::Unavailable,
                    "database_unavailable",
                    "the database cannot be reached",
                )
            }
            e if e.is_unique_violation() => ApiError::new(
                Kind::Conflict,
                "conflict",
                "a record with these values exists",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

/// Runs blocking database work off the async workers, mapping its errors.
pub async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await?
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        RegistryError::from(e).into()
    }
}
