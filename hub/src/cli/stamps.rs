//! `hub stamps issue|print|activate|revoke|keygen`: the stamp commands, acting as a named user
//! (its role and scope apply as in the API) and audited as `cli:<user>`.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use registry::audit::{self, AuditEvent, AuditKey};
use registry::db::{Db, DbConn};
use registry::error::Code;
use registry::identity::{self, Actor, AuthMethod};
use registry::stamps::{
    self, HiddenCodeKey, NewStampOrder, OrderActivation, OrderRevocation, StampActivation,
    StampKind, StampRevocation,
};
use reports::stamps::SheetLayout;
use serde_json::json;

use crate::cli::serve::open_database;
use crate::config::Config;

/// `hub stamps ...`.
#[derive(Debug, Subcommand)]
pub enum StampsCommand {
    /// Issue an order of stamps (as an officer of the competent department).
    Issue {
        /// The officer issuing.
        #[arg(long)]
        username: String,
        #[arg(long)]
        enterprise: i64,
        #[arg(long)]
        product: i64,
        /// 1 to 1,000,000.
        #[arg(long)]
        count: i64,
        /// `qr` or `anti_counterfeit`.
        #[arg(long, default_value = "qr")]
        kind: String,
    },
    /// Write an order's print-ready PDF sheet (A4, 5 × 7 labels of 36 mm by default).
    Print {
        /// The order.
        order: i64,
        /// Who prints: hidden codes only for an officer of the issuing department.
        #[arg(long)]
        username: String,
        /// The PDF to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        grid: Grid,
    },
    /// Bind stamps to a batch (as the enterprise's user): one serial, a range or a whole order.
    Activate {
        #[arg(long)]
        username: String,
        #[arg(long)]
        batch: i64,
        #[command(flatten)]
        which: Which,
    },
    /// Revoke stamps (as an officer of the issuing department), with a reason.
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        which: Which,
    },
    /// Print a new hidden-code key as `VERSION:HEX` for `stamps.hidden_code_keys`.
    Keygen {
        /// Its version (one above the newest configured).
        #[arg(long, default_value_t = 1)]
        version: u16,
    },
}

/// One stamp (`--serial`) or stamps of an order (`--order`, optionally `--first`/`--last`).
#[derive(Debug, Args)]
pub struct Which {
    #[arg(long, conflicts_with = "order")]
    serial: Option<String>,
    #[arg(long)]
    order: Option<i64>,
    #[arg(long, requires = "order")]
    first: Option<i64>,
    #[arg(long, requires = "order")]
    last: Option<i64>,
}

/// The label grid of a sheet (millimetres).
#[derive(Debug, Clone, Copy, Args)]
pub struct Grid {
    #[arg(long, default_value_t = 5)]
    columns: u32,
    #[arg(long, default_value_t = 7)]
    rows: u32,
    /// Label width and height.
    #[arg(long, default_value_t = 36.0)]
    label_mm: f64,
    #[arg(long, default_value_t = 3.0)]
    gutter_mm: f64,
}

impl Grid {
    fn layout(self) -> SheetLayout {
        SheetLayout::centered(
            210.0,
            297.0,
            self.columns,
            self.rows,
            self.label_mm,
            self.label_mm,
            self.gutter_mm,
            self.gutter_mm,
        )
    }
}

/// A progress bar over `len` stamps.
pub(super) fn stamp_bar(len: u64, what: &str) -> anyhow::Result<ProgressBar> {
    Ok(ProgressBar::new(len).with_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} ({{per_sec}}, {{eta}})"
        ))?
        .progress_chars("=> "),
    ))
}

fn actor(db: &Db, username: &str) -> anyhow::Result<Actor> {
    let user = identity::find_user_by_name(&mut *db.conn()?, username)
        .with_context(|| format!("no user {username:?}"))?;
    Ok(Actor::for_user(&user, AuthMethod::Cli))
}

/// Runs `change` as `actor` in one transaction with its audit row.
pub(super) fn audited_as<T>(
    db: &Db,
    key: &AuditKey,
    actor: &Actor,
    action: &str,
    change: impl FnOnce(&mut DbConn) -> registry::Result<(T, String, serde_json::Value)>,
) -> anyhow::Result<T> {
    let request_id = format!("cli-{}", &registry::secret::random_token("")[..16]);
    let value = db.transaction(|conn| {
        let (value, target, detail) = change(conn)?;
        audit::append(
            conn,
            key,
            &AuditEvent {
                at: db.clock().now(),
                actor: &actor.audit_name(),
                action,
                target: &target,
                request_id: &request_id,
                detail,
            },
        )?;
        Ok::<_, registry::RegistryError>(value)
    })?;
    Ok(value)
}

/// Runs `hub stamps`.
pub(super) fn stamps_command(config: &Config, command: StampsCommand) -> anyhow::Result<ExitCode> {
    if let StampsCommand::Keygen { version } = command {
        let key = HiddenCodeKey::generate(&mut rand::rng());
        println!("{version}:{}", key.expose_hex());
        return Ok(ExitCode::SUCCESS);
    }
    let db = open_database(config)?;
    let now = db.clock().now();
    let secret = config.secret_key()?;
    let key = AuditKey::from_secret(&secret);
    let ring = config.stamps.key_ring(&secret)?;
    match command {
        StampsCommand::Keygen { .. } => unreachable!("handled above"),
        StampsCommand::Issue {
            username,
            enterprise,
            product,
            count,
            kind,
        } => {
            let actor = actor(&db, &username)?;
            let kind = StampKind::parse(&kind)
                .with_context(|| format!("--kind {kind:?}: qr or anti_counterfeit"))?;
            let host = config.stamps.resolver_host(&config.server.public_url)?;
            let new = NewStampOrder {
                enterprise_id: enterprise,
                product_id: product,
                quantity: count,
                kind,
            };
            let bar = stamp_bar(u64::try_from(count).unwrap_or(0), "issuing")?;
            let started = std::time::Instant::now();
            let order = audited_as(&db, &key, &actor, "stamps.issue", |conn| {
                let mut serials = stamps::SerialGenerator::from_thread_rng();
                let order = stamps::issue_order_with(
                    conn,
                    now,
                    &actor,
                    &new,
                    &ring,
                    &host,
                    &mut serials,
                    &mut |n| {
                        bar.set_position(n);
                    },
                )?;
                let detail = issue_detail(&order);
                Ok((order.clone(), format!("stamp_order:{}", order.id), detail))
            });
            bar.finish_and_clear();
            let order = order?;
            eprintln!(
                "issued order {} of {} {} stamps in {:.2} s",
                order.id,
                order.quantity,
                order.kind,
                started.elapsed().as_secs_f64()
            );
            println!("{}", order.id);
        }
        StampsCommand::Print {
            order,
            username,
            out,
            grid,
        } => {
            let actor = actor(&db, &username)?;
            let order = stamps::find_order(&mut *db.conn()?, &actor, order)?;
            let ring = crate::sheets::may_see_hidden_codes(&actor, &order).then_some(&ring);
            let layout = grid.layout();
            crate::sheets::check_layout(&layout)?;
            let file = File::create(&out).with_context(|| format!("creating {}", out.display()))?;
            let bar = stamp_bar(u64::try_from(order.quantity).unwrap_or(0), "printing")?;
            let written = crate::sheets::write_order_sheet(
                &db,
                &order,
                ring,
                &layout,
                BufWriter::new(file),
                &mut |n| {
                    bar.set_position(n);
                },
            );
            bar.finish_and_clear();
            let mut writer = written?;
            std::io::Write::flush(&mut writer)?;
            eprintln!(
                "wrote {} ({} stamps{})",
                out.display(),
                order.quantity,
                if ring.is_some() {
                    ", with hidden codes"
                } else {
                    ""
                }
            );
        }
        StampsCommand::Activate {
            username,
            batch,
            which,
        } => {
            let actor = actor(&db, &username)?;
            let record = audited_as(&db, &key, &actor, "stamps.activate", |conn| {
                let record = match (&which.serial, which.order) {
                    (Some(serial), _) => stamps::activate_stamp(
                        conn,
                        now,
                        &actor,
                        serial,
                        &StampActivation { batch_id: batch },
                    )?,
                    (None, Some(order)) => stamps::activate_order(
                        conn,
                        now,
                        &actor,
                        order,
                        &OrderActivation {
                            batch_id: batch,
                            first_seq: which.first,
                            last_seq: which.last,
                        },
                    )?,
                    (None, None) => {
                        return Err(registry::RegistryError::invalid(
                            Code::MissingTarget,
                            "order",
                            "give --serial or --order",
                        ));
                    }
                };
                let detail = json!({ "order_id": record.order_id, "first_seq": record.first_seq, "last_seq": record.last_seq, "batch_id": record.batch_id });
                Ok((
                    record.clone(),
                    format!("stamp_order:{}", record.order_id),
                    detail,
                ))
            })?;
            eprintln!(
                "activated {} stamps of order {} (seq {} to {}) on lot {}",
                record.activated, record.order_id, record.first_seq, record.last_seq, record.lot
            );
        }
        StampsCommand::Revoke {
            username,
            reason,
            which,
        } => {
            let actor = actor(&db, &username)?;
            let record = audited_as(&db, &key, &actor, "stamps.revoke", |conn| {
                let record = match (&which.serial, which.order) {
                    (Some(serial), _) => stamps::revoke_stamp(
                        conn,
                        now,
                        &actor,
                        serial,
                        &StampRevocation {
                            reason: reason.clone(),
                        },
                    )?,
                    (None, Some(order)) => stamps::revoke_order(
                        conn,
                        now,
                        &actor,
                        order,
                        &OrderRevocation {
                            reason: reason.clone(),
                            first_seq: which.first,
                            last_seq: which.last,
                        },
                    )?,
                    (None, None) => {
                        return Err(registry::RegistryError::invalid(
                            Code::MissingTarget,
                            "order",
                            "give --serial or --order",
                        ));
                    }
                };
                let detail = revoke_detail(&record);
                Ok((
                    record.clone(),
                    format!("stamp_order:{}", record.order_id),
                    detail,
                ))
            })?;
            eprintln!(
                "revoked {} stamps of order {} ({} were revoked already)",
                record.revoked, record.order_id, record.already_revoked
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The audit detail of an issue.
pub fn issue_detail(order: &stamps::StampOrder) -> serde_json::Value {
    json!({ "enterprise_id": order.enterprise_id, "product_id": order.product_id, "kind": order.kind, "quantity": order.quantity, "gtin": order.gtin })
}

/// The audit detail of a revocation.
pub fn revoke_detail(record: &stamps::RevocationRecord) -> serde_json::Value {
    json!({ "order_id": record.order_id, "first_seq": record.first_seq, "last_seq": record.last_seq, "reason": record.reason, "revoked": record.revoked })
}
