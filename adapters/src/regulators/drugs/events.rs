//! A drug record as EPCIS 2.0 events (CBV 2.0 business steps and dispositions): what lets one
//! trace and one recall follow a pack from the line to the patient. Product records have no
//! event: they are registry records.

use chrono::NaiveDate;
use registry::epcis::{Action, Event, EventType};

use super::{DrugCode, DrugRecordKind};
use crate::regulators::events::{at_site, cbv, master_data, object, place};

/// Why a record cannot become events: the column at fault and the reason.
pub type MappingError = (&'static str, String);

/// The events of one record. `filed` gives the GTIN filed for a 7-digit drug identification
/// code (a national code is a serial under it).
pub fn events(
    kind: &DrugRecordKind,
    filed: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Event>, MappingError> {
    let epc = |column: &'static str, code: &DrugCode| -> Result<String, MappingError> {
        let gtin = code.drug_id().and_then(filed);
        code.epc(gtin.as_deref()).ok_or_else(|| {
            let id = code.drug_id().unwrap_or_default();
            (
                column,
                format!("no product is filed for drug identification code {id}"),
            )
        })
    };
    let epcs = |codes: &[DrugCode]| -> Result<Vec<String>, MappingError> {
        codes.iter().map(|c| epc("code", c)).collect()
    };
    let event = match kind {
        DrugRecordKind::Product { .. } => return Ok(Vec::new()),
        DrugRecordKind::Commission {
            at,
            site,
            code,
            batch,
            expiry,
        } => {
            let mut e = object(*at, Action::Add, "commissioning", "active", site);
            e.epc_list = vec![epc("code", code)?];
            e.ilmd = Some(vec![
                master_data("lotNumber", batch.clone()),
                master_data("itemExpirationDate", expiry_text(*expiry)),
            ]);
            e
        }
        DrugRecordKind::Pack {
            at,
            site,
            parent,
            codes,
        } => {
            let mut e = Event::new(EventType::AggregationEvent, *at);
            e.action = Some(Action::Add);
            e.biz_step = Some(cbv("BizStep", "packing"));
            e.disposition = Some(cbv("Disp", "in_progress"));
            e.parent_id = Some(epc("parent_code", parent)?);
            e.child_epcs = epcs(codes)?;
            at_site(&mut e, site);
            e
        }
        DrugRecordKind::Ship {
            at,
            site,
            partner,
            codes,
        } => {
            let mut e = object(*at, Action::Observe, "shipping", "in_transit", site);
            e.epc_list = epcs(codes)?;
            e.source_list = vec![place(site)];
            e.destination_list = vec![place(partner)];
            e
        }
        DrugRecordKind::Receive {
            at,
            site,
            partner,
            codes,
        } => {
            let mut e = object(*at, Action::Observe, "receiving", "in_progress", site);
            e.epc_list = epcs(codes)?;
            e.source_list = vec![place(partner)];
            e.destination_list = vec![place(site)];
            e
        }
        DrugRecordKind::Sell { at, site, code, .. } => {
            let mut e = object(*at, Action::Observe, "retail_selling", "retail_sold", site);
            e.epc_list = vec![epc("code", code)?];
            e
        }
        DrugRecordKind::Dispense { at, site, code, .. } => {
            let mut e = object(*at, Action::Observe, "dispensing", "dispensed", site);
            e.epc_list = vec![epc("code", code)?];
            e
        }
    };
    Ok(vec![event])
}

fn expiry_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
