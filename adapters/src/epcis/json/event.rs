//! One JSON-LD event object to the model.

use registry::epcis::cbv::Vocab;
use registry::epcis::{
    Action, BizTransaction, ErrorDeclaration, Event, EventType, ExtElement, Location,
    PersistentDisposition, QuantityElement, SensorElement, SensorMetadata, SensorReport,
    SourceDest,
};
use serde_json::{Map, Value};

use super::context::{Prefixes, ext_elements};
use crate::epcis::EpcisError;
use crate::epcis::fields::Ctx;
use crate::epcis::validate::check_event;
use crate::epcis::xml::report_attr;

type Obj = Map<String, Value>;

fn str_of<'a>(ctx: Ctx, field: &str, v: &'a Value) -> Result<&'a str, EpcisError> {
    v.as_str().ok_or_else(|| ctx.err(field, "must be a string"))
}

fn arr_of<'a>(ctx: Ctx, field: &str, v: &'a Value) -> Result<&'a Vec<Value>, EpcisError> {
    v.as_array()
        .ok_or_else(|| ctx.err(field, "must be an array"))
}

fn obj_of<'a>(ctx: Ctx, field: &str, v: &'a Value) -> Result<&'a Obj, EpcisError> {
    v.as_object()
        .ok_or_else(|| ctx.err(field, "must be an object"))
}

/// Extension key of a standard object, or an error for an unknown plain key.
fn ext_key(
    p: &Prefixes,
    ctx: Ctx,
    field: &str,
    key: &str,
    v: &Value,
    out: &mut Vec<ExtElement>,
) -> Result<(), EpcisError> {
    match p.split(ctx, field, key)? {
        Some(name) => {
            out.extend(ext_elements(p, ctx, field, name, v)?);
            Ok(())
        }
        None => Err(ctx.err(field, format!("unknown field {key:?}"))),
    }
}

/// Converts an event object (with the prefixes in scope) to an [`Event`] and checks it.
pub(crate) fn event_from_json(
    obj: &Obj,
    doc_prefixes: &Prefixes,
    index: Option<usize>,
) -> Result<Event, EpcisError> {
    let ctx = Ctx { index };
    let local;
    let p = match obj.get("@context") {
        Some(c) => {
            let mut own = doc_prefixes.clone();
            own.add_context(c);
            local = own;
            &local
        }
        None => doc_prefixes,
    };
    let t = obj
        .get("type")
        .ok_or_else(|| ctx.err("type", "required field missing"))
        .and_then(|v| str_of(ctx, "type", v))?;
    let t =
        EventType::parse(t).ok_or_else(|| ctx.err("type", format!("unknown event type {t:?}")))?;
    let time = obj
        .get("eventTime")
        .ok_or_else(|| ctx.err("eventTime", "required field missing"))?;
    let mut e = Event::new(t, ctx.time("eventTime", str_of(ctx, "eventTime", time)?)?);
    let off = obj
        .get("eventTimeZoneOffset")
        .ok_or_else(|| ctx.err("eventTimeZoneOffset", "required field missing"))?;
    e.event_time_zone_offset = ctx.offset(
        "eventTimeZoneOffset",
        str_of(ctx, "eventTimeZoneOffset", off)?,
    )?;
    for (k, v) in obj {
        let f = k.as_str();
        match f {
            "@context" | "type" | "eventTime" | "eventTimeZoneOffset" => {}
            "recordTime" => e.record_time = Some(ctx.time(f, str_of(ctx, f, v)?)?),
            "eventID" => e.event_id = Some(ctx.uri(f, str_of(ctx, f, v)?)?),
            "certificationInfo" => {
                e.certification_info = match v {
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| ctx.uri(&format!("{f}[{i}]"), str_of(ctx, f, x)?))
                        .collect::<Result<_, _>>()?,
                    other => vec![ctx.uri(f, str_of(ctx, f, other)?)?],
                };
            }
            "errorDeclaration" => {
                e.error_declaration = Some(error_declaration(p, ctx, obj_of(ctx, f, v)?)?);
            }
            "action" => {
                let a = str_of(ctx, f, v)?;
                e.action = Some(Action::parse(a).ok_or_else(|| {
                    ctx.err(f, format!("{a:?} is not one of ADD, OBSERVE, DELETE"))
                })?);
            }
            "epcList" => e.epc_list = epcs(ctx, f, v)?,
            "childEPCs" => e.child_epcs = epcs(ctx, f, v)?,
            "inputEPCList" => e.input_epc_list = epcs(ctx, f, v)?,
            "outputEPCList" => e.output_epc_list = epcs(ctx, f, v)?,
            "parentID" => e.parent_id = Some(ctx.id(f, str_of(ctx, f, v)?)?),
            "quantityList" => e.quantity_list = quantities(ctx, f, v)?,
            "childQuantityList" => e.child_quantity_list = quantities(ctx, f, v)?,
            "inputQuantityList" => e.input_quantity_list = quantities(ctx, f, v)?,
            "outputQuantityList" => e.output_quantity_list = quantities(ctx, f, v)?,
            "transformationID" => e.transformation_id = Some(ctx.uri(f, str_of(ctx, f, v)?)?),
            "bizStep" => e.biz_step = Some(ctx.vocab(f, Vocab::BizStep, str_of(ctx, f, v)?)?),
            "disposition" => {
                e.disposition = Some(ctx.vocab(f, Vocab::Disposition, str_of(ctx, f, v)?)?);
            }
            "persistentDisposition" => {
                let mut pd = PersistentDisposition::default();
                for (pk, pv) in obj_of(ctx, f, v)? {
                    let pf = format!("{f}.{pk}");
                    let list = arr_of(ctx, &pf, pv)?
                        .iter()
                        .enumerate()
                        .map(|(i, d)| {
                            ctx.vocab(
                                &format!("{pf}[{i}]"),
                                Vocab::Disposition,
                                str_of(ctx, &pf, d)?,
                            )
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    match pk.as_str() {
                        "set" => pd.set = list,
                        "unset" => pd.unset = list,
                        other => return Err(ctx.err(&pf, format!("unknown field {other:?}"))),
                    }
                }
                e.persistent_disposition = Some(pd);
            }
            "readPoint" => e.read_point = Some(location(p, ctx, f, v)?),
            "bizLocation" => e.biz_location = Some(location(p, ctx, f, v)?),
            "bizTransactionList" => {
                for (i, b) in arr_of(ctx, f, v)?.iter().enumerate() {
                    let bf = format!("{f}[{i}]");
                    let mut kind = None;
                    let mut value = None;
                    for (bk, bv) in obj_of(ctx, &bf, b)? {
                        let kf = format!("{bf}.{bk}");
                        match bk.as_str() {
                            "type" => {
                                kind = Some(ctx.vocab(
                                    &kf,
                                    Vocab::BizTransactionType,
                                    str_of(ctx, &kf, bv)?,
                                )?);
                            }
                            "bizTransaction" => value = Some(ctx.id(&bf, str_of(ctx, &kf, bv)?)?),
                            other => return Err(ctx.err(&kf, format!("unknown field {other:?}"))),
                        }
                    }
                    let value = value.ok_or_else(|| {
                        ctx.err(&format!("{bf}.bizTransaction"), "required field missing")
                    })?;
                    e.biz_transaction_list.push(BizTransaction { kind, value });
                }
            }
            "sourceList" => e.source_list = source_dest(ctx, f, "source", v)?,
            "destinationList" => e.destination_list = source_dest(ctx, f, "destination", v)?,
            "sensorElementList" => {
                for (i, s) in arr_of(ctx, f, v)?.iter().enumerate() {
                    e.sensor_element_list
                        .push(sensor_element(p, ctx, &format!("{f}[{i}]"), s)?);
                }
            }
            "ilmd" => {
                let mut list = Vec::new();
                for (ik, iv) in obj_of(ctx, f, v)? {
                    let kf = format!("{f}.{ik}");
                    match p.split(ctx, &kf, ik)? {
                        Some(name) => list.extend(ext_elements(p, ctx, &kf, name, iv)?),
                        None => return Err(ctx.err(&kf, "an ilmd key needs a namespace")),
                    }
                }
                e.ilmd = Some(list);
            }
            _ => ext_key(p, ctx, f, f, v, &mut e.extensions)?,
        }
    }
    check_event(&e, index)?;
    Ok(e)
}

fn epcs(ctx: Ctx, f: &str, v: &Value) -> Result<Vec<String>, EpcisError> {
    arr_of(ctx, f, v)?
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let xf = format!("{f}[{i}]");
            ctx.id(&xf, str_of(ctx, &xf, x)?)
        })
        .collect()
}

fn quantities(ctx: Ctx, f: &str, v: &Value) -> Result<Vec<QuantityElement>, EpcisError> {
    let mut out = Vec::new();
    for (i, q) in arr_of(ctx, f, v)?.iter().enumerate() {
        let qf = format!("{f}[{i}]");
        let mut el = QuantityElement {
            epc_class: String::new(),
            quantity: None,
            uom: None,
        };
        for (k, val) in obj_of(ctx, &qf, q)? {
            let kf = format!("{qf}.{k}");
            match k.as_str() {
                "epcClass" => el.epc_class = ctx.id(&kf, str_of(ctx, &kf, val)?)?,
                "quantity" => {
                    el.quantity = Some(
                        val.as_f64()
                            .filter(|_| val.is_number())
                            .ok_or_else(|| ctx.err(&kf, format!("{val} is not a number")))?,
                    );
                }
                "uom" => el.uom = Some(ctx.uom(&kf, str_of(ctx, &kf, val)?)?),
                other => return Err(ctx.err(&kf, format!("unknown field {other:?}"))),
            }
        }
        if el.epc_class.is_empty() {
            return Err(ctx.err(&format!("{qf}.epcClass"), "required field missing"));
        }
        out.push(el);
    }
    Ok(out)
}

fn location(p: &Prefixes, ctx: Ctx, f: &str, v: &Value) -> Result<Location, EpcisError> {
    let mut id = None;
    let mut extensions = Vec::new();
    for (k, val) in obj_of(ctx, f, v)? {
        let kf = format!("{f}.{k}");
        if k == "id" {
            id = Some(ctx.id(&kf, str_of(ctx, &kf, val)?)?);
        } else {
            ext_key(p, ctx, &kf, k, val, &mut extensions)?;
        }
    }
    let id = id.ok_or_else(|| ctx.err(&format!("{f}.id"), "required field missing"))?;
    Ok(Location { id, extensions })
}

fn source_dest(ctx: Ctx, f: &str, name: &str, v: &Value) -> Result<Vec<SourceDest>, EpcisError> {
    let mut out = Vec::new();
    for (i, s) in arr_of(ctx, f, v)?.iter().enumerate() {
        let sf = format!("{f}[{i}]");
        let (mut kind, mut value) = (None, None);
        for (k, val) in obj_of(ctx, &sf, s)? {
            let kf = format!("{sf}.{k}");
            if k == "type" {
                kind = Some(ctx.vocab(&kf, Vocab::SourceDestType, str_of(ctx, &kf, val)?)?);
            } else if k == name {
                value = Some(ctx.id(&sf, str_of(ctx, &kf, val)?)?);
            } else {
                return Err(ctx.err(&kf, format!("unknown field {k:?}")));
            }
        }
        out.push(SourceDest {
            kind: kind.ok_or_else(|| ctx.err(&format!("{sf}.type"), "required field missing"))?,
            value: value
                .ok_or_else(|| ctx.err(&format!("{sf}.{name}"), "required field missing"))?,
        });
    }
    Ok(out)
}

fn error_declaration(p: &Prefixes, ctx: Ctx, o: &Obj) -> Result<ErrorDeclaration, EpcisError> {
    let f = "errorDeclaration";
    let t = o
        .get("declarationTime")
        .ok_or_else(|| ctx.err(&format!("{f}.declarationTime"), "required field missing"))?;
    let mut d = ErrorDeclaration {
        declaration_time: ctx.time(&format!("{f}.declarationTime"), str_of(ctx, f, t)?)?,
        reason: None,
        corrective_event_ids: Vec::new(),
        extensions: Vec::new(),
    };
    for (k, v) in o {
        let kf = format!("{f}.{k}");
        match k.as_str() {
            "declarationTime" => {}
            "reason" => {
                d.reason = Some(ctx.vocab(&kf, Vocab::ErrorReason, str_of(ctx, &kf, v)?)?);
            }
            "correctiveEventIDs" => {
                for (i, id) in arr_of(ctx, &kf, v)?.iter().enumerate() {
                    d.corrective_event_ids
                        .push(ctx.uri(&format!("{kf}[{i}]"), str_of(ctx, &kf, id)?)?);
                }
            }
            _ => ext_key(p, ctx, &kf, k, v, &mut d.extensions)?,
        }
    }
    Ok(d)
}

/// A JSON scalar as the text the XML attribute would hold.
fn scalar_text(ctx: Ctx, f: &str, v: &Value) -> Result<String, EpcisError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(ctx.err(f, "must be a string, number or boolean")),
    }
}

fn sensor_element(p: &Prefixes, ctx: Ctx, f: &str, v: &Value) -> Result<SensorElement, EpcisError> {
    let mut el = SensorElement::default();
    for (k, val) in obj_of(ctx, f, v)? {
        let kf = format!("{f}.{k}");
        match k.as_str() {
            "sensorMetadata" => {
                let mut m = SensorMetadata::default();
                for (mk, mv) in obj_of(ctx, &kf, val)? {
                    let mf = format!("{kf}.{mk}");
                    let s = || str_of(ctx, &mf, mv);
                    match mk.as_str() {
                        "time" => m.time = Some(ctx.time(&mf, s()?)?),
                        "startTime" => m.start_time = Some(ctx.time(&mf, s()?)?),
                        "endTime" => m.end_time = Some(ctx.time(&mf, s()?)?),
                        "deviceID" => m.device_id = Some(ctx.id(&mf, s()?)?),
                        "deviceMetadata" => m.device_metadata = Some(ctx.uri(&mf, s()?)?),
                        "rawData" => m.raw_data = Some(ctx.uri(&mf, s()?)?),
                        "dataProcessingMethod" => {
                            m.data_processing_method = Some(ctx.uri(&mf, s()?)?);
                        }
                        "bizRules" => m.biz_rules = Some(ctx.uri(&mf, s()?)?),
                        _ => ext_key(p, ctx, &mf, mk, mv, &mut m.extensions)?,
                    }
                }
                el.sensor_metadata = Some(m);
            }
            "sensorReport" => {
                for (i, r) in arr_of(ctx, &kf, val)?.iter().enumerate() {
                    let rf = format!("{kf}[{i}]");
                    let mut rep = SensorReport::default();
                    for (rk, rv) in obj_of(ctx, &rf, r)? {
                        let af = format!("{rf}.{rk}");
                        if rk.contains(':') {
                            ext_key(p, ctx, &af, rk, rv, &mut rep.extensions)?;
                        } else {
                            report_attr(ctx, &af, &mut rep, rk, &scalar_text(ctx, &af, rv)?)?;
                        }
                    }
                    el.sensor_report.push(rep);
                }
            }
            _ => ext_key(p, ctx, &kf, k, val, &mut el.extensions)?,
        }
    }
    Ok(el)
}
