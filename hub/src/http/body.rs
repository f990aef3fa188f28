//! A request body that stalls is cut: the headers must arrive within the client request
//! timeout, and then each chunk of the body within [`BODY_IDLE`] of the one before, so a client
//! that announces 1,000 bytes and sends 5 does not hold a worker's connection open.

use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use futures_util::StreamExt;

/// How long a request body may pause between chunks.
pub const BODY_IDLE: Duration = Duration::from_secs(30);

/// The middleware: wraps the body of a request that has one in the idle timeout.
pub async fn idle_timeout(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let has_body = req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body {
        let body = req.take_payload();
        let timed = futures_util::stream::unfold(Some(body), |state| async move {
            let mut body = state?;
            match tokio::time::timeout(BODY_IDLE, body.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(body))),
                Ok(None) => None,
                Err(_) => Some((Err(stalled()), None)),
            }
        });
        // Fused: a reader may poll again after the end (multipart does).
        req.set_payload(Payload::Stream {
            payload: Box::pin(timed.fuse()),
        });
    }
    next.call(req).await
}

fn stalled() -> PayloadError {
    PayloadError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!(
            "the request body stalled for {} s; send it without pauses",
            BODY_IDLE.as_secs()
        ),
    ))
}
