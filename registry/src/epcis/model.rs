//! The EPCIS 2.0 event and document model.
//!
//! Values are stored normalised: CBV values as CBV web URIs ([`super::cbv`]), GS1 identifiers as
//! canonical GS1 Digital Link URIs ([`crate::ids::epc`]), times as timestamps with their original
//! offset. The serde form of [`Event`] is the hub's stable internal JSON (camelCase field names,
//! empty lists left out); it is not the EPCIS JSON-LD binding, which `reports` writes.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::ext::ExtElement;

/// The five EPCIS 2.0 event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// `ObjectEvent`.
    ObjectEvent,
    /// `AggregationEvent`.
    AggregationEvent,
    /// `TransactionEvent`.
    TransactionEvent,
    /// `TransformationEvent`.
    TransformationEvent,
    /// `AssociationEvent`.
    AssociationEvent,
}

impl EventType {
    /// The element / `type` name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ObjectEvent => "ObjectEvent",
            EventType::AggregationEvent => "AggregationEvent",
            EventType::TransactionEvent => "TransactionEvent",
            EventType::TransformationEvent => "TransformationEvent",
            EventType::AssociationEvent => "AssociationEvent",
        }
    }

    /// Parses an element / `type` name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ObjectEvent" => EventType::ObjectEvent,
            "AggregationEvent" => EventType::AggregationEvent,
            "TransactionEvent" => EventType::TransactionEvent,
            "TransformationEvent" => EventType::TransformationEvent,
            "AssociationEvent" => EventType::AssociationEvent,
            _ => return None,
        })
    }
}

/// `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Action {
    /// `ADD`.
    Add,
    /// `OBSERVE`.
    Observe,
    /// `DELETE`.
    Delete,
}

impl Action {
    /// `ADD`, `OBSERVE` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Observe => "OBSERVE",
            Action::Delete => "DELETE",
        }
    }

    /// Parses `ADD`, `OBSERVE` or `DELETE` (exact case).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ADD" => Action::Add,
            "OBSERVE" => Action::Observe,
            "DELETE" => Action::Delete,
            _ => return None,
        })
    }
}

/// A `quantityElement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityElement {
    /// `epcClass` (canonical).
    pub epc_class: String,
    /// `quantity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// `uom` (UN/CEFACT Rec. 20 code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uom: Option<String>,
}

/// `readPoint` or `bizLocation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// `id` (canonical).
    pub id: String,
    /// User extensions inside the element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

/// A `bizTransaction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BizTransaction {
    /// Business transaction type (canonical), if given.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The business transaction identifier.
    pub value: String,
}

/// A `source` or `destination`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDest {
    /// Source/destination type (canonical).
    #[serde(rename = "type")]
    pub kind: String,
    /// The party or location identifier.
    pub value: String,
}

/// `persistentDisposition`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentDisposition {
    /// `set` (canonical dispositions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// `unset` (canonical dispositions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unset: Vec<String>,
}

/// `errorDeclaration`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDeclaration {
    /// `declarationTime`.
    pub declaration_time: DateTime<FixedOffset>,
    /// `reason` (canonical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `correctiveEventIDs`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrective_event_ids: Vec<String>,
    /// User extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

/// `sensorMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SensorMetadata {
    /// `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<DateTime<FixedOffset>>,
    /// `startTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<FixedOffset>>,
    /// `endTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<FixedOffset>>,
    /// `deviceID`.
    #[serde(rename = "deviceID", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// `deviceMetadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_metadata: Option<String>,
    /// `rawData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_data: Option<String>,
    /// `dataProcessingMethod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processing_method: Option<String>,
    /// `bizRules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_rules: Option<String>,
    /// Extension attributes (XML) / namespaced keys (JSON-LD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

/// `sensorReport`, with every attribute of EPCIS 2.0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SensorReport {
    /// `type` (canonical measurement type).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `exception` (canonical sensor alert type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// `deviceID`.
    #[serde(rename = "deviceID", default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// `deviceMetadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_metadata: Option<String>,
    /// `rawData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_data: Option<String>,
    /// `dataProcessingMethod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_processing_method: Option<String>,
    /// `bizRules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_rules: Option<String>,
    /// `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<DateTime<FixedOffset>>,
    /// `microorganism`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microorganism: Option<String>,
    /// `chemicalSubstance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chemical_substance: Option<String>,
    /// `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// `component` (canonical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// `stringValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// `booleanValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean_value: Option<bool>,
    /// `hexBinaryValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_binary_value: Option<String>,
    /// `uriValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri_value: Option<String>,
    /// `minValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    /// `maxValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    /// `meanValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_value: Option<f64>,
    /// `sDev`.
    #[serde(rename = "sDev", default, skip_serializing_if = "Option::is_none")]
    pub s_dev: Option<f64>,
    /// `percRank`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perc_rank: Option<f64>,
    /// `percValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perc_value: Option<f64>,
    /// `uom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uom: Option<String>,
    /// `coordinateReferenceSystem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinate_reference_system: Option<String>,
    /// Extension attributes (XML) / namespaced keys (JSON-LD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

/// A `sensorElement`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SensorElement {
    /// `sensorMetadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor_metadata: Option<SensorMetadata>,
    /// `sensorReport` list (at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensor_report: Vec<SensorReport>,
    /// User extensions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

/// One EPCIS 2.0 event of any of the five types, with every standard field.
///
/// Fields a given type does not have stay empty; the readers refuse them where EPCIS does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// `eventTime`.
    pub event_time: DateTime<FixedOffset>,
    /// `eventTimeZoneOffset` (`+HH:MM` / `-HH:MM`).
    pub event_time_zone_offset: String,
    /// `recordTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_time: Option<DateTime<FixedOffset>>,
    /// `eventID`.
    #[serde(rename = "eventID", default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// `errorDeclaration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_declaration: Option<ErrorDeclaration>,
    /// `certificationInfo` (one in XML, one or more in JSON-LD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certification_info: Vec<String>,
    /// `action` (every type but TransformationEvent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// `parentID`.
    #[serde(rename = "parentID", default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// `epcList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub epc_list: Vec<String>,
    /// `childEPCs`.
    #[serde(rename = "childEPCs", default, skip_serializing_if = "Vec::is_empty")]
    pub child_epcs: Vec<String>,
    /// `inputEPCList`.
    #[serde(
        rename = "inputEPCList",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub input_epc_list: Vec<String>,
    /// `outputEPCList`.
    #[serde(
        rename = "outputEPCList",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub output_epc_list: Vec<String>,
    /// `quantityList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantity_list: Vec<QuantityElement>,
    /// `childQuantityList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub child_quantity_list: Vec<QuantityElement>,
    /// `inputQuantityList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_quantity_list: Vec<QuantityElement>,
    /// `outputQuantityList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_quantity_list: Vec<QuantityElement>,
    /// `transformationID`.
    #[serde(
        rename = "transformationID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transformation_id: Option<String>,
    /// `bizStep` (canonical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_step: Option<String>,
    /// `disposition` (canonical).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    /// `persistentDisposition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_disposition: Option<PersistentDisposition>,
    /// `readPoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_point: Option<Location>,
    /// `bizLocation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_location: Option<Location>,
    /// `bizTransactionList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub biz_transaction_list: Vec<BizTransaction>,
    /// `sourceList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_list: Vec<SourceDest>,
    /// `destinationList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination_list: Vec<SourceDest>,
    /// `sensorElementList`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensor_element_list: Vec<SensorElement>,
    /// `ilmd` (instance/lot master data): present even when empty if the source had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ilmd: Option<Vec<ExtElement>>,
    /// User extensions at event level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtElement>,
}

impl Event {
    /// An event of `event_type` at `event_time` with nothing else set; the time zone offset is
    /// taken from `event_time`.
    pub fn new(event_type: EventType, event_time: DateTime<FixedOffset>) -> Self {
        Event {
            event_type,
            event_time_zone_offset: event_time.format("%:z").to_string(),
            event_time,
            record_time: None,
            event_id: None,
            error_declaration: None,
            certification_info: Vec::new(),
            action: None,
            parent_id: None,
            epc_list: Vec::new(),
            child_epcs: Vec::new(),
            input_epc_list: Vec::new(),
            output_epc_list: Vec::new(),
            quantity_list: Vec::new(),
            child_quantity_list: Vec::new(),
            input_quantity_list: Vec::new(),
            output_quantity_list: Vec::new(),
            transformation_id: None,
            biz_step: None,
            disposition: None,
            persistent_disposition: None,
            read_point: None,
            biz_location: None,
            biz_transaction_list: Vec::new(),
            source_list: Vec::new(),
            destination_list: Vec::new(),
            sensor_element_list: Vec::new(),
            ilmd: None,
            extensions: Vec::new(),
        }
    }

    /// The hub's stable internal JSON of this event (what the database stores).
    pub fn to_internal_json(&self) -> String {
        // Serialising these plain structs to a String cannot fail (no maps with non-string keys,
        // no custom serialisers that error); fall back to an empty object rather than panic.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// Reads the internal JSON written by [`Event::to_internal_json`].
    pub fn from_internal_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A namespace declaration: XML `xmlns:prefix="uri"`, JSON-LD `@context` `{"prefix": "uri"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    /// Prefix.
    pub prefix: String,
    /// Namespace URI.
    pub uri: String,
}

/// Which EPCIS document a set of events came in (or goes out in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentKind {
    /// `EPCISDocument` (capture).
    Document,
    /// `EPCISQueryDocument` with query results.
    QueryDocument {
        /// `queryName`.
        query_name: Option<String>,
        /// `subscriptionID`.
        subscription_id: Option<String>,
    },
    /// A single event on its own (the `POST /events` body).
    SingleEvent,
}

/// Everything of an EPCIS document but its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentHeader {
    /// Which document.
    pub kind: DocumentKind,
    /// `schemaVersion`.
    pub schema_version: Option<String>,
    /// `creationDate`.
    pub creation_date: Option<DateTime<FixedOffset>>,
    /// Namespaces declared at document level, for writing extensions back.
    pub namespaces: Vec<Namespace>,
    /// Other document-level fields (JSON-LD `id`, `sender`, `receiver`, `instanceIdentifier`,
    /// the XML `EPCISHeader` with its SBDH and master data, JSON-LD `epcisHeader`), kept as an
    /// extension tree.
    pub extras: Vec<ExtElement>,
}

impl Default for DocumentHeader {
    fn default() -> Self {
        DocumentHeader {
            kind: DocumentKind::Document,
            schema_version: Some("2.0".into()),
            creation_date: None,
            namespaces: Vec::new(),
            extras: Vec::new(),
        }
    }
}

/// A whole EPCIS document: header and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpcisDocument {
    /// Header bits and namespace declarations.
    pub header: DocumentHeader,
    /// The events, in document order.
    pub events: Vec<Event>,
}
