//! The caller of an operation, as a handler receives it: the signed-in actor (401 without one)
//! in this request, its id and the one reading of the hub's clock.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::{Ready, ready};
use tracing_actix_web::RequestId;

use crate::app::{AppState, signed_in};
use crate::error::ApiError;
use crate::ops::{Caller, Request};

/// The operations' request for an HTTP request: its id as the logs show it, now on the hub's
/// clock.
pub fn request_of(req: &HttpRequest) -> Result<Request, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let id = req
        .extensions()
        .get::<RequestId>()
        .copied()
        .ok_or_else(|| ApiError::internal("request id missing"))?;
    Ok(Request::new(state, id.to_string()))
}

fn caller_of(req: &HttpRequest) -> Result<Caller, ApiError> {
    Ok(Caller::new(signed_in(req)?, request_of(req)?))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_of(req))
    }
}

impl FromRequest for Request {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(request_of(req))
    }
}
