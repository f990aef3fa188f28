//! An enterprise's pages, shared by the enterprise itself (its dashboard, data and filings) and
//! the departments (officers of its jurisdiction; administrators read all). Every read goes
//! through the registry's scoped reads (`find_enterprise`...), so another enterprise's pages are
//! 404 and an officer outside the jurisdiction gets 403, as in the API. Forms to change or file
//! are drawn for the enterprise's own users; the review actions for officers.

pub mod batches;
pub mod documents;
pub mod edit;
pub mod history;
pub mod licences;
pub mod overview;
pub mod products;
pub mod sites;

use maud::{Markup, html};
use registry::enterprises::{CreditTier, Enterprise, Status};
use registry::filings::sites::SiteKind;
use registry::identity::{Actor, Role};
use serde_json::Value;

use super::frame::{Ctx, FormData, Refusal, messages};
use crate::i18n::Lang;

/// The tabs of an enterprise's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    History,
    Licences,
    Sites,
    Products,
    Batches,
    Documents,
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Licences,
        Tab::Sites,
        Tab::Products,
        Tab::Batches,
        Tab::Documents,
        Tab::History,
    ];

    /// The tab's page for enterprise `id`.
    pub fn path(self, id: i64) -> String {
        let tail = match self {
            Tab::Overview => "",
            Tab::History => "/history",
            Tab::Licences => "/licences",
            Tab::Sites => "/sites",
            Tab::Products => "/products",
            Tab::Batches => "/batches",
            Tab::Documents => "/documents",
        };
        format!("/portal/enterprises/{id}{tail}")
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Overview => "tab-overview",
            Tab::History => "tab-history",
            Tab::Licences => "tab-licences",
            Tab::Sites => "tab-sites",
            Tab::Products => "tab-products",
            Tab::Batches => "tab-batches",
            Tab::Documents => "tab-documents",
        }
    }
}

/// True when `actor` is a user of the enterprise (pages draw its forms).
pub fn is_own(actor: &Actor, enterprise: &Enterprise) -> bool {
    actor.role == Role::Enterprise && actor.enterprise_id == Some(enterprise.id)
}

/// True when `actor` is an officer (who reaches a page only within the jurisdiction).
pub fn is_officer(actor: &Actor) -> bool {
    actor.role == Role::Officer
}

/// A status as a badge.
pub fn status_badge(lang: Lang, status: Status) -> Markup {
    html! { span class={ "badge status-" (status.as_str()) } { (messages::status(lang, status)) } }
}

/// A credit tier as a badge.
pub fn tier_badge(lang: Lang, tier: CreditTier) -> Markup {
    html! { span.badge.tier { (lang.t("credit-tier")) " " (messages::credit_tier(lang, tier)) } }
}

/// The page title of `tab` for `enterprise`.
pub fn title(ctx: &Ctx, enterprise: &Enterprise, tab: Tab) -> String {
    format!("{} · {}", ctx.t(tab.key()), enterprise.name)
}

/// The top of every enterprise page: its name, status, credit tier and the tabs.
pub fn heading(ctx: &Ctx, enterprise: &Enterprise, current: Tab) -> Markup {
    let lang = ctx.lang;
    html! {
        h1 { (enterprise.name) }
        p {
            (status_badge(lang, enterprise.status)) " " (tier_badge(lang, enterprise.credit_tier))
            " " span.muted { (enterprise.credit_code) }
        }
        nav.tabs aria-label=(lang.t("tabs-enterprise")) {
            ul {
                @for tab in Tab::ALL {
                    li {
                        @if tab == current {
                            a href=(tab.path(enterprise.id)) aria-current="page" { (lang.t(tab.key())) }
                        } @else {
                            a href=(tab.path(enterprise.id)) { (lang.t(tab.key())) }
                        }
                    }
                }
            }
        }
    }
}

/// A stored value as text: strings as they are, lists joined, categories in the language.
pub fn value_text(lang: Lang, field: &str, value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::String(s) if field == "status" => status_text(lang, s),
        Value::String(s) if field == "kind" => {
            serde_json::from_value::<SiteKind>(Value::String(s.clone()))
                .map(|k| messages::site_kind(lang, k))
                .unwrap_or_else(|_| s.clone())
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match (field, item) {
                ("categories", Value::String(s)) => registry::departments::Category::parse(s, "")
                    .map(|c| messages::category(lang, c))
                    .unwrap_or_else(|_| s.clone()),
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn status_text(lang: Lang, stored: &str) -> String {
    serde_json::from_value::<Status>(Value::String(stored.to_owned()))
        .map(|s| messages::status(lang, s))
        .unwrap_or_else(|_| stored.to_owned())
}

/// The fields of a stored object (a proposed change, a history record) as a definition list.
pub fn values_list(lang: Lang, values: &Value) -> Markup {
    html! {
        @if let Value::Object(map) = values {
            dl.diff {
                @for (field, value) in map {
                    dt { (messages::field_label(lang, field)) }
                    dd { (value_text(lang, field, value)) }
                }
            }
        } @else {
            (value_text(lang, "", values))
        }
    }
}

/// Rows per page of the products and batches lists.
pub const PER_PAGE: i64 = 20;

/// The `page` of a list's query (1 when absent).
pub fn page_number(ctx: &Ctx, query: &FormData) -> Result<i64, Refusal> {
    query
        .number::<i64>("page")
        .map(|p| p.unwrap_or(1))
        .map_err(|e| ctx.refuse(e))
}
