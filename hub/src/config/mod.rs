//! Configuration: defaults, then a TOML file, then `HUB_*` environment variables (`__` between
//! section and key: `HUB_SERVER__BIND`), then `DATABASE_URL`, then command-line flags.
//! `deployment/hub.example.toml` documents every key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use registry::db::DbUrl;
use registry::documents::DocumentStore;
use registry::secret::SecretKey;
use serde::{Deserialize, Serialize};

pub use epcis::EpcisConfig;
pub use ledger::LedgerConfig;
pub use mail::{MailConfig, MailTls};
pub use sections::*;
pub use stamps::StampsConfig;

mod epcis;
mod ledger;
mod mail;
mod sections;
mod stamps;

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
    pub stamps: StampsConfig,
    pub epcis: EpcisConfig,
    pub ledger: LedgerConfig,
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
            stamps: StampsConfig::default(),
            epcis: EpcisConfig::default(),
            ledger: LedgerConfig::default(),
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
        for (key, expression) in [
            ("jobs.audit_verify", &self.jobs.audit_verify),
            ("jobs.ledger_publish", &self.jobs.ledger_publish),
            ("jobs.spot_check_reminders", &self.jobs.spot_check_reminders),
            ("jobs.credit_tiers", &self.jobs.credit_tiers),
            (
                "jobs.equipment_inspections",
                &self.jobs.equipment_inspections,
            ),
        ] {
            if !expression.trim().is_empty() {
                expression.parse::<cron::Schedule>().map_err(|e| {
                    ConfigError::new(key, format!("not a cron expression with seconds: {e}"))
                })?;
            }
        }
        if !self.jobs.recall_reminders.trim().is_empty() {
            self.jobs
                .recall_reminders
                .parse::<cron::Schedule>()
                .map_err(|e| {
                    ConfigError::new(
                        "jobs.recall_reminders",
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
        self.stamps.validate(&self.server.public_url)?;
        let tolerance = self.registry.rare_earth_tolerance_percent;
        if !(0.0..=50.0).contains(&tolerance) {
            return Err(ConfigError::new(
                "registry.rare_earth_tolerance_percent",
                "must be between 0 and 50",
            ));
        }
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

    /// What in a valid configuration is probably a mistake, said at start and by `hub config
    /// check`: stamp links pointing at a loopback host while the hub listens beyond it (the
    /// links printed on stamps could never be scanned).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let links_to = self
            .stamps
            .resolver_host(&self.server.public_url)
            .unwrap_or_default();
        let name = links_to
            .rsplit_once(':')
            .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
            .map_or(links_to.as_str(), |(name, _)| name);
        let bind_is_loopback = self.bind_addr().is_ok_and(|a| a.ip().is_loopback());
        if mail::is_loopback_host(name) && !bind_is_loopback {
            warnings.push(format!(
                "stamp links point to {links_to} (stamps.resolver_host, else server.public_url) while the hub listens on {}: set stamps.resolver_host to the public host name before issuing stamps",
                self.server.bind
            ));
        }
        warnings
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
        if !shown.stamps.hidden_code_keys.is_empty() {
            shown.stamps.hidden_code_keys = "****".into();
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

    /// The evidence ledger's signing key: read from `ledger.signing_key` (default
    /// `data_dir/ledger-key.pem`), or first generated there, readable by the owner only.
    pub fn ledger_key(&self) -> anyhow::Result<crate::signing::LedgerKey> {
        use anyhow::Context;
        let path = self.ledger.key_path(&self.data_dir);
        if let Ok(pem) = std::fs::read(&path) {
            return crate::signing::LedgerKey::from_pem(&pem)
                .with_context(|| format!("ledger.signing_key: {}", path.display()));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let key = crate::signing::LedgerKey::generate()?;
        write_private(&path, &key.private_pem()?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        tracing::warn!(path = %path.display(), key_id = key.key_id(), "generated the ledger's signing key; keep a copy, and give every replica the same one (ledger.signing_key)");
        Ok(key)
    }
}

/// Whether a `HUB_` variable (prefix stripped) names configuration: `DATA_DIR` or a key inside
/// one of the sections. Others (Kubernetes service links such as `HUB_SERVICE_HOST`,
/// `HUB_CONFIG` itself) are not configuration; a typo inside a section still fails, naming it.
fn is_config_key(key: &str) -> bool {
    const SECTIONS: [&str; 12] = [
        "server",
        "database",
        "log",
        "security",
        "jobs",
        "mail",
        "notices",
        "registry",
        "documents",
        "epcis",
        "stamps",
        "ledger",
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
    fn every_section_can_be_set_from_the_environment() {
        let defaults = toml::Value::try_from(Config::default()).unwrap();
        let toml::Value::Table(table) = defaults else {
            panic!("the configuration is a table");
        };
        for (key, value) in table {
            let name = if value.is_table() {
                format!("{key}__anything")
            } else {
                key.clone()
            };
            assert!(is_config_key(&name), "HUB_{name} is not read");
        }
    }

    #[test]
    fn the_example_documents_every_key() {
        let example = include_str!("../../../deployment/hub.example.toml");
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
        let parsed = figment::Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[epcis]\nunregistered_gln = \"sometimes\""))
            .extract::<Config>()
            .unwrap_err();
        assert_eq!(parsed.path.join("."), "epcis.unregistered_gln");
        let parsed: Config = figment::Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("[epcis]\nunregistered_gln = \"reject\""))
            .extract()
            .unwrap();
        assert_eq!(
            parsed.epcis.unregistered_gln,
            registry::events::policy::UnregisteredGln::Reject
        );
        let mut config = Config::default();
        config.database.url = "mysql://x/y".into();
        assert_eq!(config.validate().unwrap_err().key, "database.url");
    }

    #[test]
    fn stamp_links_to_a_loopback_host_are_warned_of_when_listening_beyond_it() {
        let mut config = Config::default();
        assert!(
            config.warnings().is_empty(),
            "the default listens on loopback"
        );
        config.server.bind = "0.0.0.0:8080".into();
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("127.0.0.1:8080"), "{warnings:?}");
        config.stamps.resolver_host = "trace.example.gov.cn".into();
        assert!(config.warnings().is_empty());
        config.stamps.resolver_host = "[::1]:8443".into();
        assert_eq!(config.warnings().len(), 1);
    }
}
