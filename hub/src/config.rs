//! Configuration: defaults, then a TOML file, then `HUB_*` environment variables (`__` between
//! section and key: `HUB_SERVER__BIND`), then `DATABASE_URL`, then command-line flags.
//! `deployment/hub.example.toml` documents every key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use registry::db::DbUrl;
use registry::documents::{DocumentStore, Storage};
use registry::regions::Country;
use registry::secret::SecretKey;
use serde::{Deserialize, Serialize};

pub use crate::mail::{MailConfig, MailTls};

/// An invalid configuration, naming the key at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration key `{key}`: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the hub keeps its files: the SQLite database, the generated secret key.
    pub data_dir: PathBuf,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub log: LogConfig,
    pub security: SecurityConfig,
    pub jobs: JobsConfig,
    pub mail: MailConfig,
    pub notices: NoticesConfig,
    pub registry: RegistryConfig,
    pub documents: DocumentsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            log: LogConfig::default(),
            security: SecurityConfig::default(),
            jobs: JobsConfig::default(),
            mail: MailConfig::default(),
            notices: NoticesConfig::default(),
            registry: RegistryConfig::default(),
            documents: DocumentsConfig::default(),
        }
    }
}

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
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            worker: true,
            poll_interval_ms: 1000,
            audit_verify: "0 0 3 * * *".into(),
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
    /// Largest CSV accepted by `POST /api/v1/enterprises/import`, in bytes.
    pub import_max_bytes: usize,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            country: Country::Cn,
            import_max_bytes: 64 * 1024 * 1024,
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

/// Values from command-line flags, which override everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub bind: Option<String>,
    pub database_url: Option<String>,
}

impl Config {
    /// Loads defaults, the file (if given, or `hub.toml` if present), the environment and the
    /// overrides, then validates.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError::new(
                    "config",
                    format!("file {} does not exist", path.display()),
                ));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("hub.toml").is_file() => {
                figment = figment.merge(Toml::file_exact("hub.toml"));
            }
            None => {}
        }
        // Only variables that name configuration (see is_config_key).
        figment = figment.merge(
            Env::prefixed("HUB_")
                .filter(|key| is_config_key(key.as_str()))
                .split("__"),
        );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        if let Some(dir) = &overrides.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        if let Some(bind) = &overrides.bind {
            figment = figment.merge(Serialized::default("server.bind", bind));
        }
        if let Some(url) = &overrides.database_url {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        let config: Config = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            let key = if key.is_empty() {
                "config".to_owned()
            } else {
                key
            };
            ConfigError::new(&key, e.kind.to_string())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.bind_addr()?;
        self.database_url()?;
        if !(self.server.public_url.starts_with("http://")
            || self.server.public_url.starts_with("https://"))
        {
            return Err(ConfigError::new(
                "server.public_url",
                "must start with http:// or https://",
            ));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::new(
                "server.body_limit_bytes",
                "must be at least 1024",
            ));
        }
        let tls = &self.server.tls;
        match (&tls.cert, &tls.key) {
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "server.tls.key",
                    "a certificate needs its key",
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "server.tls.cert",
                    "a key needs its certificate",
                ));
            }
            _ => {}
        }
        for (key, path) in [
            ("server.tls.cert", &tls.cert),
            ("server.tls.key", &tls.key),
            ("server.tls.client_ca", &tls.client_ca),
        ] {
            if let Some(path) = path {
                if !path.is_file() {
                    return Err(ConfigError::new(
                        key,
                        format!("file {} does not exist", path.display()),
                    ));
                }
            }
        }
        if (tls.client_ca.is_some() || tls.require_client_cert) && tls.cert.is_none() {
            return Err(ConfigError::new(
                "server.tls.client_ca",
                "client certificates need TLS (server.tls.cert and key)",
            ));
        }
        if tls.require_client_cert && tls.client_ca.is_none() {
            return Err(ConfigError::new(
                "server.tls.client_ca",
                "required client certificates need a CA bundle",
            ));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::new("database.pool_size", "must be at least 1"));
        }
        if !self.security.secret_key.is_empty() {
            SecretKey::from_hex(&self.security.secret_key).map_err(|_| {
                ConfigError::new("security.secret_key", "must be 64 hexadecimal characters")
            })?;
        }
        if !self.jobs.audit_verify.trim().is_empty() {
            self.jobs
                .audit_verify
                .parse::<cron::Schedule>()
                .map_err(|e| {
                    ConfigError::new(
                        "jobs.audit_verify",
                        format!("not a cron expression with seconds: {e}"),
                    )
                })?;
        }
        if self.jobs.poll_interval_ms < 10 {
            return Err(ConfigError::new(
                "jobs.poll_interval_ms",
                "must be at least 10",
            ));
        }
        self.mail.validate()?;
        if self.registry.import_max_bytes < 1024 {
            return Err(ConfigError::new(
                "registry.import_max_bytes",
                "must be at least 1024",
            ));
        }
        if self.documents.max_bytes < 1 {
            return Err(ConfigError::new(
                "documents.max_bytes",
                "must be at least 1",
            ));
        }
        if self.security.session_ttl_minutes < 1 {
            return Err(ConfigError::new(
                "security.session_ttl_minutes",
                "must be at least 1",
            ));
        }
        if self.security.login_max_failures < 1 || self.security.login_window_minutes < 1 {
            return Err(ConfigError::new(
                "security.login_max_failures",
                "limits must be at least 1",
            ));
        }
        Ok(())
    }

    /// The address to listen on.
    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.server.bind.parse().map_err(|_| {
            ConfigError::new(
                "server.bind",
                format!("{:?} is not an address:port", self.server.bind),
            )
        })
    }

    /// The database to use: the configured URL, or the SQLite file in the data directory.
    pub fn database_url(&self) -> Result<DbUrl, ConfigError> {
        if self.database.url.trim().is_empty() {
            return Ok(DbUrl::sqlite_file(self.data_dir.join("tracehub.db")));
        }
        DbUrl::parse(&self.database.url)
            .map_err(|e| ConfigError::new("database.url", e.to_string()))
    }

    /// The document store this configuration describes.
    pub fn document_store(&self) -> DocumentStore {
        let directory = if self.documents.directory.trim().is_empty() {
            self.data_dir.join("documents")
        } else {
            PathBuf::from(self.documents.directory.trim())
        };
        DocumentStore {
            storage: self.documents.storage,
            directory,
            max_bytes: self.documents.max_bytes,
        }
    }

    /// Whether cookies must only travel over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.server.tls.cert.is_some() || self.server.public_url.starts_with("https://")
    }

    /// The configuration as TOML with secrets masked, for `hub config check`.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        if !shown.security.secret_key.is_empty() {
            shown.security.secret_key = "****".into();
        }
        shown.database.url = registry::db::redact(&shown.database.url);
        if !shown.mail.password.is_empty() {
            shown.mail.password = "****".into();
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}"))
    }

    /// The server secret: configured, or read from (or first generated into)
    /// `data_dir/secret.key`, readable by the owner only.
    pub fn secret_key(&self) -> anyhow::Result<SecretKey> {
        if !self.security.secret_key.is_empty() {
            return Ok(SecretKey::from_hex(&self.security.secret_key)?);
        }
        let path = self.data_dir.join("secret.key");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return SecretKey::from_hex(&existing).map_err(|_| {
                anyhow::anyhow!("{} does not hold 64 hexadecimal characters", path.display())
            });
        }
        std::fs::create_dir_all(&self.data_dir)?;
        let key = SecretKey::generate();
        write_private(&path, &key.to_hex())?;
        tracing::warn!(path = %path.display(), "generated a server secret key; set security.secret_key so that every replica shares one");
        Ok(key)
    }
}

/// Whether a `HUB_` variable (prefix stripped) names configuration: `DATA_DIR` or a key inside
/// one of the sections. Others (Kubernetes service links such as `HUB_SERVICE_HOST`,
/// `HUB_CONFIG` itself) are not configuration; a typo inside a section still fails, naming it.
fn is_config_key(key: &str) -> bool {
    const SECTIONS: [&str; 9] = [
        "server",
        "database",
        "log",
        "security",
        "jobs",
        "mail",
        "notices",
        "registry",
        "documents",
    ];
    key.eq_ignore_ascii_case("data_dir")
        || SECTIONS.iter().any(|section| {
            key.get(..section.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(section))
                && key[section.len()..].starts_with("__")
        })
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        if let toml::Value::Table(table) = value {
            for (key, child) in table {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                keys(child, &path, out);
                out.push(path);
            }
        }
    }

    #[test]
    fn the_example_documents_every_key() {
        let example = include_str!("../../deployment/hub.example.toml");
        let parsed: Config = toml::from_str(example).expect("the example parses as a Config");
        parsed.validate().expect("the example is valid");
        let mut documented = Vec::new();
        keys(&toml::from_str(example).expect("TOML"), "", &mut documented);
        let mut expected = Vec::new();
        keys(
            &toml::Value::try_from(Config::default()).expect("serialisable"),
            "",
            &mut expected,
        );
        for key in expected {
            assert!(
                documented.contains(&key),
                "deployment/hub.example.toml lacks `{key}`"
            );
        }
        for optional in ["cert", "key", "client_ca"] {
            assert!(
                example.contains(&format!("# {optional} = ")),
                "the example shows server.tls.{optional}"
            );
        }
    }

    #[test]
    fn invalid_values_name_their_key() {
        let mut config = Config::default();
        config.server.tls.require_client_cert = true;
        assert_eq!(config.validate().unwrap_err().key, "server.tls.client_ca");
        let mut config = Config::default();
        config.security.secret_key = "abc".into();
        assert_eq!(config.validate().unwrap_err().key, "security.secret_key");
        let mut config = Config::default();
        config.database.url = "mysql://x/y".into();
        assert_eq!(config.validate().unwrap_err().key, "database.url");
    }
}
