//! GS1 EPCIS 2.0 documents out, streaming: [`xml::XmlEpcisWriter`] and [`json::JsonEpcisWriter`]
//! write the header first, then each event as it is handed over, then close the document, so a
//! large query result never sits in memory twice.
//!
//! XML spells CBV values as URNs (`urn:epcglobal:cbv:bizstep:shipping`), JSON-LD as bare words
//! (`shipping`); identifiers are written in the hub's canonical GS1 Digital Link form in both.
//! Extensions keep their namespaces: prefixes declared by the document are declared once at the
//! top, any other is declared where it is used (an `xmlns` on the element, an event-level
//! `@context` in JSON-LD).

pub mod json;
pub mod xml;

use registry::epcis::{Event, ExtElement, Namespace, ext};

/// Why writing failed.
#[derive(Debug, thiserror::Error)]
pub enum EpcisWriteError {
    /// The underlying writer failed.
    #[error("write failed: {0}")]
    Io(#[from] std::io::Error),
    /// Serialising JSON failed.
    #[error("JSON serialisation failed: {0}")]
    Json(#[from] serde_json::Error),
    /// The header has no `creationDate` (the caller sets it from its clock: reports keep none).
    #[error("the document header has no creationDate")]
    NoCreationDate,
}

/// Writes `events` as one document in XML or JSON-LD (see [`xml::write_xml`], [`json::write_json`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// EPCIS XML binding.
    Xml,
    /// EPCIS JSON-LD binding.
    JsonLd,
}

/// Every `(prefix, namespace)` the extensions of `e` use, in first-use order.
pub fn extension_namespaces(e: &Event) -> Vec<Namespace> {
    let mut out: Vec<Namespace> = Vec::new();
    let mut add = |x: &ExtElement| {
        if !x.ns.is_empty() && !out.iter().any(|n| n.prefix == x.prefix && n.uri == x.ns) {
            out.push(Namespace {
                prefix: x.prefix.clone(),
                uri: x.ns.clone(),
            });
        }
    };
    let mut lists: Vec<&[ExtElement]> = vec![&e.extensions];
    if let Some(i) = &e.ilmd {
        lists.push(i);
    }
    for l in [&e.read_point, &e.biz_location].into_iter().flatten() {
        lists.push(&l.extensions);
    }
    if let Some(d) = &e.error_declaration {
        lists.push(&d.extensions);
    }
    for s in &e.sensor_element_list {
        lists.push(&s.extensions);
        if let Some(m) = &s.sensor_metadata {
            lists.push(&m.extensions);
        }
        for r in &s.sensor_report {
            lists.push(&r.extensions);
        }
    }
    for l in lists {
        ext::walk(l, &mut add);
    }
    out
}
