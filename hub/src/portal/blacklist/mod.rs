//! The serious breach-of-trust blacklist: for officers and administrators, the full list and a
//! listing's page with its removal form; on an enterprise's dashboard, its listing and the form
//! that lists it (officers of the competent department); and the public page `/blacklist`, for
//! anyone, with the published fields only. Listing and removal go through the operations the API
//! uses (`ops::blacklist`); administrators read listings but do not decide them.

pub mod enterprise;
pub mod list;
pub mod listing;
pub mod public;

use maud::{Markup, html};
use registry::blacklist::{Listing, Penalty};

use super::frame::{Ctx, messages};

/// The penalties that list an enterprise, in the order the form offers them.
pub const PENALTIES: [Penalty; 3] = [
    Penalty::FineTopOfRange,
    Penalty::LicenceRevoked,
    Penalty::ProductionSuspended,
];

/// The page of listing `id` (officers and administrators).
pub fn path(id: i64) -> String {
    format!("/portal/blacklist/{id}")
}

/// The penalties as (value, label) options.
pub fn penalty_options(ctx: &Ctx) -> Vec<(String, String)> {
    PENALTIES
        .iter()
        .map(|p| {
            (
                p.as_str().to_owned(),
                messages::penalty(ctx.lang, p.as_str()),
            )
        })
        .collect()
}

/// Whether a listing is open or removed, as a badge.
pub fn listing_badge(ctx: &Ctx, listing: &Listing) -> Markup {
    let (class, key) = match listing.removed_at {
        None => ("listed", "listing-open"),
        Some(_) => ("removed", "listing-removed"),
    };
    html! { span class={ "badge listing-" (class) } { (ctx.t(key)) } }
}
