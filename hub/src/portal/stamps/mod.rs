//! Traceability stamp orders: the list (an officer's jurisdiction, an enterprise's own, all for
//! administrators: the registry's `list_orders`), the issue form of the competent department
//! (`issue`), and an order's page (`order`) with its counts, its stamps page by page, the
//! revocation form for the issuing department, the activation form for the enterprise and the
//! download of its PDF sheet (hidden codes only for the issuing department, as the API decides).
//! Every change goes through the operations the API uses (`ops::stamps`).

pub mod issue;
pub mod list;
pub mod order;

use maud::{Markup, html};
use registry::enterprises::{Enterprise, Status};
use registry::identity::{Actor, Role};

use super::frame::{Ctx, messages};
use crate::i18n::Lang;

/// The list of orders.
pub const PATH: &str = "/portal/stamp-orders";
/// The issue form.
pub const NEW_PATH: &str = "/portal/stamp-orders/new";

/// The page of order `id`.
pub fn path(id: i64) -> String {
    format!("{PATH}/{id}")
}

/// The stamps section of an enterprise's dashboard: its orders, and for officers (who reach
/// the dashboard only within their jurisdiction) of an active enterprise the issue form.
pub fn enterprise_section(ctx: &Ctx, actor: &Actor, enterprise: &Enterprise) -> Markup {
    html! {
        section aria-labelledby="stamps-heading" {
            h2 #stamps-heading { (ctx.t("nav-stamp-orders")) }
            p.actions {
                a #enterprise-stamp-orders href={ (PATH) "?enterprise_id=" (enterprise.id) } { (ctx.t("stamps-orders-of-enterprise")) }
                @if actor.role == Role::Officer && enterprise.status == Status::Active {
                    " · " a #enterprise-issue-stamps href={ (NEW_PATH) "?enterprise_id=" (enterprise.id) } { (ctx.t("stamps-issue")) }
                }
            }
        }
    }
}

/// A stamp kind as a badge.
pub fn kind_badge(lang: Lang, kind: &str) -> Markup {
    html! { span class={ "badge stamp-kind-" (kind) } { (messages::stamp_kind(lang, kind)) } }
}

/// A stamp's state as a badge.
pub fn state_badge(lang: Lang, state: &str) -> Markup {
    html! { span class={ "badge stamp-" (state) } { (messages::stamp_state(lang, state)) } }
}

/// A count as people read it (`1,000,000`).
pub fn count_text(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(999), "999");
        assert_eq!(count_text(1000), "1,000");
        assert_eq!(count_text(1_000_000), "1,000,000");
        assert_eq!(count_text(-12_345), "-12,345");
    }
}
