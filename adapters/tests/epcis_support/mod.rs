//! Shared helpers for the EPCIS corpus tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use adapters::epcis::{EpcisDocument, EpcisError, json, xml};
use registry::epcis::{Event, ExtElement, ExtValue};

/// The conformance folder, or `None` (with a skip message) when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var("TRACEHUB_CONFORMANCE_DIR").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
        PathBuf::from,
    );
    if dir.join("epcis").is_dir() {
        Some(dir.join("epcis"))
    } else {
        eprintln!(
            "SKIP: EPCIS conformance corpus not found at {} (set TRACEHUB_CONFORMANCE_DIR)",
            dir.display()
        );
        None
    }
}

/// Every file under `dir` ending in one of `exts`, sorted.
pub fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Parses by file extension.
pub fn parse(path: &Path) -> Result<EpcisDocument, EpcisError> {
    let bytes = std::fs::read(path).expect("corpus file readable");
    if path.extension().is_some_and(|e| e == "xml") {
        xml::parse_xml(&bytes)
    } else {
        json::parse_json(&bytes)
    }
}

fn norm_list(list: &mut [ExtElement]) {
    for x in list.iter_mut() {
        x.prefix.clear();
        for a in &mut x.attrs {
            a.prefix.clear();
        }
        x.value = match std::mem::replace(&mut x.value, ExtValue::Null) {
            ExtValue::Number(n) => ExtValue::Text(n),
            ExtValue::Bool(b) => ExtValue::Text(b.to_string()),
            ExtValue::Null => ExtValue::Text(String::new()),
            ExtValue::Elements(c) if c.is_empty() => ExtValue::Text(String::new()),
            ExtValue::Elements(mut c) => {
                norm_list(&mut c);
                ExtValue::Elements(c)
            }
            t => t,
        };
    }
    // JSON objects group same-named siblings: order among different names is not kept.
    list.sort_by(|a, b| (&a.ns, &a.local).cmp(&(&b.ns, &b.local)));
}

/// An event with representation-only differences removed: JSON scalar types of extension
/// values (XML has text only), prefixes (namespaces are what count), sibling order across names.
pub fn normalized(e: &Event) -> Event {
    let mut e = e.clone();
    norm_list(&mut e.extensions);
    if let Some(i) = &mut e.ilmd {
        norm_list(i);
    }
    for l in [&mut e.read_point, &mut e.biz_location]
        .into_iter()
        .flatten()
    {
        norm_list(&mut l.extensions);
    }
    if let Some(d) = &mut e.error_declaration {
        norm_list(&mut d.extensions);
    }
    for s in &mut e.sensor_element_list {
        norm_list(&mut s.extensions);
        if let Some(m) = &mut s.sensor_metadata {
            norm_list(&mut m.extensions);
        }
        for r in &mut s.sensor_report {
            norm_list(&mut r.extensions);
        }
    }
    e
}
