//! Delivery into users' inboxes (and the e-mail queue), and the inbox as its owner reads it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Notice, recipients};
use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Locale;
use crate::outbox::{self, NewJob};
use crate::schema::notices;

/// The outbox kind of one e-mail to one recipient.
pub const EMAIL_JOB: &str = "notice.email";

/// Attempts before an e-mail is given up as dead (with back-off, about four days).
const EMAIL_ATTEMPTS: i32 = 25;

/// A notice's text in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// What a `notice.email` job carries: the message exactly as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailJob {
    /// The inbox row the message repeats.
    pub notice_id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub locale: Locale,
}

/// What one delivery did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Active users the audience reached.
    pub recipients: usize,
    /// Inbox rows written (fewer when the notice was delivered before).
    pub written: usize,
    /// E-mails enqueued.
    pub emails: usize,
}

/// Delivers `notice` in the caller's transaction: an inbox row per recipient, with the text
/// `render` gives in the recipient's language (or `default_locale`), and, when `mail` is on and
/// the recipient has an address, a `notice.email` job. Delivering the same notice again writes
/// nothing: one row per user, topic and source; one e-mail job per notice and recipient.
pub fn deliver(
    conn: &mut DbConn,
    now: NaiveDateTime,
    notice: &Notice,
    default_locale: Locale,
    mail: bool,
    render: &dyn Fn(&Notice, Locale) -> Rendered,
) -> Result<Delivery> {
    let people = recipients(conn, &notice.audience)?;
    let mut done = Delivery {
        recipients: people.len(),
        ..Delivery::default()
    };
    for person in people {
        let locale = person.locale.unwrap_or(default_locale);
        let text = render(notice, locale);
        let Some(notice_id) = write_row(conn, now, person.user_id, notice, &text, locale)? else {
            continue;
        };
        done.written += 1;
        let Some(to) = person.email.filter(|_| mail) else {
            continue;
        };
        let job = EmailJob {
            notice_id,
            to,
            subject: text.subject,
            body: text.body,
            locale,
        };
        let key = format!("{}:user:{}", notice.dedupe_key(), person.user_id);
        let queued = outbox::enqueue(
            conn,
            now,
            &NewJob {
                kind: EMAIL_JOB,
                payload: serde_json::to_value(&job).unwrap_or_default(),
                dedupe_key: Some(&key),
                company_prefix: "",
                max_attempts: EMAIL_ATTEMPTS,
                run_after: None,
            },
        )?;
        done.emails += usize::from(queued.is_some());
    }
    Ok(done)
}

/// Inserts one inbox row; `None` when this user has this notice already.
fn write_row(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user_id: i64,
    notice: &Notice,
    text: &Rendered,
    locale: Locale,
) -> Result<Option<i64>> {
    let values = (
        notices::user_id.eq(user_id),
        notices::topic.eq(&notice.topic),
        notices::source.eq(&notice.source),
        notices::subject.eq(&text.subject),
        notices::body.eq(&text.body),
        notices::locale.eq(locale.tag()),
        notices::created_at.eq(now),
    );
    // A repeat must not abort the transaction, so the conflict is avoided in SQL.
    let id = match conn {
        DbConn::Pg(pg) => diesel::insert_into(notices::table)
            .values(values)
            .on_conflict((notices::user_id, notices::topic, notices::source))
            .do_nothing()
            .returning(notices::id)
            .get_result(pg)
            .optional()?,
        DbConn::Sqlite(lite) => diesel::insert_or_ignore_into(notices::table)
            .values(values)
            .returning(notices::id)
            .get_result(lite)
            .optional()?,
    };
    Ok(id)
}

/// A notice in a user's inbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = notices)]
pub struct InboxNotice {
    pub id: i64,
    #[serde(skip)]
    pub user_id: i64,
    /// What happened, e.g. `blacklist.listed`, `alert.stamp.unknown_serial`.
    pub topic: String,
    /// What caused it, e.g. `blacklist:3`, `alert:17`.
    pub source: String,
    pub subject: String,
    pub body: String,
    /// The language it is written in.
    pub locale: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// When its owner marked it read.
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub read_at: Option<NaiveDateTime>,
}

/// Filters for [`list_inbox`].
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxFilter {
    /// Only notices not yet read.
    #[serde(default)]
    pub unread: bool,
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

type Boxed = notices::BoxedQuery<'static, <DbConn as Connection>::Backend>;

/// A user's notices that pass `filter` (not ordered, not paged).
fn own(user_id: i64, filter: &InboxFilter) -> Boxed {
    let query = notices::table
        .filter(notices::user_id.eq(user_id))
        .into_boxed();
    if filter.unread {
        query.filter(notices::read_at.is_null())
    } else {
        query
    }
}

/// A user's notices, newest first.
pub fn list_inbox(
    conn: &mut DbConn,
    user_id: i64,
    filter: &InboxFilter,
) -> Result<Vec<InboxNotice>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    Ok(own(user_id, filter)
        .order(notices::id.desc())
        .limit(limit)
        .offset(offset)
        .select(InboxNotice::as_select())
        .load(conn)?)
}

/// How many of a user's notices pass `filter` (its page aside).
pub fn count_inbox(conn: &mut DbConn, user_id: i64, filter: &InboxFilter) -> Result<i64> {
    Ok(own(user_id, filter).count().get_result(conn)?)
}

/// How many of a user's notices are not read yet.
pub fn unread_count(conn: &mut DbConn, user_id: i64) -> Result<i64> {
    let unread = InboxFilter {
        unread: true,
        ..InboxFilter::default()
    };
    count_inbox(conn, user_id, &unread)
}

/// One of the user's notices, as it stands (read or not). Another user's notice does not exist
/// for them.
pub fn find_own_notice(conn: &mut DbConn, user_id: i64, id: i64) -> Result<InboxNotice> {
    notices::table
        .filter(notices::id.eq(id))
        .filter(notices::user_id.eq(user_id))
        .select(InboxNotice::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "notice" })
}

/// Marks one of the user's notices read (once: a second call keeps the first time). Another
/// user's notice does not exist for them.
pub fn mark_read(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user_id: i64,
    id: i64,
) -> Result<InboxNotice> {
    let own = notices::table
        .filter(notices::id.eq(id))
        .filter(notices::user_id.eq(user_id));
    diesel::update(own.filter(notices::read_at.is_null()))
        .set(notices::read_at.eq(now))
        .execute(conn)?;
    own.select(InboxNotice::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "notice" })
}
