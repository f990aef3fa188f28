//! Deliveries of regulator adapters (`POST /api/v1/intake/{adapter}/deliveries`, `hub import <adapter>`):
//! a file read by its adapter, its records stored (registry records, EPCIS events under the
//! capture policy, the alerts their rules raise) in one transaction with the delivery's row,
//! and a receipt signed with the hub's key.
//!
//! - Who: a `system` user bound to the adapter's category, or an administrator.
//! - Once: a file already written for the same adapter and sender is answered with its first
//!   receipt (`replayed`) and changes nothing.
//! - Bad records: each is reported (line, column, code, reason). By default nothing of the file
//!   is written and the delivery is kept as `rejected`; with `skip_bad` the good records are
//!   written (`partial`), unless none is (`rejected` all the same). A capture refusal (an object outside the sender's category) names its
//!   record's line and always refuses the file: the policy is not a record's fault to skip.

use std::io::{BufReader, Read};
use std::path::Path;

use adapters::csv_table::HeaderError;
use adapters::regulators::{Adapter, Record};
use base64::Engine;
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::enterprises::LineError;
use registry::epcis::Event;
use registry::error::Code;
use registry::events::{CaptureMeta, policy, prepare};
use registry::identity::{Actor, Role, find_user};
use registry::intake::{self, Counts, Delivery, NewDelivery, Outcome};
use serde::Serialize;
use sha2::{Digest, Sha256};

mod drugs;
mod lots;
mod rare_earth;
mod reads;
mod special_equipment;

pub use reads::{LIST_LIMIT, deliveries, delivery};

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Times a delivery is tried when a concurrent delivery of the same file won the race.
const ATTEMPTS: usize = 3;

/// A delivery's answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Delivered {
    #[serde(flatten)]
    pub delivery: Delivery,
    /// True when the same file had been delivered: nothing changed, this is the first receipt.
    pub replayed: bool,
    /// The bad records (also in the receipt).
    pub errors: Vec<LineError>,
}

/// Why a delivery wrote nothing of its file.
#[derive(Debug)]
pub enum IntakeFailure {
    /// The header is unusable.
    Header(HeaderError),
    /// Bad records, and `skip_bad` was not asked: the delivery is kept as `rejected`.
    Rejected(Box<Delivered>),
    /// Refused or failed otherwise.
    Api(ApiError),
}

impl<E: Into<ApiError>> From<E> for IntakeFailure {
    fn from(e: E) -> Self {
        IntakeFailure::Api(e.into())
    }
}

/// What the caller delivers.
#[derive(Debug, Clone, Copy)]
pub struct File<'a> {
    pub name: &'a str,
    pub source: Source<'a>,
    pub skip_bad: bool,
}

/// Where a delivery's bytes are. A file is read twice, once for its digest and once for its
/// records, and never held whole in memory by the intake.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A body already received.
    Bytes(&'a [u8]),
    /// A file on disk (`hub import`).
    Path(&'a Path),
}

impl<'a> Source<'a> {
    fn open(self) -> Result<Box<dyn Read + Send + 'a>, ApiError> {
        match self {
            Source::Bytes(bytes) => Ok(Box::new(bytes)),
            Source::Path(path) => std::fs::File::open(path)
                .map(|f| Box::new(BufReader::with_capacity(1 << 16, f)) as Box<dyn Read + Send>)
                .map_err(|e| {
                    ApiError::new(Code::UnreadableBody, format!("{}: {e}", path.display()))
                }),
        }
    }

    /// The SHA-256 (hex) and size of the content.
    fn digest(self) -> Result<(String, i64), ApiError> {
        let mut reader = self.open()?;
        let mut hasher = Sha256::new();
        let mut size = 0_u64;
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| ApiError::new(Code::UnreadableBody, e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        Ok((
            hex::encode(hasher.finalize()),
            i64::try_from(size).unwrap_or(i64::MAX),
        ))
    }
}

/// Records per capture of their events (the transaction is the whole file's).
const CAPTURE_CHUNK: usize = 5_000;
/// Bad records kept in a receipt; the count covers them all.
pub const KEPT_ERRORS: usize = 1_000;

/// The signed receipt: what was received, its digest, the time, the outcome per record.
#[derive(Debug, Serialize)]
struct Receipt<'a> {
    receipt_version: u8,
    delivery_id: i64,
    adapter: &'a str,
    sender: &'a str,
    file_name: &'a str,
    sha256: &'a str,
    size_bytes: i64,
    received_at: String,
    outcome: Outcome,
    #[serde(flatten)]
    counts: Counts,
    /// The capture jobs of its events (one per 5,000 records).
    capture_jobs: &'a [i64],
    /// The bad records (the first 1,000); those not listed were written (or, when rejected,
    /// would have been).
    errors: &'a [LineError],
}

/// Delivers `file` through `adapter` as the caller.
pub fn deliver(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    file: File<'_>,
) -> Result<Delivered, IntakeFailure> {
    may_deliver(core, &caller.actor, adapter)?;
    let (sha256, size) = file.source.digest()?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut conn = core.db.conn().map_err(ApiError::from)?;
        let known = intake::find_written(&mut conn, adapter.name, caller.actor.user_id, &sha256)?;
        drop(conn);
        if let Some(delivery) = known {
            let errors = receipt_errors(&delivery.receipt);
            return Ok(Delivered {
                delivery,
                replayed: true,
                errors,
            });
        }
        let digest = (sha256.as_str(), size);
        match store(core, caller, adapter, file, digest) {
            Err(IntakeFailure::Api(e)) if e.code() == Code::Conflict && attempt < ATTEMPTS => {
                continue;
            }
            Err(IntakeFailure::Rejected(rejected)) => {
                return Err(IntakeFailure::Rejected(Box::new(keep_rejected(
                    core, caller, adapter, file.name, *rejected,
                )?)));
            }
            other => return other,
        }
    }
}

/// A `system` user bound to the adapter's category, or an administrator.
fn may_deliver(core: &Core, actor: &Actor, adapter: &Adapter) -> Result<(), ApiError> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::System => {
            let mut conn = core.db.conn()?;
            let user = find_user(&mut conn, actor.user_id)?;
            if user.category == Some(adapter.category) {
                Ok(())
            } else {
                Err(ApiError::new(
                    Code::CaptureOutsideCategory,
                    format!(
                        "the {} adapter takes deliveries from systems of category {}",
                        adapter.name,
                        adapter.category.as_str()
                    ),
                ))
            }
        }
        _ => Err(ApiError::new(
            Code::Forbidden,
            "deliveries come from regulator systems (system users) or administrators",
        )),
    }
}

/// Stores a delivery and its records in one transaction, reading them as a stream and
/// capturing their events in chunks. After a bad record, unless `skip_bad`, the rest is only
/// read and checked (nothing of the file will be written, but every bad record is reported).
fn store(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    file: File<'_>,
    (sha256, size): (&str, i64),
) -> Result<Delivered, IntakeFailure> {
    let policy = core.config.epcis.policy();
    audited_as(core, caller, "intake.deliver", |conn, now, actor| {
        let new = NewDelivery {
            adapter: adapter.name,
            sender_user_id: actor.user_id,
            file_name: file.name,
            sha256,
            size_bytes: size,
            outcome: Outcome::Accepted,
        };
        let id = intake::insert(conn, now, &new)?;
        let records = (adapter.read)(file.source.open()?).map_err(IntakeFailure::Header)?;
        let mut applied = Applied::new(id);
        let (mut read, mut refused) = (0_i64, 0_i64);
        let mut errors = Vec::new();
        let mut jobs = Vec::new();
        for record in records {
            read += 1;
            let stored = match record {
                Ok(record) => applied.record(conn, now, &record)?,
                Err(e) => Err(e),
            };
            if let Err(e) = stored {
                refused += 1;
                if errors.len() < KEPT_ERRORS {
                    errors.push(e);
                }
                applied.writing &= file.skip_bad;
            }
            if applied.writing && applied.lines.len() >= CAPTURE_CHUNK {
                jobs.extend(applied.capture(conn, now, actor, adapter.name, policy)?);
            }
        }
        errors.sort_by_key(|e| e.line);
        let counts = Counts {
            records: read,
            written: read - refused,
            refused,
            alerts: applied.alerts,
        };
        if refused > 0 && (!file.skip_bad || refused == read) {
            // Nothing is written (every record bad is a rejection, `skip_bad` or not): the
            // alerts raised before the first bad record roll back too.
            let counts = Counts {
                alerts: 0,
                ..counts
            };
            let delivery = placeholder(new, actor, now, counts);
            return Err(IntakeFailure::Rejected(Box::new(Delivered {
                delivery,
                replayed: false,
                errors,
            })));
        }
        let tolerance = core.config.registry.rare_earth_tolerance_percent;
        let alerts = rare_earth::finish(conn, now, &mut applied, tolerance)?;
        let counts = Counts {
            alerts: counts.alerts + alerts,
            ..counts
        };
        jobs.extend(applied.capture(conn, now, actor, adapter.name, policy)?);
        let outcome = if refused == 0 {
            Outcome::Accepted
        } else {
            Outcome::Partial
        };
        let receipt = ReceiptParts {
            id,
            new: &new,
            outcome,
            counts,
            jobs: &jobs,
            errors: &errors,
        };
        let delivery = sign(core, conn, actor, now, &receipt)?;
        let detail = serde_json::json!({
            "adapter": adapter.name, "sha256": sha256, "outcome": outcome,
            "records": counts.records, "written": counts.written, "refused": counts.refused,
            "alerts": counts.alerts, "capture_jobs": jobs,
        });
        Ok(Change::recorded(
            Delivered {
                delivery,
                replayed: false,
                errors,
            },
            format!("intake_delivery:{id}"),
            detail,
        ))
    })
}

/// Keeps a rejected delivery (nothing of its file written) with its signed receipt.
fn keep_rejected(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    file_name: &str,
    rejected: Delivered,
) -> Result<Delivered, ApiError> {
    let now = caller.now();
    let new = NewDelivery {
        adapter: adapter.name,
        sender_user_id: caller.actor.user_id,
        file_name,
        sha256: &rejected.delivery.sha256,
        size_bytes: rejected.delivery.size_bytes,
        outcome: Outcome::Rejected,
    };
    let errors = rejected.errors;
    core.db.transaction(|conn| {
        let id = intake::insert(conn, now, &new)?;
        let receipt = ReceiptParts {
            id,
            new: &new,
            outcome: Outcome::Rejected,
            counts: rejected.delivery.counts,
            jobs: &[],
            errors: &errors,
        };
        let delivery = sign(core, conn, &caller.actor, now, &receipt)?;
        Ok(Delivered {
            delivery,
            replayed: false,
            errors,
        })
    })
}

/// What a receipt says, before it is signed.
struct ReceiptParts<'a> {
    id: i64,
    new: &'a NewDelivery<'a>,
    outcome: Outcome,
    counts: Counts,
    jobs: &'a [i64],
    errors: &'a [LineError],
}

/// Builds, signs and stores the receipt of a delivery.
fn sign(
    core: &Core,
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    parts: &ReceiptParts<'_>,
) -> Result<Delivery, ApiError> {
    let receipt = Receipt {
        receipt_version: 1,
        delivery_id: parts.id,
        adapter: parts.new.adapter,
        sender: &actor.username,
        file_name: parts.new.file_name,
        sha256: parts.new.sha256,
        size_bytes: parts.new.size_bytes,
        received_at: registry::time::rfc3339(now),
        outcome: parts.outcome,
        counts: parts.counts,
        capture_jobs: parts.jobs,
        errors: parts.errors,
    };
    let text = serde_json::to_string(&receipt).map_err(ApiError::internal)?;
    let key = core.ledger_signer()?;
    let signature = key.sign(text.as_bytes()).map_err(ApiError::internal)?;
    let signature = base64::engine::general_purpose::STANDARD.encode(signature);
    let (id, outcome, counts) = (parts.id, parts.outcome, parts.counts);
    intake::set_receipt(conn, id, outcome, counts, &text, &signature, key.key_id())?;
    Ok(intake::find_delivery(conn, id)?)
}

/// A rejected delivery before it is kept (its id and receipt come with [`keep_rejected`]).
fn placeholder(
    new: NewDelivery<'_>,
    actor: &Actor,
    now: NaiveDateTime,
    counts: Counts,
) -> Delivery {
    Delivery {
        id: 0,
        adapter: new.adapter.to_owned(),
        sender_user_id: actor.user_id,
        sender: actor.username.clone(),
        file_name: new.file_name.to_owned(),
        sha256: new.sha256.to_owned(),
        size_bytes: new.size_bytes,
        received_at: now,
        outcome: Outcome::Rejected,
        counts,
        receipt: String::new(),
        signature: String::new(),
        key_id: String::new(),
    }
}

/// The errors listed in a stored receipt.
pub(super) fn receipt_errors(receipt: &str) -> Vec<LineError> {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<StoredError>,
    }
    #[derive(serde::Deserialize)]
    struct StoredError {
        line: u64,
        column: String,
        error: String,
        message: String,
    }
    serde_json::from_str::<Errors>(receipt)
        .map(|r| {
            r.errors
                .into_iter()
                .map(|e| LineError {
                    line: e.line,
                    column: e.column,
                    error: e.error,
                    message: e.message,
                    detail: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A stored record: its line, its events, the alerts it raised.
type Stored = (u64, Vec<Event>, i64);

/// The records of one delivery as they are stored: the events to capture (with the line of
/// each), the alerts raised, and what each adapter remembers across records.
struct Applied {
    delivery_id: i64,
    events: Vec<Event>,
    lines: Vec<u64>,
    alerts: i64,
    /// False once a bad record has doomed an all-or-nothing delivery: the rest is only read
    /// and checked.
    writing: bool,
    drugs: drugs::Remembered,
    rare_earth: rare_earth::Remembered,
    equipment: special_equipment::Remembered,
}

impl Applied {
    fn new(delivery_id: i64) -> Self {
        Self {
            delivery_id,
            events: Vec::new(),
            lines: Vec::new(),
            alerts: 0,
            writing: true,
            drugs: drugs::Remembered::default(),
            rare_earth: rare_earth::Remembered::default(),
            equipment: special_equipment::Remembered::default(),
        }
    }

    /// Stores one record (only checks it once nothing is being written). A record that cannot
    /// be stored writes nothing and says why (the inner error); a failure of the database ends
    /// the delivery (the outer one).
    fn record(
        &mut self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        record: &Record,
    ) -> registry::Result<Result<(), LineError>> {
        let stored = match record {
            Record::Drug(drug) => drugs::store(conn, now, self, drug)?,
            Record::RareEarth(record) => rare_earth::store(conn, self, record)?,
            Record::Equipment(record) => special_equipment::store(conn, now, self, record)?,
            Record::Agri(record) => lots::store_agri(conn, now, self, record)?,
            Record::Food(record) => lots::store_food(conn, now, self, record)?,
        };
        Ok(stored.map(|(line, events, alerts)| {
            if self.writing {
                self.alerts += alerts;
                self.lines.extend(std::iter::repeat_n(line, events.len()));
                self.events.extend(events);
            }
        }))
    }

    /// Captures the delivery's events as the sender; a refusal names its record's line.
    fn capture(
        &mut self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        actor: &Actor,
        adapter: &'static str,
        policy: policy::CapturePolicy,
    ) -> Result<Option<i64>, IntakeFailure> {
        if self.events.is_empty() {
            return Ok(None);
        }
        let prepared = prepare(std::mem::take(&mut self.events), now)?;
        let lines = std::mem::take(&mut self.lines);
        let meta = CaptureMeta {
            created_by: Some(actor.user_id),
            enterprise_id: actor.enterprise_id,
            format: adapter,
        };
        match policy::capture_checked(conn, actor, &prepared, &meta, policy) {
            Ok(outcome) => Ok(Some(outcome.job.id)),
            Err(e) => {
                let api = ApiError::from(e);
                let line = api
                    .field()
                    .and_then(event_index)
                    .and_then(|i| lines.get(i).copied());
                Err(IntakeFailure::Api(match line {
                    Some(line) => {
                        let message = format!("line {line}: {}", api.message());
                        ApiError::new(api.code(), message).with_field(format!("line {line}"))
                    }
                    None => api,
                }))
            }
        }
    }
}

/// `3` of `events[3].epcList[0]`.
fn event_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("events[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}
