//! EPCIS JSON-LD in: [`read_json`] (callback per event, streaming) and [`parse_json`] (whole).
//!
//! Events are converted as the event list is read. When the document's `@context` comes after
//! the event list (JSON objects have no order), events are held as JSON values until the context
//! is known.

mod context;
mod event;

use std::fmt;
use std::io::Read;

use registry::epcis::{DocumentHeader, DocumentKind, EpcisDocument, Event, ExtElement, ExtValue};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

pub use context::Prefixes;
pub use registry::epcis::ext::STANDARD_PREFIXES;

use super::EpcisError;
use super::fields::Ctx;

/// Reads a JSON-LD EPCIS document (or a single event), calling `on_event(index, event)` for
/// each event, and returns the header. Stops at the first error.
pub fn read_json<R: Read>(
    input: R,
    mut on_event: impl FnMut(usize, Event),
) -> Result<DocumentHeader, EpcisError> {
    let mut st = State {
        on_event: &mut on_event,
        prefixes: None,
        pending: Vec::new(),
        next_index: 0,
        error: None,
    };
    let mut de = serde_json::Deserializer::from_reader(input);
    let top = de.deserialize_map(DocVisitor { st: &mut st });
    let top = match (top, st.error.take()) {
        (_, Some(e)) => return Err(e),
        (Err(e), None) => return Err(EpcisError::syntax(format!("malformed JSON: {e}"))),
        (Ok(t), None) => t,
    };
    de.end()
        .map_err(|e| EpcisError::syntax(format!("malformed JSON: {e}")))?;
    finish(st, &top)
}

/// Reads a whole JSON-LD document into memory.
pub fn parse_json(bytes: &[u8]) -> Result<EpcisDocument, EpcisError> {
    let mut events = Vec::new();
    let header = read_json(bytes, |_, e| events.push(e))?;
    Ok(EpcisDocument { header, events })
}

struct State<'a> {
    on_event: &'a mut dyn FnMut(usize, Event),
    /// Known once the document's `@context` has been read.
    prefixes: Option<Prefixes>,
    /// Events read before the context.
    pending: Vec<Map<String, Value>>,
    next_index: usize,
    error: Option<EpcisError>,
}

impl State<'_> {
    fn event(&mut self, obj: Map<String, Value>) -> Result<(), EpcisError> {
        match &self.prefixes {
            Some(p) => {
                let i = self.next_index;
                self.next_index += 1;
                let e = event::event_from_json(&obj, p, Some(i))?;
                (self.on_event)(i, e);
                Ok(())
            }
            None => {
                self.pending.push(obj);
                Ok(())
            }
        }
    }

    fn fail<E: de::Error>(&mut self, e: EpcisError) -> E {
        let msg = e.to_string();
        self.error.get_or_insert(e);
        E::custom(msg)
    }
}

/// The top-level keys other than the event list.
#[derive(Default)]
struct Top {
    fields: Map<String, Value>,
    query_name: Option<String>,
    subscription_id: Option<String>,
    has_body: bool,
}

struct DocVisitor<'s, 'a> {
    st: &'s mut State<'a>,
}

impl<'de> Visitor<'de> for DocVisitor<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an EPCIS JSON-LD document or event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "epcisBody" => {
                    top.has_body = true;
                    map.next_value_seed(BodySeed {
                        st: self.st,
                        top: &mut top,
                        level: Level::Body,
                    })?;
                }
                "@context" => {
                    let v: Value = map.next_value()?;
                    let mut p = Prefixes::default();
                    p.add_context(&v);
                    self.st.prefixes = Some(p);
                    let pending = std::mem::take(&mut self.st.pending);
                    for obj in pending {
                        if let Err(e) = self.st.event(obj) {
                            return Err(self.st.fail(e));
                        }
                    }
                    top.fields.insert(key, v);
                }
                _ => {
                    let v: Value = map.next_value()?;
                    top.fields.insert(key, v);
                }
            }
        }
        Ok(top)
    }
}

#[derive(Clone, Copy)]
enum Level {
    /// `epcisBody`: `eventList` or `queryResults`.
    Body,
    /// `queryResults`: `queryName`, `subscriptionID`, `resultsBody`.
    QueryResults,
    /// `resultsBody`: `eventList`.
    ResultsBody,
}

struct BodySeed<'s, 'a, 't> {
    st: &'s mut State<'a>,
    top: &'t mut Top,
    level: Level,
}

impl<'de> DeserializeSeed<'de> for BodySeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match (self.level, key.as_str()) {
                (Level::Body | Level::ResultsBody, "eventList") => {
                    map.next_value_seed(ListSeed { st: self.st })?;
                }
                (Level::Body, "queryResults") => {
                    map.next_value_seed(BodySeed {
                        st: self.st,
                        top: self.top,
                        level: Level::QueryResults,
                    })?;
                }
                (Level::QueryResults, "resultsBody") => {
                    map.next_value_seed(BodySeed {
                        st: self.st,
                        top: self.top,
                        level: Level::ResultsBody,
                    })?;
                }
                (Level::QueryResults, "queryName") => self.top.query_name = map.next_value()?,
                (Level::QueryResults, "subscriptionID") => {
                    self.top.subscription_id = map.next_value()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ListSeed<'s, 'a> {
    st: &'s mut State<'a>,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            let i = self.st.next_index + self.st.pending.len();
            let r = match v {
                Value::Object(obj) => self.st.event(obj),
                _ => Err(EpcisError::invalid(
                    Some(i),
                    "",
                    "an event must be an object",
                )),
            };
            if let Err(e) = r {
                return Err(self.st.fail(e));
            }
        }
        Ok(())
    }
}

fn finish(mut st: State<'_>, top: &Top) -> Result<DocumentHeader, EpcisError> {
    let ctx = Ctx { index: None };
    let ty = top.fields.get("type").and_then(Value::as_str).unwrap_or("");
    let kind = match ty {
        "EPCISDocument" => DocumentKind::Document,
        "EPCISQueryDocument" => DocumentKind::QueryDocument {
            query_name: top.query_name.clone(),
            subscription_id: top.subscription_id.clone(),
        },
        "" => return Err(ctx.err("type", "required field missing")),
        _ if !top.has_body => DocumentKind::SingleEvent,
        other => return Err(ctx.err("type", format!("{other:?} is not an EPCIS document type"))),
    };
    if !top.fields.contains_key("@context") {
        return Err(ctx.err("@context", "required field missing"));
    }
    let prefixes = st.prefixes.take().unwrap_or_default();
    if kind == DocumentKind::SingleEvent {
        let e = event::event_from_json(&top.fields, &prefixes, Some(0))?;
        (st.on_event)(0, e);
    } else if !top.has_body {
        return Err(ctx.err("epcisBody", "required field missing"));
    }
    let mut header = DocumentHeader {
        kind,
        schema_version: None,
        creation_date: None,
        namespaces: prefixes.declared,
        extras: Vec::new(),
    };
    if header.kind == DocumentKind::SingleEvent {
        return Ok(header);
    }
    for (k, v) in &top.fields {
        match k.as_str() {
            "type" | "@context" => {}
            "schemaVersion" => header.schema_version = Some(scalar(v)),
            "creationDate" => header.creation_date = Some(ctx.time(k, &scalar(v))?),
            _ => header.extras.push(plain_ext(k, v)),
        }
    }
    Ok(header)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A document-level JSON field kept as an extension tree without namespace.
fn plain_ext(k: &str, v: &Value) -> ExtElement {
    let value = match v {
        Value::String(s) => ExtValue::Text(s.clone()),
        Value::Number(n) => ExtValue::Number(n.to_string()),
        Value::Bool(b) => ExtValue::Bool(*b),
        Value::Null => ExtValue::Null,
        Value::Object(m) => ExtValue::Elements(m.iter().map(|(k, v)| plain_ext(k, v)).collect()),
        Value::Array(a) => ExtValue::Elements(a.iter().map(|v| plain_ext("item", v)).collect()),
    };
    ExtElement {
        ns: String::new(),
        prefix: String::new(),
        local: k.to_owned(),
        attrs: Vec::new(),
        value,
    }
}
