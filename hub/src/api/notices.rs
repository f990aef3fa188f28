//! The caller's inbox of notices, and the language they are written in.

use actix_web::web;
use registry::identity::{Locale, User};
use registry::notices::{self, InboxFilter, InboxNotice};
use serde::Deserialize;

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::{self, Caller};

/// The caller's notices, newest first; `unread=true` for those not yet read.
#[utoipa::path(get, path = "/api/v1/notices", tag = "notices", params(InboxFilter),
    responses((status = 200, body = [InboxNotice]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<InboxFilter>,
) -> Result<web::Json<Vec<InboxNotice>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list = blocking(move || {
        Ok(notices::list_inbox(
            &mut *db.conn()?,
            actor.user_id,
            &filter,
        )?)
    })
    .await?;
    Ok(web::Json(list))
}

/// Marks one of the caller's notices read (the first time counts).
#[utoipa::path(post, path = "/api/v1/notices/{id}/read", tag = "notices", params(("id" = i64, Path)),
    responses((status = 200, body = InboxNotice), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<InboxNotice>, ApiError> {
    let id = id.into_inner();
    let notice = blocking(move || ops::notices::read(&state, &caller, id)).await?;
    Ok(web::Json(notice))
}

/// The language of the caller's notices.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleChoice {
    /// `zh-CN`, `vi` or `en`; null for the hub's default.
    pub locale: Option<Locale>,
}

/// Sets the language the caller's notices (in-app and e-mail) are written in.
#[utoipa::path(put, path = "/api/v1/me/locale", tag = "notices", request_body = LocaleChoice,
    responses((status = 200, body = User), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_locale(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<LocaleChoice>,
) -> Result<web::Json<User>, ApiError> {
    let locale = body.0.locale;
    let user = blocking(move || ops::notices::set_locale(&state, &caller, locale)).await?;
    Ok(web::Json(user))
}
