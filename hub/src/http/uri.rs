//! A request target longer than [`MAX_URI_BYTES`] is refused with 414 `uri_too_long` (RFC 9110
//! §15.5.15), naming no field. A request head over the HTTP library's own buffer (128 KiB)
//! never reaches the hub: actix-http answers it 431 itself.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use registry::error::Code;

use crate::error::ApiError;

/// The longest request target (path and query) the hub reads: far above any link it issues.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The middleware.
pub async fn limit_length(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let length = req
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if length > MAX_URI_BYTES {
        let error = ApiError::new(
            Code::UriTooLong,
            format!("the request target has {length} bytes; the limit is {MAX_URI_BYTES}"),
        );
        return Ok(req.error_response(error).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
