//! The GS1 resolver's other answers: the linkset (RFC 9264 JSON, with GS1 link types as
//! relation types, as GS1's resolver specification describes) and the 307 redirect of
//! `?linkType=` to a link configured in `[stamps.links]`; for a stamp's link and for a
//! GTIN-only link alike ([`Anchor`]).

use actix_web::HttpResponse;
use actix_web::http::header;
use registry::error::Code;
use serde_json::{Map, Value, json};

use registry::stamps::resolve::Story;

use super::Resolution;
use crate::app::AppState;
use crate::error::ApiError;

/// The GS1 web vocabulary, which `gs1:` abbreviates.
pub const GS1_VOC: &str = "https://gs1.org/voc/";

/// Percent-encodes an AI value for a URI path or query (RFC 3986 unreserved kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A link type as configured: `gs1:pip` for `pip`, `gs1:pip` or `https://gs1.org/voc/pip`.
pub fn normalise_link_type(t: &str) -> String {
    if let Some(rest) = t.strip_prefix(GS1_VOC) {
        format!("gs1:{rest}")
    } else if t.contains(':') {
        t.to_owned()
    } else {
        format!("gs1:{t}")
    }
}

/// A configured link type's relation URI (`gs1:pip` → `https://gs1.org/voc/pip`).
fn relation(link_type: &str) -> String {
    match link_type.strip_prefix("gs1:") {
        Some(rest) => format!("{GS1_VOC}{rest}"),
        None => link_type.to_owned(),
    }
}

/// What a linkset is about: the link as resolved (canonical) and what it names.
#[derive(Debug, Clone, Copy)]
pub struct Anchor<'a> {
    pub uri: &'a str,
    /// 14 digits.
    pub gtin: &'a str,
    pub lot: Option<&'a str>,
    /// None for a GTIN-only link.
    pub serial: Option<&'a str>,
    pub story: Option<&'a Story>,
    /// A stamp whose hidden code can be verified.
    pub verifiable: bool,
}

impl<'a> From<&'a Resolution> for Anchor<'a> {
    fn from(r: &'a Resolution) -> Self {
        Self {
            uri: &r.uri,
            gtin: &r.gtin,
            lot: r.lot.as_deref(),
            serial: Some(&r.serial),
            story: r.story(),
            verifiable: r.stamp.as_ref().is_some_and(|s| s.verifiable),
        }
    }
}

/// Fills a `[stamps.links]` template; `None` when it needs a serial the link has not.
fn fill(template: &str, a: &Anchor<'_>) -> Option<String> {
    let serial = match a.serial {
        Some(serial) => encode(serial),
        None if template.contains("{serial}") => return None,
        None => String::new(),
    };
    Some(
        template
            .replace("{gtin}", a.gtin)
            .replace("{serial}", &serial)
            .replace("{lot}", &encode(a.lot.unwrap_or_default())),
    )
}

/// The origin (`https://host`) of a canonical stamp link.
fn origin(uri: &str) -> &str {
    let after_scheme = uri.find("://").map_or(0, |i| i + 3);
    uri[after_scheme..]
        .find('/')
        .map_or(uri, |i| &uri[..after_scheme + i])
}

/// The links of an anchor, by relation URI, in the linkset's order: the page, the JSON
/// (traceability), the hidden-code verification for a stamp that carries one, the published
/// certificates, then those configured in `[stamps.links]` (those needing a serial only for a
/// stamp). Every href is on the resolver's origin or a configured URL.
fn links(state: &AppState, a: &Anchor<'_>) -> Map<String, Value> {
    let base = origin(a.uri);
    let title = a.story.map(|s| s.product.name.clone()).unwrap_or_default();
    let mut set = Map::new();
    set.insert(
        format!("{GS1_VOC}defaultLink"),
        json!([{ "href": a.uri, "title": title, "type": "text/html" }]),
    );
    set.insert(
        format!("{GS1_VOC}traceability"),
        json!([{ "href": a.uri, "title": title, "type": "application/json" }]),
    );
    if a.verifiable {
        set.insert(
            format!("{GS1_VOC}verificationService"),
            json!([{ "href": format!("{base}{}", super::public::VERIFY_API),
                     "title": "hidden-code verification", "type": "application/json" }]),
        );
    }
    if let Some(recall) = a.story.and_then(|s| s.recall.as_ref()) {
        set.insert(
            format!("{GS1_VOC}recallStatus"),
            json!([{ "href": format!("{base}/recalls#case-{}", recall.case_id),
                     "title": "recalled: do not use", "type": "text/html" }]),
        );
    }
    if let Some(story) = a.story {
        let certificates: Vec<Value> = story
            .documents
            .iter()
            .map(|d| {
                json!({
                    "href": format!("{base}/api/v1/public/documents/{}/content", d.sha256),
                    "title": format!("{} {}", d.doc_type, d.number),
                    "type": "application/octet-stream",
                })
            })
            .collect();
        if !certificates.is_empty() {
            set.insert(
                format!("{GS1_VOC}certificationInfo"),
                Value::Array(certificates),
            );
        }
    }
    for (link_type, template) in &state.config.stamps.links {
        let rel = relation(link_type);
        let Some(href) = fill(template, a) else {
            continue;
        };
        let entry = json!({ "href": href, "title": link_type });
        match set.get_mut(&rel).and_then(Value::as_array_mut) {
            Some(list) => list.push(entry),
            None => {
                set.insert(rel, json!([entry]));
            }
        }
    }
    set
}

/// The 307 to the first link of `link_type` (`gs1:pip`, `pip` or the relation URI), from the
/// same links the linkset lists; 404 `link_type_not_found` when there is none.
pub fn redirect(
    state: &AppState,
    a: &Anchor<'_>,
    link_type: &str,
) -> Result<HttpResponse, ApiError> {
    let rel = relation(&normalise_link_type(link_type));
    let links = links(state, a);
    let href = links
        .get(&rel)
        .and_then(Value::as_array)
        .and_then(|list| list.first())
        .and_then(|link| link.get("href"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::new(
                Code::LinkTypeNotFound,
                format!("linkType: this link has no link of type {link_type:?}"),
            )
            .with_field("linkType")
        })?;
    Ok(HttpResponse::TemporaryRedirect()
        .insert_header((header::LOCATION, href))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// The linkset of an anchor.
pub fn linkset(state: &AppState, a: &Anchor<'_>) -> Value {
    let mut set = Map::new();
    set.insert("anchor".into(), json!(a.uri));
    set.extend(links(state, a));
    json!({ "linkset": [Value::Object(set)] })
}

/// The linkset as `application/linkset+json`.
pub fn response(state: &AppState, a: &Anchor<'_>) -> Result<HttpResponse, ApiError> {
    let body = linkset(state, a);
    Ok(HttpResponse::Ok()
        .content_type("application/linkset+json")
        .insert_header((header::VARY, "Accept"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body.to_string()))
}
