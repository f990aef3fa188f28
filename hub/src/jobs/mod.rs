//! Background work: schedules that only enqueue (one job per slot across all replicas, by the
//! outbox's dedupe key), and a worker that claims outbox jobs and does them: the audit-chain
//! check, the publication of the evidence ledger's signed tree head, recall and spot-check
//! reminders, credit tiers, notices (delivered into inboxes, then mailed one message per job:
//! [`notices`]) and EPCIS subscriptions (runs and webhook deliveries: [`subscriptions`]). The
//! scheduler also enqueues the slots of scheduled subscriptions as they come.

mod notices;
pub mod subscriptions;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use registry::events::subscriptions::{DELIVER_JOB, RUN_JOB, STREAM_JOB};
use registry::notices::{EMAIL_JOB, NOTICE_JOB};
use registry::outbox::{self, NewJob};
use serde_json::json;

use crate::app::AppState;
use crate::mail::Mailer;
use crate::ops::{self, Origin, Request};

/// Job kind: verify the audit chain.
pub const AUDIT_VERIFY: &str = "audit.verify";
/// Job kind: remind and escalate the parties of open recall cases.
pub const RECALL_REMIND: &str = "recall.remind";
/// Job kind: remind inspectors of results due and departments of publications due.
pub const SPOT_CHECK_REMIND: &str = "spotcheck.remind";
/// Job kind: compute every enterprise's credit tier from the data.
pub const CREDIT_RECOMPUTE: &str = "credit.recompute";
/// Job kind: alert on special equipment whose periodic inspection is overdue.
pub const EQUIPMENT_INSPECTIONS: &str = "equipment.inspections";
/// Job kind: sign a head of the evidence ledger if it grew.
pub const LEDGER_PUBLISH: &str = "ledger.publish";

/// How a job failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// Try again after the outbox's back-off (dead once out of attempts).
    Retry(String),
    /// Dead at once: no retry can help.
    GiveUp(String),
}

impl From<String> for Failure {
    fn from(reason: String) -> Self {
        Failure::Retry(reason)
    }
}

/// The kinds this worker does: e-mails only when it can send them.
fn kinds(mailer: Option<&Mailer>) -> Vec<&'static str> {
    let mut kinds = vec![
        AUDIT_VERIFY,
        LEDGER_PUBLISH,
        RECALL_REMIND,
        SPOT_CHECK_REMIND,
        CREDIT_RECOMPUTE,
        EQUIPMENT_INSPECTIONS,
        NOTICE_JOB,
        STREAM_JOB,
        RUN_JOB,
        DELIVER_JOB,
    ];
    if mailer.is_some() {
        kinds.push(EMAIL_JOB);
    }
    kinds
}

/// The mailer, when mail is enabled and configured right (else e-mails wait in the outbox).
fn mailer(state: &AppState) -> Option<Mailer> {
    if !state.config.mail.enabled {
        return None;
    }
    Mailer::new(&state.config.mail)
        .inspect_err(
            |e| tracing::error!(error = %e, "cannot set up mail; e-mails wait in the outbox"),
        )
        .ok()
}

/// How long a claimed job stays with its worker before another may take it over.
const LEASE_MINUTES: i64 = 10;

/// A recurring job.
struct Schedule {
    name: &'static str,
    kind: &'static str,
    cron: cron::Schedule,
    max_attempts: i32,
}

fn schedules(state: &AppState) -> Vec<Schedule> {
    let mut list = Vec::new();
    let expression = state.config.jobs.audit_verify.trim();
    if let Ok(cron) = expression.parse::<cron::Schedule>() {
        // A broken chain is not a passing fault: one attempt, then the row stays as the record.
        list.push(Schedule {
            name: "audit-verify",
            kind: AUDIT_VERIFY,
            cron,
            max_attempts: 1,
        });
    }
    let expression = state.config.jobs.recall_reminders.trim();
    if let Ok(cron) = expression.parse::<cron::Schedule>() {
        list.push(Schedule {
            name: "recall-reminders",
            kind: RECALL_REMIND,
            cron,
            max_attempts: 5,
        });
    }
    let expression = state.config.jobs.spot_check_reminders.trim();
    if let Ok(cron) = expression.parse::<cron::Schedule>() {
        list.push(Schedule {
            name: "spot-check-reminders",
            kind: SPOT_CHECK_REMIND,
            cron,
            max_attempts: 5,
        });
    }
    if let Ok(cron) = state
        .config
        .jobs
        .credit_tiers
        .trim()
        .parse::<cron::Schedule>()
    {
        list.push(Schedule {
            name: "credit-tiers",
            kind: CREDIT_RECOMPUTE,
            cron,
            max_attempts: 3,
        });
    }
    if let Ok(cron) = state
        .config
        .jobs
        .equipment_inspections
        .trim()
        .parse::<cron::Schedule>()
    {
        list.push(Schedule {
            name: "equipment-inspections",
            kind: EQUIPMENT_INSPECTIONS,
            cron,
            max_attempts: 3,
        });
    }
    if let Ok(cron) = state
        .config
        .jobs
        .ledger_publish
        .trim()
        .parse::<cron::Schedule>()
    {
        // A missed slot is made up by the next one: a few attempts are enough.
        list.push(Schedule {
            name: "ledger-publish",
            kind: LEDGER_PUBLISH,
            cron,
            max_attempts: 3,
        });
    }
    list
}

/// The scheduler and worker threads of one process.
pub struct Background {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Background {
    /// Starts the scheduler (if anything is scheduled) and the worker (if configured).
    pub fn start(state: &AppState) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let planned = schedules(state);
        {
            let (state, stop) = (state.clone(), Arc::clone(&stop));
            threads.push(std::thread::spawn(move || {
                run_scheduler(&state, planned, &stop);
            }));
        }
        if state.config.jobs.worker {
            let (state, stop) = (state.clone(), Arc::clone(&stop));
            threads.push(std::thread::spawn(move || run_worker(&state, &stop)));
        }
        Self { stop, threads }
    }

    /// Asks the threads to stop and waits for them (a job in progress finishes first).
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}

/// Sleeps up to `total`, waking early when asked to stop. Returns false when stopping.
fn pause(stop: &AtomicBool, total: StdDuration) -> bool {
    let step = StdDuration::from_millis(50);
    let mut waited = StdDuration::ZERO;
    while waited < total {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(step.min(total - waited));
        waited += step;
    }
    !stop.load(Ordering::SeqCst)
}

fn run_scheduler(state: &AppState, planned: Vec<Schedule>, stop: &AtomicBool) {
    let mut next: Vec<Option<DateTime<Utc>>> = planned
        .iter()
        .map(|s| s.cron.after(&state.db.clock().now_utc()).next())
        .collect();
    while pause(stop, StdDuration::from_millis(200)) {
        if let Err(e) = enqueue_subscription_runs(state) {
            tracing::warn!(error = %e, "cannot enqueue subscription runs; will retry");
        }
        let now = state.db.clock().now_utc();
        for (schedule, slot) in planned.iter().zip(next.iter_mut()) {
            let Some(due) = *slot else { continue };
            if due > now {
                continue;
            }
            let key = format!("schedule:{}:{}", schedule.name, due.to_rfc3339());
            let job = NewJob {
                kind: schedule.kind,
                payload: json!({ "slot": due.to_rfc3339() }),
                dedupe_key: Some(&key),
                company_prefix: "",
                max_attempts: schedule.max_attempts,
                run_after: None,
            };
            match state
                .db
                .transaction(|conn| outbox::enqueue(conn, state.now(), &job))
            {
                Ok(_) => *slot = schedule.cron.after(&due).next(),
                Err(e) => {
                    tracing::warn!(error = %e, schedule = schedule.name, "cannot enqueue; will retry");
                }
            }
        }
    }
}

/// Enqueues the runs of scheduled subscriptions whose slot has come (a read when none has).
fn enqueue_subscription_runs(state: &AppState) -> registry::Result<()> {
    use registry::events::subscriptions::{any_due, enqueue_due};
    if any_due(&mut *state.db.conn()?, state.now())? {
        state
            .db
            .transaction(|conn| enqueue_due(conn, state.now()))?;
    }
    Ok(())
}

fn run_worker(state: &AppState, stop: &AtomicBool) {
    let idle = StdDuration::from_millis(state.config.jobs.poll_interval_ms);
    let mailer = mailer(state);
    let kinds = kinds(mailer.as_ref());
    let http = match subscriptions::client() {
        Ok(http) => http,
        Err(e) => {
            tracing::error!(error = %e, "no worker");
            return;
        }
    };
    while !stop.load(Ordering::SeqCst) {
        match outbox::claim(&state.db, &kinds, chrono::Duration::minutes(LEASE_MINUTES)) {
            Ok(Some(job)) => {
                let outcome = perform(state, mailer.as_ref(), &http, &job);
                let recorded = match outcome {
                    Ok(()) => outbox::complete(&state.db, job.id),
                    Err(Failure::Retry(reason)) => {
                        tracing::warn!(job = job.id, kind = %job.kind, %reason, "job failed; will retry");
                        outbox::fail(&state.db, job.id, &reason).map(|_| ())
                    }
                    Err(Failure::GiveUp(reason)) => {
                        tracing::error!(job = job.id, kind = %job.kind, %reason, "job failed for good");
                        outbox::give_up(&state.db, job.id, &reason)
                    }
                };
                if let Err(e) = recorded {
                    tracing::error!(error = %e, job = job.id, "cannot record the outcome of a job");
                }
            }
            Ok(None) => {
                if !pause(stop, idle) {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim jobs; database unavailable?");
                if !pause(stop, idle.max(StdDuration::from_secs(1))) {
                    break;
                }
            }
        }
    }
}

/// Does one job. A failure is recorded on the job: retried with back-off until it is dead, or
/// dead at once.
fn perform(
    state: &AppState,
    mailer: Option<&Mailer>,
    http: &reqwest::blocking::Client,
    job: &outbox::Job,
) -> Result<(), Failure> {
    match job.kind.as_str() {
        STREAM_JOB => subscriptions::stream(state),
        RUN_JOB => subscriptions::scheduled(state, job),
        DELIVER_JOB => subscriptions::deliver(state, http, job),
        NOTICE_JOB => notices::deliver(state, job),
        RECALL_REMIND => {
            let request = crate::ops::Request::new(state, format!("job-{}", job.id));
            let done = crate::ops::recalls::remind(state, request).map_err(|e| e.to_string())?;
            tracing::info!(
                job = job.id,
                reminded = done.reminded,
                escalated = done.escalated,
                new_parties = done.new_parties,
                "recall reminders"
            );
            Ok(())
        }
        SPOT_CHECK_REMIND => {
            let request = crate::ops::Request::new(state, format!("job-{}", job.id));
            let done = crate::ops::spotchecks::remind(state, request).map_err(|e| e.to_string())?;
            tracing::info!(
                job = job.id,
                results_due = done.results_due,
                publications_due = done.publications_due,
                "spot-check reminders"
            );
            Ok(())
        }
        CREDIT_RECOMPUTE => {
            let origin = Origin {
                by: "job:credit-tiers".into(),
                request: Request::new(state, format!("job-{}", job.id)),
            };
            let done = crate::ops::credit::recompute(state, &origin).map_err(|e| e.to_string())?;
            tracing::info!(
                job = job.id,
                assessed = done.assessed,
                changed = done.changed,
                "credit tiers"
            );
            Ok(())
        }
        EQUIPMENT_INSPECTIONS => {
            let origin = Origin {
                by: "job:equipment-inspections".into(),
                request: Request::new(state, format!("job-{}", job.id)),
            };
            let raised = crate::ops::equipment::overdue_inspections(state, &origin)
                .map_err(|e| e.to_string())?;
            tracing::info!(job = job.id, raised, "overdue equipment inspections");
            Ok(())
        }
        EMAIL_JOB => match mailer {
            Some(mailer) => notices::send_email(mailer, job),
            None => Err(Failure::Retry("mail is not enabled here".into())),
        },
        AUDIT_VERIFY => {
            let mut conn = state.db.conn().map_err(|e| e.to_string())?;
            match registry::audit::verify_chain(&mut conn, &state.audit_key)
                .map_err(|e| e.to_string())?
            {
                Ok(rows) => {
                    tracing::info!(rows, "audit chain intact");
                    Ok(())
                }
                Err(found) => {
                    tracing::error!(%found, "audit chain broken");
                    Err(Failure::Retry(format!("audit chain broken: {found}")))
                }
            }
        }
        LEDGER_PUBLISH => {
            let origin = Origin {
                by: "system:scheduler".into(),
                request: Request::new(&state.core, format!("job-{}", job.id)),
            };
            match ops::ledger::publish(&state.core, &origin).map_err(|e| e.to_string())? {
                Some(head) => {
                    tracing::info!(tree_size = head.tree_size, root = %head.root_hash, "ledger head signed");
                }
                None => tracing::debug!("ledger unchanged; no head signed"),
            }
            Ok(())
        }
        other => Err(Failure::Retry(format!(
            "no worker knows job kind {other:?}"
        ))),
    }
}
