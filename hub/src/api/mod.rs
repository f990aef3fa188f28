//! The JSON API: thin handlers that read a request, call an operation (`crate::ops`) or a
//! registry read, and answer JSON.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod blacklist;
pub mod certificates;
pub mod departments;
pub mod documents;
pub mod enterprises;
pub mod epcis;
pub mod filings;
pub mod health;
pub mod import;
pub mod intake;
pub mod ledger;
pub mod notices;
pub mod recalls;
pub mod regions;
pub mod spotchecks;
pub mod stamps;
pub mod tokens;
pub mod trace;
pub mod users;

use actix_web::HttpResponse;

pub use crate::error::{ApiError, ErrorBody, blocking};
pub use crate::http::json::Json;

/// An empty 204.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}
