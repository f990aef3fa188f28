//! The portal: server-rendered pages for people (departments, enterprises, inspectors).
//! Every form carries a CSRF token; the session cookie is HttpOnly and SameSite=Strict.

mod layout;
pub mod login;
pub mod recall;

use actix_web::{HttpResponse, http::header};

/// `/`: the portal's home.
pub async fn root() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/portal"))
        .finish()
}
