//! The XML binding's query document: an `EPCISQueryDocument` whose body holds a `Poll` (or a
//! bare `Poll`), as EPCIS 1.2 and 2.0 write it:
//!
//! ```xml
//! <epcisq:Poll>
//!   <queryName>SimpleEventQuery</queryName>
//!   <params>
//!     <param><name>eventType</name>
//!       <value xsi:type="epcisq:ArrayOfString"><string>ObjectEvent</string></value></param>
//!     <param><name>GE_eventTime</name><value>2026-01-01T00:00:00+01:00</value></param>
//!   </params>
//! </epcisq:Poll>
//! ```
//!
//! read into the query object the JSON binding uses (`{"eventType": ["ObjectEvent"],
//! "GE_eventTime": "..."}`), which [`super::pairs_of`] and [`super::parse_pairs`] then check.
//! Only `SimpleEventQuery` is answered. The same XML safety as the event reader: a DTD that
//! declares anything, an entity other than the predefined ones, or nesting deeper than
//! [`MAX_DEPTH`](crate::epcis::MAX_DEPTH) is refused.

use quick_xml::events::Event as XmlEvent;
use quick_xml::{Reader, XmlVersion};
use registry::error::{Code, RegistryError};
use serde_json::{Map, Value};

use crate::epcis::MAX_DEPTH;

fn refused(message: impl Into<String>) -> RegistryError {
    RegistryError::invalid(Code::XmlRefused, "Poll", message)
}

fn invalid(field: &str, message: impl Into<String>) -> RegistryError {
    RegistryError::invalid(Code::InvalidQuery, field, message)
}

/// What a `param` holds while it is read.
#[derive(Default)]
struct Param {
    name: String,
    scalar: String,
    list: Vec<String>,
}

/// Reads a Poll query document into a query object; errors name the part at fault.
pub fn read_poll(bytes: &[u8]) -> Result<Map<String, Value>, RegistryError> {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut seen_poll = false;
    let mut query_name: Option<String> = None;
    let mut param: Option<Param> = None;
    let mut query = Map::new();
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| invalid("Poll", format!("malformed XML: {e}")))?;
        match event {
            XmlEvent::Start(s) => {
                let local = s.local_name().into_inner().to_owned();
                if path.len() >= MAX_DEPTH {
                    return Err(refused(format!(
                        "elements nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                match local.as_str() {
                    "Poll" => seen_poll = true,
                    "param" if path.last().is_some_and(|p| p == "params") => {
                        param = Some(Param::default());
                    }
                    _ if path.last().is_some_and(|p| p == "value") => {
                        // An item of a list value (`<string>`).
                        if let Some(p) = param.as_mut() {
                            p.list.push(String::new());
                        }
                    }
                    _ => {}
                }
                path.push(local);
            }
            XmlEvent::End(_) => {
                let closed = path.pop().unwrap_or_default();
                if closed == "param" {
                    if let Some(p) = param.take() {
                        add(&mut query, p)?;
                    }
                }
            }
            XmlEvent::Empty(_) | XmlEvent::Decl(_) | XmlEvent::Comment(_) | XmlEvent::PI(_) => {}
            XmlEvent::Text(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0);
                text_in(&path, &text, &mut query_name, param.as_mut());
            }
            XmlEvent::CData(t) => {
                let text = t.into_inner().into_owned();
                text_in(&path, &text, &mut query_name, param.as_mut());
            }
            XmlEvent::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.xml_content(XmlVersion::Implicit1_0).as_ref() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        name => {
                            return Err(refused(format!(
                                "entity reference &{name}; refused: no entity expansion"
                            )));
                        }
                    },
                };
                text_in(&path, &text, &mut query_name, param.as_mut());
            }
            XmlEvent::DocType(d) => {
                let body = d.xml_content(XmlVersion::Implicit1_0).trim().to_owned();
                if body.is_empty() || body.contains(|c: char| c.is_whitespace() || c == '[') {
                    return Err(refused(
                        "DOCTYPE with a DTD, external identifier or entity declarations refused",
                    ));
                }
            }
            XmlEvent::Eof => break,
        }
    }
    if !seen_poll {
        return Err(invalid("Poll", "the document holds no Poll"));
    }
    match query_name.as_deref().map(str::trim) {
        None | Some("") => Err(invalid(
            "queryName",
            "a Poll names its query (SimpleEventQuery)",
        )),
        Some("SimpleEventQuery") => Ok(query),
        Some(other) => Err(invalid(
            "queryName",
            format!("{other:?}: the hub answers SimpleEventQuery only"),
        )),
    }
}

/// Text at `path` lands in the query name, a parameter's name, its value or its list.
fn text_in(
    path: &[String],
    text: &str,
    query_name: &mut Option<String>,
    param: Option<&mut Param>,
) {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    match names.as_slice() {
        [.., "Poll", "queryName"] => query_name.get_or_insert_with(String::new).push_str(text),
        [.., "param", "name"] => {
            if let Some(p) = param {
                p.name.push_str(text);
            }
        }
        [.., "param", "value"] => {
            if let Some(p) = param {
                p.scalar.push_str(text);
            }
        }
        [.., "param", "value", _] => {
            if let Some(item) = param.and_then(|p| p.list.last_mut()) {
                item.push_str(text);
            }
        }
        _ => {}
    }
}

fn add(query: &mut Map<String, Value>, p: Param) -> Result<(), RegistryError> {
    let name = p.name.trim().to_owned();
    if name.is_empty() {
        return Err(invalid("params", "a param without a name"));
    }
    if query.contains_key(&name) {
        return Err(invalid(&name, "given more than once"));
    }
    let value = if p.list.is_empty() {
        Value::String(p.scalar.trim().to_owned())
    } else {
        Value::Array(
            p.list
                .into_iter()
                .map(|item| Value::String(item.trim().to_owned()))
                .collect(),
        )
    };
    query.insert(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" schemaVersion="2.0">
  <EPCISBody><epcisq:Poll><queryName>SimpleEventQuery</queryName><params>
    <param><name>eventType</name><value xsi:type="epcisq:ArrayOfString">
      <string>ObjectEvent</string><string>AggregationEvent</string></value></param>
    <param><name>GE_eventTime</name><value>2026-01-01T00:00:00+01:00</value></param>
    <param><name>EQ_bizStep</name><value><string>a&amp;b</string></value></param>
  </params></epcisq:Poll></EPCISBody>
</epcisq:EPCISQueryDocument>"#;

    #[test]
    fn a_poll_becomes_the_query_object() {
        let query = read_poll(POLL.as_bytes()).unwrap();
        assert_eq!(
            Value::Object(query),
            serde_json::json!({
                "eventType": ["ObjectEvent", "AggregationEvent"],
                "GE_eventTime": "2026-01-01T00:00:00+01:00",
                "EQ_bizStep": ["a&b"],
            })
        );
    }

    #[test]
    fn bad_polls_are_refused_naming_the_part() {
        let field = |xml: &str| match read_poll(xml.as_bytes()) {
            Err(RegistryError::Invalid { field, code, .. }) => (field, code),
            other => panic!("{xml}: {other:?}"),
        };
        let no_name = POLL.replace("<queryName>SimpleEventQuery</queryName>", "");
        assert_eq!(field(&no_name).0, "queryName");
        let master = POLL.replace(">SimpleEventQuery<", ">SimpleMasterDataQuery<");
        assert_eq!(field(&master).0, "queryName");
        assert_eq!(field("<EPCISDocument/>").0, "Poll");
        let twice = POLL.replace("EQ_bizStep", "GE_eventTime");
        assert_eq!(field(&twice).0, "GE_eventTime");
        let entity = format!("<!DOCTYPE x [<!ENTITY e \"y\">]>{}", &POLL[39..]);
        assert_eq!(field(&entity), ("Poll".into(), Code::XmlRefused));
        assert_eq!(
            field("<Poll><queryName>&e;</queryName></Poll>").1,
            Code::XmlRefused
        );
        let deep = format!("<Poll>{}{}</Poll>", "<a>".repeat(100), "</a>".repeat(100));
        assert_eq!(field(&deep).1, Code::XmlRefused);
    }
}
