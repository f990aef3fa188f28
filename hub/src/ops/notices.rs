//! The caller's own notices and language.

use registry::identity::{self, Locale, User};
use registry::notices::{self, InboxNotice};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Marks one of the caller's notices read (another user's notice is not found).
pub fn read(core: &Core, caller: &Caller, id: i64) -> Result<InboxNotice, ApiError> {
    audited_as(core, caller, "notice.read", |conn, now, actor| {
        let notice = notices::mark_read(conn, now, actor.user_id, id)?;
        let detail = json!({ "topic": notice.topic, "source": notice.source });
        Ok(Change::recorded(notice, format!("notice:{id}"), detail))
    })
}

/// Sets (or clears) the caller's language for notices and the portal.
pub fn set_locale(core: &Core, caller: &Caller, locale: Option<Locale>) -> Result<User, ApiError> {
    audited_as(core, caller, "user.locale", |conn, now, actor| {
        let user = identity::set_user_locale(conn, now, actor.user_id, locale)?;
        let target = format!("user:{}", user.id);
        Ok(Change::recorded(user, target, json!({ "locale": locale })))
    })
}
