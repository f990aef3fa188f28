//! The caller's inbox of notices, and the language they are written in.

use actix_web::web;
use registry::identity::{self, Actor, Locale, User};
use registry::notices::{self, InboxFilter, InboxNotice};
use serde::Deserialize;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;

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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
) -> Result<web::Json<InboxNotice>, ApiError> {
    let notice = read_audited(state, actor, request_id, id.into_inner()).await?;
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
    Auth(actor): Auth,
    request_id: RequestId,
    body: Json<LocaleChoice>,
) -> Result<web::Json<User>, ApiError> {
    let user = set_locale_audited(state, actor, request_id, body.0.locale).await?;
    Ok(web::Json(user))
}

/// The audited marking behind `POST /api/v1/notices/{id}/read`, shared with the portal (another
/// user's notice is 404).
pub async fn read_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
) -> Result<InboxNotice, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let notice = notices::mark_read(conn, state.now(), actor.user_id, id)?;
            let detail = json!({ "topic": notice.topic, "source": notice.source });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                "notice.read",
                &format!("notice:{id}"),
                detail,
            )?;
            Ok(notice)
        })
    })
    .await
}

/// The audited change behind `PUT /api/v1/me/locale`, shared with the portal's account page.
pub async fn set_locale_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    locale: Option<Locale>,
) -> Result<User, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let user = identity::set_user_locale(conn, state.now(), actor.user_id, locale)?;
            let target = format!("user:{}", user.id);
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                "user.locale",
                &target,
                json!({ "locale": locale }),
            )?;
            Ok(user)
        })
    })
    .await
}
