//! A lifecycle record as an EPCIS 2.0 event about the equipment as a GS1 individual asset
//! (GIAI: the maker's company prefix and the 18-digit code). Registering a cylinder to a filler
//! is a registry record only.

use registry::epcis::{Action, Event};

use super::{EquipmentRecord, EquipmentRecordKind};
use crate::regulators::events::object;

/// The equipment's EPC: `https://id.gs1.org/8004/{prefix}{code}`.
pub fn epc(gs1_prefix: &str, code: &str) -> String {
    format!("https://id.gs1.org/8004/{gs1_prefix}{code}")
}

/// The events of a record about the equipment `epc`.
pub fn events(record: &EquipmentRecord, epc: &str) -> Vec<Event> {
    let (action, step, disposition) = match &record.kind {
        EquipmentRecordKind::Manufacture { .. } => (Action::Add, "commissioning", "active"),
        EquipmentRecordKind::Install => (Action::Observe, "installing", "active"),
        EquipmentRecordKind::Maintain => (Action::Observe, "repairing", "active"),
        EquipmentRecordKind::Inspect { passed: true, .. } => {
            (Action::Observe, "inspecting", "conformant")
        }
        EquipmentRecordKind::Inspect { passed: false, .. } => {
            (Action::Observe, "inspecting", "non_conformant")
        }
        EquipmentRecordKind::RegisterFiller => return Vec::new(),
        EquipmentRecordKind::Fill { .. } => (Action::Observe, "loading", "active"),
        EquipmentRecordKind::Scrap => (Action::Delete, "decommissioning", "inactive"),
    };
    let mut e = object(record.at, action, step, disposition, &record.site);
    e.epc_list = vec![epc.to_owned()];
    vec![e]
}
