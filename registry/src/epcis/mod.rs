//! GS1 EPCIS 2.0 events, pure: the model, the CBV 2.0 vocabularies, the event hash and the
//! identifiers an event touches.
//!
//! Parsing (XML, JSON-LD) lives in `adapters::epcis`, writing in `reports::epcis`; storage and
//! HTTP come on top of this API.

pub mod cbv;
pub mod ext;
pub mod hash;
pub mod identifiers;
pub mod model;

pub use ext::{ExtAttr, ExtElement, ExtValue};
pub use hash::{event_hash, pre_hash_string};
pub use identifiers::{IdRef, IdRole};
pub use model::{
    Action, BizTransaction, DocumentHeader, DocumentKind, EpcisDocument, ErrorDeclaration, Event,
    EventType, Location, Namespace, PersistentDisposition, QuantityElement, SensorElement,
    SensorMetadata, SensorReport, SourceDest,
};
