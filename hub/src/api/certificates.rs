//! Client certificates of machine accounts (administrators): a regulator system presenting a
//! bound certificate over mutual TLS is signed in as its `system` user, without a token.

use actix_web::{HttpResponse, web};
use registry::identity::{self, ClientCertificate};
use serde::Deserialize;

use super::{ApiError, Json, blocking};
use crate::app::AppState;
use crate::ops::{self, Caller};

/// A certificate to bind.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindCertificate {
    /// The client's X.509 certificate, PEM (`-----BEGIN CERTIFICATE-----`), without its chain.
    #[schema(
        min_length = 1,
        max_length = 65536,
        pattern = "-----BEGIN CERTIFICATE-----"
    )]
    pub pem: String,
}

/// The certificates bound to a user, newest first.
#[utoipa::path(get, path = "/api/v1/users/{id}/certificates", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = [ClientCertificate]), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<ClientCertificate>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let list = blocking(move || {
        let conn = &mut *db.conn()?;
        identity::find_user(conn, id)?;
        Ok(identity::list_certificates(conn, id)?)
    })
    .await?;
    Ok(web::Json(list))
}

/// Binds a client certificate to a `system` user: over mutual TLS (`server.tls.client_ca`), a
/// request presenting it without a token acts as that user.
#[utoipa::path(post, path = "/api/v1/users/{id}/certificates", tag = "identity", params(("id" = i64, Path)),
    request_body = BindCertificate,
    responses((status = 201, body = ClientCertificate), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn bind(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<BindCertificate>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let pem = body.0.pem;
    let bound =
        blocking(move || ops::certificates::bind(&state, &caller.origin(), id, &pem)).await?;
    Ok(HttpResponse::Created().json(bound))
}

/// Revokes a binding: the certificate no longer signs anyone in.
#[utoipa::path(delete, path = "/api/v1/users/{id}/certificates/{certificate_id}", tag = "identity",
    params(("id" = i64, Path), ("certificate_id" = i64, Path)),
    responses((status = 200, body = ClientCertificate), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<ClientCertificate>, ApiError> {
    let (user_id, id) = path.into_inner();
    let revoked =
        blocking(move || ops::certificates::revoke(&state, &caller.origin(), user_id, id)).await?;
    Ok(web::Json(revoked))
}
