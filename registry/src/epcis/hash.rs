//! The EPCIS Event Hash ID of CBV 2.0 (§8.9): a canonical pre-hash string, then
//! `ni:///sha-256;<hex>?ver=CBV2.0`.
//!
//! The pre-hash string follows the canonical property order (eventType, eventTime,
//! eventTimeZoneOffset, epcList, parentID, inputEPCList, childEPCs, quantityList,
//! childQuantityList, inputQuantityList, outputEPCList, outputQuantityList, action,
//! transformationID, bizStep, disposition, persistentDisposition, readPoint, bizLocation,
//! bizTransactionList, sourceList, destinationList, sensorElementList, ilmd, user extensions),
//! each value as `key=value`, list entries sorted, timestamps in UTC with milliseconds, numbers
//! without trailing zeros, CBV values as web URIs, EPCs as constrained canonical GS1 Digital
//! Links (host `id.gs1.org`, no query, finest key only), extensions as `{namespace}local=value`
//! sorted. `recordTime`, `eventID`, `errorDeclaration` and `certificationInfo` are left out.
//!
//! Where the algorithm text leaves room, this follows the reference implementation's worked
//! examples (RalphTro/epcis-event-hash-generator, CBV 2.0 mode): no `sensorElementList` wrapper
//! name; a `type` written before the value it types; extensions inside `readPoint`,
//! `bizLocation` and sensor elements moved to the trailing extension block under their parent's
//! name; the `gs1:` prefix expanded to `https://ref.gs1.org/voc/`.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta, Timelike, Utc};
use sha2::{Digest, Sha256};

use super::ext::{ExtElement, ExtValue};
use super::model::{Event, QuantityElement, SensorElement};
use crate::ids::epc;

/// The event hash of `event`: `ni:///sha-256;<64 hex>?ver=CBV2.0`.
pub fn event_hash(event: &Event) -> String {
    let digest = Sha256::digest(pre_hash_string(event).as_bytes());
    format!("ni:///sha-256;{}?ver=CBV2.0", hex::encode(digest))
}

/// The canonical pre-hash string of `event` (what [`event_hash`] digests).
pub fn pre_hash_string(e: &Event) -> String {
    let mut s = String::with_capacity(512);
    kv(&mut s, "eventType", e.event_type.as_str());
    kv(&mut s, "eventTime", &time(&e.event_time));
    kv(&mut s, "eventTimeZoneOffset", &e.event_time_zone_offset);
    list(
        &mut s,
        "epcList",
        e.epc_list.iter().map(|x| format!("epc={}", value(x))),
    );
    if let Some(p) = &e.parent_id {
        kv(&mut s, "parentID", &value(p));
    }
    list(
        &mut s,
        "inputEPCList",
        e.input_epc_list.iter().map(|x| format!("epc={}", value(x))),
    );
    list(
        &mut s,
        "childEPCs",
        e.child_epcs.iter().map(|x| format!("epc={}", value(x))),
    );
    quantities(&mut s, "quantityList", &e.quantity_list);
    quantities(&mut s, "childQuantityList", &e.child_quantity_list);
    quantities(&mut s, "inputQuantityList", &e.input_quantity_list);
    list(
        &mut s,
        "outputEPCList",
        e.output_epc_list
            .iter()
            .map(|x| format!("epc={}", value(x))),
    );
    quantities(&mut s, "outputQuantityList", &e.output_quantity_list);
    if let Some(a) = e.action {
        kv(&mut s, "action", a.as_str());
    }
    if let Some(t) = &e.transformation_id {
        kv(&mut s, "transformationID", &value(t));
    }
    if let Some(b) = &e.biz_step {
        kv(&mut s, "bizStep", &value(b));
    }
    if let Some(d) = &e.disposition {
        kv(&mut s, "disposition", &value(d));
    }
    if let Some(pd) = &e.persistent_disposition {
        let mut set: Vec<String> = pd.set.iter().map(|d| format!("set={}", value(d))).collect();
        let mut unset: Vec<String> = pd
            .unset
            .iter()
            .map(|d| format!("unset={}", value(d)))
            .collect();
        set.sort();
        unset.sort();
        if !set.is_empty() || !unset.is_empty() {
            s.push_str("persistentDisposition");
            set.iter().chain(&unset).for_each(|x| s.push_str(x));
        }
    }
    for (name, loc) in [
        ("readPoint", &e.read_point),
        ("bizLocation", &e.biz_location),
    ] {
        if let Some(l) = loc {
            s.push_str(name);
            kv(&mut s, "id", &value(&l.id));
        }
    }
    list(
        &mut s,
        "bizTransactionList",
        e.biz_transaction_list.iter().map(|b| match &b.kind {
            Some(t) => format!("type={}bizTransaction={}", value(t), value(&b.value)),
            None => format!("bizTransaction={}", value(&b.value)),
        }),
    );
    list(
        &mut s,
        "sourceList",
        e.source_list
            .iter()
            .map(|x| format!("type={}source={}", value(&x.kind), value(&x.value))),
    );
    list(
        &mut s,
        "destinationList",
        e.destination_list
            .iter()
            .map(|x| format!("type={}destination={}", value(&x.kind), value(&x.value))),
    );
    let mut elements: Vec<String> = e.sensor_element_list.iter().map(sensor_element).collect();
    elements.sort();
    elements.iter().for_each(|x| s.push_str(x));
    if let Some(ilmd) = &e.ilmd {
        let body = generic(ilmd);
        if !body.is_empty() {
            s.push_str("ilmd");
            s.push_str(&body);
        }
    }
    // Trailing block: event-level extensions and those inside standard fields.
    let mut trailing: Vec<String> = e.extensions.iter().map(ext).collect();
    for (name, loc) in [
        ("readPoint", &e.read_point),
        ("bizLocation", &e.biz_location),
    ] {
        if let Some(l) = loc.as_ref().filter(|l| !l.extensions.is_empty()) {
            trailing.push(format!("{name}{}", generic(&l.extensions)));
        }
    }
    let mut sensor_ext: Vec<String> = e
        .sensor_element_list
        .iter()
        .filter_map(sensor_extensions)
        .collect();
    if !sensor_ext.is_empty() {
        sensor_ext.sort();
        trailing.push(format!("sensorElementList{}", sensor_ext.concat()));
    }
    trailing.sort();
    trailing.iter().for_each(|x| s.push_str(x));
    s
}

fn kv(s: &mut String, k: &str, v: &str) {
    let _ = write!(s, "{k}={v}");
}

fn list(s: &mut String, name: &str, items: impl Iterator<Item = String>) {
    let mut v: Vec<String> = items.collect();
    if v.is_empty() {
        return;
    }
    v.sort();
    s.push_str(name);
    v.iter().for_each(|x| s.push_str(x));
}

fn quantities(s: &mut String, name: &str, q: &[QuantityElement]) {
    list(
        s,
        name,
        q.iter().map(|q| {
            let mut x = format!("quantityElementepcClass={}", value(&q.epc_class));
            if let Some(n) = q.quantity {
                let _ = write!(x, "quantity={}", number(n));
            }
            if let Some(u) = &q.uom {
                let _ = write!(x, "uom={}", value(u));
            }
            x
        }),
    );
}

fn sensor_element(el: &SensorElement) -> String {
    let mut s = String::from("sensorElement");
    if let Some(m) = &el.sensor_metadata {
        let mut body = String::new();
        opt_time(&mut body, "time", m.time.as_ref());
        opt_time(&mut body, "startTime", m.start_time.as_ref());
        opt_time(&mut body, "endTime", m.end_time.as_ref());
        for (k, v) in [
            ("deviceID", &m.device_id),
            ("deviceMetadata", &m.device_metadata),
            ("rawData", &m.raw_data),
            ("dataProcessingMethod", &m.data_processing_method),
            ("bizRules", &m.biz_rules),
        ] {
            opt(&mut body, k, v.as_deref());
        }
        if !body.is_empty() {
            s.push_str("sensorMetadata");
            s.push_str(&body);
        }
    }
    let mut reports: Vec<String> = el
        .sensor_report
        .iter()
        .map(|r| {
            let mut b = String::from("sensorReport");
            opt(&mut b, "type", r.kind.as_deref());
            opt(&mut b, "exception", r.exception.as_deref());
            opt(&mut b, "deviceID", r.device_id.as_deref());
            opt(&mut b, "deviceMetadata", r.device_metadata.as_deref());
            opt(&mut b, "rawData", r.raw_data.as_deref());
            opt(
                &mut b,
                "dataProcessingMethod",
                r.data_processing_method.as_deref(),
            );
            opt(&mut b, "bizRules", r.biz_rules.as_deref());
            opt_time(&mut b, "time", r.time.as_ref());
            opt(&mut b, "microorganism", r.microorganism.as_deref());
            opt(&mut b, "chemicalSubstance", r.chemical_substance.as_deref());
            opt_num(&mut b, "value", r.value);
            opt(&mut b, "component", r.component.as_deref());
            opt(&mut b, "stringValue", r.string_value.as_deref());
            if let Some(v) = r.boolean_value {
                kv(&mut b, "booleanValue", if v { "true" } else { "false" });
            }
            opt(&mut b, "hexBinaryValue", r.hex_binary_value.as_deref());
            opt(&mut b, "uriValue", r.uri_value.as_deref());
            opt_num(&mut b, "minValue", r.min_value);
            opt_num(&mut b, "maxValue", r.max_value);
            opt_num(&mut b, "meanValue", r.mean_value);
            opt_num(&mut b, "sDev", r.s_dev);
            opt_num(&mut b, "percRank", r.perc_rank);
            opt_num(&mut b, "percValue", r.perc_value);
            opt(&mut b, "uom", r.uom.as_deref());
            opt(
                &mut b,
                "coordinateReferenceSystem",
                r.coordinate_reference_system.as_deref(),
            );
            b
        })
        .collect();
    reports.sort();
    reports.iter().for_each(|x| s.push_str(x));
    s
}

/// The trailing-block string of a sensor element's extensions, if it has any.
fn sensor_extensions(el: &SensorElement) -> Option<String> {
    let mut parts: Vec<String> = el.extensions.iter().map(ext).collect();
    if let Some(m) = el
        .sensor_metadata
        .as_ref()
        .filter(|m| !m.extensions.is_empty())
    {
        parts.push(format!("sensorMetadata{}", generic(&m.extensions)));
    }
    for r in el.sensor_report.iter().filter(|r| !r.extensions.is_empty()) {
        parts.push(format!("sensorReport{}", generic(&r.extensions)));
    }
    if parts.is_empty() {
        return None;
    }
    parts.sort();
    Some(format!("sensorElement{}", parts.concat()))
}

fn opt(s: &mut String, k: &str, v: Option<&str>) {
    if let Some(v) = v {
        let v = value(v);
        if !v.is_empty() {
            kv(s, k, &v);
        }
    }
}

fn opt_time(s: &mut String, k: &str, v: Option<&DateTime<FixedOffset>>) {
    if let Some(t) = v {
        kv(s, k, &time(t));
    }
}

fn opt_num(s: &mut String, k: &str, v: Option<f64>) {
    if let Some(n) = v {
        kv(s, k, &number(n));
    }
}

/// Extension elements, each as a string, sorted and joined.
fn generic(list: &[ExtElement]) -> String {
    let mut v: Vec<String> = list.iter().map(ext).collect();
    v.sort();
    v.concat()
}

fn ext(e: &ExtElement) -> String {
    let mut s = e.expanded_name();
    // Attributes of an extension element count like child elements (JSON-LD has no attributes:
    // converters turn them into properties); `xsi:` typing hints do not count.
    let mut parts: Vec<String> = e
        .attrs
        .iter()
        .filter(|a| a.ns != super::ext::XSI_NS)
        .map(|a| {
            let v = value(&a.value);
            if v.is_empty() {
                format!("{{{}}}{}", a.ns, a.local)
            } else {
                format!("{{{}}}{}={v}", a.ns, a.local)
            }
        })
        .collect();
    match &e.value {
        ExtValue::Elements(children) => parts.extend(children.iter().map(ext)),
        other => {
            let text = value(other.as_text().unwrap_or(""));
            if !text.is_empty() {
                s.push('=');
                s.push_str(&text);
            }
        }
    }
    parts.sort();
    s.push_str(&parts.concat());
    s
}

/// A timestamp in UTC with milliseconds (rounded half up) and `Z`.
pub fn time(t: &DateTime<FixedOffset>) -> String {
    let utc = t.with_timezone(&Utc);
    let nanos = utc.nanosecond() % 1_000_000_000;
    let rem = nanos % 1_000_000;
    let mut rounded = utc - TimeDelta::nanoseconds(i64::from(rem));
    if rem >= 500_000 {
        rounded += TimeDelta::milliseconds(1);
    }
    rounded.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A number as the CBV 2.0 hash writes it: no trailing zeros, integers without a point, and
/// otherwise Python's shortest `repr` (exponent form below 1e-4 and from 1e16).
pub fn number(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    if n.fract() == 0.0 {
        return format!("{n:.0}");
    }
    let sci = format!("{n:e}");
    let Some((mant, exp)) = sci.split_once('e') else {
        return n.to_string();
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        n.to_string()
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (m, e) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (a, b) = m.split_once('.').unwrap_or((m, ""));
    let digits = |x: &str| x.bytes().all(|c| c.is_ascii_digit());
    let mant_ok = (!a.is_empty() || !b.is_empty()) && digits(a) && digits(b);
    let exp_ok = e.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

/// A value canonicalised for the hash: CBV URNs as web URIs, standard CURIEs expanded, numbers
/// without trailing zeros, EPC URNs and Digital Links as constrained canonical Digital Links.
pub fn value(v: &str) -> String {
    let v = v.trim();
    for (urn, web) in [
        ("urn:epcglobal:cbv:bizstep:", "BizStep-"),
        ("urn:epcglobal:cbv:disp:", "Disp-"),
        ("urn:epcglobal:cbv:btt:", "BTT-"),
        ("urn:epcglobal:cbv:sdt:", "SDT-"),
        ("urn:epcglobal:cbv:er:", "ER-"),
    ] {
        if let Some(w) = v.strip_prefix(urn) {
            return format!("https://ref.gs1.org/cbv/{web}{w}");
        }
    }
    for (curie, iri) in [
        ("cbv:", "https://ref.gs1.org/cbv/"),
        ("gs1:", "https://ref.gs1.org/voc/"),
        ("epcis:", "https://ref.gs1.org/epcis/"),
        ("https://gs1.org/voc/", "https://ref.gs1.org/voc/"),
    ] {
        if let Some(rest) = v.strip_prefix(curie) {
            return format!("{iri}{rest}");
        }
    }
    if looks_numeric(v) {
        if let Ok(n) = v.parse::<f64>() {
            return number(n);
        }
    }
    if v.starts_with("urn:epc:") {
        if let Ok(dl) = epc::to_digital_link(v) {
            return constrained(&dl);
        }
    } else if v.starts_with("http://") || v.starts_with("https://") {
        if let Ok(d) = epc::parse_digital_link(v) {
            return constrained(&d.canonical());
        }
    }
    v.to_owned()
}

/// The constrained canonical Digital Link: no query, only the finest-grained key.
fn constrained(dl: &str) -> String {
    let Ok(d) = epc::parse_digital_link(dl) else {
        return dl.to_owned();
    };
    let keep: &[&str] = match d.path.first().map(|(a, _)| a.as_str()) {
        Some("01") | Some("8006") => {
            if d.path.iter().any(|(a, _)| a == "21") {
                &["21"]
            } else if d.path.iter().any(|(a, _)| a == "235") {
                &["235"]
            } else {
                &["10"]
            }
        }
        Some("414") => &["254"],
        Some("8010") => &["8011"],
        _ => &[],
    };
    let path: Vec<(String, String)> = d
        .path
        .iter()
        .enumerate()
        .filter(|(i, (a, _))| *i == 0 || keep.contains(&a.as_str()))
        .map(|(_, p)| p.clone())
        .collect();
    epc::DigitalLink { path, query: None }.canonical()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times() {
        assert_eq!(number(26.0), "26");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(-477979.89), "-477979.89");
        assert_eq!(number(1e-5), "1e-05");
        assert_eq!(number(1.5e17), "150000000000000000");
        assert_eq!(value("20.0"), "20");
        assert_eq!(value("0614141"), "614141");
        assert_eq!(
            value("urn:epcglobal:cbv:bizstep:receiving"),
            "https://ref.gs1.org/cbv/BizStep-receiving"
        );
        assert_eq!(
            value("gs1:Temperature"),
            "https://ref.gs1.org/voc/Temperature"
        );
        assert_eq!(
            value("https://example.com/01/10614141073464/10/L1/21/2018?17=250101"),
            "https://id.gs1.org/01/10614141073464/21/2018"
        );
        let t = DateTime::parse_from_rfc3339("2005-04-04T20:33:31.1165-06:00").expect("time");
        assert_eq!(time(&t), "2005-04-05T02:33:31.117Z");
        let t = DateTime::parse_from_rfc3339("2020-03-04T11:00:30+01:00").expect("time");
        assert_eq!(time(&t), "2020-03-04T10:00:30.000Z");
    }
}
