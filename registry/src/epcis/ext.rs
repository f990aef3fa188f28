//! User extensions: an ordered tree of namespaced elements, kept as received.
//!
//! The same tree serves XML and JSON-LD. Mapping rules:
//!
//! - an XML element `<p:name attr="v">text</p:name>` in namespace `N` is an [`ExtElement`] with
//!   `ns = N`, `prefix = "p"`, `local = "name"`; in JSON-LD it is the key `"p:name"` where the
//!   document's `@context` maps `p` to `N`;
//! - text becomes [`ExtValue::Text`]; a JSON number, boolean or null keeps its JSON type
//!   ([`ExtValue::Number`], [`ExtValue::Bool`], [`ExtValue::Null`]) and is written to XML as text;
//! - child elements become [`ExtValue::Elements`], a JSON object;
//! - repeated sibling elements with one name are a JSON array (and a JSON array is repeated
//!   elements);
//! - XML attributes on an extension element are JSON keys `"@name"` (`xsi:type` is `"@type"`),
//!   with the text under `"@value"`: `{"@type": "xsd:integer", "@value": "10"}` is a JSON-LD typed
//!   literal.

use serde::{Deserialize, Serialize};

/// A namespaced extension element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtElement {
    /// Namespace URI (empty for none).
    pub ns: String,
    /// Prefix used in the source document (kept to write it back the same way).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    /// Local name.
    pub local: String,
    /// Attributes, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<ExtAttr>,
    /// Content.
    pub value: ExtValue,
}

/// An attribute of an extension element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtAttr {
    /// Namespace URI (empty for none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ns: String,
    /// Prefix used in the source (empty for none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    /// Local name.
    pub local: String,
    /// Value.
    pub value: String,
}

/// Content of an extension element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtValue {
    /// Text (XML text, JSON string).
    Text(String),
    /// A JSON number, as written.
    Number(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON null.
    Null,
    /// Child elements (JSON object).
    Elements(Vec<ExtElement>),
}

/// The CBV master data namespace as XML writes it (`xmlns:cbvmda="urn:epcglobal:cbv:mda"`).
pub const CBVMDA_NS: &str = "urn:epcglobal:cbv:mda";

/// One spelling per namespace: the JSON-LD context's `urn:epcglobal:cbv:mda:` (a prefix IRI,
/// hence the colon) is the XML namespace `urn:epcglobal:cbv:mda`.
pub fn canonical_ns(ns: &str) -> &str {
    if ns == "urn:epcglobal:cbv:mda:" {
        CBVMDA_NS
    } else {
        ns
    }
}

/// The XML Schema instance namespace (`xsi:type`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

impl ExtElement {
    /// A text element.
    pub fn text(ns: &str, prefix: &str, local: &str, value: &str) -> Self {
        ExtElement {
            ns: ns.to_owned(),
            prefix: prefix.to_owned(),
            local: local.to_owned(),
            attrs: Vec::new(),
            value: ExtValue::Text(value.to_owned()),
        }
    }

    /// `{ns}local`, the name the event hash uses.
    pub fn expanded_name(&self) -> String {
        format!("{{{}}}{}", self.ns, self.local)
    }

    /// `prefix:local`, or `local` without a prefix.
    pub fn qname(&self) -> String {
        qname(&self.prefix, &self.local)
    }
}

impl ExtAttr {
    /// `prefix:local`, or `local` without a prefix.
    pub fn qname(&self) -> String {
        qname(&self.prefix, &self.local)
    }
}

impl ExtValue {
    /// The scalar as text (`None` for child elements).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ExtValue::Text(s) | ExtValue::Number(s) => Some(s),
            ExtValue::Bool(true) => Some("true"),
            ExtValue::Bool(false) => Some("false"),
            ExtValue::Null => Some(""),
            ExtValue::Elements(_) => None,
        }
    }
}

fn qname(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_owned()
    } else {
        format!("{prefix}:{local}")
    }
}

/// Visits every element of `list` and its descendants, depth first.
pub fn walk<'a>(list: &'a [ExtElement], f: &mut impl FnMut(&'a ExtElement)) {
    for e in list {
        f(e);
        if let ExtValue::Elements(children) = &e.value {
            walk(children, f);
        }
    }
}

/// Prefixes the EPCIS 2.0 JSON-LD context defines (it is never fetched: these are built in).
pub const STANDARD_PREFIXES: [(&str, &str); 9] = [
    ("epcis", "https://ref.gs1.org/epcis/"),
    ("cbv", "https://ref.gs1.org/cbv/"),
    ("cbvmda", "urn:epcglobal:cbv:mda:"),
    ("gs1", "https://gs1.org/voc/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("xsi", XSI_NS),
];

/// The namespace a standard JSON-LD prefix stands for.
pub fn standard_prefix(prefix: &str) -> Option<&'static str> {
    STANDARD_PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, ns)| *ns)
}
