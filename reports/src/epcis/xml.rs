//! EPCIS XML out: `EPCISDocument` or `EPCISQueryDocument`, streaming.

use std::io::Write;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event as XmlEvent};
use registry::epcis::cbv::{self, Vocab};
use registry::epcis::{
    DocumentHeader, DocumentKind, EpcisDocument, Event, EventType, ExtElement, ExtValue,
    QuantityElement, SensorElement, SourceDest,
};

use super::EpcisWriteError;

const EPCIS_NS: &str = "urn:epcglobal:epcis:xsd:2";
const QUERY_NS: &str = "urn:epcglobal:epcis-query:xsd:2";

/// Writes one EPCIS XML document event by event.
pub struct XmlEpcisWriter<W: Write> {
    w: Writer<W>,
    /// Namespace bindings in scope: the root's, then each open extension element's.
    scope: Vec<(String, String)>,
    query: bool,
    generated: usize,
}

impl<W: Write> std::fmt::Debug for XmlEpcisWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlEpcisWriter")
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

fn time(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn vocab(v: Vocab, canonical: &str) -> String {
    cbv::urn(v, canonical).unwrap_or_else(|| canonical.to_owned())
}

impl<W: Write> XmlEpcisWriter<W> {
    /// Writes the XML declaration, the root element (with the header's namespace declarations),
    /// any `EPCISHeader`, and opens the event list.
    pub fn new(out: W, header: &DocumentHeader) -> Result<Self, EpcisWriteError> {
        let query = matches!(header.kind, DocumentKind::QueryDocument { .. });
        let mut me = XmlEpcisWriter {
            w: Writer::new_with_indent(out, b' ', 2),
            scope: Vec::new(),
            query,
            generated: 0,
        };
        me.w.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let (root, prefix, ns) = if query {
            ("epcisq:EPCISQueryDocument", "epcisq", QUERY_NS)
        } else {
            ("epcis:EPCISDocument", "epcis", EPCIS_NS)
        };
        let mut start = BytesStart::new(root);
        start.push_attribute((format!("xmlns:{prefix}").as_str(), ns));
        me.scope.push((prefix.to_owned(), ns.to_owned()));
        for n in &header.namespaces {
            if n.prefix.is_empty()
                || n.prefix == prefix
                || me.scope.iter().any(|(p, _)| *p == n.prefix)
            {
                continue;
            }
            start.push_attribute((format!("xmlns:{}", n.prefix).as_str(), n.uri.as_str()));
            me.scope.push((n.prefix.clone(), n.uri.clone()));
        }
        start.push_attribute((
            "schemaVersion",
            header.schema_version.as_deref().unwrap_or("2.0"),
        ));
        let created = time(
            &header
                .creation_date
                .ok_or(EpcisWriteError::NoCreationDate)?,
        );
        start.push_attribute(("creationDate", created.as_str()));
        me.w.write_event(XmlEvent::Start(start))?;
        for x in header.extras.iter().filter(|x| x.local == "EPCISHeader") {
            me.ext(x)?;
        }
        me.open("EPCISBody")?;
        if let DocumentKind::QueryDocument {
            query_name,
            subscription_id,
        } = &header.kind
        {
            me.open("epcisq:QueryResults")?;
            me.text_el(
                "queryName",
                query_name.as_deref().unwrap_or("SimpleEventQuery"),
            )?;
            if let Some(s) = subscription_id {
                me.text_el("subscriptionID", s)?;
            }
            me.open("resultsBody")?;
        }
        me.open("EventList")?;
        Ok(me)
    }

    fn open(&mut self, name: &str) -> Result<(), EpcisWriteError> {
        self.w.write_event(XmlEvent::Start(BytesStart::new(name)))?;
        Ok(())
    }

    fn close(&mut self, name: &str) -> Result<(), EpcisWriteError> {
        self.w.write_event(XmlEvent::End(BytesEnd::new(name)))?;
        Ok(())
    }

    fn text_el(&mut self, name: &str, text: &str) -> Result<(), EpcisWriteError> {
        self.open(name)?;
        self.w.write_event(XmlEvent::Text(BytesText::new(text)))?;
        self.close(name)
    }

    fn list(&mut self, name: &str, item: &str, values: &[String]) -> Result<(), EpcisWriteError> {
        if values.is_empty() {
            return Ok(());
        }
        self.open(name)?;
        for v in values {
            self.text_el(item, v)?;
        }
        self.close(name)
    }

    fn quantities(&mut self, name: &str, q: &[QuantityElement]) -> Result<(), EpcisWriteError> {
        if q.is_empty() {
            return Ok(());
        }
        self.open(name)?;
        for e in q {
            self.open("quantityElement")?;
            self.text_el("epcClass", &e.epc_class)?;
            if let Some(n) = e.quantity {
                self.text_el("quantity", &format!("{n}"))?;
            }
            if let Some(u) = &e.uom {
                self.text_el("uom", u)?;
            }
            self.close("quantityElement")?;
        }
        self.close(name)
    }

    fn source_dest(
        &mut self,
        name: &str,
        item: &str,
        l: &[SourceDest],
    ) -> Result<(), EpcisWriteError> {
        if l.is_empty() {
            return Ok(());
        }
        self.open(name)?;
        for s in l {
            let mut st = BytesStart::new(item);
            st.push_attribute(("type", vocab(Vocab::SourceDestType, &s.kind).as_str()));
            self.w.write_event(XmlEvent::Start(st))?;
            self.w
                .write_event(XmlEvent::Text(BytesText::new(&s.value)))?;
            self.close(item)?;
        }
        self.close(name)
    }

    /// The prefix to use for `ns` (preferring `wanted`), and whether it must be declared here.
    fn binding(&mut self, wanted: &str, ns: &str) -> (String, bool) {
        let bound = |p: &str, scope: &[(String, String)]| {
            scope
                .iter()
                .rev()
                .find(|(q, _)| q == p)
                .map(|(_, u)| u.clone())
        };
        if !wanted.is_empty() && bound(wanted, &self.scope).as_deref() == Some(ns) {
            return (wanted.to_owned(), false);
        }
        if !wanted.is_empty() && !matches!(wanted, "epcis" | "epcisq" | "xml" | "xmlns") {
            return (wanted.to_owned(), true);
        }
        self.generated += 1;
        (format!("ns{}", self.generated), true)
    }

    fn ext(&mut self, x: &ExtElement) -> Result<(), EpcisWriteError> {
        let depth = self.scope.len();
        let name = if x.ns.is_empty() {
            x.local.clone()
        } else {
            let (p, declare) = self.binding(&x.prefix, &x.ns);
            if declare {
                self.scope.push((p.clone(), x.ns.clone()));
            }
            format!("{p}:{}", x.local)
        };
        let mut st = BytesStart::new(name.as_str());
        for (p, u) in &self.scope[depth..] {
            st.push_attribute((format!("xmlns:{p}").as_str(), u.as_str()));
        }
        let mut decls = Vec::new();
        let mut attrs = Vec::new();
        for a in &x.attrs {
            let an = if a.ns.is_empty() {
                a.local.clone()
            } else {
                let (p, declare) = self.binding(&a.prefix, &a.ns);
                if declare {
                    self.scope.push((p.clone(), a.ns.clone()));
                    decls.push((p.clone(), a.ns.clone()));
                }
                format!("{p}:{}", a.local)
            };
            attrs.push((an, a.value.clone()));
        }
        for (p, u) in &decls {
            st.push_attribute((format!("xmlns:{p}").as_str(), u.as_str()));
        }
        for (k, v) in &attrs {
            st.push_attribute((k.as_str(), v.as_str()));
        }
        match &x.value {
            ExtValue::Elements(children) if !children.is_empty() => {
                self.w.write_event(XmlEvent::Start(st))?;
                for c in children {
                    self.ext(c)?;
                }
                self.w
                    .write_event(XmlEvent::End(BytesEnd::new(name.as_str())))?;
            }
            other => {
                let text = other.as_text().unwrap_or("");
                if text.is_empty() {
                    self.w.write_event(XmlEvent::Empty(st))?;
                } else {
                    self.w.write_event(XmlEvent::Start(st))?;
                    self.w.write_event(XmlEvent::Text(BytesText::new(text)))?;
                    self.w
                        .write_event(XmlEvent::End(BytesEnd::new(name.as_str())))?;
                }
            }
        }
        self.scope.truncate(depth);
        Ok(())
    }

    /// Attributes for extension values of a sensor element (their namespaces declared in place).
    fn ext_attrs(&mut self, st: &mut BytesStart<'_>, list: &[ExtElement]) {
        let mut declared: Vec<(String, String)> = Vec::new();
        for x in list {
            let (p, declare) = self.binding(&x.prefix, &x.ns);
            let p = if declare {
                if let Some((q, _)) = declared.iter().find(|(_, u)| *u == x.ns) {
                    q.clone()
                } else {
                    st.push_attribute((format!("xmlns:{p}").as_str(), x.ns.as_str()));
                    declared.push((p.clone(), x.ns.clone()));
                    p
                }
            } else {
                p
            };
            let value = match &x.value {
                ExtValue::Elements(_) => serde_json::to_string(&x.value).unwrap_or_default(),
                v => v.as_text().unwrap_or("").to_owned(),
            };
            st.push_attribute((format!("{p}:{}", x.local).as_str(), value.as_str()));
        }
    }

    fn sensor(&mut self, s: &SensorElement) -> Result<(), EpcisWriteError> {
        self.open("sensorElement")?;
        if let Some(m) = &s.sensor_metadata {
            let mut st = BytesStart::new("sensorMetadata");
            let times = [
                ("time", m.time),
                ("startTime", m.start_time),
                ("endTime", m.end_time),
            ];
            for (k, v) in times {
                if let Some(t) = v {
                    st.push_attribute((k, time(&t).as_str()));
                }
            }
            for (k, v) in [
                ("deviceID", &m.device_id),
                ("deviceMetadata", &m.device_metadata),
                ("rawData", &m.raw_data),
                ("dataProcessingMethod", &m.data_processing_method),
                ("bizRules", &m.biz_rules),
            ] {
                if let Some(v) = v {
                    st.push_attribute((k, v.as_str()));
                }
            }
            self.ext_attrs(&mut st, &m.extensions);
            self.w.write_event(XmlEvent::Empty(st))?;
        }
        for r in &s.sensor_report {
            let mut st = BytesStart::new("sensorReport");
            let mut a = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    st.push_attribute((k, v.as_str()));
                }
            };
            let num = |n: Option<f64>| n.map(|n| format!("{n}"));
            a("type", r.kind.clone());
            a("exception", r.exception.clone());
            a("deviceID", r.device_id.clone());
            a("deviceMetadata", r.device_metadata.clone());
            a("rawData", r.raw_data.clone());
            a("dataProcessingMethod", r.data_processing_method.clone());
            a("bizRules", r.biz_rules.clone());
            a("time", r.time.as_ref().map(time));
            a("microorganism", r.microorganism.clone());
            a("chemicalSubstance", r.chemical_substance.clone());
            a("value", num(r.value));
            a("component", r.component.clone());
            a("stringValue", r.string_value.clone());
            a("booleanValue", r.boolean_value.map(|b| b.to_string()));
            a("hexBinaryValue", r.hex_binary_value.clone());
            a("uriValue", r.uri_value.clone());
            a("minValue", num(r.min_value));
            a("maxValue", num(r.max_value));
            a("meanValue", num(r.mean_value));
            a("sDev", num(r.s_dev));
            a("percRank", num(r.perc_rank));
            a("percValue", num(r.perc_value));
            a("uom", r.uom.clone());
            a(
                "coordinateReferenceSystem",
                r.coordinate_reference_system.clone(),
            );
            self.ext_attrs(&mut st, &r.extensions);
            self.w.write_event(XmlEvent::Empty(st))?;
        }
        for x in &s.extensions {
            self.ext(x)?;
        }
        self.close("sensorElement")
    }

    /// Writes one event in the XSD's element order.
    pub fn write_event(&mut self, e: &Event) -> Result<(), EpcisWriteError> {
        let name = e.event_type.as_str();
        self.open(name)?;
        self.text_el("eventTime", &time(&e.event_time))?;
        if let Some(t) = &e.record_time {
            self.text_el("recordTime", &time(t))?;
        }
        self.text_el("eventTimeZoneOffset", &e.event_time_zone_offset)?;
        if let Some(id) = &e.event_id {
            self.text_el("eventID", id)?;
        }
        if let Some(d) = &e.error_declaration {
            self.open("errorDeclaration")?;
            self.text_el("declarationTime", &time(&d.declaration_time))?;
            if let Some(r) = &d.reason {
                self.text_el("reason", &vocab(Vocab::ErrorReason, r))?;
            }
            self.list(
                "correctiveEventIDs",
                "correctiveEventID",
                &d.corrective_event_ids,
            )?;
            for x in &d.extensions {
                self.ext(x)?;
            }
            self.close("errorDeclaration")?;
        }
        for c in &e.certification_info {
            self.text_el("certificationInfo", c)?;
        }
        let action = |me: &mut Self| match e.action {
            Some(a) => me.text_el("action", a.as_str()),
            None => Ok(()),
        };
        let parent = |me: &mut Self| match &e.parent_id {
            Some(p) => me.text_el("parentID", p),
            None => Ok(()),
        };
        match e.event_type {
            EventType::ObjectEvent => {
                self.list("epcList", "epc", &e.epc_list)?;
                action(self)?;
            }
            EventType::AggregationEvent => {
                parent(self)?;
                self.list("childEPCs", "epc", &e.child_epcs)?;
                action(self)?;
            }
            EventType::TransactionEvent => {
                self.biz_transactions(e)?;
                parent(self)?;
                self.list("epcList", "epc", &e.epc_list)?;
                action(self)?;
            }
            EventType::TransformationEvent => {
                self.list("inputEPCList", "epc", &e.input_epc_list)?;
                self.quantities("inputQuantityList", &e.input_quantity_list)?;
                self.list("outputEPCList", "epc", &e.output_epc_list)?;
                self.quantities("outputQuantityList", &e.output_quantity_list)?;
                if let Some(t) = &e.transformation_id {
                    self.text_el("transformationID", t)?;
                }
            }
            EventType::AssociationEvent => {
                parent(self)?;
                self.list("childEPCs", "epc", &e.child_epcs)?;
                self.quantities("childQuantityList", &e.child_quantity_list)?;
                action(self)?;
            }
        }
        if let Some(b) = &e.biz_step {
            self.text_el("bizStep", &vocab(Vocab::BizStep, b))?;
        }
        if let Some(d) = &e.disposition {
            self.text_el("disposition", &vocab(Vocab::Disposition, d))?;
        }
        for (n, l) in [
            ("readPoint", &e.read_point),
            ("bizLocation", &e.biz_location),
        ] {
            if let Some(l) = l {
                self.open(n)?;
                self.text_el("id", &l.id)?;
                for x in &l.extensions {
                    self.ext(x)?;
                }
                self.close(n)?;
            }
        }
        if e.event_type != EventType::TransactionEvent {
            self.biz_transactions(e)?;
        }
        match e.event_type {
            EventType::ObjectEvent | EventType::TransactionEvent => {
                self.quantities("quantityList", &e.quantity_list)?;
            }
            EventType::AggregationEvent => {
                self.quantities("childQuantityList", &e.child_quantity_list)?;
            }
            _ => {}
        }
        self.source_dest("sourceList", "source", &e.source_list)?;
        self.source_dest("destinationList", "destination", &e.destination_list)?;
        if !e.sensor_element_list.is_empty() {
            self.open("sensorElementList")?;
            for s in &e.sensor_element_list {
                self.sensor(s)?;
            }
            self.close("sensorElementList")?;
        }
        if let Some(pd) = &e.persistent_disposition {
            self.open("persistentDisposition")?;
            for u in &pd.unset {
                self.text_el("unset", &vocab(Vocab::Disposition, u))?;
            }
            for s in &pd.set {
                self.text_el("set", &vocab(Vocab::Disposition, s))?;
            }
            self.close("persistentDisposition")?;
        }
        if let Some(ilmd) = &e.ilmd {
            self.open("ilmd")?;
            for x in ilmd {
                self.ext(x)?;
            }
            self.close("ilmd")?;
        }
        for x in &e.extensions {
            self.ext(x)?;
        }
        self.close(name)
    }

    fn biz_transactions(&mut self, e: &Event) -> Result<(), EpcisWriteError> {
        if e.biz_transaction_list.is_empty() {
            return Ok(());
        }
        self.open("bizTransactionList")?;
        for b in &e.biz_transaction_list {
            let mut st = BytesStart::new("bizTransaction");
            if let Some(t) = &b.kind {
                st.push_attribute(("type", vocab(Vocab::BizTransactionType, t).as_str()));
            }
            self.w.write_event(XmlEvent::Start(st))?;
            self.w
                .write_event(XmlEvent::Text(BytesText::new(&b.value)))?;
            self.close("bizTransaction")?;
        }
        self.close("bizTransactionList")
    }

    /// Closes the event list and the document; returns the inner writer.
    pub fn finish(mut self) -> Result<W, EpcisWriteError> {
        self.close("EventList")?;
        if self.query {
            self.close("resultsBody")?;
            self.close("epcisq:QueryResults")?;
        }
        self.close("EPCISBody")?;
        self.close(if self.query {
            "epcisq:EPCISQueryDocument"
        } else {
            "epcis:EPCISDocument"
        })?;
        let mut out = self.w.into_inner();
        out.flush()?;
        Ok(out)
    }
}

/// Writes `header` and every event from `events` as one XML document to `out`.
pub fn write_xml<'e, W: Write>(
    out: W,
    header: &DocumentHeader,
    events: impl IntoIterator<Item = &'e Event>,
) -> Result<W, EpcisWriteError> {
    let mut w = XmlEpcisWriter::new(out, header)?;
    for e in events {
        w.write_event(e)?;
    }
    w.finish()
}

/// Writes a whole document as XML.
pub fn document_to_xml(doc: &EpcisDocument) -> Result<Vec<u8>, EpcisWriteError> {
    write_xml(Vec::new(), &doc.header, &doc.events)
}
