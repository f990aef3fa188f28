//! One XML event element (already read into a small tree) to the model.

use registry::epcis::cbv::Vocab;
use registry::epcis::{
    Action, BizTransaction, ErrorDeclaration, Event, EventType, ExtAttr, ExtElement, ExtValue,
    Location, PersistentDisposition, QuantityElement, SensorElement, SensorMetadata, SensorReport,
    SourceDest,
};

use super::reader::XNode;
use crate::epcis::EpcisError;
use crate::epcis::fields::Ctx;
use crate::epcis::validate::check_event;

/// The XSD element order of each event type (EPCIS 2.0), base fields first.
fn order(t: EventType) -> &'static [&'static str] {
    const BASE: [&str; 7] = [
        "eventTime",
        "recordTime",
        "eventTimeZoneOffset",
        "eventID",
        "errorDeclaration",
        "certificationInfo",
        "baseExtension",
    ];
    const OBJECT: &[&str] = &[
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
        "extension",
    ];
    const AGGREGATION: &[&str] = &[
        "parentID",
        "childEPCs",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "childQuantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "extension",
    ];
    const TRANSACTION: &[&str] = &[
        "bizTransactionList",
        "parentID",
        "epcList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "quantityList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "extension",
    ];
    const TRANSFORMATION: &[&str] = &[
        "inputEPCList",
        "inputQuantityList",
        "outputEPCList",
        "outputQuantityList",
        "transformationID",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "ilmd",
        "extension",
    ];
    const ASSOCIATION: &[&str] = &[
        "parentID",
        "childEPCs",
        "childQuantityList",
        "action",
        "bizStep",
        "disposition",
        "readPoint",
        "bizLocation",
        "bizTransactionList",
        "sourceList",
        "destinationList",
        "sensorElementList",
        "persistentDisposition",
        "extension",
    ];
    let _ = BASE;
    match t {
        EventType::ObjectEvent => OBJECT,
        EventType::AggregationEvent => AGGREGATION,
        EventType::TransactionEvent => TRANSACTION,
        EventType::TransformationEvent => TRANSFORMATION,
        EventType::AssociationEvent => ASSOCIATION,
    }
}

const BASE_ORDER: [&str; 7] = [
    "eventTime",
    "recordTime",
    "eventTimeZoneOffset",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
    "baseExtension",
];

/// Position of a standard element in the XSD sequence, if it is one.
fn position(t: EventType, local: &str) -> Option<usize> {
    BASE_ORDER.iter().position(|x| *x == local).or_else(|| {
        order(t)
            .iter()
            .position(|x| *x == local)
            .map(|p| p + BASE_ORDER.len())
    })
}

/// Replaces unqualified `extension` / `baseExtension` wrappers (EPCIS 1.x) by their children.
fn unwrap_extensions(children: Vec<XNode>) -> Vec<XNode> {
    let mut out = Vec::with_capacity(children.len());
    for c in children {
        if c.is_standard() && (c.local == "extension" || c.local == "baseExtension") {
            out.extend(unwrap_extensions(c.children));
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts an event element to an [`Event`] and checks it.
pub(crate) fn event_from_xml(
    node: XNode,
    index: usize,
    strict_order: bool,
) -> Result<Event, EpcisError> {
    let ctx = Ctx { index: Some(index) };
    if node.local == "QuantityEvent" {
        return Err(ctx.err("", "QuantityEvent was removed in EPCIS 2.0"));
    }
    let t = EventType::parse(&node.local)
        .ok_or_else(|| ctx.err("", format!("unknown event type <{}>", node.local)))?;
    if strict_order {
        let mut last = 0;
        for c in node.children.iter().filter(|c| c.is_standard()) {
            let p = position(t, &c.local).ok_or_else(|| {
                ctx.err(
                    &c.local,
                    format!("unknown element <{}> in {}", c.local, t.as_str()),
                )
            })?;
            if p < last {
                return Err(ctx.err(
                    &c.local,
                    format!("element <{}> out of the order EPCIS 2.0 fixes", c.local),
                ));
            }
            last = p;
        }
    }
    let mut b = Builder {
        ctx,
        time: None,
        offset: None,
        seen: Vec::new(),
    };
    let mut e = Event::new(t, chrono::DateTime::UNIX_EPOCH.fixed_offset());
    for c in unwrap_extensions(node.children) {
        if !c.is_standard() {
            e.extensions.push(ext_from_node(c));
            continue;
        }
        b.field(&mut e, c)?;
    }
    e.event_time = b
        .time
        .ok_or_else(|| ctx.err("eventTime", "required field missing"))?;
    e.event_time_zone_offset = b
        .offset
        .ok_or_else(|| ctx.err("eventTimeZoneOffset", "required field missing"))?;
    check_event(&e, Some(index))?;
    Ok(e)
}

struct Builder {
    ctx: Ctx,
    time: Option<chrono::DateTime<chrono::FixedOffset>>,
    offset: Option<String>,
    seen: Vec<String>,
}

impl Builder {
    fn once(&mut self, name: &str) -> Result<(), EpcisError> {
        if self.seen.iter().any(|s| s == name) {
            return Err(self.ctx.err(name, "appears more than once"));
        }
        self.seen.push(name.to_owned());
        Ok(())
    }

    fn field(&mut self, e: &mut Event, c: XNode) -> Result<(), EpcisError> {
        let ctx = self.ctx;
        let name = c.local.clone();
        let f = name.as_str();
        let text = c.text.trim();
        let single = !matches!(f, "certificationInfo");
        if single {
            self.once(f)?;
        }
        match f {
            "eventTime" => self.time = Some(ctx.time(f, text)?),
            "recordTime" => e.record_time = Some(ctx.time(f, text)?),
            "eventTimeZoneOffset" => self.offset = Some(ctx.offset(f, text)?),
            "eventID" => e.event_id = Some(ctx.uri(f, text)?),
            "certificationInfo" => e.certification_info.push(ctx.uri(f, text)?),
            "errorDeclaration" => e.error_declaration = Some(error_declaration(ctx, c)?),
            "action" => {
                e.action = Some(Action::parse(text).ok_or_else(|| {
                    ctx.err(f, format!("{text:?} is not one of ADD, OBSERVE, DELETE"))
                })?);
            }
            "epcList" => e.epc_list = epcs(ctx, f, &c)?,
            "childEPCs" => e.child_epcs = epcs(ctx, f, &c)?,
            "inputEPCList" => e.input_epc_list = epcs(ctx, f, &c)?,
            "outputEPCList" => e.output_epc_list = epcs(ctx, f, &c)?,
            "parentID" => e.parent_id = Some(ctx.id(f, text)?),
            "quantityList" => e.quantity_list = quantities(ctx, f, c)?,
            "childQuantityList" => e.child_quantity_list = quantities(ctx, f, c)?,
            "inputQuantityList" => e.input_quantity_list = quantities(ctx, f, c)?,
            "outputQuantityList" => e.output_quantity_list = quantities(ctx, f, c)?,
            "transformationID" => e.transformation_id = Some(ctx.uri(f, text)?),
            "bizStep" => e.biz_step = Some(ctx.vocab(f, Vocab::BizStep, text)?),
            "disposition" => e.disposition = Some(ctx.vocab(f, Vocab::Disposition, text)?),
            "persistentDisposition" => {
                let mut pd = PersistentDisposition::default();
                for (i, k) in c.children.into_iter().enumerate() {
                    let field = format!("{f}.{}[{i}]", k.local);
                    let v = ctx.vocab(&field, Vocab::Disposition, k.text.trim())?;
                    match k.local.as_str() {
                        "set" => pd.set.push(v),
                        "unset" => pd.unset.push(v),
                        other => return Err(ctx.err(&field, format!("unknown element <{other}>"))),
                    }
                }
                e.persistent_disposition = Some(pd);
            }
            "readPoint" => e.read_point = Some(location(ctx, f, c)?),
            "bizLocation" => e.biz_location = Some(location(ctx, f, c)?),
            "bizTransactionList" => {
                for (i, k) in c.children.into_iter().enumerate() {
                    let field = format!("{f}[{i}]");
                    expect(ctx, &field, &k, "bizTransaction")?;
                    let kind = k
                        .attr("type")
                        .map(|t| ctx.vocab(&format!("{field}.type"), Vocab::BizTransactionType, t))
                        .transpose()?;
                    e.biz_transaction_list.push(BizTransaction {
                        kind,
                        value: ctx.id(&field, k.text.trim())?,
                    });
                }
            }
            "sourceList" => e.source_list = source_dest(ctx, f, "source", c)?,
            "destinationList" => e.destination_list = source_dest(ctx, f, "destination", c)?,
            "sensorElementList" => {
                for (i, k) in c.children.into_iter().enumerate() {
                    let field = format!("{f}[{i}]");
                    if !k.is_standard() {
                        continue;
                    }
                    expect(ctx, &field, &k, "sensorElement")?;
                    e.sensor_element_list.push(sensor_element(ctx, &field, k)?);
                }
            }
            "ilmd" => {
                let mut list = Vec::new();
                for k in unwrap_extensions(c.children) {
                    if k.ns.is_empty() {
                        return Err(ctx.err(
                            &format!("ilmd.{}", k.local),
                            "an ilmd key needs a namespace",
                        ));
                    }
                    list.push(ext_from_node(k));
                }
                e.ilmd = Some(list);
            }
            other => {
                return Err(ctx.err(
                    other,
                    format!("unknown element <{other}> in {}", e.event_type.as_str()),
                ));
            }
        }
        Ok(())
    }
}

fn expect(ctx: Ctx, field: &str, k: &XNode, name: &str) -> Result<(), EpcisError> {
    if k.is_standard() && k.local == name {
        Ok(())
    } else {
        Err(ctx.err(field, format!("expected <{name}>, found <{}>", k.local)))
    }
}

fn epcs(ctx: Ctx, f: &str, c: &XNode) -> Result<Vec<String>, EpcisError> {
    c.children
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let field = format!("{f}[{i}]");
            expect(ctx, &field, k, "epc")?;
            ctx.id(&field, &k.text)
        })
        .collect()
}

fn quantities(ctx: Ctx, f: &str, c: XNode) -> Result<Vec<QuantityElement>, EpcisError> {
    let mut out = Vec::new();
    for (i, k) in c.children.into_iter().enumerate() {
        let field = format!("{f}[{i}]");
        expect(ctx, &field, &k, "quantityElement")?;
        let mut q = QuantityElement {
            epc_class: String::new(),
            quantity: None,
            uom: None,
        };
        for p in k.children {
            let pf = format!("{field}.{}", p.local);
            match p.local.as_str() {
                "epcClass" => q.epc_class = ctx.id(&pf, &p.text)?,
                // An empty (nil) quantity is as good as none.
                "quantity" if p.text.trim().is_empty() => q.quantity = None,
                "quantity" => q.quantity = Some(ctx.decimal(&pf, &p.text)?),
                "uom" => q.uom = Some(ctx.uom(&pf, &p.text)?),
                other => return Err(ctx.err(&pf, format!("unknown element <{other}>"))),
            }
        }
        if q.epc_class.is_empty() {
            return Err(ctx.err(&format!("{field}.epcClass"), "required field missing"));
        }
        out.push(q);
    }
    Ok(out)
}

fn location(ctx: Ctx, f: &str, c: XNode) -> Result<Location, EpcisError> {
    let mut id = None;
    let mut extensions = Vec::new();
    for k in unwrap_extensions(c.children) {
        if k.is_standard() && k.local == "id" {
            id = Some(ctx.id(&format!("{f}.id"), &k.text)?);
        } else if k.is_standard() {
            return Err(ctx.err(
                &format!("{f}.{}", k.local),
                format!("unknown element <{}>", k.local),
            ));
        } else {
            extensions.push(ext_from_node(k));
        }
    }
    let id = id.ok_or_else(|| ctx.err(&format!("{f}.id"), "required field missing"))?;
    Ok(Location { id, extensions })
}

fn source_dest(ctx: Ctx, f: &str, name: &str, c: XNode) -> Result<Vec<SourceDest>, EpcisError> {
    let mut out = Vec::new();
    for (i, k) in c.children.into_iter().enumerate() {
        let field = format!("{f}[{i}]");
        expect(ctx, &field, &k, name)?;
        let kind = k
            .attr("type")
            .ok_or_else(|| ctx.err(&format!("{field}.type"), "required field missing"))?;
        out.push(SourceDest {
            kind: ctx.vocab(&format!("{field}.type"), Vocab::SourceDestType, kind)?,
            value: ctx.id(&field, k.text.trim())?,
        });
    }
    Ok(out)
}

fn error_declaration(ctx: Ctx, c: XNode) -> Result<ErrorDeclaration, EpcisError> {
    let f = "errorDeclaration";
    let mut time = None;
    let mut d = ErrorDeclaration {
        declaration_time: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        reason: None,
        corrective_event_ids: Vec::new(),
        extensions: Vec::new(),
    };
    for k in unwrap_extensions(c.children) {
        let kf = format!("{f}.{}", k.local);
        if !k.is_standard() {
            d.extensions.push(ext_from_node(k));
            continue;
        }
        match k.local.as_str() {
            "declarationTime" => time = Some(ctx.time(&kf, &k.text)?),
            "reason" => d.reason = Some(ctx.vocab(&kf, Vocab::ErrorReason, &k.text)?),
            "correctiveEventIDs" => {
                for (i, id) in k.children.iter().enumerate() {
                    d.corrective_event_ids
                        .push(ctx.uri(&format!("{kf}[{i}]"), &id.text)?);
                }
            }
            other => return Err(ctx.err(&kf, format!("unknown element <{other}>"))),
        }
    }
    d.declaration_time =
        time.ok_or_else(|| ctx.err(&format!("{f}.declarationTime"), "required field missing"))?;
    Ok(d)
}

fn sensor_element(ctx: Ctx, f: &str, c: XNode) -> Result<SensorElement, EpcisError> {
    let mut el = SensorElement::default();
    for k in unwrap_extensions(c.children) {
        if !k.is_standard() {
            el.extensions.push(ext_from_node(k));
            continue;
        }
        match k.local.as_str() {
            "sensorMetadata" => {
                let mf = format!("{f}.sensorMetadata");
                let mut m = SensorMetadata::default();
                for a in k.attrs {
                    let af = format!("{mf}.{}", a.local);
                    if !a.ns.is_empty() {
                        m.extensions.push(attr_ext(a));
                        continue;
                    }
                    let v = a.value.as_str();
                    match a.local.as_str() {
                        "time" => m.time = Some(ctx.time(&af, v)?),
                        "startTime" => m.start_time = Some(ctx.time(&af, v)?),
                        "endTime" => m.end_time = Some(ctx.time(&af, v)?),
                        "deviceID" => m.device_id = Some(ctx.id(&af, v)?),
                        "deviceMetadata" => m.device_metadata = Some(ctx.uri(&af, v)?),
                        "rawData" => m.raw_data = Some(ctx.uri(&af, v)?),
                        "dataProcessingMethod" => m.data_processing_method = Some(ctx.uri(&af, v)?),
                        "bizRules" => m.biz_rules = Some(ctx.uri(&af, v)?),
                        other => return Err(ctx.err(&af, format!("unknown attribute {other:?}"))),
                    }
                }
                el.sensor_metadata = Some(m);
            }
            "sensorReport" => {
                let rf = format!("{f}.sensorReport[{}]", el.sensor_report.len());
                let mut r = SensorReport::default();
                for a in k.attrs {
                    let af = format!("{rf}.{}", a.local);
                    if !a.ns.is_empty() {
                        r.extensions.push(attr_ext(a));
                        continue;
                    }
                    report_attr(ctx, &af, &mut r, &a.local, &a.value)?;
                }
                el.sensor_report.push(r);
            }
            other => {
                return Err(ctx.err(
                    &format!("{f}.{other}"),
                    format!("unknown element <{other}>"),
                ));
            }
        }
    }
    Ok(el)
}

/// Sets one `sensorReport` attribute from its text form (shared with the JSON-LD reader).
pub(crate) fn report_attr(
    ctx: Ctx,
    af: &str,
    r: &mut SensorReport,
    name: &str,
    v: &str,
) -> Result<(), EpcisError> {
    match name {
        "type" => r.kind = Some(ctx.vocab(af, Vocab::MeasurementType, v)?),
        "exception" => r.exception = Some(ctx.vocab(af, Vocab::SensorAlertType, v)?),
        "deviceID" => r.device_id = Some(ctx.id(af, v)?),
        "deviceMetadata" => r.device_metadata = Some(ctx.uri(af, v)?),
        "rawData" => r.raw_data = Some(ctx.uri(af, v)?),
        "dataProcessingMethod" => r.data_processing_method = Some(ctx.uri(af, v)?),
        "bizRules" => r.biz_rules = Some(ctx.uri(af, v)?),
        "time" => r.time = Some(ctx.time(af, v)?),
        "microorganism" => r.microorganism = Some(ctx.uri(af, v)?),
        "chemicalSubstance" => r.chemical_substance = Some(ctx.uri(af, v)?),
        "value" => r.value = Some(ctx.decimal(af, v)?),
        "component" => r.component = Some(ctx.vocab(af, Vocab::Component, v)?),
        "stringValue" => r.string_value = Some(v.to_owned()),
        "booleanValue" => r.boolean_value = Some(ctx.boolean(af, v)?),
        "hexBinaryValue" => {
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ctx.err(af, format!("{v:?} is not hexBinary")));
            }
            r.hex_binary_value = Some(v.to_owned());
        }
        "uriValue" => r.uri_value = Some(ctx.uri(af, v)?),
        "minValue" => r.min_value = Some(ctx.decimal(af, v)?),
        "maxValue" => r.max_value = Some(ctx.decimal(af, v)?),
        "meanValue" => r.mean_value = Some(ctx.decimal(af, v)?),
        "sDev" => r.s_dev = Some(ctx.decimal(af, v)?),
        "percRank" => r.perc_rank = Some(ctx.decimal(af, v)?),
        "percValue" => r.perc_value = Some(ctx.decimal(af, v)?),
        "uom" => r.uom = Some(v.trim().to_owned()),
        "coordinateReferenceSystem" => r.coordinate_reference_system = Some(ctx.uri(af, v)?),
        other => return Err(ctx.err(af, format!("unknown sensorReport field {other:?}"))),
    }
    Ok(())
}

fn attr_ext(a: super::reader::XAttr) -> ExtElement {
    ExtElement {
        ns: registry::epcis::ext::canonical_ns(&a.ns).to_owned(),
        prefix: a.prefix,
        local: a.local,
        attrs: Vec::new(),
        value: ExtValue::Text(a.value),
    }
}

/// An element subtree as an extension element (text trimmed, attributes kept).
pub(crate) fn ext_from_node(n: XNode) -> ExtElement {
    let value = if n.children.is_empty() {
        ExtValue::Text(n.text.trim().to_owned())
    } else {
        ExtValue::Elements(n.children.into_iter().map(ext_from_node).collect())
    };
    ExtElement {
        ns: registry::epcis::ext::canonical_ns(&n.ns).to_owned(),
        prefix: n.prefix,
        local: n.local,
        attrs: n
            .attrs
            .into_iter()
            .map(|a| ExtAttr {
                ns: a.ns,
                prefix: a.prefix,
                local: a.local,
                value: a.value,
            })
            .collect(),
        value,
    }
}
