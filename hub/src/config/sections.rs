//! The sections of the configuration file, each with its defaults.

use std::path::PathBuf;

use registry::documents::Storage;
use registry::regions::Country;
use serde::{Deserialize, Serialize};

/// The HTTP server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: String,
    /// The address the public reaches the hub at (links, cookies).
    pub public_url: String,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// Worker threads; 0 for one per core.
    pub workers: usize,
    /// Seconds given to requests in flight on SIGTERM before they are cut.
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies (addresses or ranges: `127.0.0.1`, `10.0.0.0/8`) whose `X-Forwarded-For`
    /// is believed; from anyone else the header is ignored and the connection's address counts.
    pub trusted_proxies: Vec<IpRange>,
    pub tls: TlsConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            body_limit_bytes: 16 * 1024 * 1024,
            workers: 0,
            shutdown_timeout_secs: 30,
            trusted_proxies: Vec::new(),
            tls: TlsConfig::default(),
        }
    }
}

/// An address or a range of addresses, written `10.0.0.0/8` or `127.0.0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IpRange(ipnet::IpNet);

impl IpRange {
    /// Whether `ip` lies in the range.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

impl TryFrom<String> for IpRange {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(net) = text.parse::<ipnet::IpNet>() {
            return Ok(Self(net));
        }
        text.parse::<std::net::IpAddr>()
            .map(|ip| Self(ipnet::IpNet::from(ip)))
            .map_err(|_| format!("{text:?} is not an address or a range like 10.0.0.0/8"))
    }
}

impl From<IpRange> for String {
    fn from(range: IpRange) -> String {
        range.0.to_string()
    }
}

/// TLS, served by the hub itself when a certificate and key are given.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// PEM certificate chain.
    pub cert: Option<PathBuf>,
    /// PEM private key.
    pub key: Option<PathBuf>,
    /// PEM bundle of CAs whose client certificates are accepted (mutual TLS).
    pub client_ca: Option<PathBuf>,
    /// Refuse connections without a valid client certificate.
    pub require_client_cert: bool,
}

/// The database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `postgres://...` for PostgreSQL; empty for the embedded SQLite file in `data_dir`.
    pub url: String,
    /// Most connections the pool opens.
    pub pool_size: u32,
    /// Seconds to wait for a connection.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            pool_size: 10,
            connect_timeout_secs: 10,
        }
    }
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `pretty` for people, `json` for collectors.
    pub format: LogFormat,
    /// A tracing filter: `info`, `hub=debug,info`...; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            filter: "info".into(),
        }
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Secrets and sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// 64 hex characters; MACs the audit log and CSRF tokens. Every replica needs the same one.
    /// Empty: generated once into `data_dir/secret.key`.
    pub secret_key: String,
    /// How long a portal session lasts, in minutes.
    pub session_ttl_minutes: i64,
    /// Failed logins allowed per username within the window.
    pub login_max_failures: u32,
    /// The window for counting failed logins, in minutes.
    pub login_window_minutes: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            secret_key: String::new(),
            session_ttl_minutes: 12 * 60,
            login_max_failures: 5,
            login_window_minutes: 15,
        }
    }
}

/// Scheduled jobs and the outbox worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Run the outbox worker in this process (turn off on replicas that should only serve).
    pub worker: bool,
    /// How long an idle worker waits before looking for work again, in milliseconds.
    pub poll_interval_ms: u64,
    /// When to verify the audit chain: a cron expression with seconds (`0 0 3 * * *` is 03:00
    /// UTC daily); empty disables. Each slot runs once across all replicas.
    pub audit_verify: String,
    /// When to remind and escalate the parties of open recall cases (and scope the cases
    /// again): a cron expression with seconds (`0 */15 * * * *` is every quarter hour); empty
    /// disables.
    pub recall_reminders: String,
    /// When to sign a new head of the evidence ledger (if it grew): a cron expression with
    /// seconds (`0 */10 * * * *`, every ten minutes); empty disables.
    pub ledger_publish: String,
    /// When to remind inspectors of spot-check results due and departments of publications
    /// due (each task at most once a day): a cron expression with seconds (`0 0 8 * * *`,
    /// 08:00 UTC daily); empty disables.
    pub spot_check_reminders: String,
    /// When to compute every enterprise's credit tier from the data: a cron expression with
    /// seconds (`0 30 2 * * *`, 02:30 UTC daily); empty disables (then `hub credit recompute`).
    pub credit_tiers: String,
    /// When to look for special equipment whose periodic inspection is overdue (an alert per
    /// piece and due date): a cron expression with seconds (`0 0 6 * * *`, 06:00 UTC daily);
    /// empty disables.
    pub equipment_inspections: String,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            worker: true,
            poll_interval_ms: 1000,
            audit_verify: "0 0 3 * * *".into(),
            recall_reminders: "0 */15 * * * *".into(),
            ledger_publish: "0 */10 * * * *".into(),
            spot_check_reminders: "0 0 8 * * *".into(),
            credit_tiers: "0 30 2 * * *".into(),
            equipment_inspections: "0 0 6 * * *".into(),
        }
    }
}

/// Notices (in-app and by e-mail).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoticesConfig {
    /// The language of notices for users who chose none: `zh-CN`, `vi` or `en`.
    pub default_locale: registry::identity::Locale,
}

impl Default for NoticesConfig {
    fn default() -> Self {
        Self {
            default_locale: registry::identity::Locale::ZhCn,
        }
    }
}

/// The enterprise registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistryConfig {
    /// Whose regions the deployment uses: `cn` (GB/T 2260) or `vn` (Viet Nam, after the 2025
    /// reform). The database records it; it cannot change once departments or enterprises
    /// exist.
    pub country: Country,
    /// Largest file accepted by `POST /api/v1/enterprises/import` and by the regulator
    /// adapters' intake, in bytes.
    pub import_max_bytes: usize,
    /// How far, in percent of the rare-earth oxide at hand (opening stock plus inputs), a
    /// month's output may exceed it before the mass balance counts as broken (weighing and
    /// assay error).
    pub rare_earth_tolerance_percent: f64,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            country: Country::Cn,
            import_max_bytes: 64 * 1024 * 1024,
            rare_earth_tolerance_percent: 2.0,
        }
    }
}

/// Documents (certificates, test reports...): where their bytes go and how large they may be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// `database` (table `document_blobs`) or `directory` (files named by their SHA-256).
    pub storage: Storage,
    /// The directory for `storage = "directory"` (and for reading documents stored there
    /// earlier); empty: `data_dir/documents`.
    pub directory: String,
    /// Largest document accepted, in bytes; larger uploads get 413.
    pub max_bytes: u64,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            storage: Storage::Database,
            directory: String::new(),
            max_bytes: 20 * 1024 * 1024,
        }
    }
}
