//! A flow as an EPCIS 2.0 event: a lot (GTIN and lot, `https://id.gs1.org/01/{gtin}/10/{lot}`)
//! in kilograms received, produced or shipped at the report's site, at noon China time of its
//! day. The opening stock is no event: it is what earlier months left.

use registry::epcis::{Action, Event, QuantityElement};

use super::{Flow, FlowKind, Report};
use crate::regulators::events::{master_data, object, place};
use crate::regulators::lots::{lot_class, noon};

/// The events of one flow of `report`.
pub fn events(report: &Report, flow: &Flow) -> Vec<Event> {
    let Some(at) = flow.date.and_then(noon) else {
        return Vec::new();
    };
    let site = &report.site;
    let mut e = match flow.kind {
        FlowKind::Opening => return Vec::new(),
        FlowKind::Input => {
            let mut e = object(at, Action::Observe, "receiving", "in_progress", site);
            e.source_list = flow.partner.iter().map(|p| place(p)).collect();
            e.destination_list = vec![place(site)];
            e
        }
        FlowKind::Output => {
            let mut e = object(at, Action::Add, "commissioning", "active", site);
            e.ilmd = Some(vec![master_data("lotNumber", flow.lot.clone())]);
            e
        }
        FlowKind::Shipment => {
            let mut e = object(at, Action::Observe, "shipping", "in_transit", site);
            e.source_list = vec![place(site)];
            e.destination_list = flow.partner.iter().map(|p| place(p)).collect();
            e
        }
    };
    e.quantity_list = vec![QuantityElement {
        epc_class: lot_class(&flow.gtin, &flow.lot),
        quantity: Some(flow.quantity_kg),
        uom: Some("KGM".into()),
    }];
    vec![e]
}
