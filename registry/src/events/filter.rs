//! Filters of the simple event query that the stored columns cannot answer, evaluated on the
//! decoded event: quantities, error declarations, sensor reports, `persistentDisposition`,
//! `transformationID`, and user extensions (top level, ILMD, error declaration, locations,
//! sensor elements; `INNER` for nested ones). Pure: [`BodyFilter::holds`] reads an [`Event`].
//!
//! [`super::query`] runs the column filters in SQL and these on each row it reads, a bounded
//! number of rows per page ([`super::query::SCAN_BUDGET`]); see there.

use chrono::{DateTime, NaiveDateTime};

use crate::epcis::ext::{ExtElement, ExtValue, canonical_ns};
use crate::epcis::{Event, SensorElement, SensorReport};

/// A comparison of the query language (`EQ_`, `GT_`, `GE_`, `LT_`, `LE_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Equal to one of the values.
    Eq,
    /// Greater than.
    Gt,
    /// Greater than or equal to.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal to.
    Le,
}

impl Cmp {
    /// The comparison of a parameter prefix (`GE` → [`Cmp::Ge`]).
    pub fn parse(prefix: &str) -> Option<Cmp> {
        Some(match prefix {
            "EQ" => Cmp::Eq,
            "GT" => Cmp::Gt,
            "GE" => Cmp::Ge,
            "LT" => Cmp::Lt,
            "LE" => Cmp::Le,
            _ => return None,
        })
    }

    fn holds(self, order: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Cmp::Eq => order == Equal,
            Cmp::Gt => order == Greater,
            Cmp::Ge => order != Less,
            Cmp::Lt => order == Less,
            Cmp::Le => order != Greater,
        }
    }
}

/// A value given in a query: a number, a time, or text (the first that parses).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A number.
    Number(f64),
    /// An RFC 3339 time, in UTC.
    Time(NaiveDateTime),
    /// Anything else.
    Text(String),
}

impl Scalar {
    /// Reads a query value.
    pub fn parse(v: &str) -> Scalar {
        if let Ok(n) = v.trim().parse::<f64>() {
            return Scalar::Number(n);
        }
        match DateTime::parse_from_rfc3339(&v.trim().replace(' ', "+")) {
            Ok(t) => Scalar::Time(t.naive_utc()),
            Err(_) => Scalar::Text(v.to_owned()),
        }
    }

    /// Compares `found` (a value in an event) with this value: `None` when they do not compare.
    fn compare(&self, found: &str) -> Option<std::cmp::Ordering> {
        match self {
            Scalar::Number(n) => found.trim().parse::<f64>().ok()?.partial_cmp(n),
            Scalar::Time(t) => Some(
                DateTime::parse_from_rfc3339(found.trim())
                    .ok()?
                    .naive_utc()
                    .cmp(t),
            ),
            Scalar::Text(s) => Some(found.cmp(s.as_str())),
        }
    }

    fn matches(&self, cmp: Cmp, found: &str) -> bool {
        self.compare(found).is_some_and(|o| cmp.holds(o))
    }
}

/// The name of an extension field: `prefix:local` as given, with the namespace the
/// `GS1-Extensions` header gave the prefix, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName {
    /// The prefix as given.
    pub prefix: String,
    /// The namespace of the prefix, when the request declared it.
    pub ns: Option<String>,
    /// The local name.
    pub local: String,
}

impl FieldName {
    fn names(&self, e: &ExtElement) -> bool {
        e.local == self.local
            && match &self.ns {
                Some(ns) => canonical_ns(&e.ns) == canonical_ns(ns),
                None => e.prefix == self.prefix,
            }
    }
}

/// Where an extension field is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The event's own extensions.
    Event,
    /// `ilmd`.
    Ilmd,
    /// The error declaration's extensions.
    ErrorDeclaration,
    /// The readPoint's extensions.
    ReadPoint,
    /// The bizLocation's extensions.
    BizLocation,
    /// A sensor element's extensions.
    SensorElement,
    /// A sensor metadata's extensions.
    SensorMetadata,
    /// A sensor report's extensions.
    SensorReport,
}

/// A field of a sensor report (or of its element's metadata, for the fields both carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorField {
    /// `type`.
    Type,
    /// `deviceID`.
    DeviceId,
    /// `dataProcessingMethod`.
    DataProcessingMethod,
    /// `microorganism`.
    Microorganism,
    /// `chemicalSubstance`.
    ChemicalSubstance,
    /// `bizRules`.
    BizRules,
    /// `stringValue`.
    StringValue,
    /// `booleanValue`.
    BooleanValue,
    /// `hexBinaryValue`.
    HexBinaryValue,
    /// `uriValue`.
    UriValue,
    /// `value`.
    Value,
    /// `minValue`.
    MinValue,
    /// `maxValue`.
    MaxValue,
    /// `meanValue`.
    MeanValue,
    /// `sDev`.
    SDev,
    /// `percRank`.
    PercRank,
    /// `percValue`.
    PercValue,
    /// `time` (the report's, else the metadata's).
    Time,
    /// The metadata's `startTime`.
    StartTime,
    /// The metadata's `endTime`.
    EndTime,
}

impl SensorField {
    /// The field of a parameter's name (`value`, `deviceID`...).
    pub fn parse(name: &str) -> Option<SensorField> {
        use SensorField as F;
        Some(match name {
            "type" => F::Type,
            "deviceID" => F::DeviceId,
            "dataProcessingMethod" => F::DataProcessingMethod,
            "microorganism" => F::Microorganism,
            "chemicalSubstance" => F::ChemicalSubstance,
            "bizRules" => F::BizRules,
            "stringValue" => F::StringValue,
            "booleanValue" => F::BooleanValue,
            "hexBinaryValue" => F::HexBinaryValue,
            "uriValue" => F::UriValue,
            "value" => F::Value,
            "minValue" => F::MinValue,
            "maxValue" => F::MaxValue,
            "meanValue" => F::MeanValue,
            "sDev" => F::SDev,
            "percRank" => F::PercRank,
            "percValue" => F::PercValue,
            "time" => F::Time,
            "startTime" => F::StartTime,
            "endTime" => F::EndTime,
            _ => return None,
        })
    }

    /// True for the fields compared as numbers (the others are compared as given).
    pub fn is_numeric(self) -> bool {
        use SensorField as F;
        matches!(
            self,
            F::Value
                | F::MinValue
                | F::MaxValue
                | F::MeanValue
                | F::SDev
                | F::PercRank
                | F::PercValue
        )
    }

    fn read(self, element: &SensorElement, r: &SensorReport) -> Option<String> {
        use SensorField as F;
        let meta = element.sensor_metadata.as_ref();
        let num = |v: Option<f64>| v.map(|n| n.to_string());
        let time = |v: Option<DateTime<chrono::FixedOffset>>| v.map(|t| t.to_rfc3339());
        match self {
            F::Type => r.kind.clone(),
            F::DeviceId => r
                .device_id
                .clone()
                .or_else(|| meta.and_then(|m| m.device_id.clone())),
            F::DataProcessingMethod => r
                .data_processing_method
                .clone()
                .or_else(|| meta.and_then(|m| m.data_processing_method.clone())),
            F::BizRules => r
                .biz_rules
                .clone()
                .or_else(|| meta.and_then(|m| m.biz_rules.clone())),
            F::Microorganism => r.microorganism.clone(),
            F::ChemicalSubstance => r.chemical_substance.clone(),
            F::StringValue => r.string_value.clone(),
            F::BooleanValue => r.boolean_value.map(|b| b.to_string()),
            F::HexBinaryValue => r.hex_binary_value.clone(),
            F::UriValue => r.uri_value.clone(),
            F::Value => num(r.value),
            F::MinValue => num(r.min_value),
            F::MaxValue => num(r.max_value),
            F::MeanValue => num(r.mean_value),
            F::SDev => num(r.s_dev),
            F::PercRank => num(r.perc_rank),
            F::PercValue => num(r.perc_value),
            F::Time => time(r.time).or_else(|| time(meta.and_then(|m| m.time))),
            F::StartTime => time(meta.and_then(|m| m.start_time)),
            F::EndTime => time(meta.and_then(|m| m.end_time)),
        }
    }
}

/// One condition on a sensor report.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorCond {
    /// The field.
    pub field: SensorField,
    /// The comparison.
    pub cmp: Cmp,
    /// The values (one of them for `EQ`, the one for the others).
    pub values: Vec<Scalar>,
    /// The unit of measure the report must be in (`GE_value_CEL`).
    pub uom: Option<String>,
}

impl SensorCond {
    fn holds(&self, element: &SensorElement, r: &SensorReport) -> bool {
        if self
            .uom
            .as_ref()
            .is_some_and(|u| r.uom.as_deref() != Some(u.as_str()))
        {
            return false;
        }
        self.field
            .read(element, r)
            .is_some_and(|found| self.values.iter().any(|v| v.matches(self.cmp, &found)))
    }
}

/// A filter on the event body. Every filter of a query must hold.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyFilter {
    /// A quantity element (any of the four lists) whose quantity compares (`EQ_quantity`,
    /// `GE_quantity_KGM`...).
    Quantity {
        /// The comparison.
        cmp: Cmp,
        /// The value.
        value: f64,
        /// The unit of measure the element must be in.
        uom: Option<String>,
    },
    /// `EXISTS_errorDeclaration`.
    HasErrorDeclaration,
    /// `EXISTS_sensorElementList`.
    HasSensorElements,
    /// `GE_/LT_errorDeclaration_Time`.
    DeclarationTime {
        /// The comparison.
        cmp: Cmp,
        /// The time (UTC).
        time: NaiveDateTime,
    },
    /// `EQ_errorReason` (canonical reasons).
    ErrorReason(Vec<String>),
    /// `EQ_correctiveEventID`.
    CorrectiveEventId(Vec<String>),
    /// `EQ_transformationID`.
    TransformationId(Vec<String>),
    /// `EQ_persistentDisposition_set` / `_unset` (canonical dispositions): `set` says which.
    PersistentDisposition {
        /// True for the `set` list.
        set: bool,
        /// Any of these.
        values: Vec<String>,
    },
    /// Every condition holds for one sensor report (sensor parameters of one query apply to
    /// the same report).
    Sensor(Vec<SensorCond>),
    /// An extension field is present (`EXISTS_`), or compares (`EQ_` one of the values,
    /// `GT_`...), in `area`; `inner`: nested at any depth within the area's top-level elements.
    Extension {
        /// Where.
        area: Area,
        /// Nested (`INNER`) rather than top-level.
        inner: bool,
        /// The field.
        field: FieldName,
        /// `None` for `EXISTS_`.
        cmp: Option<Cmp>,
        /// The values.
        values: Vec<Scalar>,
    },
}

impl BodyFilter {
    /// True when `e` passes.
    pub fn holds(&self, e: &Event) -> bool {
        match self {
            BodyFilter::Quantity { cmp, value, uom } => e
                .quantity_list
                .iter()
                .chain(&e.child_quantity_list)
                .chain(&e.input_quantity_list)
                .chain(&e.output_quantity_list)
                .filter(|q| uom.is_none() || q.uom == *uom)
                .filter_map(|q| q.quantity)
                .any(|q| q.partial_cmp(value).is_some_and(|o| cmp.holds(o))),
            BodyFilter::HasErrorDeclaration => e.error_declaration.is_some(),
            BodyFilter::HasSensorElements => !e.sensor_element_list.is_empty(),
            BodyFilter::DeclarationTime { cmp, time } => e
                .error_declaration
                .as_ref()
                .is_some_and(|d| cmp.holds(d.declaration_time.naive_utc().cmp(time))),
            BodyFilter::ErrorReason(reasons) => e
                .error_declaration
                .as_ref()
                .and_then(|d| d.reason.as_ref())
                .is_some_and(|r| reasons.contains(r)),
            BodyFilter::CorrectiveEventId(ids) => e
                .error_declaration
                .as_ref()
                .is_some_and(|d| d.corrective_event_ids.iter().any(|c| ids.contains(c))),
            BodyFilter::TransformationId(ids) => e
                .transformation_id
                .as_ref()
                .is_some_and(|t| ids.contains(t)),
            BodyFilter::PersistentDisposition { set, values } => {
                e.persistent_disposition.as_ref().is_some_and(|p| {
                    let list = if *set { &p.set } else { &p.unset };
                    list.iter().any(|d| values.contains(d))
                })
            }
            BodyFilter::Sensor(conds) => e.sensor_element_list.iter().any(|element| {
                element
                    .sensor_report
                    .iter()
                    .any(|r| conds.iter().all(|c| c.holds(element, r)))
            }),
            BodyFilter::Extension {
                area,
                inner,
                field,
                cmp,
                values,
            } => {
                let mut found = Vec::new();
                for top in roots(e, *area) {
                    if *inner {
                        nested(top, field, &mut found);
                    } else if field.names(top) {
                        found.push(top);
                    }
                }
                match cmp {
                    None => !found.is_empty(),
                    Some(cmp) => found.iter().any(|el| {
                        text_of(&el.value)
                            .is_some_and(|t| values.iter().any(|v| v.matches(*cmp, &t)))
                    }),
                }
            }
        }
    }
}

/// The top-level extension elements of an area.
fn roots(e: &Event, area: Area) -> Vec<&ExtElement> {
    match area {
        Area::Event => e.extensions.iter().collect(),
        Area::Ilmd => e.ilmd.iter().flatten().collect(),
        Area::ErrorDeclaration => e
            .error_declaration
            .iter()
            .flat_map(|d| &d.extensions)
            .collect(),
        Area::ReadPoint => e.read_point.iter().flat_map(|l| &l.extensions).collect(),
        Area::BizLocation => e.biz_location.iter().flat_map(|l| &l.extensions).collect(),
        Area::SensorElement => e
            .sensor_element_list
            .iter()
            .flat_map(|s| &s.extensions)
            .collect(),
        Area::SensorMetadata => e
            .sensor_element_list
            .iter()
            .filter_map(|s| s.sensor_metadata.as_ref())
            .flat_map(|m| &m.extensions)
            .collect(),
        Area::SensorReport => e
            .sensor_element_list
            .iter()
            .flat_map(|s| &s.sensor_report)
            .flat_map(|r| &r.extensions)
            .collect(),
    }
}

/// Elements named `field` strictly below `top`, at any depth.
fn nested<'a>(top: &'a ExtElement, field: &FieldName, out: &mut Vec<&'a ExtElement>) {
    if let ExtValue::Elements(children) = &top.value {
        for c in children {
            if field.names(c) {
                out.push(c);
            }
            nested(c, field, out);
        }
    }
}

/// The simple content of an element, as text.
fn text_of(v: &ExtValue) -> Option<String> {
    match v {
        ExtValue::Text(t) | ExtValue::Number(t) => Some(t.clone()),
        ExtValue::Bool(b) => Some(b.to_string()),
        ExtValue::Null | ExtValue::Elements(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_compare_as_numbers_times_or_text() {
        assert!(Scalar::parse("10").matches(Cmp::Gt, "10.5"));
        assert!(!Scalar::parse("10").matches(Cmp::Gt, "abc"));
        assert!(
            Scalar::parse("2026-01-01T00:00:00+01:00").matches(Cmp::Eq, "2025-12-31T23:00:00Z")
        );
        assert!(Scalar::parse("abc").matches(Cmp::Eq, "abc"));
        assert!(Scalar::parse("abc").matches(Cmp::Lt, "abb"));
    }
}
