//! EPCIS JSON-LD out: `EPCISDocument` or `EPCISQueryDocument`, streaming (header, then one event
//! at a time, then the closing brackets).

use std::io::Write;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use registry::epcis::cbv::{self, Vocab};
use registry::epcis::{
    DocumentHeader, DocumentKind, EpcisDocument, Event, ExtElement, ExtValue, Namespace,
    QuantityElement, SensorElement,
};
use serde_json::{Map, Value, json};

use super::{EpcisWriteError, extension_namespaces};

/// The EPCIS 2.0 JSON-LD context every document names first.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// Writes one JSON-LD document event by event.
pub struct JsonEpcisWriter<W: Write> {
    out: W,
    namespaces: Vec<Namespace>,
    query: bool,
    first: bool,
}

impl<W: Write> std::fmt::Debug for JsonEpcisWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonEpcisWriter")
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

fn time(t: &DateTime<FixedOffset>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

fn num(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

fn word(v: Vocab, canonical: &str) -> Value {
    Value::String(cbv::bare_word(v, canonical).unwrap_or(canonical).to_owned())
}

fn strings(l: &[String]) -> Value {
    Value::Array(l.iter().map(|s| Value::String(s.clone())).collect())
}

impl<W: Write> JsonEpcisWriter<W> {
    /// Writes `@context`, the document fields and opens the event list.
    pub fn new(mut out: W, header: &DocumentHeader) -> Result<Self, EpcisWriteError> {
        let query = matches!(header.kind, DocumentKind::QueryDocument { .. });
        let namespaces: Vec<Namespace> = header
            .namespaces
            .iter()
            .filter(|n| !n.prefix.is_empty())
            .cloned()
            .collect();
        let mut ctx = vec![Value::String(EPCIS_CONTEXT.into())];
        if !namespaces.is_empty() {
            let m: Map<String, Value> = namespaces
                .iter()
                .map(|n| (n.prefix.clone(), Value::String(n.uri.clone())))
                .collect();
            ctx.push(Value::Object(m));
        }
        out.write_all(b"{\"@context\":")?;
        serde_json::to_writer(&mut out, &ctx)?;
        let ty = if query {
            "EPCISQueryDocument"
        } else {
            "EPCISDocument"
        };
        write!(out, ",\"type\":\"{ty}\",\"schemaVersion\":")?;
        serde_json::to_writer(&mut out, header.schema_version.as_deref().unwrap_or("2.0"))?;
        out.write_all(b",\"creationDate\":")?;
        let created = header
            .creation_date
            .ok_or(EpcisWriteError::NoCreationDate)?;
        serde_json::to_writer(&mut out, &time(&created))?;
        for x in header
            .extras
            .iter()
            .filter(|x| x.ns.is_empty() && x.local != "EPCISHeader")
        {
            out.write_all(b",")?;
            serde_json::to_writer(&mut out, &x.local)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut out, &plain(&x.value))?;
        }
        out.write_all(b",\"epcisBody\":{")?;
        if let DocumentKind::QueryDocument {
            query_name,
            subscription_id,
        } = &header.kind
        {
            out.write_all(b"\"queryResults\":{\"queryName\":")?;
            serde_json::to_writer(
                &mut out,
                query_name.as_deref().unwrap_or("SimpleEventQuery"),
            )?;
            if let Some(s) = subscription_id {
                out.write_all(b",\"subscriptionID\":")?;
                serde_json::to_writer(&mut out, s)?;
            }
            out.write_all(b",\"resultsBody\":{")?;
        }
        out.write_all(b"\"eventList\":[")?;
        Ok(JsonEpcisWriter {
            out,
            namespaces,
            query,
            first: true,
        })
    }

    /// Writes one event.
    pub fn write_event(&mut self, e: &Event) -> Result<(), EpcisWriteError> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, &event_json(e, &self.namespaces))?;
        Ok(())
    }

    /// Closes the event list and the document; returns the inner writer.
    pub fn finish(mut self) -> Result<W, EpcisWriteError> {
        self.out
            .write_all(if self.query { b"]}}}}" } else { b"]}}" })?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A document-level plain field back to JSON.
fn plain(v: &ExtValue) -> Value {
    match v {
        ExtValue::Text(s) => Value::String(s.clone()),
        ExtValue::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| Value::String(n.clone())),
        ExtValue::Bool(b) => Value::Bool(*b),
        ExtValue::Null => Value::Null,
        ExtValue::Elements(c) if c.iter().all(|x| x.local == "item") && !c.is_empty() => {
            Value::Array(c.iter().map(|x| plain(&x.value)).collect())
        }
        ExtValue::Elements(c) => Value::Object(
            c.iter()
                .map(|x| (x.local.clone(), plain(&x.value)))
                .collect(),
        ),
    }
}

/// Names each extension namespace of an event by a prefix: the document's where it declares the
/// same namespace under the element's prefix, else the element's own prefix or a new one.
struct Names {
    map: Vec<(String, String, String)>,
    local: Map<String, Value>,
}

impl Names {
    fn new(e: &Event, doc: &[Namespace]) -> Self {
        let mut names = Names {
            map: Vec::new(),
            local: Map::new(),
        };
        let mut n = 0;
        for ns in extension_namespaces(e) {
            let doc_has = doc.iter().any(|d| d.prefix == ns.prefix && d.uri == ns.uri);
            let std = registry::epcis::ext::standard_prefix(&ns.prefix)
                .is_some_and(|u| registry::epcis::ext::canonical_ns(u) == ns.uri);
            let taken = |p: &str, names: &Names| {
                doc.iter().any(|d| d.prefix == p)
                    || names.local.contains_key(p)
                    || registry::epcis::ext::standard_prefix(p).is_some()
            };
            let prefix = if doc_has || std {
                ns.prefix.clone()
            } else if !ns.prefix.is_empty() && !taken(&ns.prefix, &names) {
                names
                    .local
                    .insert(ns.prefix.clone(), Value::String(ns.uri.clone()));
                ns.prefix.clone()
            } else {
                let mut p;
                loop {
                    n += 1;
                    p = format!("ns{n}");
                    if !taken(&p, &names) {
                        break;
                    }
                }
                names.local.insert(p.clone(), Value::String(ns.uri.clone()));
                p
            };
            names.map.push((ns.prefix, ns.uri, prefix));
        }
        names
    }

    fn key(&self, x: &ExtElement) -> String {
        if x.ns.is_empty() {
            return x.local.clone();
        }
        let p = self
            .map
            .iter()
            .find(|(p, u, _)| *p == x.prefix && *u == x.ns)
            .map_or(x.prefix.as_str(), |(_, _, q)| q.as_str());
        format!("{p}:{}", x.local)
    }
}

/// Adds extension elements to `m`, grouping same-named siblings into arrays.
fn put_exts(names: &Names, m: &mut Map<String, Value>, list: &[ExtElement]) {
    for x in list {
        let k = names.key(x);
        let v = ext_value(names, x);
        if list.iter().filter(|y| names.key(y) == k).count() > 1 {
            if let Value::Array(a) = m.entry(k).or_insert_with(|| Value::Array(Vec::new())) {
                a.push(v);
            }
        } else {
            m.insert(k, v);
        }
    }
}

fn ext_value(names: &Names, x: &ExtElement) -> Value {
    let scalar = |v: &ExtValue| match v {
        ExtValue::Text(s) => Value::String(s.clone()),
        ExtValue::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| Value::String(n.clone())),
        ExtValue::Bool(b) => Value::Bool(*b),
        ExtValue::Null => Value::Null,
        ExtValue::Elements(_) => Value::Null,
    };
    let mut m = Map::new();
    for a in &x.attrs {
        let k = if a.ns == registry::epcis::ext::XSI_NS && a.local == "type" {
            "@type".to_owned()
        } else if a.prefix.is_empty() {
            format!("@{}", a.local)
        } else {
            format!("@{}:{}", a.prefix, a.local)
        };
        m.insert(k, Value::String(a.value.clone()));
    }
    match &x.value {
        ExtValue::Elements(children) => {
            put_exts(names, &mut m, children);
            Value::Object(m)
        }
        v if m.is_empty() => scalar(v),
        v => {
            m.insert("@value".into(), scalar(v));
            Value::Object(m)
        }
    }
}

fn quantities(m: &mut Map<String, Value>, k: &str, q: &[QuantityElement]) {
    if q.is_empty() {
        return;
    }
    let list = q
        .iter()
        .map(|e| {
            let mut o = Map::new();
            o.insert("epcClass".into(), Value::String(e.epc_class.clone()));
            if let Some(n) = e.quantity {
                o.insert("quantity".into(), num(n));
            }
            if let Some(u) = &e.uom {
                o.insert("uom".into(), Value::String(u.clone()));
            }
            Value::Object(o)
        })
        .collect();
    m.insert(k.into(), Value::Array(list));
}

fn sensor(names: &Names, s: &SensorElement) -> Value {
    let mut o = Map::new();
    if let Some(md) = &s.sensor_metadata {
        let mut m = Map::new();
        for (k, v) in [
            ("time", md.time),
            ("startTime", md.start_time),
            ("endTime", md.end_time),
        ] {
            if let Some(t) = v {
                m.insert(k.into(), time(&t));
            }
        }
        for (k, v) in [
            ("deviceID", &md.device_id),
            ("deviceMetadata", &md.device_metadata),
            ("rawData", &md.raw_data),
            ("dataProcessingMethod", &md.data_processing_method),
            ("bizRules", &md.biz_rules),
        ] {
            if let Some(v) = v {
                m.insert(k.into(), Value::String(v.clone()));
            }
        }
        put_exts(names, &mut m, &md.extensions);
        o.insert("sensorMetadata".into(), Value::Object(m));
    }
    let reports = s
        .sensor_report
        .iter()
        .map(|r| {
            let mut m = Map::new();
            let mut s = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            };
            let st = |v: &Option<String>| v.as_ref().map(|x| Value::String(x.clone()));
            s(
                "type",
                r.kind.as_deref().map(|t| word(Vocab::MeasurementType, t)),
            );
            s(
                "exception",
                r.exception
                    .as_deref()
                    .map(|t| word(Vocab::SensorAlertType, t)),
            );
            s("deviceID", st(&r.device_id));
            s("deviceMetadata", st(&r.device_metadata));
            s("rawData", st(&r.raw_data));
            s("dataProcessingMethod", st(&r.data_processing_method));
            s("bizRules", st(&r.biz_rules));
            s("time", r.time.as_ref().map(time));
            s("microorganism", st(&r.microorganism));
            s("chemicalSubstance", st(&r.chemical_substance));
            s("value", r.value.map(num));
            s(
                "component",
                r.component.as_deref().map(|t| word(Vocab::Component, t)),
            );
            s("stringValue", st(&r.string_value));
            s("booleanValue", r.boolean_value.map(Value::Bool));
            s("hexBinaryValue", st(&r.hex_binary_value));
            s("uriValue", st(&r.uri_value));
            s("minValue", r.min_value.map(num));
            s("maxValue", r.max_value.map(num));
            s("meanValue", r.mean_value.map(num));
            s("sDev", r.s_dev.map(num));
            s("percRank", r.perc_rank.map(num));
            s("percValue", r.perc_value.map(num));
            s("uom", st(&r.uom));
            s(
                "coordinateReferenceSystem",
                st(&r.coordinate_reference_system),
            );
            put_exts(names, &mut m, &r.extensions);
            Value::Object(m)
        })
        .collect();
    o.insert("sensorReport".into(), Value::Array(reports));
    put_exts(names, &mut o, &s.extensions);
    Value::Object(o)
}

/// One event as an EPCIS JSON-LD object; `doc` are the namespaces the document's `@context`
/// declares (others get an event-level `@context`).
pub fn event_json(e: &Event, doc: &[Namespace]) -> Value {
    let names = Names::new(e, doc);
    let mut m = Map::new();
    if !names.local.is_empty() {
        m.insert(
            "@context".into(),
            Value::Array(vec![Value::Object(names.local.clone())]),
        );
    }
    m.insert("type".into(), Value::String(e.event_type.as_str().into()));
    m.insert("eventTime".into(), time(&e.event_time));
    if let Some(t) = &e.record_time {
        m.insert("recordTime".into(), time(t));
    }
    m.insert(
        "eventTimeZoneOffset".into(),
        Value::String(e.event_time_zone_offset.clone()),
    );
    if let Some(id) = &e.event_id {
        m.insert("eventID".into(), Value::String(id.clone()));
    }
    match e.certification_info.as_slice() {
        [] => {}
        [one] => {
            m.insert("certificationInfo".into(), Value::String(one.clone()));
        }
        many => {
            m.insert("certificationInfo".into(), strings(many));
        }
    }
    if let Some(d) = &e.error_declaration {
        let mut o = Map::new();
        o.insert("declarationTime".into(), time(&d.declaration_time));
        if let Some(r) = &d.reason {
            o.insert("reason".into(), word(Vocab::ErrorReason, r));
        }
        if !d.corrective_event_ids.is_empty() {
            o.insert(
                "correctiveEventIDs".into(),
                strings(&d.corrective_event_ids),
            );
        }
        put_exts(&names, &mut o, &d.extensions);
        m.insert("errorDeclaration".into(), Value::Object(o));
    }
    if let Some(p) = &e.parent_id {
        m.insert("parentID".into(), Value::String(p.clone()));
    }
    for (k, l) in [
        ("epcList", &e.epc_list),
        ("childEPCs", &e.child_epcs),
        ("inputEPCList", &e.input_epc_list),
        ("outputEPCList", &e.output_epc_list),
    ] {
        if !l.is_empty() {
            m.insert(k.into(), strings(l));
        }
    }
    if let Some(a) = e.action {
        m.insert("action".into(), Value::String(a.as_str().into()));
    }
    quantities(&mut m, "quantityList", &e.quantity_list);
    quantities(&mut m, "childQuantityList", &e.child_quantity_list);
    quantities(&mut m, "inputQuantityList", &e.input_quantity_list);
    quantities(&mut m, "outputQuantityList", &e.output_quantity_list);
    if let Some(t) = &e.transformation_id {
        m.insert("transformationID".into(), Value::String(t.clone()));
    }
    if let Some(b) = &e.biz_step {
        m.insert("bizStep".into(), word(Vocab::BizStep, b));
    }
    if let Some(d) = &e.disposition {
        m.insert("disposition".into(), word(Vocab::Disposition, d));
    }
    if let Some(pd) = &e.persistent_disposition {
        let mut o = Map::new();
        for (k, l) in [("set", &pd.set), ("unset", &pd.unset)] {
            if !l.is_empty() {
                o.insert(
                    k.into(),
                    Value::Array(l.iter().map(|d| word(Vocab::Disposition, d)).collect()),
                );
            }
        }
        m.insert("persistentDisposition".into(), Value::Object(o));
    }
    for (k, l) in [
        ("readPoint", &e.read_point),
        ("bizLocation", &e.biz_location),
    ] {
        if let Some(l) = l {
            let mut o = Map::new();
            o.insert("id".into(), Value::String(l.id.clone()));
            put_exts(&names, &mut o, &l.extensions);
            m.insert(k.into(), Value::Object(o));
        }
    }
    if !e.biz_transaction_list.is_empty() {
        let list = e
            .biz_transaction_list
            .iter()
            .map(|b| {
                let mut o = Map::new();
                if let Some(t) = &b.kind {
                    o.insert("type".into(), word(Vocab::BizTransactionType, t));
                }
                o.insert("bizTransaction".into(), Value::String(b.value.clone()));
                Value::Object(o)
            })
            .collect();
        m.insert("bizTransactionList".into(), Value::Array(list));
    }
    for (k, item, l) in [
        ("sourceList", "source", &e.source_list),
        ("destinationList", "destination", &e.destination_list),
    ] {
        if !l.is_empty() {
            let list = l
                .iter()
                .map(|s| json!({ "type": word(Vocab::SourceDestType, &s.kind), item: s.value }))
                .collect();
            m.insert(k.into(), Value::Array(list));
        }
    }
    if !e.sensor_element_list.is_empty() {
        let list = e
            .sensor_element_list
            .iter()
            .map(|s| sensor(&names, s))
            .collect();
        m.insert("sensorElementList".into(), Value::Array(list));
    }
    if let Some(ilmd) = &e.ilmd {
        let mut o = Map::new();
        put_exts(&names, &mut o, ilmd);
        m.insert("ilmd".into(), Value::Object(o));
    }
    put_exts(&names, &mut m, &e.extensions);
    Value::Object(m)
}

/// Writes `header` and every event from `events` as one JSON-LD document to `out`.
pub fn write_json<'e, W: Write>(
    out: W,
    header: &DocumentHeader,
    events: impl IntoIterator<Item = &'e Event>,
) -> Result<W, EpcisWriteError> {
    let mut w = JsonEpcisWriter::new(out, header)?;
    for e in events {
        w.write_event(e)?;
    }
    w.finish()
}

/// Writes a whole document as JSON-LD.
pub fn document_to_json(doc: &EpcisDocument) -> Result<Vec<u8>, EpcisWriteError> {
    write_json(Vec::new(), &doc.header, &doc.events)
}
