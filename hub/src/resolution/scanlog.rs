//! The scan log's write path: handlers push scans into an in-process buffer; one background
//! thread writes them in batches (every [`FLUSH_INTERVAL`] or [`FLUSH_ROWS`] rows, whichever
//! comes first) with the alerts they raise, in one transaction per batch. [`ScanLog::shutdown`]
//! writes what is left (the server calls it after the last request).
//!
//! A scan is a record of what the public saw, not an acknowledged write: a crash loses at most
//! the last few milliseconds of scans, never a stamp, a verification failure (those are written
//! before the answer, as the rate limits need them) or an alert already raised.
//!
//! Scans are not audit-log entries: the scan log is their record, and thousands a second would
//! swamp the chain.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use registry::db::Db;
use registry::stamps::scans::{self, Memo, NewScan, ScanRules};

/// Longest a scan waits in the buffer.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(5);
/// Rows that trigger a flush at once.
pub const FLUSH_ROWS: usize = 500;
/// Rows kept at most while the database is away; beyond it new scans are dropped (and
/// counted), so a database outage cannot exhaust memory.
pub const MAX_BUFFERED: usize = 200_000;

struct Shared {
    queue: Mutex<Vec<NewScan>>,
    wake: Condvar,
    stop: AtomicBool,
    dropped: AtomicU64,
    written: AtomicU64,
}

/// The buffer and its writer thread (started on the first scan).
pub struct ScanLog {
    shared: Arc<Shared>,
    db: Db,
    rules: ScanRules,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ScanLog {
    /// A log writing to `db` with the alert thresholds `rules`.
    pub fn new(db: Db, rules: ScanRules) -> Self {
        Self {
            shared: Arc::new(Shared {
                queue: Mutex::new(Vec::with_capacity(FLUSH_ROWS)),
                wake: Condvar::new(),
                stop: AtomicBool::new(false),
                dropped: AtomicU64::new(0),
                written: AtomicU64::new(0),
            }),
            db,
            rules,
            thread: Mutex::new(None),
        }
    }

    /// Queues a scan for the next batch.
    pub fn push(&self, scan: NewScan) {
        self.ensure_started();
        let mut queue = lock(&self.shared.queue);
        if queue.len() >= MAX_BUFFERED {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        queue.push(scan);
        if queue.len() >= FLUSH_ROWS {
            self.shared.wake.notify_one();
        }
    }

    /// Scans written so far, and scans dropped because the buffer was full.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.shared.written.load(Ordering::Relaxed),
            self.shared.dropped.load(Ordering::Relaxed),
        )
    }

    /// Writes what is buffered and stops the writer. Later scans start it again.
    pub fn shutdown(&self) {
        let handle = lock(&self.thread).take();
        if let Some(handle) = handle {
            self.shared.stop.store(true, Ordering::SeqCst);
            self.shared.wake.notify_one();
            let _ = handle.join();
            self.shared.stop.store(false, Ordering::SeqCst);
        }
    }

    fn ensure_started(&self) {
        let mut thread = lock(&self.thread);
        if thread.is_some() {
            return;
        }
        let shared = self.shared.clone();
        let db = self.db.clone();
        let rules = self.rules;
        let spawned = std::thread::Builder::new()
            .name("scan-log".into())
            .spawn(move || run(&shared, &db, rules));
        match spawned {
            Ok(handle) => *thread = Some(handle),
            Err(e) => tracing::error!(error = %e, "scan log writer not started"),
        }
    }
}

impl Drop for ScanLog {
    /// The last owner gone (the server stopped): what is buffered is written.
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for ScanLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanLog").finish_non_exhaustive()
    }
}

fn run(shared: &Shared, db: &Db, rules: ScanRules) {
    let mut memo = Memo::default();
    let mut batch: Vec<NewScan> = Vec::with_capacity(FLUSH_ROWS);
    loop {
        let stopping = {
            let queue = lock(&shared.queue);
            let (mut queue, _) = shared
                .wake
                .wait_timeout_while(queue, FLUSH_INTERVAL, |q| {
                    q.len() < FLUSH_ROWS && !shared.stop.load(Ordering::SeqCst)
                })
                .unwrap_or_else(PoisonError::into_inner);
            std::mem::swap(&mut *queue, &mut batch);
            shared.stop.load(Ordering::SeqCst)
        };
        let ok = batch.is_empty() || write(shared, db, rules, &mut memo, &mut batch);
        if stopping && (!ok || lock(&shared.queue).is_empty()) {
            if !ok {
                tracing::error!("scan log: the database is away at shutdown; buffered scans lost");
            }
            return;
        }
    }
}

/// Writes `batch` (emptying it); on failure puts the rows back for the next round and says so.
fn write(
    shared: &Shared,
    db: &Db,
    rules: ScanRules,
    memo: &mut Memo,
    batch: &mut Vec<NewScan>,
) -> bool {
    let mut ok = true;
    for chunk in batch.chunks(FLUSH_ROWS * 4) {
        let written = db.transaction(|conn| scans::record_scans(conn, chunk, rules, memo));
        match written {
            Ok(_) => {
                shared
                    .written
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
            Err(e) => {
                ok = false;
                // The memo may name alerts of the rolled-back transaction.
                *memo = Memo::default();
                tracing::warn!(error = %e, rows = chunk.len(), "scan log batch not written; retrying");
                let mut queue = lock(&shared.queue);
                if queue.len() + chunk.len() <= MAX_BUFFERED {
                    queue.extend_from_slice(chunk);
                } else {
                    shared
                        .dropped
                        .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
                drop(queue);
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    batch.clear();
    ok
}
