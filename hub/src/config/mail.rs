//! The `[mail]` section of the configuration: the SMTP server, how the connection is protected,
//! the sign-in (the password never shown) and the sender.

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (submission, port 587).
    Starttls,
    /// TLS from the first byte (submissions, port 465).
    Tls,
    /// No encryption: only to a mail server on the same machine (loopback).
    None,
}

/// Outgoing mail (SMTP), for notices.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// Send notices by e-mail (they always reach the in-app inbox).
    pub enabled: bool,
    /// The mail server.
    pub host: String,
    pub port: u16,
    pub tls: MailTls,
    /// Sign-in at the mail server; empty for none.
    pub username: String,
    /// Never logged; masked by `hub config check`.
    pub password: String,
    /// The sender, e.g. `tracehub <noreply@hub.example.gov.cn>`.
    pub from: String,
    /// Seconds to wait for the mail server before the attempt fails (and is retried).
    pub timeout_secs: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            host: "localhost".into(),
            port: 587,
            tls: MailTls::Starttls,
            username: String::new(),
            password: String::new(),
            from: "tracehub <noreply@localhost>".into(),
            timeout_secs: 30,
        }
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"****")
            .field("from", &self.from)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

impl MailConfig {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.host.trim().is_empty() {
            return Err(ConfigError::new("mail.host", "must not be empty"));
        }
        if self.port == 0 {
            return Err(ConfigError::new("mail.port", "must be 1 to 65535"));
        }
        if self.tls == MailTls::None && !is_loopback_host(&self.host) {
            return Err(ConfigError::new(
                "mail.tls",
                "\"none\" (no encryption) is only allowed to a mail server on loopback; use \"starttls\" or \"tls\"",
            ));
        }
        if self.username.is_empty() != self.password.is_empty() {
            return Err(ConfigError::new(
                "mail.password",
                "username and password go together (both, or neither)",
            ));
        }
        self.from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError::new("mail.from", format!("not a mailbox: {e}")))?;
        if self.timeout_secs == 0 {
            return Err(ConfigError::new("mail.timeout_secs", "must be at least 1"));
        }
        Ok(())
    }
}

/// Whether `host` names this machine: `localhost` or a loopback address.
pub(super) fn is_loopback_host(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn mail_settings_are_checked_and_the_password_never_shown() {
        let mut config = Config::default();
        config.mail.tls = MailTls::None;
        config.mail.host = "mail.example.cn".into();
        assert_eq!(config.validate().unwrap_err().key, "mail.tls");
        config.mail.host = "127.0.0.1".into();
        config.validate().expect("plain SMTP on loopback");
        config.mail.from = "not an address".into();
        assert_eq!(config.validate().unwrap_err().key, "mail.from");
        config.mail.from = "tracehub <noreply@hub.example.cn>".into();
        config.mail.username = "hub".into();
        assert_eq!(config.validate().unwrap_err().key, "mail.password");
        config.mail.password = "s3cret-smtp-pass".into();
        config.validate().expect("valid");
        assert!(!config.to_masked_toml().contains("s3cret-smtp-pass"));
        assert!(!format!("{config:?}").contains("s3cret-smtp-pass"));
    }
}
