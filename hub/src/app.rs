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

/// Shared application state, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub audit_key: AuditKey,
    /// MACs CSRF tokens from session cookies.
    pub csrf_key: SecretKey,
    /// Hashes client addresses before they are stored (login attempts, scans).
    pub client_key: SecretKey,
    pub metrics: Metrics,
    /// The hidden-code keys of stamps (`None` only if `[stamps]` failed validation).
    pub stamp_keys: Option<Arc<HiddenCodeKeyRing>>,
    /// The public stamp resolver: keys, story cache, scan log.
    pub resolver: Arc<Resolver>,
}

impl AppState {
    /// Derives the purpose keys from the server secret.
    pub fn new(db: Db, config: Config, secret: &SecretKey) -> Self {
        let stamp_keys = match config.stamps.key_ring(secret) {
            Ok(ring) => Some(Arc::new(ring)),
            Err(e) => {
                tracing::error!(error = %e, "stamps: no hidden-code keys");
                None
            }
        };
        let resolver = Resolver::new(db.clone(), &config, stamp_keys.clone());
        Self {
            stamp_keys,
            resolver: Arc::new(resolver),
            db,
            config: Arc::new(config),
            audit_key: AuditKey::from_secret(secret),
            csrf_key: secret.derive("csrf"),
            client_key: secret.derive("client-address"),
            metrics: Metrics::new(),
        }
    }

    /// Now, on the clock of the hub's database (wall time in production).
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.db.clock().now()
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

/// The signed-in caller; a handler that takes it refuses anonymous calls with 401.
#[derive(Debug, Clone)]
pub struct Auth(pub Actor);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Actor>()
                .cloned()
                .map(Auth)
                .ok_or_else(|| {
                    ApiError::new(Code::Unauthenticated, "sign in or present a bearer token")
                }),
        )
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
