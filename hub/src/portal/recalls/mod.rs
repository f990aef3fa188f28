//! Recall cases in the portal (`registry::recalls`), for both sides and the public.
//!
//! - `list`: the cases a user may read (departments, administrators, inspectors and ministries
//!   all; an enterprise those that name it as a party or that it asked for), open first, with
//!   the class, the deadline and how many parties acknowledged and reported.
//! - `open`: the opening form of an officer (reached from the recall report of a lot, which
//!   fills the lot in) and the request form of an enterprise (its own lots), through
//!   `ops::recalls::open` and `ops::recalls::request`.
//! - `case`: a case's page: its scope with the version that found each lot, the parties with
//!   their acknowledgement and reports, progress per party, region and country, the CSV and PDF
//!   reports; for the officers of the department in charge the approval of a request, the
//!   re-scoping and the closure (behind the acceptance of the effectiveness check); for a
//!   party's users the acknowledgement and the report per lot with its own documents.
//! - `public`: `/recalls`, the open recalls with their consumer tip (anchors `#case-N`, which
//!   the resolver's page and linkset link to), and the consumers' complaint form, filed through
//!   `ops::recalls::complain` as `POST /api/v1/public/complaints` is.
//!
//! Every change goes through the operations the API uses; a change that opens or closes a case
//! forgets the resolver's cached stories, as the API does.

pub mod case;
pub mod list;
pub mod open;
pub mod party;
pub mod public;

use maud::{Markup, html};
use registry::recalls::{HazardClass, RecallCase};

use crate::i18n::Lang;

/// The list of cases.
pub const PATH: &str = "/portal/recalls";
/// An officer's opening form (`?lot=` fills the lot in).
pub const NEW_PATH: &str = "/portal/recalls/new";
/// An enterprise's request form.
pub const REQUEST_PATH: &str = "/portal/recalls/request";
/// Where the request form posts.
pub const REQUESTS_PATH: &str = "/portal/recalls/requests";

/// The page of case `id`.
pub fn path(id: i64) -> String {
    format!("{PATH}/{id}")
}

/// The hazard classes, with their labels.
pub fn class_options(lang: Lang) -> Vec<(String, String)> {
    [HazardClass::I, HazardClass::II, HazardClass::III]
        .iter()
        .map(|c| (c.as_str().to_owned(), class_text(lang, c.as_str())))
        .collect()
}

/// A class as people read it ("Class I (24 hours)").
pub fn class_text(lang: Lang, class: &str) -> String {
    lang.t(&format!("recall-class-{}", class.to_ascii_lowercase()))
}

/// A class as a badge.
pub fn class_badge(lang: Lang, class: &str) -> Markup {
    html! { span class={ "badge recall-class-" (class.to_ascii_lowercase()) } { (class_text(lang, class)) } }
}

/// A case's status as a badge.
pub fn status_badge(lang: Lang, case: &RecallCase) -> Markup {
    html! {
        span class={ "badge recall-" (case.status) } data-status=(case.status) {
            (lang.t(&format!("recall-status-{}", case.status)))
        }
    }
}

/// A quantity as people read it (no trailing zeros).
pub fn amount(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_drop_trailing_zeros() {
        assert_eq!(amount(90.5), "90.5");
        assert_eq!(amount(100.0), "100");
        assert_eq!(amount(0.0), "0");
        assert_eq!(amount(1.0 / 3.0), "0.333");
    }
}
