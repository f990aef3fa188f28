//! Notices: messages the hub sends to people (departments, enterprises, ministries) about
//! something that happened: an alert raised, an enterprise blacklisted, a spot-check task drawn.
//!
//! A notice is enqueued in the outbox ([`NOTICE_JOB`]) inside the transaction of the change that
//! causes it, so a rolled-back change sends nothing and a committed one is delivered even if the
//! mail server is down for hours. It names a topic, its parameters and an audience; delivery
//! ([`deliver`]) resolves the audience to active users ([`recipients`]), writes each one's inbox
//! row with the text rendered in their language, and enqueues one e-mail per recipient
//! ([`EMAIL_JOB`]) under a key per notice and recipient, so that retries never mail twice.
//!
//! Text is rendered at delivery, in each recipient's `locale` (or the configured
//! `notices.default_locale`), by `reports::notices`, and stored in the inbox row; the e-mail
//! repeats it. A topic without a template renders generically with its parameters, so no notice is
//! lost for want of a text. Delivery happens once: the inbox row is unique per user, topic and
//! source, and the e-mail job's dedupe key is per notice and recipient, so a delivery repeated by
//! another replica or after a crash writes nothing new. With mail off (`mail.enabled = false`)
//! delivery writes inbox rows only. Marking a notice read is a change of its own, audited as
//! `notice.read` (`hub::ops::notices::read`).

mod audience;
mod inbox;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::outbox::{self, NewJob};

pub use audience::{Recipient, recipients};
pub use inbox::{
    Delivery, EMAIL_JOB, EmailJob, InboxFilter, InboxNotice, Rendered, count_inbox, deliver,
    find_own_notice, list_inbox, mark_read, unread_count,
};

/// The outbox kind of a notice waiting to be delivered.
pub const NOTICE_JOB: &str = "notice.send";

/// Attempts before a notice is given up as dead (with back-off, about a day).
const MAX_ATTEMPTS: i32 = 20;

/// Who a notice is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// The officers of one department.
    Department { id: i64 },
    /// The officers of every department competent for a region (GB/T 2260 code) and, when
    /// given, a category.
    Competent {
        region_code: String,
        category: Option<Category>,
    },
    /// The users of one enterprise.
    Enterprise { id: i64 },
    /// The users of several enterprises (a recall's parties), read in one query.
    Enterprises { ids: Vec<i64> },
    /// Named users, whatever their role (a spot-check task's inspectors).
    Users { ids: Vec<i64> },
    /// Every department's officers.
    AllDepartments,
    /// The ministries' users.
    Ministries,
}

/// A notice: what happened (`topic`, e.g. `alert.stamp.unknown_serial` or `blacklist.listed`),
/// the values its text needs (`params`), to whom, and what caused it (`source`, e.g. `alert:17`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    pub topic: String,
    pub audience: Vec<Audience>,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    pub source: String,
}

impl Notice {
    /// The outbox dedupe key: one notice per topic and source, however often it is enqueued.
    pub fn dedupe_key(&self) -> String {
        format!("notice:{}:{}", self.topic, self.source)
    }
}

/// Enqueues `notice` inside the caller's transaction. `None` when the same notice (topic and
/// source) was enqueued before.
pub fn enqueue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    notice: &Notice,
    company_prefix: &str,
) -> Result<Option<i64>> {
    let key = notice.dedupe_key();
    outbox::enqueue(
        conn,
        now,
        &NewJob {
            kind: NOTICE_JOB,
            payload: serde_json::to_value(notice).unwrap_or_default(),
            dedupe_key: Some(&key),
            company_prefix,
            max_attempts: MAX_ATTEMPTS,
            run_after: None,
        },
    )
}

#[cfg(test)]
mod tests;
