//! Alerts: the list (filtered by kind, status and severity, sortable, paginated) and an alert's
//! page with its detail and, for officers of the competent department, the forms that
//! acknowledge and close it with a note. Reads are the registry's scoped reads: officers see
//! their jurisdiction (another's alert is 403), enterprises their own (another's is 404,
//! read-only), administrators all (read-only, as in the API).

pub mod list;
pub mod page;

use maud::{Markup, html};
use registry::alerts::{AlertStatus, Severity};
use registry::intake;
use registry::stamps::alert_kind as stamp;
use serde_json::Value;

use super::frame::messages;
use crate::i18n::Lang;

/// The alert kinds the hub raises, for the kind filter (each has a message in every language):
/// the stamps' as the registry raises them ([`stamp::ALL`]), then those of other modules and of
/// the regulator adapters (`registry::intake`).
pub const KINDS: [&str; 25] = [
    stamp::UNKNOWN_SERIAL,
    stamp::REVOKED_SCANNED,
    stamp::WRONG_CODE,
    stamp::SCAN_LIMIT,
    stamp::IMPLAUSIBLE_TRAVEL,
    stamp::OUTSIDE_MARKET,
    stamp::FAKE_REPORT,
    "licence.expired",
    intake::agri::BANNED_INPUT,
    intake::agri::WITHDRAWAL,
    intake::agri::FAILED_SHIPPED,
    intake::food::RECALLED_INPUT,
    intake::food::BLACKLISTED_SUPPLIER,
    intake::food::FAILED_RELEASED,
    intake::drugs::DISPENSED_TWICE,
    intake::drugs::AFTER_EXPIRY,
    intake::drugs::BATCH_MISMATCH,
    intake::drugs::UNKNOWN_CODE,
    intake::rare_earth::NOT_DESIGNATED,
    intake::rare_earth::MASS_BALANCE,
    intake::rare_earth::QUOTA,
    intake::rare_earth::LATE_REPORT,
    intake::special_equipment::FILLED_UNREGISTERED,
    intake::special_equipment::SCRAPPED_REUSED,
    intake::special_equipment::INSPECTION_OVERDUE,
];

/// The severities, least urgent first.
pub const SEVERITIES: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Critical];

/// The statuses, in the order an alert passes them.
pub const STATUSES: [AlertStatus; 3] = [
    AlertStatus::Open,
    AlertStatus::Acknowledged,
    AlertStatus::Closed,
];

/// The page of alert `id`.
pub fn path(id: i64) -> String {
    format!("/portal/alerts/{id}")
}

/// A severity as a badge.
pub fn severity_badge(lang: Lang, severity: Severity) -> Markup {
    html! { span class={ "badge severity-" (severity.as_str()) } { (messages::severity(lang, severity)) } }
}

/// An alert status as a badge.
pub fn status_badge(lang: Lang, status: AlertStatus) -> Markup {
    html! { span class={ "badge alert-" (status.as_str()) } { (messages::alert_status(lang, status)) } }
}

/// An alert's JSON detail as people read it: objects as definition lists (keys with their
/// underscores as spaces), lists as lists, values as text.
pub fn detail_view(value: &Value) -> Markup {
    html! {
        @match value {
            Value::Object(map) if !map.is_empty() => {
                dl.detail {
                    @for (key, item) in map {
                        dt { (key.replace('_', " ")) }
                        dd { (detail_view(item)) }
                    }
                }
            }
            Value::Array(items) if !items.is_empty() => {
                ul.detail { @for item in items { li { (detail_view(item)) } } }
            }
            Value::Object(_) | Value::Array(_) | Value::Null => "—",
            Value::String(text) => (text),
            Value::Bool(flag) => (flag.to_string()),
            Value::Number(number) => (number.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_stamp_alert_kind_is_offered_and_named_in_every_language() {
        for kind in stamp::ALL {
            assert!(KINDS.contains(&kind), "{kind} is not in the kind filter");
            for lang in Lang::ALL {
                let key = format!("alert-kind-{}", kind.replace(['_', '.'], "-"));
                assert!(lang.try_t(&key).is_some(), "{key} in {lang:?}");
                assert_ne!(messages::alert_kind(lang, kind), kind, "{lang:?}");
            }
        }
    }

    #[test]
    fn a_detail_reads_as_nested_lists() {
        let html = detail_view(&json!({
            "scan_count": 41,
            "places": ["郑州", "<b>x</b>"],
            "last": { "lat": 34.7, "known": true },
            "empty": null,
        }))
        .into_string();
        assert!(html.contains("<dt>scan count</dt><dd>41</dd>"), "{html}");
        assert!(html.contains("<li>郑州</li>") && html.contains("&lt;b&gt;"));
        assert!(html.contains("<dt>lat</dt><dd>34.7</dd>") && html.contains("true"));
        assert!(html.contains("<dt>empty</dt><dd>—</dd>"));
    }
}
