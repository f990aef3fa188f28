//! The administrative commands: migrate, config check, users, tokens, client certificates,
//! audit, backup.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use registry::audit::{self, AuditKey};
use registry::departments::Category;
use registry::identity::{self, Locale, NewToken, NewUser, Role, Scope, UserFilter};

use super::serve::{core, open_database};
use crate::config::Config;
use crate::ops::tokens::Owner;
use crate::ops::{self, Origin};

/// `hub user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from standard input (one line), or prompted for.
    Create {
        #[arg(long)]
        username: String,
        /// admin, officer, enterprise, inspector, ministry or system.
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Officers: the department they belong to.
        #[arg(long)]
        department_id: Option<i64>,
        /// Enterprise users: their enterprise.
        #[arg(long)]
        enterprise_id: Option<i64>,
        /// A machine account that signs in with tokens only.
        #[arg(long)]
        no_password: bool,
        /// The language of the user's notices: zh-CN, vi or en (default: notices.default_locale).
        #[arg(long)]
        locale: Option<String>,
        /// Regulator adapters (system users): the category they capture for (edible_agri,
        /// food, drugs, agri_inputs, special_equipment, hazardous, rare_earth).
        #[arg(long)]
        category: Option<String>,
    },
    /// List users.
    List,
}

/// `hub token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a user; the secret is printed once.
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        /// Comma-separated: read, write.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Days until it expires; none for no expiry.
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
    /// List tokens (of one user, or all).
    List {
        #[arg(long)]
        username: Option<String>,
    },
}

/// `hub certificate ...`: client certificates of machine accounts (mutual TLS).
#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Bind a PEM certificate to a `system` user: presenting it signs the user in.
    Bind {
        #[arg(long)]
        username: String,
        /// The client's certificate, PEM.
        file: std::path::PathBuf,
    },
    /// Revoke a binding by id.
    Revoke {
        #[arg(long)]
        username: String,
        id: i64,
    },
    /// List a user's certificates.
    List {
        #[arg(long)]
        username: String,
    },
}

/// `hub audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the chain; exit 1 naming the first row edited, inserted or deleted.
    Verify,
}

pub(super) fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let db = open_database(config)?;
    println!("database {} is up to date", db.url());
    Ok(ExitCode::SUCCESS)
}

pub(super) fn config_check(config: &Config) -> anyhow::Result<ExitCode> {
    println!("# effective configuration (secrets masked)");
    println!("# database: {}", config.database_url()?);
    for warning in config.warnings() {
        println!("# warning: {warning}");
    }
    print!("{}", config.to_masked_toml());
    Ok(ExitCode::SUCCESS)
}

fn read_password(username: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("password for {username}: "))?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            bail!("the passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub(super) fn user(config: &Config, command: UserCommand) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    match command {
        UserCommand::Create {
            username,
            role,
            display_name,
            email,
            department_id,
            enterprise_id,
            no_password,
            locale,
            category,
        } => {
            let role: Role = role.parse()?;
            let category = category
                .map(|c| Category::parse(&c, "category"))
                .transpose()?;
            let locale = locale.map(|tag| tag.parse::<Locale>()).transpose()?;
            let password = if no_password {
                None
            } else {
                Some(read_password(&username)?)
            };
            let new = NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                email,
                password,
                role,
                department_id,
                enterprise_id,
                locale,
                category,
            };
            let user = ops::users::create(&core, &Origin::operator(&core), &new)?;
            println!(
                "created user {} (id {}, role {})",
                user.username, user.id, user.role
            );
        }
        UserCommand::List => {
            for user in identity::list_users(&mut *core.db.conn()?, &UserFilter::default())? {
                let state = if user.active { "active" } else { "inactive" };
                println!("{}\t{}\t{}\t{}", user.id, user.username, user.role, state);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn token(config: &Config, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    let now = core.now();
    match command {
        TokenCommand::Create {
            username,
            name,
            scopes,
            expires_in_days,
        } => {
            let scopes = Scope::parse_list(&scopes)?;
            let expires_at = expires_in_days.map(|days| now + chrono::Duration::days(days));
            let new = NewToken {
                name,
                scopes,
                expires_at,
            };
            let (token, secret) = ops::tokens::create(
                &core,
                &Origin::operator(&core),
                Owner::Name(&username),
                &new,
            )?;
            eprintln!(
                "token {} created for {username}; it is shown once:",
                token.id
            );
            println!("{secret}");
        }
        TokenCommand::Revoke { id } => {
            ops::tokens::revoke(&core, &Origin::operator(&core), id, None)?;
            println!("token {id} revoked");
        }
        TokenCommand::List { username } => {
            let mut conn = core.db.conn()?;
            let user_id = username
                .map(|u| identity::find_user_by_name(&mut conn, &u).map(|u| u.id))
                .transpose()?;
            for t in identity::list_tokens(&mut conn, user_id)? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let expires = t
                    .expires_at
                    .map_or_else(|| "never".to_owned(), |at| at.to_string());
                println!(
                    "{}\t{}\t{}\t{}\t{}\texpires {}",
                    t.id, t.user_id, t.token_prefix, t.name, state, expires
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn certificate(
    config: &Config,
    command: CertificateCommand,
) -> anyhow::Result<ExitCode> {
    let core = core(config)?;
    let origin = Origin::operator(&core);
    let user_of = |username: &str| -> anyhow::Result<i64> {
        Ok(identity::find_user_by_name(&mut *core.db.conn()?, username)?.id)
    };
    match command {
        CertificateCommand::Bind { username, file } => {
            let pem = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let bound = ops::certificates::bind(&core, &origin, user_of(&username)?, &pem)?;
            println!(
                "certificate {} bound to {username}: {} (sha256 {}, until {})",
                bound.id, bound.subject, bound.fingerprint, bound.not_after
            );
        }
        CertificateCommand::Revoke { username, id } => {
            ops::certificates::revoke(&core, &origin, user_of(&username)?, id)?;
            println!("certificate {id} of {username} revoked");
        }
        CertificateCommand::List { username } => {
            let user_id = user_of(&username)?;
            for c in identity::list_certificates(&mut *core.db.conn()?, user_id)? {
                let state = if c.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\tuntil {}",
                    c.id, c.fingerprint, c.subject, state, c.not_after
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn audit(config: &Config, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify = command;
    let db = open_database(config)?;
    let key = AuditKey::from_secret(&config.secret_key()?);
    match audit::verify_chain(&mut *db.conn()?, &key)? {
        Ok(rows) => {
            println!("audit chain intact: {rows} rows");
            Ok(ExitCode::SUCCESS)
        }
        Err(found) => {
            eprintln!("audit chain broken: {found}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub(super) fn backup(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let url = config.database_url()?;
    if url.sqlite_path().is_none() {
        bail!(
            "`hub backup` copies the embedded SQLite database; for PostgreSQL use pg_dump (see README)"
        );
    }
    if file.exists() {
        bail!("{} exists; choose a new file", file.display());
    }
    let target = file.to_str().context("the backup path must be UTF-8")?;
    let db = open_database(config)?;
    db.backup_sqlite(target)
        .with_context(|| format!("cannot write {}", file.display()))?;
    println!("backed up {url} to {}", file.display());
    Ok(ExitCode::SUCCESS)
}
