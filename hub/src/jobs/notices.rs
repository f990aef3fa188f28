//! Notice jobs: `notice.send` delivers a notice into its recipients' inboxes (rendered in each
//! one's language by `reports`) and enqueues their e-mails, all in one transaction;
//! `notice.email` sends one message.
//!
//! A worker without a working mailer (mail off, or its settings refused) does not claim
//! `notice.email` jobs: they wait in the outbox. An e-mail job sends one message with a stable
//! Message-ID; a 4xx or an unreachable server is retried with the outbox's back-off, a 5xx ends
//! the job `dead` at once with the server's answer.

use registry::notices::{self, EmailJob, Notice};
use registry::outbox::Job;

use super::Failure;
use crate::app::AppState;
use crate::mail::{Mail, Mailer, SendFailure};

/// Delivers one `notice.send` job. Delivering twice writes nothing new.
pub(super) fn deliver(state: &AppState, job: &Job) -> Result<(), Failure> {
    let notice: Notice = serde_json::from_str(&job.payload)
        .map_err(|e| Failure::GiveUp(format!("not a notice: {e}")))?;
    let default_locale = state.config.notices.default_locale;
    let mail = state.config.mail.enabled;
    let done = state
        .db
        .transaction(|conn| {
            notices::deliver(
                conn,
                state.now(),
                &notice,
                default_locale,
                mail,
                &reports::notices::render,
            )
        })
        .map_err(|e| Failure::Retry(e.to_string()))?;
    tracing::info!(
        job = job.id,
        topic = %notice.topic,
        source = %notice.source,
        recipients = done.recipients,
        written = done.written,
        emails = done.emails,
        "notice delivered"
    );
    Ok(())
}

/// Sends one `notice.email` job: a 4xx or an unreachable server is retried, a 5xx is final.
pub(super) fn send_email(mailer: &Mailer, job: &Job) -> Result<(), Failure> {
    let email: EmailJob = serde_json::from_str(&job.payload)
        .map_err(|e| Failure::GiveUp(format!("not an e-mail job: {e}")))?;
    let html = reports::notices::html(&email.subject, &email.body, email.locale);
    let mail = Mail {
        to: &email.to,
        subject: &email.subject,
        body: &email.body,
        html: Some(&html),
        language: email.locale.tag(),
        message_id: format!("notice-{}.{}@{}", email.notice_id, job.id, mailer.domain()),
    };
    match mailer.send(&mail) {
        Ok(()) => {
            tracing::info!(job = job.id, notice = email.notice_id, "notice mailed");
            Ok(())
        }
        Err(SendFailure::Transient(reason)) => Err(Failure::Retry(reason)),
        Err(SendFailure::Permanent(reason)) => Err(Failure::GiveUp(reason)),
    }
}
