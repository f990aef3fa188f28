//! A person at the portal, over HTTP: a cookie-keeping client that signs in through the form
//! and posts forms with the CSRF token of the page they are on.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed step fails the test"
)]

use reqwest::blocking::{Client, Response};

use crate::{PASSWORD, TestApp};

/// The CSRF token of the first form on `html`.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no CSRF token on the page: {html}"))
        .to_owned()
}

/// A browser-like client of the portal.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    pub client: Client,
}

impl<'a> Visitor<'a> {
    /// Someone not signed in.
    pub fn anonymous(app: &'a TestApp) -> Self {
        Self {
            app,
            client: app.client(),
        }
    }

    /// `username` (password [`PASSWORD`]) signed in through the login form.
    pub fn signed_in(app: &'a TestApp, username: &str) -> Self {
        let visitor = Self::anonymous(app);
        let answer = visitor.submit(
            "/portal/login",
            "/portal/login",
            &[("username", username), ("password", PASSWORD)],
        );
        assert_eq!(answer.status(), 303, "sign-in of {username}");
        visitor
    }

    /// GET `path`: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        let response = self.client.get(self.app.url(path)).send().unwrap();
        (response.status().as_u16(), response.text().unwrap())
    }

    /// The page at `path`, which must answer 200.
    #[track_caller]
    pub fn page(&self, path: &str) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Posts `fields` to `action` with the CSRF token of the page at `from`.
    pub fn submit(&self, from: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = csrf_of(&self.page(from));
        self.post_with_token(action, &token, fields)
    }

    /// Posts `fields` to `action` with `token` as the CSRF token.
    pub fn post_with_token(&self, action: &str, token: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", token));
        self.client
            .post(self.app.url(action))
            .form(&form)
            .send()
            .unwrap()
    }

    /// Posts `fields` to `action` with no CSRF token at all.
    pub fn post_without_token(&self, action: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.app.url(action))
            .form(fields)
            .send()
            .unwrap()
    }
}

/// The `Location` of a redirect.
#[track_caller]
pub fn location(response: &Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The error code a refusal page carries in its `data-error` attribute.
pub fn page_error_code(html: &str) -> Option<&str> {
    html.split("data-error=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
}

/// Asserts that a portal route refused with an HTML page of the frame: `status`, the page's
/// `data-error` code, and the frame around it. Returns the page.
#[track_caller]
pub fn assert_refused_page(response: Response, status: u16, code: &str) -> String {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let html = response.text().unwrap();
    assert_eq!(
        (actual, page_error_code(&html)),
        (status, Some(code)),
        "page: {html}"
    );
    assert!(
        content_type.starts_with("text/html"),
        "a portal refusal is a page, not {content_type}"
    );
    assert!(
        html.contains("<header class=\"top\">") && html.contains("portal.css"),
        "the refusal is drawn in the frame: {html}"
    );
    html
}

const BOUNDARY: &str = "portal-test-boundary-x7Kq2";

/// One part of a multipart body: a text field, or a file (name, content type, bytes).
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        match part {
            Part::Text(name, value) => out.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            ),
            Part::File(filename, content_type, bytes) => {
                out.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
                out.extend_from_slice(bytes);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// Posts `parts` as a multipart form to `action` (the CSRF token must be one of them, first).
pub fn post_multipart(visitor: &Visitor<'_>, action: &str, parts: &[Part<'_>]) -> Response {
    visitor
        .client
        .post(visitor.app.url(action))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts))
        .send()
        .unwrap()
}
