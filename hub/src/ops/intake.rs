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
//!   written (`partial`). A capture refusal (an object outside the sender's category) names its
//!   record's line and always refuses the file: the policy is not a record's fault to skip.

use std::collections::HashMap;

use adapters::csv_table::HeaderError;
use adapters::regulators::drugs::{self, DrugCode, DrugRecordKind};
use adapters::regulators::{Adapter, Record};
use base64::Engine;
use chrono::NaiveDateTime;
use registry::db::DbConn;
use registry::enterprises::LineError;
use registry::epcis::Event;
use registry::error::Code;
use registry::events::{CaptureMeta, policy, prepare};
use registry::identity::{Actor, Role, find_user};
use registry::intake::drugs as drug_state;
use registry::intake::{self, Counts, Delivery, NewDelivery, Outcome};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    pub bytes: &'a [u8],
    pub skip_bad: bool,
}

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
    capture_job_id: Option<i64>,
    /// Records not listed here were written (or, when rejected, would have been).
    errors: &'a [LineError],
}

/// Delivers `file` through `adapter` as the caller.
pub fn deliver(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    file: File<'_>,
) -> Result<Delivered, IntakeFailure> {
    let sha256 = hex::encode(Sha256::digest(file.bytes));
    may_deliver(core, &caller.actor, adapter)?;
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
        let (records, errors) = read(adapter, file.bytes)?;
        match store(core, caller, adapter, file, &sha256, records, errors) {
            Err(IntakeFailure::Api(e)) if e.code() == Code::Conflict && attempt < ATTEMPTS => {
                continue;
            }
            Err(IntakeFailure::Rejected(rejected)) => {
                return Err(IntakeFailure::Rejected(Box::new(keep_rejected(
                    core, caller, adapter, file, &sha256, *rejected,
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

fn read(adapter: &Adapter, bytes: &[u8]) -> Result<(Vec<Record>, Vec<LineError>), IntakeFailure> {
    let records =
        (adapter.read)(Box::new(std::io::Cursor::new(bytes))).map_err(IntakeFailure::Header)?;
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for record in records {
        match record {
            Ok(r) => good.push(r),
            Err(e) => bad.push(e),
        }
    }
    Ok((good, bad))
}

/// Stores a delivery and its records in one transaction.
fn store(
    core: &Core,
    caller: &Caller,
    adapter: &'static Adapter,
    file: File<'_>,
    sha256: &str,
    records: Vec<Record>,
    mut errors: Vec<LineError>,
) -> Result<Delivered, IntakeFailure> {
    let policy = core.config.epcis.policy();
    audited_as(core, caller, "intake.deliver", |conn, now, actor| {
        let new = NewDelivery {
            adapter: adapter.name,
            sender_user_id: actor.user_id,
            file_name: file.name,
            sha256,
            size_bytes: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            outcome: Outcome::Accepted,
        };
        let id = intake::insert(conn, now, &new)?;
        let read = records.len() + errors.len();
        let mut applied = Applied::new(id);
        for record in &records {
            if let Err(e) = applied.record(conn, now, record)? {
                errors.push(e);
            }
        }
        errors.sort_by_key(|e| e.line);
        let counts = Counts {
            records: count(read),
            written: count(read - errors.len()),
            refused: count(errors.len()),
            alerts: applied.alerts,
        };
        if !errors.is_empty() && !file.skip_bad {
            let delivery = placeholder(new, actor, now, counts);
            return Err(IntakeFailure::Rejected(Box::new(Delivered {
                delivery,
                replayed: false,
                errors,
            })));
        }
        let job = applied.capture(conn, now, actor, adapter.name, policy)?;
        let outcome = if errors.is_empty() {
            Outcome::Accepted
        } else {
            Outcome::Partial
        };
        let delivery = sign(
            core, conn, id, &new, actor, now, outcome, counts, job, &errors,
        )?;
        let detail = serde_json::json!({
            "adapter": adapter.name, "sha256": sha256, "outcome": outcome,
            "records": counts.records, "written": counts.written, "refused": counts.refused,
            "alerts": counts.alerts, "capture_job_id": job,
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
    file: File<'_>,
    sha256: &str,
    rejected: Delivered,
) -> Result<Delivered, ApiError> {
    let now = caller.now();
    let new = NewDelivery {
        adapter: adapter.name,
        sender_user_id: caller.actor.user_id,
        file_name: file.name,
        sha256,
        size_bytes: rejected.delivery.size_bytes,
        outcome: Outcome::Rejected,
    };
    let counts = rejected.delivery.counts;
    let errors = rejected.errors;
    core.db.transaction(|conn| {
        let id = intake::insert(conn, now, &new)?;
        let delivery = sign(
            core,
            conn,
            id,
            &new,
            &caller.actor,
            now,
            Outcome::Rejected,
            counts,
            None,
            &errors,
        )?;
        Ok(Delivered {
            delivery,
            replayed: false,
            errors,
        })
    })
}

/// Builds, signs and stores the receipt of delivery `id`.
#[allow(clippy::too_many_arguments, reason = "the receipt's parts, named")]
fn sign(
    core: &Core,
    conn: &mut DbConn,
    id: i64,
    new: &NewDelivery<'_>,
    actor: &Actor,
    now: NaiveDateTime,
    outcome: Outcome,
    counts: Counts,
    capture_job_id: Option<i64>,
    errors: &[LineError],
) -> Result<Delivery, ApiError> {
    let receipt = Receipt {
        receipt_version: 1,
        delivery_id: id,
        adapter: new.adapter,
        sender: &actor.username,
        file_name: new.file_name,
        sha256: new.sha256,
        size_bytes: new.size_bytes,
        received_at: registry::time::rfc3339(now),
        outcome,
        counts,
        capture_job_id,
        errors,
    };
    let text = serde_json::to_string(&receipt).map_err(ApiError::internal)?;
    let key = core.ledger_signer()?;
    let signature = key.sign(text.as_bytes()).map_err(ApiError::internal)?;
    let signature = base64::engine::general_purpose::STANDARD.encode(signature);
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
fn receipt_errors(receipt: &str) -> Vec<LineError> {
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
                })
                .collect()
        })
        .unwrap_or_default()
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The records of one delivery as they are stored: the events to capture (with the line of
/// each) and the alerts raised.
struct Applied {
    delivery_id: i64,
    events: Vec<Event>,
    lines: Vec<u64>,
    alerts: i64,
    /// GTINs filed per drug identification code, as read or filed in this delivery.
    gtins: HashMap<String, Option<String>>,
}

impl Applied {
    fn new(delivery_id: i64) -> Self {
        Self {
            delivery_id,
            events: Vec::new(),
            lines: Vec::new(),
            alerts: 0,
            gtins: HashMap::new(),
        }
    }

    /// Stores one record. A record that cannot be stored writes nothing and says why (the
    /// inner error); a failure of the database ends the delivery (the outer one).
    fn record(
        &mut self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        record: &Record,
    ) -> registry::Result<Result<(), LineError>> {
        let Record::Drug(drug) = record;
        if let DrugRecordKind::Product {
            drug_id,
            gtin,
            name,
            approval_number,
        } = &drug.kind
        {
            let product = drug_state::DrugProduct {
                drug_id,
                gtin,
                name,
                approval_number,
            };
            drug_state::file_product(conn, now, self.delivery_id, &product)?;
            self.gtins.insert(drug_id.clone(), Some(gtin.clone()));
            return Ok(Ok(()));
        }
        for id in drug_ids(&drug.kind) {
            if !self.gtins.contains_key(id) {
                let gtin = drug_state::filed_gtin(conn, id)?;
                self.gtins.insert(id.to_owned(), gtin);
            }
        }
        let gtins = &self.gtins;
        let filed = |id: &str| gtins.get(id).cloned().flatten();
        let events = match drugs::events(&drug.kind, &filed) {
            Ok(events) => events,
            Err((column, message)) => {
                return Ok(Err(LineError::new(
                    drug.line,
                    column,
                    Code::UnknownProduct,
                    message,
                )));
            }
        };
        self.alerts += self.checks(conn, now, &drug.kind, &filed)?;
        self.lines
            .extend(std::iter::repeat_n(drug.line, events.len()));
        self.events.extend(events);
        Ok(Ok(()))
    }

    /// The registry's rules on codes commissioned, sold and dispensed.
    fn checks(
        &self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        kind: &DrugRecordKind,
        filed: &dyn Fn(&str) -> Option<String>,
    ) -> registry::Result<i64> {
        let epc_of = |code: &DrugCode| code.epc(code.drug_id().and_then(filed).as_deref());
        match kind {
            DrugRecordKind::Commission {
                at,
                site,
                code,
                batch,
                expiry,
            } => {
                let Some(epc) = epc_of(code) else {
                    return Ok(0);
                };
                drug_state::commission(
                    conn,
                    now,
                    &drug_state::Commissioning {
                        delivery_id: self.delivery_id,
                        epc: &epc,
                        batch,
                        expiry: *expiry,
                        site_gln: site,
                        at: at.naive_utc(),
                        carried: carried(code),
                    },
                )
            }
            DrugRecordKind::Sell {
                at,
                site,
                code,
                batch,
            }
            | DrugRecordKind::Dispense {
                at,
                site,
                code,
                batch,
            } => {
                let Some(epc) = epc_of(code) else {
                    return Ok(0);
                };
                let end = if matches!(kind, DrugRecordKind::Sell { .. }) {
                    drug_state::End::Sold
                } else {
                    drug_state::End::Dispensed
                };
                drug_state::end(
                    conn,
                    now,
                    &drug_state::Ending {
                        delivery_id: self.delivery_id,
                        epc: &epc,
                        end,
                        site_gln: site,
                        at: at.naive_utc(),
                        recorded_batch: batch.as_deref(),
                        carried: carried(code),
                    },
                )
            }
            _ => Ok(0),
        }
    }

    /// Captures the delivery's events as the sender; a refusal names its record's line.
    fn capture(
        self,
        conn: &mut DbConn,
        now: NaiveDateTime,
        actor: &Actor,
        adapter: &'static str,
        policy: policy::CapturePolicy,
    ) -> Result<Option<i64>, IntakeFailure> {
        if self.events.is_empty() {
            return Ok(None);
        }
        let prepared = prepare(self.events, now)?;
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
                    .and_then(|i| self.lines.get(i).copied());
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

/// The drug identification codes a record names.
fn drug_ids(kind: &DrugRecordKind) -> Vec<&str> {
    let codes: Vec<&DrugCode> = match kind {
        DrugRecordKind::Product { .. } => Vec::new(),
        DrugRecordKind::Commission { code, .. }
        | DrugRecordKind::Sell { code, .. }
        | DrugRecordKind::Dispense { code, .. } => vec![code],
        DrugRecordKind::Pack { parent, codes, .. } => {
            std::iter::once(parent).chain(codes).collect()
        }
        DrugRecordKind::Ship { codes, .. } | DrugRecordKind::Receive { codes, .. } => {
            codes.iter().collect()
        }
    };
    codes.into_iter().filter_map(DrugCode::drug_id).collect()
}

/// What a DataMatrix carries besides its GTIN and serial.
fn carried(code: &DrugCode) -> drug_state::Carried<'_> {
    match code {
        DrugCode::Gs1 { batch, expiry, .. } => drug_state::Carried {
            batch: batch.as_deref(),
            expiry: *expiry,
        },
        _ => drug_state::Carried::default(),
    }
}

/// Most deliveries listed at once.
pub const LIST_LIMIT: i64 = 200;

/// The adapters whose deliveries `actor` reads: every one for an administrator, those of the
/// department's categories for an officer; `None` for a system user, who reads only its own.
fn readable_adapters(core: &Core, actor: &Actor) -> Result<Option<Vec<&'static str>>, ApiError> {
    let all = adapters::regulators::ADAPTERS.iter();
    match (actor.role, actor.department_id) {
        (Role::Admin, _) => Ok(Some(all.map(|a| a.name).collect())),
        (Role::Officer, Some(department)) => {
            let department =
                registry::departments::find_department(&mut *core.db.conn()?, department)?;
            Ok(Some(
                all.filter(|a| department.categories.contains(&a.category))
                    .map(|a| a.name)
                    .collect(),
            ))
        }
        (Role::System, _) => Ok(None),
        _ => Ok(Some(Vec::new())),
    }
}

/// The deliveries `actor` may read, newest first, of `adapter` when given.
pub fn deliveries(
    core: &Core,
    actor: &Actor,
    adapter: Option<&str>,
) -> Result<Vec<Delivery>, ApiError> {
    let readable = readable_adapters(core, actor)?;
    let mut conn = core.db.conn()?;
    let list = match readable {
        None => intake::list_deliveries(&mut conn, adapter, Some(actor.user_id), LIST_LIMIT)?,
        Some(names) => {
            let mut list = Vec::new();
            for name in names
                .into_iter()
                .filter(|n| adapter.is_none_or(|a| a == *n))
            {
                list.extend(intake::list_deliveries(
                    &mut conn,
                    Some(name),
                    None,
                    LIST_LIMIT,
                )?);
            }
            list.sort_by_key(|d| std::cmp::Reverse(d.id));
            list.truncate(usize::try_from(LIST_LIMIT).unwrap_or(usize::MAX));
            list
        }
    };
    Ok(list)
}

/// One delivery with its receipt, when `actor` may read it (404 otherwise).
pub fn delivery(core: &Core, actor: &Actor, id: i64) -> Result<Delivered, ApiError> {
    let readable = readable_adapters(core, actor)?;
    let delivery = intake::find_delivery(&mut *core.db.conn()?, id)?;
    let visible = match readable {
        None => delivery.sender_user_id == actor.user_id,
        Some(names) => names.contains(&delivery.adapter.as_str()),
    };
    if !visible {
        return Err(ApiError::not_found("delivery"));
    }
    let errors = receipt_errors(&delivery.receipt);
    Ok(Delivered {
        delivery,
        replayed: false,
        errors,
    })
}
