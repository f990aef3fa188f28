//! `hub stamps issue|print|activate|revoke|keygen`: the stamp commands, acting as a named user
//! (its role and scope apply as in the API) and audited as `cli:<user>`.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use registry::stamps::{
    self, HiddenCodeKey, NewStampOrder, OrderActivation, OrderRevocation, StampActivation,
    StampKind, StampRevocation,
};
use reports::stamps::SheetLayout;

use crate::cli::serve::{caller, core};
use crate::config::Config;
use crate::ops;
use crate::ops::stamps::{Activation, Revocation};

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

/// What `--serial`/`--order` name.
enum Target {
    Serial(String),
    Order {
        id: i64,
        first_seq: Option<i64>,
        last_seq: Option<i64>,
    },
}

impl Which {
    fn target(self) -> anyhow::Result<Target> {
        match (self.serial, self.order) {
            (Some(serial), _) => Ok(Target::Serial(serial)),
            (None, Some(id)) => Ok(Target::Order {
                id,
                first_seq: self.first,
                last_seq: self.last,
            }),
            (None, None) => anyhow::bail!("give --serial or --order"),
        }
    }
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

/// Runs `hub stamps`.
pub(super) fn stamps_command(config: &Config, command: StampsCommand) -> anyhow::Result<ExitCode> {
    if let StampsCommand::Keygen { version } = command {
        let key = HiddenCodeKey::generate(&mut rand::rng());
        println!("{version}:{}", key.expose_hex());
        return Ok(ExitCode::SUCCESS);
    }
    let core = core(config)?;
    match command {
        StampsCommand::Keygen { .. } => unreachable!("handled above"),
        StampsCommand::Issue {
            username,
            enterprise,
            product,
            count,
            kind,
        } => {
            let caller = caller(&core, &username)?;
            let kind = StampKind::parse(&kind)
                .with_context(|| format!("--kind {kind:?}: qr or anti_counterfeit"))?;
            let new = NewStampOrder {
                enterprise_id: enterprise,
                product_id: product,
                quantity: count,
                kind,
            };
            let bar = stamp_bar(u64::try_from(count).unwrap_or(0), "issuing")?;
            let started = std::time::Instant::now();
            let order = ops::stamps::issue(&core, &caller, &new, &mut |n| bar.set_position(n));
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
            let actor = caller(&core, &username)?.actor;
            let order = stamps::find_order(&mut *core.db.conn()?, &actor, order)?;
            let ring = core.stamp_key_ring()?;
            let ring = crate::sheets::may_see_hidden_codes(&actor, &order).then_some(&*ring);
            let layout = grid.layout();
            crate::sheets::check_layout(&layout)?;
            let file = File::create(&out).with_context(|| format!("creating {}", out.display()))?;
            let bar = stamp_bar(u64::try_from(order.quantity).unwrap_or(0), "printing")?;
            let written = crate::sheets::write_order_sheet(
                &core.db,
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
            let caller = caller(&core, &username)?;
            let which = match which.target()? {
                Target::Serial(serial) => {
                    Activation::Stamp(serial, StampActivation { batch_id: batch })
                }
                Target::Order {
                    id,
                    first_seq,
                    last_seq,
                } => Activation::Order(
                    id,
                    OrderActivation {
                        batch_id: batch,
                        first_seq,
                        last_seq,
                    },
                ),
            };
            let record = ops::stamps::activate(&core, &caller, &which)?;
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
            let caller = caller(&core, &username)?;
            let which = match which.target()? {
                Target::Serial(serial) => Revocation::Stamp(serial, StampRevocation { reason }),
                Target::Order {
                    id,
                    first_seq,
                    last_seq,
                } => Revocation::Order(
                    id,
                    OrderRevocation {
                        reason,
                        first_seq,
                        last_seq,
                    },
                ),
            };
            let record = ops::stamps::revoke(&core, &caller, &which)?;
            eprintln!(
                "revoked {} stamps of order {} ({} were revoked already)",
                record.revoked, record.order_id, record.already_revoked
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
