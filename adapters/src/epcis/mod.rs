//! GS1 EPCIS 2.0 documents in: a streaming XML reader and a JSON-LD reader, both producing the
//! `registry::epcis` model, with semantic validation beyond the schemas.
//!
//! - [`xml::XmlEventReader`] pulls events one by one from any `BufRead`; [`xml::read_xml`]
//!   does the same with a callback and [`xml::parse_xml`] returns a whole [`EpcisDocument`].
//! - [`json::read_json`] calls back per event as the JSON-LD is read; [`json::parse_json`]
//!   returns a whole document.
//!
//! Both accept an `EPCISDocument`, an `EPCISQueryDocument` (its query results' event list) or a
//! single event (the `POST /events` body), and EPCIS 1.2 XML (its `extension` wrappers are
//! unwrapped into the 2.0 fields).
//!
//! Security: XML with a DTD that declares anything (internal subset, `SYSTEM`/`PUBLIC`
//! identifier), and any entity reference other than the five predefined ones and character
//! references, is refused; element depth is capped at [`MAX_DEPTH`]. A bare `<!DOCTYPE name>`
//! (no identifiers, no internal subset) declares nothing and is tolerated: twelve of GS1's own
//! example documents carry `<!DOCTYPE project>`.
//!
//! Errors are an [`EpcisError`]: which event (0-based), which field path, and what is wrong,
//! e.g. `events[3].bizStep: "shipping_fast" is not a CBV business step`.
//!
//! Where GS1's XSD and JSON Schema differ, the readers take the reading that loses nothing:
//! `persistentDisposition` is accepted on all five event types (as the XSD allows), and CBV URNs
//! inside JSON-LD are accepted and normalised to web URIs. An unknown event type is refused.
//!
//! Some documents of the conformance corpus are refused on purpose: those whose GRAI (AI 8003)
//! fails its check digit, XML whose elements are out of schema order, and a `certificationInfo`
//! that is not a URI. `DELIBERATE_REJECTIONS` in `adapters/tests/epcis_corpus.rs` lists each with
//! its reason.

pub mod fields;
pub mod json;
pub mod query;
pub mod validate;
pub mod xml;

use std::fmt;

pub use registry::epcis::EpcisDocument;
use registry::error::Code;

/// Deepest element nesting the readers accept.
pub const MAX_DEPTH: usize = 64;

/// What kind of problem an [`EpcisError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not well-formed XML or JSON.
    Syntax,
    /// Refused for safety: DTD, entities, excessive depth.
    Security,
    /// Well-formed but not a valid EPCIS document or event.
    Invalid,
}

impl ErrorKind {
    /// The error code an API answers with.
    pub fn code(self) -> Code {
        match self {
            ErrorKind::Syntax => Code::MalformedEpcis,
            ErrorKind::Security => Code::XmlRefused,
            ErrorKind::Invalid => Code::InvalidEpcis,
        }
    }
}

/// A structured reading error: event index, field path, message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct EpcisError {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// Index of the event (0-based) when the problem is inside one.
    pub index: Option<usize>,
    /// Field path inside the event (or document), e.g. `quantityList[0].quantity`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EpcisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, self.field.is_empty()) {
            (Some(i), true) => write!(f, "events[{i}]: {}", self.message),
            (Some(i), false) => write!(f, "events[{i}].{}: {}", self.field, self.message),
            (None, true) => write!(f, "{}", self.message),
            (None, false) => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

impl EpcisError {
    /// An [`ErrorKind::Invalid`] error.
    pub fn invalid(
        index: Option<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        EpcisError {
            kind: ErrorKind::Invalid,
            index,
            field: field.into(),
            message: message.into(),
        }
    }

    /// An [`ErrorKind::Syntax`] error.
    pub fn syntax(message: impl Into<String>) -> Self {
        EpcisError {
            kind: ErrorKind::Syntax,
            index: None,
            field: String::new(),
            message: message.into(),
        }
    }

    /// An [`ErrorKind::Security`] error.
    pub fn security(message: impl Into<String>) -> Self {
        EpcisError {
            kind: ErrorKind::Security,
            index: None,
            field: String::new(),
            message: message.into(),
        }
    }

    /// The same error placed in event `index`.
    pub fn at(mut self, index: usize) -> Self {
        self.index.get_or_insert(index);
        self
    }
}
