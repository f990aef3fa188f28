//! The query parameters evaluated on the event body ([`registry::events::filter`]) and those
//! on order and counts: `EQ_/GT_/GE_/LT_/LE_quantity` (with a unit: `GE_quantity_KGM`),
//! `EXISTS_errorDeclaration`, `GE_/LT_errorDeclaration_Time`, `EQ_errorReason`,
//! `EQ_correctiveEventID`, `EQ_transformationID`, `EQ_persistentDisposition_set/_unset`, the
//! sensor parameters (`EQ_type`, `GE_value`, `LT_maxValue_CEL`, `GE_time`... all of one query
//! apply to the same sensor report), the extension parameters (`EQ_`, `GT_`..., `EXISTS_`, with
//! `INNER_`, `ILMD_`, `ERROR_DECLARATION_`, `SENSORELEMENT_`, `SENSORMETADATA_`,
//! `SENSORREPORT_`, `readPoint_`, `bizLocation_`; the field as `prefix:local`, the prefix
//! matched against the `GS1-Extensions` header's declarations, else against the prefix the
//! event was captured with), `orderBy`, `orderDirection`, `eventCountLimit`, `maxEventCount`.
//!
//! `WD_bizLocation` and `WD_readPoint` take GS1's own location hierarchy: a GLN and its
//! sub-locations, the same GLN with an extension (AI 254, `urn:epc:id:sgln:...` with an
//! extension other than 0). `HASATTR_` and `EQ_ATTR_` need vocabulary attributes the hub does
//! not keep as master data: they are refused by name.

use registry::epcis::cbv::Vocab;
use registry::error::Code;
use registry::events::filter::{Area, BodyFilter, Cmp, FieldName, Scalar, SensorCond, SensorField};
use registry::events::{EventQuery, IdMatch};

use super::{bad, list, time, vocab};
use registry::error::RegistryError;

/// Prefixes declared by a request's `GS1-Extensions` header: `prefix=namespace`, comma
/// separated.
#[derive(Debug, Clone, Default)]
pub struct Extensions(Vec<(String, String)>);

impl Extensions {
    /// Reads a `GS1-Extensions` header value.
    pub fn parse(header: &str) -> Extensions {
        Extensions(
            header
                .split(',')
                .filter_map(|d| d.split_once('='))
                .map(|(p, ns)| (p.trim().to_owned(), ns.trim().trim_matches('"').to_owned()))
                .filter(|(p, ns)| !p.is_empty() && !ns.is_empty())
                .collect(),
        )
    }

    fn namespace(&self, prefix: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, ns)| ns.clone())
    }
}

/// What the parameters gather before they become filters.
#[derive(Debug, Default)]
pub struct Rest {
    sensor: Vec<SensorCond>,
    order_by: Option<bool>,
    descending: Option<bool>,
    max_event_count: Option<i64>,
}

/// Reads parameter `k` into `q` (or `rest`); false when no parameter has that name.
pub fn parameter(
    q: &mut EventQuery,
    rest: &mut Rest,
    k: &str,
    v: &str,
    extensions: &Extensions,
) -> Result<bool, RegistryError> {
    let filter = |f: BodyFilter, q: &mut EventQuery| {
        q.body_filters.push(f);
        Ok(true)
    };
    match k {
        "EXISTS_errorDeclaration" => return filter(BodyFilter::HasErrorDeclaration, q),
        "EXISTS_sensorElementList" => return filter(BodyFilter::HasSensorElements, q),
        "GE_errorDeclaration_Time" | "LT_errorDeclaration_Time" => {
            let cmp = if k.starts_with("GE") {
                Cmp::Ge
            } else {
                Cmp::Lt
            };
            let time = time(k, v)?;
            return filter(BodyFilter::DeclarationTime { cmp, time }, q);
        }
        "EQ_errorReason" => {
            return filter(BodyFilter::ErrorReason(vocab(k, Vocab::ErrorReason, v)?), q);
        }
        "EQ_correctiveEventID" => return filter(BodyFilter::CorrectiveEventId(strings(v)), q),
        "EQ_transformationID" => return filter(BodyFilter::TransformationId(strings(v)), q),
        "EQ_persistentDisposition_set" | "EQ_persistentDisposition_unset" => {
            let values = vocab(k, Vocab::Disposition, v)?;
            let set = k.ends_with("_set");
            return filter(BodyFilter::PersistentDisposition { set, values }, q);
        }
        "WD_bizLocation" | "WD_readPoint" => {
            let role = k.trim_start_matches("WD_");
            let places = super::ids(k, v)?;
            let [place] = places.as_slice() else {
                return Err(bad(k, "one location per WD_ parameter"));
            };
            let Some(gln) = place.strip_prefix("https://id.gs1.org/414/") else {
                return Err(bad(k, "a location hierarchy is that of a GLN"));
            };
            // A location with an extension has no sub-locations of its own.
            let pattern = (!gln.contains('/')).then(|| format!("{place}/254/"));
            q.matches.push(IdMatch {
                roles: vec![role.to_owned()],
                ids: vec![place.clone()],
                pattern,
            });
            return Ok(true);
        }
        "orderBy" => {
            rest.order_by = Some(match v.trim() {
                "eventTime" => false,
                "recordTime" => true,
                other => return Err(bad(k, format!("{other:?}: eventTime or recordTime"))),
            });
            return Ok(true);
        }
        "orderDirection" => {
            rest.descending = Some(match v.trim() {
                "ASC" => false,
                "DESC" => true,
                other => return Err(bad(k, format!("{other:?}: ASC or DESC"))),
            });
            return Ok(true);
        }
        "eventCountLimit" => {
            q.count_limit = Some(positive(k, v)?);
            return Ok(true);
        }
        "maxEventCount" => {
            rest.max_event_count = Some(positive(k, v)?);
            return Ok(true);
        }
        _ => {}
    }
    if k.starts_with("WD_") || k.starts_with("HASATTR_") || k.starts_with("EQ_ATTR_") {
        return Err(RegistryError::invalid(
            Code::UnknownQueryParameter,
            k,
            "the hub keeps no master data (vocabulary attributes) to answer it",
        ));
    }
    let Some((cmp, name)) = split_cmp(k) else {
        return Ok(false);
    };
    if let Some(f) = quantity(k, cmp, name, v)? {
        return filter(f, q);
    }
    if let Some(c) = sensor(k, cmp, name, v)? {
        rest.sensor.push(c);
        return Ok(true);
    }
    if let Some(f) = extension(k, cmp, name, v, extensions)? {
        return filter(f, q);
    }
    Ok(false)
}

/// Turns what was gathered into filters; the `maxEventCount`, if any.
pub fn finish(q: &mut EventQuery, rest: Rest) -> Result<Option<i64>, RegistryError> {
    if !rest.sensor.is_empty() {
        q.body_filters.push(BodyFilter::Sensor(rest.sensor));
    }
    q.order.by_record_time = rest.order_by.unwrap_or(false);
    // The standard's default direction, once an order is asked for, is descending.
    q.order.descending = rest.descending.unwrap_or(rest.order_by.is_some());
    if rest.max_event_count.is_some() && q.count_limit.is_some() {
        return Err(bad(
            "maxEventCount",
            "eventCountLimit and maxEventCount cannot be given together",
        ));
    }
    Ok(rest.max_event_count)
}

fn strings(v: &str) -> Vec<String> {
    list(v).into_iter().map(str::to_owned).collect()
}

fn positive(k: &str, v: &str) -> Result<i64, RegistryError> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| bad(k, "must be a whole number of at least 1"))
}

/// `EQ_name`, `EXISTS_name`...: the comparison (`None` for `EXISTS`) and the name.
fn split_cmp(k: &str) -> Option<(Option<Cmp>, &str)> {
    let (prefix, name) = k.split_once('_')?;
    if prefix == "EXISTS" {
        return Some((None, name));
    }
    Cmp::parse(prefix).map(|c| (Some(c), name))
}

/// A unit of measure suffix (`_KGM`): 2 to 4 capitals or digits.
fn uom(suffix: &str) -> Option<String> {
    let ok = (2..=4).contains(&suffix.len())
        && suffix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    ok.then(|| suffix.to_owned())
}

/// `name` or `name_UOM`: the name and the unit.
fn with_uom(name: &str) -> (&str, Option<String>) {
    match name.rsplit_once('_') {
        Some((base, suffix)) => match uom(suffix) {
            Some(u) => (base, Some(u)),
            None => (name, None),
        },
        None => (name, None),
    }
}

fn number(k: &str, v: &str) -> Result<f64, RegistryError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| bad(k, format!("{v:?} is not a number")))
}

fn quantity(
    k: &str,
    cmp: Option<Cmp>,
    name: &str,
    v: &str,
) -> Result<Option<BodyFilter>, RegistryError> {
    let (base, uom) = with_uom(name);
    match (base, cmp) {
        ("quantity", Some(cmp)) => Ok(Some(BodyFilter::Quantity {
            cmp,
            value: number(k, v)?,
            uom,
        })),
        _ => Ok(None),
    }
}

fn sensor(
    k: &str,
    cmp: Option<Cmp>,
    name: &str,
    v: &str,
) -> Result<Option<SensorCond>, RegistryError> {
    let (base, uom) = with_uom(name);
    let (Some(cmp), Some(field)) = (cmp, SensorField::parse(base)) else {
        return Ok(None);
    };
    let timed = matches!(
        field,
        SensorField::Time | SensorField::StartTime | SensorField::EndTime
    );
    let values = if field.is_numeric() {
        vec![Scalar::Number(number(k, v)?)]
    } else if timed {
        vec![Scalar::Time(time(k, v)?)]
    } else if cmp == Cmp::Eq {
        let values = if field == SensorField::Type {
            vocab(k, Vocab::MeasurementType, v)?
        } else {
            strings(v)
        };
        values.into_iter().map(Scalar::Text).collect()
    } else {
        return Err(bad(k, format!("{base} is compared with EQ_ only")));
    };
    if uom.is_some() && !field.is_numeric() {
        return Err(bad(k, format!("{base} has no unit of measure")));
    }
    Ok(Some(SensorCond {
        field,
        cmp,
        values,
        uom,
    }))
}

/// The extension parameters: `[INNER_][AREA_]prefix:local`.
fn extension(
    k: &str,
    cmp: Option<Cmp>,
    name: &str,
    v: &str,
    extensions: &Extensions,
) -> Result<Option<BodyFilter>, RegistryError> {
    let (inner, name) = match name.strip_prefix("INNER_") {
        Some(n) => (true, n),
        None => (false, name),
    };
    let areas = [
        ("ILMD_", Area::Ilmd),
        ("ERROR_DECLARATION_", Area::ErrorDeclaration),
        ("SENSORELEMENT_", Area::SensorElement),
        ("SENSORMETADATA_", Area::SensorMetadata),
        ("SENSORREPORT_", Area::SensorReport),
        ("readPoint_", Area::ReadPoint),
        ("bizLocation_", Area::BizLocation),
    ];
    let (area, field) = areas
        .iter()
        .find_map(|(p, a)| name.strip_prefix(p).map(|f| (*a, f)))
        .unwrap_or((Area::Event, name));
    let Some((prefix, local)) = field.split_once(':') else {
        return Ok(None);
    };
    let well_formed = !prefix.is_empty()
        && !local.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_alphanumeric())
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    if !well_formed {
        return Err(bad(k, "an extension field is named prefix:localName"));
    }
    if matches!(area, Area::ReadPoint | Area::BizLocation) && cmp != Some(Cmp::Eq) {
        return Ok(None);
    }
    let values = match cmp {
        None => Vec::new(),
        Some(Cmp::Eq) => list(v).into_iter().map(Scalar::parse).collect(),
        Some(_) => match Scalar::parse(v) {
            s @ (Scalar::Number(_) | Scalar::Time(_)) => vec![s],
            Scalar::Text(_) => return Err(bad(k, format!("{v:?} is not a number or a time"))),
        },
    };
    Ok(Some(BodyFilter::Extension {
        area,
        inner,
        field: FieldName {
            ns: extensions.namespace(prefix),
            prefix: prefix.to_owned(),
            local: local.to_owned(),
        },
        cmp,
        values,
    }))
}
