//! Words the pages share, in the page's language: error messages by their stable code, and the
//! names of statuses, categories, roles and the like.

use chrono::NaiveDateTime;
use registry::alerts::{AlertStatus, Severity};
use registry::departments::Category;
use registry::enterprises::{ChangeKind, ChangeStatus, CreditTier, Status};
use registry::filings::sites::SiteKind;
use registry::identity::Role;

use crate::error::ApiError;
use crate::i18n::Lang;

/// The message for an error: `error-<code>` in the language when there is one, else the
/// error's own (English) message.
pub fn error_message(lang: Lang, error: &ApiError) -> String {
    lang.try_t(&format!("error-{}", error.code()))
        .unwrap_or_else(|| error.message().to_owned())
}

/// `prefix-<name>` with `_` and `.` turned into `-`, in the language; `name` itself when the
/// key is missing.
fn named(lang: Lang, prefix: &str, name: &str) -> String {
    let key = format!("{prefix}-{}", name.replace(['_', '.'], "-"));
    lang.try_t(&key).unwrap_or_else(|| name.to_owned())
}

/// An enterprise status.
pub fn status(lang: Lang, status: Status) -> String {
    named(lang, "status", status.as_str())
}

/// A commodity category.
pub fn category(lang: Lang, category: Category) -> String {
    named(lang, "category", category.as_str())
}

/// Categories, comma-separated.
pub fn categories(lang: Lang, categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| category(lang, *c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A credit tier with what it means.
pub fn credit_tier(lang: Lang, tier: CreditTier) -> String {
    format!(
        "{} ({})",
        tier.as_str(),
        named(lang, "tier", &tier.as_str().to_ascii_lowercase())
    )
}

/// A kind of site.
pub fn site_kind(lang: Lang, kind: SiteKind) -> String {
    named(lang, "site-kind", kind.as_str())
}

/// A role.
pub fn role(lang: Lang, role: Role) -> String {
    named(lang, "role", role.as_str())
}

/// What a proposed change is.
pub fn change_kind(lang: Lang, kind: ChangeKind) -> String {
    named(
        lang,
        "change-kind",
        match kind {
            ChangeKind::Update => "update",
            ChangeKind::Licence => "licence",
        },
    )
}

/// Where a proposed change stands.
pub fn change_status(lang: Lang, status: ChangeStatus) -> String {
    named(
        lang,
        "change-status",
        match status {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
        },
    )
}

/// A history action (`enterprise.approve`); unknown actions show as they are stored.
pub fn action(lang: Lang, action: &str) -> String {
    named(lang, "action", action)
}

/// A field of a record by its registry name (`credit_code`), for history and change lists.
pub fn field_label(lang: Lang, field: &str) -> String {
    named(lang, "field", field)
}

/// How urgent an alert is.
pub fn severity(lang: Lang, severity: Severity) -> String {
    named(lang, "severity", severity.as_str())
}

/// Where an alert stands.
pub fn alert_status(lang: Lang, status: AlertStatus) -> String {
    named(lang, "alert-status", status.as_str())
}

/// An alert kind (`stamp.unknown_serial`); a kind without a message reads as itself.
pub fn alert_kind(lang: Lang, kind: &str) -> String {
    named(lang, "alert-kind", kind)
}

/// A blacklist penalty by its stored name (`licence_revoked`).
pub fn penalty(lang: Lang, penalty: &str) -> String {
    named(lang, "penalty", penalty)
}

/// A stamp kind by its stored name (`qr`, `anti_counterfeit`).
pub fn stamp_kind(lang: Lang, kind: &str) -> String {
    named(lang, "stamp-kind", kind)
}

/// Where a stamp stands (`issued`, `active`, `revoked`).
pub fn stamp_state(lang: Lang, state: &str) -> String {
    named(lang, "stamp-state", state)
}

/// A time as the pages show it: `2026-11-29 08:15 UTC`.
pub fn when(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_value_has_a_message_in_every_language() {
        for lang in Lang::ALL {
            for c in Category::ALL {
                assert_ne!(category(lang, c), c.as_str(), "{lang:?} {c:?}");
            }
            for s in [
                Status::Pending,
                Status::Active,
                Status::Rejected,
                Status::Suspended,
                Status::Revoked,
            ] {
                assert_ne!(status(lang, s), s.as_str(), "{lang:?} {s:?}");
            }
            for r in Role::ALL {
                assert_ne!(role(lang, r), r.as_str(), "{lang:?} {r:?}");
            }
            for k in [
                SiteKind::Farm,
                SiteKind::Factory,
                SiteKind::Warehouse,
                SiteKind::Store,
                SiteKind::Port,
            ] {
                assert_ne!(site_kind(lang, k), k.as_str(), "{lang:?} {k:?}");
            }
            for a in [
                "enterprise.register",
                "enterprise.update",
                "enterprise.resubmit",
                "enterprise.approve",
                "enterprise.reject",
                "enterprise.suspend",
                "enterprise.revoke",
                "enterprise.reinstate",
                "enterprise.credit_tier",
                "enterprise.change_propose",
                "enterprise.change_approve",
                "enterprise.change_reject",
                "licence.add",
                "site.add",
            ] {
                assert_ne!(action(lang, a), a, "{lang:?} {a}");
            }
            for s in [Severity::Info, Severity::Warning, Severity::Critical] {
                assert_ne!(severity(lang, s), s.as_str(), "{lang:?} {s:?}");
            }
            for s in [
                AlertStatus::Open,
                AlertStatus::Acknowledged,
                AlertStatus::Closed,
            ] {
                assert_ne!(alert_status(lang, s), s.as_str(), "{lang:?} {s:?}");
            }
            for k in crate::portal::alerts::KINDS {
                assert_ne!(alert_kind(lang, k), k, "{lang:?} {k}");
            }
            for k in registry::stamps::alert_kind::ALL {
                assert_ne!(alert_kind(lang, k), k, "{lang:?} {k}");
            }
            for k in ["qr", "anti_counterfeit"] {
                assert_ne!(stamp_kind(lang, k), k, "{lang:?} {k}");
            }
            for s in ["issued", "active", "revoked"] {
                assert_ne!(stamp_state(lang, s), s, "{lang:?} {s}");
            }
            for p in [
                "fine_top_of_range",
                "licence_revoked",
                "production_suspended",
            ] {
                assert_ne!(penalty(lang, p), p, "{lang:?} {p}");
            }
        }
    }
}
