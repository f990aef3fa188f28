//! The one API error type: a stable snake_case code ([`Code`], the list in
//! `registry/src/error/code.rs`), its HTTP status decided here and nowhere else ([`status`]),
//! and a JSON body `{"error": code, "message": ..., "field": ...}`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use registry::RegistryError;
use registry::error::Code;
use serde::Serialize;

/// The HTTP status of each code: the one place that decides it. No wildcard arm, so a new code
/// does not compile until it has its status.
pub fn status(code: Code) -> StatusCode {
    match code {
        // The request could not be read.
        Code::BadRequest
        | Code::InvalidDigitalLink
        | Code::InvalidField
        | Code::InvalidForm
        | Code::InvalidJson
        | Code::InvalidMultipart
        | Code::InvalidQuery
        | Code::MalformedEpcis
        | Code::UnknownQueryParameter
        | Code::UnreadableBody
        | Code::XmlRefused => StatusCode::BAD_REQUEST,
        // No credentials, or credentials that are not (or no longer) valid.
        Code::InvalidAuthorization
        | Code::InvalidCredentials
        | Code::InvalidToken
        | Code::SessionExpired
        | Code::TokenExpired
        | Code::TokenRevoked
        | Code::CertificateUnknown
        | Code::CertificateRevoked
        | Code::CertificateExpired
        | Code::Unauthenticated
        | Code::UserInactive => StatusCode::UNAUTHORIZED,
        // Authenticated but not allowed.
        Code::CaptureNoCategory
        | Code::CaptureNotOwnProduct
        | Code::CaptureNotOwnSite
        | Code::CaptureOutsideCategory
        | Code::CsrfInvalid
        | Code::CsrfMissing
        | Code::Forbidden
        | Code::InsufficientScope
        | Code::NotIssuingDepartment
        | Code::NotOwnObject
        | Code::OutsideJurisdiction
        | Code::OwnProposal
        | Code::NotAssigned => StatusCode::FORBIDDEN,
        Code::LinkTypeNotFound | Code::NotFound | Code::UnknownSerial => StatusCode::NOT_FOUND,
        Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Code::VersionNotSupported => StatusCode::NOT_ACCEPTABLE,
        Code::PayloadTooLarge | Code::QueryTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Code::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        Code::UriTooLong => StatusCode::URI_TOO_LONG,
        Code::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        // Clashes with the current state.
        Code::AlertClosed
        | Code::AlertNotOpen
        | Code::AlreadyListed
        | Code::AlreadyProposed
        | Code::BatchNotOwn
        | Code::BatchOtherProduct
        | Code::CannotDeactivateSelf
        | Code::CaptureRace
        | Code::ChangeDecided
        | Code::ChangePending
        | Code::CompanyPrefixTaken
        | Code::Conflict
        | Code::CreditCodeTaken
        | Code::DepartmentCodeTaken
        | Code::EnterpriseBlacklisted
        | Code::EnterpriseNotActive
        | Code::EnterpriseRevoked
        | Code::EnterpriseSuspended
        | Code::GlnTaken
        | Code::GtinTaken
        | Code::InvalidTransition
        | Code::LicenceTaken
        | Code::ListingRemoved
        | Code::LotTaken
        | Code::NotYetRemovable
        | Code::ProposalDecided
        | Code::StampAlreadyActivated
        | Code::StampConflict
        | Code::StampRevoked
        | Code::TierFixedWhileListed
        | Code::UserNotActive
        | Code::UsernameTaken
        | Code::CertificateTaken
        | Code::QueryNameTaken
        | Code::RecallNotOpen
        | Code::RecallNotAcknowledged
        | Code::RecallUnaccounted
        | Code::PlanLocked
        | Code::NotEnoughInspectors
        | Code::ResultPublished
        | Code::ResultMissing => StatusCode::CONFLICT,
        // Well-formed, but a value breaks a rule.
        Code::BatchNotOfProduct
        | Code::BindingNotAllowed
        | Code::BindingRequired
        | Code::CategoryNotRegistered
        | Code::ConfirmationRequired
        | Code::EmptyDocument
        | Code::EmptyUpdate
        | Code::GtinNotYours
        | Code::InvalidCategory
        | Code::InvalidCertificate
        | Code::NotAMachineAccount
        | Code::InvalidChange
        | Code::InvalidChoice
        | Code::InvalidCode
        | Code::InvalidCompanyPrefix
        | Code::InvalidCoordinate
        | Code::InvalidCountry
        | Code::InvalidCreditCode
        | Code::InvalidCreditTier
        | Code::InvalidCsv
        | Code::InvalidDate
        | Code::InvalidDescription
        | Code::InvalidDisplayName
        | Code::InvalidDocumentType
        | Code::InvalidEmail
        | Code::InvalidEncoding
        | Code::InvalidEpcis
        | Code::InvalidExpiry
        | Code::InvalidGln
        | Code::InvalidGtin
        | Code::InvalidHeader
        | Code::InvalidHiddenCode
        | Code::InvalidIdentifier
        | Code::InvalidJob
        | Code::InvalidLayout
        | Code::InvalidLines
        | Code::InvalidLocale
        | Code::InvalidLocation
        | Code::InvalidLeafIndex
        | Code::InvalidLot
        | Code::InvalidName
        | Code::InvalidNumber
        | Code::InvalidPage
        | Code::InvalidPageToken
        | Code::InvalidPassword
        | Code::InvalidPhone
        | Code::InvalidQuantity
        | Code::InvalidRange
        | Code::InvalidRegion
        | Code::InvalidRole
        | Code::InvalidScope
        | Code::InvalidSecretKey
        | Code::InvalidSerial
        | Code::InvalidSha256
        | Code::InvalidShelfLife
        | Code::InvalidSort
        | Code::InvalidText
        | Code::InvalidTokenName
        | Code::InvalidTreeSize
        | Code::InvalidUnit
        | Code::InvalidUsername
        | Code::InvalidValidity
        | Code::InvalidValue
        | Code::InvalidXml
        | Code::MissingTarget
        | Code::PublishNeedsProduct
        | Code::ReasonRequired
        | Code::Required
        | Code::RestrictedGln
        | Code::RestrictedGtin
        | Code::TooLong
        | Code::UnknownBatch
        | Code::UnknownCheckItem
        | Code::UnknownDepartment
        | Code::UnknownDocument
        | Code::UnknownEnterprise
        | Code::UnknownEquipment
        | Code::UnknownProduct
        | Code::UnknownSite
        | Code::UnregisteredGln
        | Code::UnsupportedContentType
        | Code::WeakPassword => StatusCode::UNPROCESSABLE_ENTITY,
        Code::TooManyAttempts | Code::TooManyWrongCodes => StatusCode::TOO_MANY_REQUESTS,
        // Our fault; the cause goes to the log, not to the client.
        Code::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        // A dependency (the database, a key) is missing.
        Code::DatabaseUnavailable
        | Code::LedgerUnconfigured
        | Code::StampsUnconfigured
        | Code::VerificationUnavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An error answered to an API client.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
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
    /// An error with its code (which fixes the status) and message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
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

    /// A 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    /// A 500; `cause` is logged, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            Code::InternalError,
            "the hub failed to answer; the error is logged",
        )
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The HTTP status, which the code decides.
    pub fn status(&self) -> StatusCode {
        status(self.code)
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
            error: self.code.as_str(),
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
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        if self.status() == StatusCode::UNAUTHORIZED {
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
            }
            | RegistryError::DeniedField {
                code,
                field,
                message,
            } => ApiError::new(code, format!("{field}: {message}")).with_field(field),
            RegistryError::NotFound { entity } => ApiError::not_found(entity),
            RegistryError::Conflict {
                code,
                field,
                message,
            } => {
                let error = ApiError::new(code, message);
                match field {
                    Some(field) => error.with_field(field),
                    None => error,
                }
            }
            RegistryError::Forbidden(message) => ApiError::new(Code::Forbidden, message),
            RegistryError::Denied { code, message } => ApiError::new(code, message),
            RegistryError::RateLimited { retry_after_secs } => {
                ApiError::new(Code::TooManyAttempts, "too many attempts; try again later")
                    .retry_after(retry_after_secs)
            }
            RegistryError::Pool(cause) => {
                tracing::error!(error = %cause, "database unavailable");
                ApiError::new(Code::DatabaseUnavailable, "the database cannot be reached")
            }
            e if e.is_unique_violation() => {
                ApiError::new(Code::Conflict, "a record with these values exists")
            }
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
