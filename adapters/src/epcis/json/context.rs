//! JSON-LD `@context` prefixes (read from the document, never fetched) and extension values.

use registry::epcis::ext::{STANDARD_PREFIXES, XSI_NS};
use registry::epcis::{ExtAttr, ExtElement, ExtValue, Namespace};
use serde_json::Value;

use crate::epcis::EpcisError;
use crate::epcis::fields::Ctx;

/// The prefixes in scope: the document's (and an event's own) `@context` over the standard ones.
#[derive(Debug, Clone, Default)]
pub struct Prefixes {
    /// Declared in the document, in order (these are what a writer declares back).
    pub declared: Vec<Namespace>,
}

impl Prefixes {
    /// Adds the prefix definitions of a `@context` value (string, object or array of them).
    pub fn add_context(&mut self, v: &Value) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.add_context(i)),
            Value::Object(map) => {
                for (k, val) in map {
                    if k.starts_with('@') {
                        continue;
                    }
                    let iri = match val {
                        Value::String(s) => Some(s.as_str()),
                        Value::Object(o) => o.get("@id").and_then(Value::as_str),
                        _ => None,
                    };
                    if let Some(iri) = iri {
                        self.declared.retain(|n| n.prefix != *k);
                        self.declared.push(Namespace {
                            prefix: k.clone(),
                            uri: iri.to_owned(),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// The IRI a prefix stands for.
    pub fn resolve(&self, prefix: &str) -> Option<&str> {
        self.declared
            .iter()
            .rev()
            .find(|n| n.prefix == prefix)
            .map(|n| n.uri.as_str())
            .or_else(|| {
                STANDARD_PREFIXES
                    .iter()
                    .find(|(p, _)| *p == prefix)
                    .map(|(_, u)| *u)
            })
    }

    /// `(ns, prefix, local)` of a namespaced key: `prefix:local` with a known prefix, or a full
    /// IRI. `None` for a plain term without a namespace.
    pub fn split(
        &self,
        ctx: Ctx,
        field: &str,
        key: &str,
    ) -> Result<Option<(String, String, String)>, EpcisError> {
        let Some((prefix, local)) = key.split_once(':') else {
            return Ok(None);
        };
        if local.starts_with("//") {
            // A full IRI as the key: namespace up to the last '/' or '#'.
            let cut = key.rfind(['/', '#']).map_or(key.len(), |i| i + 1);
            return Ok(Some((
                key[..cut].to_owned(),
                String::new(),
                key[cut..].to_owned(),
            )));
        }
        match self.resolve(prefix) {
            Some(ns) => Ok(Some((
                registry::epcis::ext::canonical_ns(ns).to_owned(),
                prefix.to_owned(),
                local.to_owned(),
            ))),
            None => Err(ctx.err(
                field,
                format!("prefix {prefix:?} of {key:?} is not declared in @context"),
            )),
        }
    }
}

/// The extension elements a JSON-LD key/value pair stands for (an array is repeated elements).
pub fn ext_elements(
    p: &Prefixes,
    ctx: Ctx,
    field: &str,
    (ns, prefix, local): (String, String, String),
    v: &Value,
) -> Result<Vec<ExtElement>, EpcisError> {
    match v {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if item.is_array() {
                    return Err(
                        ctx.err(&format!("{field}[{i}]"), "nested arrays are not supported")
                    );
                }
                out.extend(ext_elements(
                    p,
                    ctx,
                    &format!("{field}[{i}]"),
                    (ns.clone(), prefix.clone(), local.clone()),
                    item,
                )?);
            }
            Ok(out)
        }
        _ => Ok(vec![ext_element(p, ctx, field, ns, prefix, local, v)?]),
    }
}

fn ext_element(
    p: &Prefixes,
    ctx: Ctx,
    field: &str,
    ns: String,
    prefix: String,
    local: String,
    v: &Value,
) -> Result<ExtElement, EpcisError> {
    let mut attrs = Vec::new();
    let value = match v {
        Value::String(s) => ExtValue::Text(s.clone()),
        Value::Number(n) => ExtValue::Number(n.to_string()),
        Value::Bool(b) => ExtValue::Bool(*b),
        Value::Null => ExtValue::Null,
        Value::Array(_) => return Err(ctx.err(field, "nested arrays are not supported")),
        Value::Object(map) => {
            let mut children = Vec::new();
            let mut text = None;
            for (k, val) in map {
                let kf = format!("{field}.{k}");
                if k == "@value" || k == "#text" {
                    text = Some(match val {
                        Value::String(s) => ExtValue::Text(s.clone()),
                        Value::Number(n) => ExtValue::Number(n.to_string()),
                        Value::Bool(b) => ExtValue::Bool(*b),
                        _ => ExtValue::Null,
                    });
                } else if let Some(a) = k.strip_prefix('@') {
                    let value = match val {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    attrs.push(json_attr(p, ctx, &kf, a, value)?);
                } else {
                    let name = p
                        .split(ctx, &kf, k)?
                        .unwrap_or_else(|| (String::new(), String::new(), k.clone()));
                    children.extend(ext_elements(p, ctx, &kf, name, val)?);
                }
            }
            match text {
                Some(t) if children.is_empty() => t,
                Some(_) => return Err(ctx.err(field, "@value together with child elements")),
                None => ExtValue::Elements(children),
            }
        }
    };
    Ok(ExtElement {
        ns,
        prefix,
        local,
        attrs,
        value,
    })
}

fn json_attr(
    p: &Prefixes,
    ctx: Ctx,
    field: &str,
    name: &str,
    value: String,
) -> Result<ExtAttr, EpcisError> {
    if name == "type" {
        return Ok(ExtAttr {
            ns: XSI_NS.into(),
            prefix: "xsi".into(),
            local: "type".into(),
            value,
        });
    }
    match p.split(ctx, field, name)? {
        Some((ns, prefix, local)) => Ok(ExtAttr {
            ns,
            prefix,
            local,
            value,
        }),
        None => Ok(ExtAttr {
            ns: String::new(),
            prefix: String::new(),
            local: name.to_owned(),
            value,
        }),
    }
}
