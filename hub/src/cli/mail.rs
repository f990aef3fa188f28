//! `hub mail test`: send one message through the configured mail server, to check the settings.

use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Config;
use crate::mail::{Mail, Mailer, SendFailure};

/// `hub mail ...`.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send a test message with the `[mail]` settings (even while `mail.enabled` is false).
    Test {
        /// The recipient.
        #[arg(long)]
        to: String,
    },
}

pub(super) fn mail(config: &Config, command: MailCommand) -> anyhow::Result<ExitCode> {
    let MailCommand::Test { to } = command;
    if !config.mail.enabled {
        eprintln!("note: mail.enabled is false; notices are not mailed until it is true");
    }
    let mailer = Mailer::new(&config.mail)?;
    let id = registry::secret::random_token("");
    let message_id = format!("test-{}@{}", &id[..16], mailer.domain());
    let mail = Mail {
        to: &to,
        subject: "tracehub: test message / 测试邮件 / thư thử nghiệm",
        body: "This message checks the hub's mail settings.\n本邮件用于检查平台的邮件设置。\nThư này kiểm tra cấu hình thư của nền tảng.\n",
        html: None,
        language: "en",
        message_id,
    };
    match mailer.send(&mail) {
        Ok(()) => {
            println!(
                "sent a test message to {to} through {}:{}",
                config.mail.host, config.mail.port
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(SendFailure::Transient(reason) | SendFailure::Permanent(reason)) => {
            eprintln!("cannot send: {reason}");
            Ok(ExitCode::FAILURE)
        }
    }
}
