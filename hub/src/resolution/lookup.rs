//! Stamp reads batched across concurrent scans.
//!
//! A scan waits for its stamp on a channel instead of taking a pooled connection on a
//! blocking thread of its own: [`READERS`] threads take what has queued up (up to
//! [`MAX_BATCH`] serials) and read it with one query by primary key. Under load a read serves
//! tens of scans, so the database sees a fraction of the round trips and the server a fraction
//! of the thread hand-offs; a lone scan waits for nothing but its own read.
//!
//! A read that fails answers [`Looked::Failed`]: the scan then reads on its own and reports the
//! error as any other request would.
//!
//! A reader keeps its pooled connection while scans keep coming, and gives it back when the queue
//! runs dry.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use registry::db::{Db, PooledConn};
use registry::stamps::resolve::{self, StampRecord};
use tokio::sync::oneshot;

/// Most serials read in one query.
pub const MAX_BATCH: usize = 256;
/// Threads reading (each holds a pooled connection while scans keep coming).
pub const READERS: usize = 2;

/// What a lookup found.
#[derive(Debug)]
pub enum Looked {
    /// The stamp, or `None` for a serial never issued.
    Found(Option<StampRecord>),
    /// The batch's read failed (the database is away...).
    Failed,
}

struct Request {
    serial: String,
    reply: oneshot::Sender<Looked>,
}

/// The queue and its reader threads (started on the first lookup).
pub struct StampLookup {
    db: Db,
    queue: OnceLock<Option<Sender<Request>>>,
}

impl StampLookup {
    /// Lookups reading from `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            queue: OnceLock::new(),
        }
    }

    /// The stamp with `serial`, read with whatever other scans are waiting.
    pub async fn find(&self, serial: &str) -> Looked {
        let Some(queue) = self.queue.get_or_init(|| start(&self.db)) else {
            return Looked::Failed;
        };
        let (reply, answer) = oneshot::channel();
        let request = Request {
            serial: serial.to_owned(),
            reply,
        };
        if queue.send(request).is_err() {
            return Looked::Failed;
        }
        answer.await.unwrap_or(Looked::Failed)
    }
}

impl std::fmt::Debug for StampLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StampLookup").finish_non_exhaustive()
    }
}

/// Starts the readers; `None` if no thread could be started. They stop when the last sender
/// (the [`StampLookup`]) is dropped.
fn start(db: &Db) -> Option<Sender<Request>> {
    let (tx, rx) = mpsc::channel::<Request>();
    let rx = Arc::new(Mutex::new(rx));
    let mut started = 0;
    for n in 0..READERS {
        let (db, rx) = (db.clone(), rx.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("stamp-lookup-{n}"))
            .spawn(move || serve(&db, &rx));
        match spawned {
            Ok(_) => started += 1,
            Err(e) => tracing::error!(error = %e, "stamp lookup thread not started"),
        }
    }
    (started > 0).then_some(tx)
}

fn serve(db: &Db, rx: &Mutex<Receiver<Request>>) {
    // A connection is kept while scans keep coming, and given back to the pool when idle.
    let mut held: Option<PooledConn> = None;
    while let Some(batch) = next_batch(rx, &mut held) {
        answer(db, &mut held, batch);
    }
}

/// Waits for a request, then takes what else is queued (up to [`MAX_BATCH`]); gives `held`
/// back before waiting. `None` once the queue is closed.
fn next_batch(
    rx: &Mutex<Receiver<Request>>,
    held: &mut Option<PooledConn>,
) -> Option<Vec<Request>> {
    let rx = rx.lock().unwrap_or_else(PoisonError::into_inner);
    let first = match rx.try_recv() {
        Ok(request) => request,
        Err(TryRecvError::Empty) => {
            *held = None;
            rx.recv().ok()?
        }
        Err(TryRecvError::Disconnected) => return None,
    };
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(request) => batch.push(request),
            Err(_) => break,
        }
    }
    Some(batch)
}

fn answer(db: &Db, held: &mut Option<PooledConn>, batch: Vec<Request>) {
    let found = {
        let serials: Vec<&str> = batch.iter().map(|r| r.serial.as_str()).collect();
        let conn = match held.take() {
            Some(conn) => Ok(conn),
            None => db.conn(),
        };
        conn.and_then(|mut conn| {
            let found = resolve::find_stamps(&mut conn, &serials)?;
            // Kept only after a successful read: a failed one may have broken it.
            *held = Some(conn);
            Ok(found)
        })
    };
    match found {
        Ok(stamps) => {
            let by_serial: HashMap<&str, &StampRecord> =
                stamps.iter().map(|s| (s.serial.as_str(), s)).collect();
            for request in batch {
                let stamp = by_serial.get(request.serial.as_str()).map(|s| (*s).clone());
                let _ = request.reply.send(Looked::Found(stamp));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, serials = batch.len(), "stamp lookup failed");
            for request in batch {
                let _ = request.reply.send(Looked::Failed);
            }
        }
    }
}
