//! The streaming XML layer: safe tokenising (no DTD, no entity expansion, bounded depth), a
//! small element tree for one event at a time, and the walk through the document structure.

use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use registry::epcis::{DocumentHeader, DocumentKind, Event, Namespace};

use super::event::{event_from_xml, ext_from_node};
use crate::epcis::{EpcisError, MAX_DEPTH};

/// Namespace of EPCIS 2.0 core elements.
pub const EPCIS2_NS: &str = "urn:epcglobal:epcis:xsd:2";
/// Namespace of EPCIS 1.x core elements.
pub const EPCIS1_NS: &str = "urn:epcglobal:epcis:xsd:1";
/// Namespace of the EPCIS 2.0 query document.
pub const QUERY2_NS: &str = "urn:epcglobal:epcis-query:xsd:2";
/// Namespace of the EPCIS 1.x query document.
pub const QUERY1_NS: &str = "urn:epcglobal:epcis-query:xsd:1";

/// True for namespaces whose elements count as EPCIS standard elements.
pub(crate) fn is_epcis_ns(ns: &str) -> bool {
    ns.is_empty() || [EPCIS2_NS, EPCIS1_NS, QUERY2_NS, QUERY1_NS].contains(&ns)
}

/// An attribute of an element as read.
#[derive(Debug, Clone)]
pub(crate) struct XAttr {
    pub ns: String,
    pub prefix: String,
    pub local: String,
    pub value: String,
}

/// One element with its subtree.
#[derive(Debug, Clone, Default)]
pub(crate) struct XNode {
    pub ns: String,
    pub prefix: String,
    pub local: String,
    pub attrs: Vec<XAttr>,
    pub children: Vec<XNode>,
    pub text: String,
}

impl XNode {
    /// True for an element in no namespace or an EPCIS namespace.
    pub fn is_standard(&self) -> bool {
        is_epcis_ns(&self.ns)
    }

    /// The value of the attribute with no namespace named `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }
}

/// A token with the parts the readers need, owned.
enum Tok {
    Start(XNode, Vec<Namespace>),
    Empty(XNode, Vec<Namespace>),
    End,
    Text(String),
    Eof,
}

/// Pulls events one by one out of an EPCIS XML document (or a bare event).
///
/// The header (namespaces, schema version, creation date) is read on construction; query name,
/// subscription id and the `EPCISHeader` land in [`XmlEventReader::header`] as they are passed.
pub struct XmlEventReader<R: BufRead> {
    reader: NsReader<R>,
    buf: Vec<u8>,
    header: DocumentHeader,
    /// Local names of the open elements around the current position (outside events).
    stack: Vec<String>,
    depth: usize,
    next_index: usize,
    /// A bare event as the root, not yet returned.
    pending_root: Option<XNode>,
    strict_order: bool,
    done: bool,
}

impl<R: BufRead> std::fmt::Debug for XmlEventReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlEventReader")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> XmlEventReader<R> {
    /// Reads up to the root element and its attributes.
    pub fn new(input: R) -> Result<Self, EpcisError> {
        let mut reader = NsReader::from_reader(input);
        let cfg = reader.config_mut();
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        let mut me = XmlEventReader {
            reader,
            buf: Vec::with_capacity(4096),
            header: DocumentHeader::default(),
            stack: Vec::new(),
            depth: 0,
            next_index: 0,
            pending_root: None,
            strict_order: true,
            done: false,
        };
        loop {
            match me.tok()? {
                Tok::Text(t) if t.trim().is_empty() => {}
                Tok::Start(node, ns) => return me.root(node, ns, false),
                Tok::Empty(node, ns) => return me.root(node, ns, true),
                Tok::Eof => return Err(EpcisError::syntax("empty document")),
                _ => return Err(EpcisError::syntax("text before the root element")),
            }
        }
    }

    fn root(mut self, node: XNode, ns: Vec<Namespace>, empty: bool) -> Result<Self, EpcisError> {
        self.header.namespaces = ns;
        self.header.schema_version = node.attr("schemaVersion").map(str::to_owned);
        if let Some(d) = node.attr("creationDate") {
            let ctx = crate::epcis::fields::Ctx { index: None };
            self.header.creation_date = Some(ctx.time("creationDate", d)?);
        }
        self.strict_order = node.ns != EPCIS1_NS
            && !self
                .header
                .schema_version
                .as_deref()
                .is_some_and(|v| v.starts_with('1'));
        match node.local.as_str() {
            "EPCISDocument" | "EPCISQueryDocument" if node.is_standard() => {
                if node.local == "EPCISQueryDocument" {
                    self.header.kind = DocumentKind::QueryDocument {
                        query_name: None,
                        subscription_id: None,
                    };
                }
                if empty {
                    return Err(EpcisError::invalid(
                        None,
                        "EPCISBody",
                        "required field missing",
                    ));
                }
                self.stack.push(node.local);
            }
            local if node.is_standard() && is_event_name(local) => {
                self.header.kind = DocumentKind::SingleEvent;
                let root = if empty { node } else { self.subtree(node)? };
                self.pending_root = Some(root);
            }
            other => {
                return Err(EpcisError::invalid(
                    None,
                    "",
                    format!("<{other}> is not an EPCIS document or event"),
                ));
            }
        }
        Ok(self)
    }

    /// The document header as read so far (complete once the iterator is exhausted).
    pub fn header(&self) -> &DocumentHeader {
        &self.header
    }

    /// Consumes the reader, returning the header.
    pub fn into_header(self) -> DocumentHeader {
        self.header
    }

    fn convert(&mut self, node: XNode) -> Result<Event, EpcisError> {
        let i = self.next_index;
        self.next_index += 1;
        event_from_xml(node, i, self.strict_order).map_err(|e| e.at(i))
    }

    fn next_event(&mut self) -> Result<Option<Event>, EpcisError> {
        if let Some(root) = self.pending_root.take() {
            self.done = true;
            return self.convert(root).map(Some);
        }
        while !self.done {
            let tok = self.tok()?;
            let parent = self.stack.last().map(String::as_str).unwrap_or("");
            // EPCIS 1.x puts newer event types in EventList/extension(/extension).
            let in_list = self
                .stack
                .iter()
                .rev()
                .find(|s| s.as_str() != "extension")
                .is_some_and(|s| s == "EventList");
            match tok {
                Tok::Start(node, _)
                    if in_list && node.is_standard() && node.local != "extension" =>
                {
                    let node = self.subtree(node)?;
                    return self.convert(node).map(Some);
                }
                Tok::Empty(node, _)
                    if in_list && node.is_standard() && node.local != "extension" =>
                {
                    return self.convert(node).map(Some);
                }
                Tok::Start(node, _) => self.structure(node, true)?,
                Tok::Empty(node, _) => self.structure(node, false)?,
                Tok::End => {
                    self.stack.pop();
                    if self.stack.is_empty() {
                        self.done = true;
                    }
                }
                Tok::Text(t) if t.trim().is_empty() => {}
                Tok::Text(t) => {
                    return Err(EpcisError::invalid(
                        None,
                        parent,
                        format!("unexpected text {:?}", t.trim()),
                    ));
                }
                Tok::Eof => return Err(EpcisError::syntax("unexpected end of document")),
            }
        }
        Ok(None)
    }

    /// An element of the document structure (outside events).
    fn structure(&mut self, node: XNode, open: bool) -> Result<(), EpcisError> {
        let parent = self.stack.last().cloned().unwrap_or_default();
        let standard = node.is_standard();
        let local = node.local.clone();
        let into = |me: &mut Self| {
            if open {
                me.stack.push(local.clone());
            }
        };
        match (parent.as_str(), local.as_str()) {
            (_, "EPCISHeader") | (_, "epcisHeader") if standard => {
                let node = if open { self.subtree(node)? } else { node };
                self.header.extras.push(ext_from_node(node));
            }
            ("EPCISDocument" | "EPCISQueryDocument", "EPCISBody") if standard => into(self),
            ("EPCISBody", "EventList")
            | ("resultsBody", "EventList")
            | ("EventList", "extension")
            | ("extension", "extension")
                if standard =>
            {
                into(self);
            }
            ("EPCISBody", "QueryResults")
                if standard && matches!(self.header.kind, DocumentKind::QueryDocument { .. }) =>
            {
                into(self);
            }
            ("QueryResults", "resultsBody") if standard => into(self),
            ("QueryResults", "queryName" | "subscriptionID") if standard => {
                let text = if open {
                    self.subtree(node)?.text
                } else {
                    String::new()
                };
                if let DocumentKind::QueryDocument {
                    query_name,
                    subscription_id,
                } = &mut self.header.kind
                {
                    let slot = if local == "queryName" {
                        query_name
                    } else {
                        subscription_id
                    };
                    *slot = Some(text.trim().to_owned());
                }
            }
            (_, _) if !standard => {
                // A `##other` extension of the document structure: kept in the header.
                let node = if open { self.subtree(node)? } else { node };
                self.header.extras.push(ext_from_node(node));
            }
            (p, other) => {
                let what = if matches!(self.header.kind, DocumentKind::QueryDocument { .. })
                    && p == "EPCISBody"
                {
                    format!("an EPCISQueryDocument must hold QueryResults, not <{other}>")
                } else if p == "EventList" || p == "extension" {
                    format!("unknown event type <{other}>")
                } else {
                    format!("unexpected element <{other}>")
                };
                return Err(EpcisError::invalid(None, p, what));
            }
        }
        Ok(())
    }

    /// Reads the rest of an element opened by `node` (its start tag already consumed).
    fn subtree(&mut self, node: XNode) -> Result<XNode, EpcisError> {
        let mut path: Vec<XNode> = vec![node];
        loop {
            match self.tok()? {
                Tok::Start(n, _) => path.push(n),
                Tok::Empty(n, _) => {
                    if let Some(top) = path.last_mut() {
                        top.children.push(n);
                    }
                }
                Tok::Text(t) => {
                    if let Some(top) = path.last_mut() {
                        top.text.push_str(&t);
                    }
                }
                Tok::End => {
                    let done = path.pop().unwrap_or_default();
                    match path.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Tok::Eof => return Err(EpcisError::syntax("unexpected end of document")),
            }
        }
    }

    /// The next token, with DTD and entity checks and the depth cap.
    fn tok(&mut self) -> Result<Tok, EpcisError> {
        loop {
            self.buf.clear();
            let ev = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| EpcisError::syntax(format!("malformed XML: {e}")))?;
            match ev {
                XmlEvent::Start(s) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(EpcisError::security(format!(
                            "elements nested deeper than {MAX_DEPTH} levels"
                        )));
                    }
                    let (node, ns) = head(&self.reader, &s)?;
                    return Ok(Tok::Start(node, ns));
                }
                XmlEvent::Empty(s) => {
                    if self.depth + 1 > MAX_DEPTH {
                        return Err(EpcisError::security(format!(
                            "elements nested deeper than {MAX_DEPTH} levels"
                        )));
                    }
                    let (node, ns) = head(&self.reader, &s)?;
                    return Ok(Tok::Empty(node, ns));
                }
                XmlEvent::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Tok::End);
                }
                XmlEvent::Text(t) => {
                    return Ok(Tok::Text(
                        t.xml_content(XmlVersion::Implicit1_0).into_owned(),
                    ));
                }
                XmlEvent::CData(t) => {
                    return Ok(Tok::Text(t.into_inner().into_owned()));
                }
                XmlEvent::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        return Ok(Tok::Text(c.to_string()));
                    }
                    let name = r.xml_content(XmlVersion::Implicit1_0).into_owned();
                    let text = match name.as_str() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "apos" => "'",
                        "quot" => "\"",
                        _ => {
                            return Err(EpcisError::security(format!(
                                "entity reference &{name}; refused: no entity expansion"
                            )));
                        }
                    };
                    return Ok(Tok::Text(text.to_owned()));
                }
                XmlEvent::DocType(d) => {
                    let body = d.xml_content(XmlVersion::Implicit1_0);
                    let body = body.trim();
                    let bare =
                        !body.is_empty() && !body.contains(|c: char| c.is_whitespace() || c == '[');
                    if !bare {
                        return Err(EpcisError::security(
                            "DOCTYPE with a DTD, external identifier or entity declarations refused",
                        ));
                    }
                }
                XmlEvent::Eof => return Ok(Tok::Eof),
                XmlEvent::Decl(_) | XmlEvent::Comment(_) | XmlEvent::PI(_) => {}
            }
        }
    }
}

fn is_event_name(local: &str) -> bool {
    matches!(
        local,
        "ObjectEvent"
            | "AggregationEvent"
            | "TransactionEvent"
            | "TransformationEvent"
            | "AssociationEvent"
    )
}

fn utf8(b: &str) -> Result<String, EpcisError> {
    Ok(b.to_owned())
}

fn resolved(r: ResolveResult<'_>) -> Result<String, EpcisError> {
    match r {
        ResolveResult::Bound(ns) => utf8(ns.as_ref()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(p) => Err(EpcisError::syntax(format!(
            "undeclared namespace prefix {p:?}"
        ))),
    }
}

/// Name, namespace, attributes and namespace declarations of a start tag.
fn head<R>(
    reader: &NsReader<R>,
    s: &BytesStart<'_>,
) -> Result<(XNode, Vec<Namespace>), EpcisError> {
    let (ns, local) = reader.resolver().resolve_element(s.name());
    let mut node = XNode {
        ns: resolved(ns)?,
        prefix: s
            .name()
            .prefix()
            .map(|p| utf8(p.as_ref()))
            .transpose()?
            .unwrap_or_default(),
        local: utf8(local.as_ref())?,
        ..XNode::default()
    };
    let mut decls = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| EpcisError::syntax(format!("malformed attribute: {e}")))?;
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| EpcisError::security(format!("attribute value refused: {e}")))?
            .into_owned();
        if let Some(binding) = a.key.as_namespace_binding() {
            use quick_xml::name::PrefixDeclaration;
            let prefix = match binding {
                PrefixDeclaration::Default => String::new(),
                PrefixDeclaration::Named(p) => utf8(p)?,
            };
            decls.push(Namespace { prefix, uri: value });
            continue;
        }
        let (ans, alocal) = reader.resolver().resolve_attribute(a.key);
        node.attrs.push(XAttr {
            ns: resolved(ans)?,
            prefix: a
                .key
                .prefix()
                .map(|p| utf8(p.as_ref()))
                .transpose()?
                .unwrap_or_default(),
            local: utf8(alocal.as_ref())?,
            value,
        });
    }
    Ok((node, decls))
}

impl<R: BufRead> Iterator for XmlEventReader<R> {
    type Item = Result<Event, EpcisError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done && self.pending_root.is_none() {
            return None;
        }
        match self.next_event() {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                self.pending_root = None;
                Some(Err(e))
            }
        }
    }
}
