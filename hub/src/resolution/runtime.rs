//! What the resolver keeps between requests: the hidden-code keys, the scan log, and a short
//! cache of stories (a product and lot change rarely; a popular pack is scanned constantly), so
//! that a scan costs one indexed read of the stamp.
//!
//! A story lives [`STORY_TTL`] (10 s), at most 20,000 of them; each story's part of the page is
//! drawn once per language.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use registry::Result;
use registry::db::{Db, DbConn};
use registry::stamps::HiddenCodeKeyRing;
use registry::stamps::resolve::{self, Story};
use registry::stamps::scans::{AlertSubject, ScanRules};
use registry::stamps::verify::VerifyLimits;

use super::lookup::StampLookup;
use super::scanlog::ScanLog;
use crate::config::Config;
use crate::i18n::Lang;

/// How long a story is served from memory.
pub const STORY_TTL: Duration = Duration::from_secs(10);
/// Most stories (and GTIN subjects) cached; beyond it the cache starts afresh.
const MAX_CACHED: usize = 20_000;

/// A story with what alerts about it need, shared by the scans of one product and lot.
#[derive(Debug)]
pub struct CachedStory {
    pub story: Story,
    pub subject: Arc<AlertSubject>,
    pub markets: Arc<[String]>,
    /// The story's part of the page, drawn once per language (as [`Lang::ALL`]).
    pages: [OnceLock<String>; Lang::ALL.len()],
}

impl CachedStory {
    /// The story's part of the page in `lang`, drawn by `draw` the first time.
    pub fn page_part(&self, lang: Lang, draw: impl FnOnce() -> String) -> &str {
        let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
        self.pages[index].get_or_init(draw)
    }
}

type Entry<T> = (Instant, T);
/// Cached values by key, with when each was read.
type Cache<K, T> = Mutex<HashMap<K, Entry<T>>>;

/// The resolver's state.
pub struct Resolver {
    /// `None` when `[stamps]` keys are unusable (verification answers 503).
    pub ring: Option<Arc<HiddenCodeKeyRing>>,
    /// The host of canonical stamp links (checked when the configuration is loaded).
    pub host: String,
    pub scans: ScanLog,
    /// Stamp reads, batched across concurrent scans.
    pub lookup: StampLookup,
    pub limits: VerifyLimits,
    stories: Cache<(i64, Option<i64>), Arc<CachedStory>>,
    /// `Core::verdicts`, and the value the cache last saw.
    verdicts: Arc<AtomicU64>,
    seen_verdicts: AtomicU64,
    gtins: Cache<String, Option<Arc<AlertSubject>>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver").finish_non_exhaustive()
    }
}

impl Resolver {
    /// The resolver for `config` over `db`, verifying with the hub's hidden-code keys `ring`.
    pub fn new(
        db: Db,
        config: &Config,
        ring: Option<Arc<HiddenCodeKeyRing>>,
        verdicts: Arc<AtomicU64>,
    ) -> Self {
        let rules = ScanRules {
            scan_limit: config.stamps.scan_limit,
            max_travel_kmh: config.stamps.max_travel_kmh,
        };
        Self {
            ring,
            host: config
                .stamps
                .resolver_host(&config.server.public_url)
                .unwrap_or_default(),
            scans: ScanLog::new(db.clone(), rules),
            lookup: StampLookup::new(db),
            limits: VerifyLimits {
                per_stamp: config.stamps.verify_max_failures_per_stamp,
                per_client: config.stamps.verify_max_failures_per_client,
                window: chrono::Duration::minutes(config.stamps.verify_window_minutes),
            },
            stories: Mutex::new(HashMap::new()),
            gtins: Mutex::new(HashMap::new()),
            seen_verdicts: AtomicU64::new(verdicts.load(Ordering::Acquire)),
            verdicts,
        }
    }

    /// The story of `product_id` / `batch_id` if the cache holds it.
    pub fn cached_story(&self, product_id: i64, batch_id: Option<i64>) -> Option<Arc<CachedStory>> {
        self.catch_up();
        fresh(&self.stories, &(product_id, batch_id))
    }

    /// Forgets every cached story when stamp verdicts changed since the last look
    /// (`Core::verdicts_changed`), so the next scan of each reads it again: a recall opened or
    /// closed changes the verdict of its stamps at once in this process (other replicas within
    /// [`STORY_TTL`]). One atomic read on the scan path.
    fn catch_up(&self) {
        let now = self.verdicts.load(Ordering::Acquire);
        if self.seen_verdicts.swap(now, Ordering::AcqRel) != now {
            self.stories
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
    }

    /// The producer of a GTIN if the cache holds the answer (`Some(None)`: not registered).
    pub fn cached_gtin_subject(&self, gtin14: &str) -> Option<Option<Arc<AlertSubject>>> {
        fresh(&self.gtins, gtin14)
    }

    /// The story of `product_id` / `batch_id`, from the cache or read now.
    pub fn story(
        &self,
        conn: &mut DbConn,
        product_id: i64,
        batch_id: Option<i64>,
    ) -> Result<Arc<CachedStory>> {
        let key = (product_id, batch_id);
        self.catch_up();
        if let Some(hit) = fresh(&self.stories, &key) {
            return Ok(hit);
        }
        let story = resolve::story(conn, product_id, batch_id)?;
        let subject = Arc::new(AlertSubject {
            enterprise_id: story.producer.id,
            region_code: story.producer.region_code.clone(),
            category: story.category(),
            company_prefix: story.producer.company_prefix.clone(),
            gtin: story.product.gtin.clone(),
            product_name: story.product.name.clone(),
        });
        let markets: Arc<[String]> = story.product.target_markets.clone().into();
        let cached = Arc::new(CachedStory {
            story,
            subject,
            markets,
            pages: Default::default(),
        });
        store(&self.stories, key, cached.clone());
        Ok(cached)
    }

    /// The producer of a registered GTIN (for alerts about unknown serials under it).
    pub fn gtin_subject(
        &self,
        conn: &mut DbConn,
        gtin14: &str,
    ) -> Result<Option<Arc<AlertSubject>>> {
        if let Some(hit) = fresh(&self.gtins, gtin14) {
            return Ok(hit);
        }
        let subject = resolve::subject_for_gtin(conn, gtin14)?.map(Arc::new);
        store(&self.gtins, gtin14.to_owned(), subject.clone());
        Ok(subject)
    }
}

fn fresh<K, Q, T>(map: &Mutex<HashMap<K, Entry<T>>>, key: &Q) -> Option<T>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    T: Clone,
{
    let map = map.lock().unwrap_or_else(PoisonError::into_inner);
    map.get(key)
        .filter(|(at, _)| at.elapsed() < STORY_TTL)
        .map(|(_, value)| value.clone())
}

fn store<K: std::hash::Hash + Eq, T>(map: &Mutex<HashMap<K, Entry<T>>>, key: K, value: T) {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= MAX_CACHED {
        map.retain(|_, (at, _)| at.elapsed() < STORY_TTL);
        if map.len() >= MAX_CACHED {
            map.clear();
        }
    }
    map.insert(key, (Instant::now(), value));
}
