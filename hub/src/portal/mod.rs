//! The portal: server-rendered pages (maud) for people: enterprises, department officers and
//! administrators, in zh-CN, vi and en. Every form carries a CSRF token; the session cookie is
//! HttpOnly and SameSite=Strict.
//!
//! Pages: `register` (public self-registration), `home`, `enterprise` (an enterprise's pages,
//! shared by the enterprise itself and the departments: its dashboard, data and edit form,
//! history, licences, sites, products, batches, documents), `department` (the review queue, search and
//! the review actions), `admin` (departments and users), `alerts` (the list and an alert's page
//! with its handling), `blacklist` (the reviewers' list, a listing with its removal, the listing
//! form on an enterprise's dashboard, and the public page `/blacklist`), `notices` (each user's
//! inbox), `account` (the language of one's notices), `stamps` (stamp orders: the list, the
//! issue form, an order's page with activation, revocation and its sheet), `recall` (the recall
//! report of a lot), `recalls` (recall cases: the list, opening and requests, a case's page with
//! the department's and the parties' actions, the public page `/recalls` with the complaint
//! form), `verify` (the public verification of a document by hash or file, `/verify`) and
//! `ledger` (the evidence ledger for customs: where a file or hash is in the log, who filed it,
//! the proof and the signed head, `/ledger`). They sit on `frame`: the layout with
//! the navigation of the role (and the unread count), flash messages, forms that show errors
//! next to their field, sortable and paginated tables, and the shared stylesheet. A refusal by
//! the authorization middleware on a portal route (a role the route does not admit, a missing
//! CSRF token) is an error page of the frame too (`frame::refusal_page`).
//!
//! # How to add a page
//!
//! 1. Write the handler in a module here. Its first argument is [`frame::Ctx`] (language, who
//!    is signed in, the CSRF token, the flash, the state and the request id); take
//!    [`Auth`](crate::app::Auth) as well when the route needs a user. Return
//!    [`frame::Page`]; turn an `ApiError` into an error page with `.map_err(|e| ctx.refuse(e))?`.
//! 2. Read through registry functions inside [`frame::read`] (one pooled connection, off the
//!    async workers), scoped by the actor as the API's reads are (`find_enterprise`...). Write
//!    through the operation the API handler uses (`ctx.act(&actor, |core, caller|
//!    ops::<area>::<change>(core, caller, ...))`), so the change and its audit row share one
//!    transaction; never import an API handler, never call the API over HTTP.
//! 3. Draw the body with maud and answer `ctx.render(title, body)`: the frame adds the header,
//!    the navigation and the flash. A form is a [`frame::FormView`]:
//!    `view.form(action, submit_label, fields)` with `view.field(Field::new("gln", label,
//!    Input::Text).required())`. Name inputs after the registry's fields, so that the `field` of
//!    a registry error finds its input.
//! 4. On a post, read [`frame::FormData`] into the registry's input type and call the audited
//!    function. On success redirect: `ctx.redirect(path, Flash::success("flash-..."))`
//!    (post/redirect/get). On a refusal, `ctx.posted(form_id, data, error)?` keeps 422 and 409
//!    for the form (anything else, such as 404 or 403, becomes an error page); render the page
//!    again with it and `ctx.render_status(posted.status, ...)`: the error is shown above the
//!    form and next to its field, with what was typed.
//! 5. Lists: [`frame::Params`] keeps the filters in links, [`frame::sortable`] draws a header
//!    that sorts, [`frame::pager`] the previous and next links.
//! 6. Declare each route in `hub/src/routes.rs` with `t.portal(...)` and its access rule; add a
//!    [`frame::NAV`] entry if the page belongs in the main navigation (a test checks that the
//!    route admits every role the entry lists).
//! 7. Add every message key to `hub/locales/{en,zh-CN,vi}/portal.ftl` (a test checks the three
//!    have the same keys). Errors are shown as `error-<code>` when the key exists, flashes are
//!    `flash-...` keys.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod blacklist;
pub mod department;
pub mod enterprise;
pub mod frame;
pub mod home;
pub mod intake;
pub mod ledger;
pub mod login;
pub mod notices;
pub mod recall;
pub mod recalls;
pub mod register;
pub mod spotchecks;
pub mod stamps;
pub mod verify;

use actix_web::{HttpResponse, http::header};

/// `/`: the portal's home.
pub async fn root() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/portal"))
        .finish()
}
