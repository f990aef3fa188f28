//! The application's state, below every handler and operation: [`Core`] (the database, the
//! configuration and the keys: what every operation needs, also from the command line and
//! jobs) and [`AppState`] (the core plus what only the HTTP server holds), and the extractors
//! that hand a handler its caller ([`Auth`], [`MaybeAuth`]).

use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{Ready, ready};
use registry::audit::AuditKey;
use registry::db::Db;
use registry::error::Code;
use registry::identity::Actor;
use registry::secret::SecretKey;
use registry::stamps::HiddenCodeKeyRing;

use crate::config::Config;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::resolution::Resolver;
use crate::signing::LedgerKey;

/// What every operation needs, from the server, the command line and the jobs alike: the
/// database (with its clock), the configuration and the keys.
#[derive(Clone)]
pub struct Core {
    pub db: Db,
    pub config: Arc<Config>,
    pub audit_key: AuditKey,
    /// The hidden-code keys of stamps (`None` only if `[stamps]` failed validation).
    pub stamp_keys: Option<Arc<HiddenCodeKeyRing>>,
    /// Seals the signature tokens of EPCIS subscriptions (`ops::epcis_subscriptions`).
    pub subscription_key: SecretKey,
    /// The evidence ledger's signing key (`None` when it could not be read or generated: the
    /// error is logged, and signing answers 503 `ledger_unconfigured`).
    pub ledger_key: Option<Arc<LedgerKey>>,
    /// Moves on every change of stamp verdicts (a recall case opened or closed); the resolver
    /// forgets its cached stories when it sees it move.
    pub verdicts: Arc<std::sync::atomic::AtomicU64>,
}

impl Core {
    /// Derives the keys from the server secret.
    pub fn new(db: Db, config: Config, secret: &SecretKey) -> Self {
        let stamp_keys = match config.stamps.key_ring(secret) {
            Ok(ring) => Some(Arc::new(ring)),
            Err(e) => {
                tracing::error!(error = %e, "stamps: no hidden-code keys");
                None
            }
        };
        let ledger_key = match config.ledger_key() {
            Ok(key) => Some(Arc::new(key)),
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "ledger: no signing key");
                None
            }
        };
        Self {
            db,
            config: Arc::new(config),
            audit_key: AuditKey::from_secret(secret),
            stamp_keys,
            subscription_key: secret.derive("epcis.subscription-token"),
            ledger_key,
            verdicts: Arc::default(),
        }
    }

    /// Tells this process's resolver that stamp verdicts changed (after the change committed).
    pub fn verdicts_changed(&self) {
        self.verdicts
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Now, on the clock of the hub's database (wall time in production).
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.db.clock().now()
    }

    /// The evidence ledger's signing key, or 503 `ledger_unconfigured` when it could not be
    /// loaded.
    pub fn ledger_signer(&self) -> Result<Arc<LedgerKey>, ApiError> {
        self.ledger_key.clone().ok_or_else(|| {
            ApiError::new(
                Code::LedgerUnconfigured,
                "the evidence ledger's signing key could not be loaded",
            )
        })
    }

    /// The hidden-code keys of stamps, or 503 `stamps_unconfigured` when `[stamps]` could not
    /// give them.
    pub fn stamp_key_ring(&self) -> Result<Arc<HiddenCodeKeyRing>, ApiError> {
        self.stamp_keys.clone().ok_or_else(|| {
            ApiError::new(
                Code::StampsUnconfigured,
                "the hidden-code keys of stamps are not configured",
            )
        })
    }
}

/// The state of the HTTP server, built once at start-up: the [`Core`] (reached through
/// `Deref`) and what only the server holds.
#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    /// MACs CSRF tokens from session cookies.
    pub csrf_key: SecretKey,
    /// Hashes client addresses before they are stored (login attempts, scans).
    pub client_key: SecretKey,
    pub metrics: Metrics,
    /// The public stamp resolver: keys, story cache, scan log.
    pub resolver: Arc<Resolver>,
}

impl std::ops::Deref for AppState {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl AppState {
    /// Derives the purpose keys from the server secret.
    pub fn new(db: Db, config: Config, secret: &SecretKey) -> Self {
        let core = Core::new(db, config, secret);
        let resolver = Resolver::new(
            core.db.clone(),
            &core.config,
            core.stamp_keys.clone(),
            Arc::clone(&core.verdicts),
        );
        Self {
            resolver: Arc::new(resolver),
            csrf_key: secret.derive("csrf"),
            client_key: secret.derive("client-address"),
            metrics: Metrics::new(),
            core,
        }
    }

    /// The client's address: the connection's peer, or, when the peer is a trusted proxy, the
    /// last address that proxy appended to `X-Forwarded-For`.
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
            return "unknown".into();
        };
        if self
            .config
            .server
            .trusted_proxies
            .iter()
            .any(|range| range.contains(peer))
        {
            let forwarded = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
            if let Some(client) = forwarded {
                return client.to_string();
            }
        }
        peer.to_string()
    }

    /// A client address as stored: keyed hash, so the address itself is never kept.
    pub fn client_hash(&self, address: &str) -> String {
        hex::encode(&self.client_key.mac(&[address.as_bytes()])[..16])
    }

    /// The CSRF token that goes with a session cookie.
    pub fn csrf_for_session(&self, session_cookie: &str) -> String {
        self.csrf_key.mac_hex(&[session_cookie.as_bytes()])
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "th_session";

/// The actor the authorization middleware resolved, or 401.
pub fn signed_in(req: &HttpRequest) -> Result<Actor, ApiError> {
    req.extensions()
        .get::<Actor>()
        .cloned()
        .ok_or_else(|| ApiError::new(Code::Unauthenticated, "sign in or present a bearer token"))
}

/// The signed-in caller; a handler that takes it refuses anonymous calls with 401.
#[derive(Debug, Clone)]
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).map(Auth))
    }
}

/// The caller if signed in (on public portal pages).
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequest for MaybeAuth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(MaybeAuth(req.extensions().get::<Actor>().cloned())))
    }
}
