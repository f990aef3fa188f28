//! Rules beyond the schemas, checked on a whole event once it is read.

use registry::epcis::{Action, Event, EventType};

use super::EpcisError;

/// Checks the cross-field rules of EPCIS 2.0 on `e` (event number `index`).
///
/// - `action` is required, except on a TransformationEvent, which has none;
/// - an ObjectEvent names what it is about: EPCs, quantities, or sensor data;
/// - a TransactionEvent has at least one business transaction;
/// - an AssociationEvent has a `parentID`;
/// - a TransformationEvent has at least one input or output;
/// - `ilmd` comes only with `action` ADD (ObjectEvent) or on a TransformationEvent;
/// - every sensor element has at least one sensor report.
pub fn check_event(e: &Event, index: Option<usize>) -> Result<(), EpcisError> {
    let err = |field: &str, msg: &str| Err(EpcisError::invalid(index, field, msg));
    match (e.event_type, e.action) {
        (EventType::TransformationEvent, Some(_)) => {
            return err("action", "a TransformationEvent has no action");
        }
        (EventType::TransformationEvent, None) => {}
        (_, None) => return err("action", "required field missing"),
        _ => {}
    }
    match e.event_type {
        EventType::ObjectEvent => {
            if e.epc_list.is_empty()
                && e.quantity_list.is_empty()
                && e.sensor_element_list.is_empty()
            {
                return err(
                    "epcList",
                    "an ObjectEvent needs epcList, quantityList or sensorElementList",
                );
            }
            if e.ilmd.is_some() && e.action != Some(Action::Add) {
                return err("ilmd", "ilmd is only allowed with action ADD");
            }
        }
        EventType::TransactionEvent => {
            if e.biz_transaction_list.is_empty() {
                return err("bizTransactionList", "required field missing");
            }
        }
        EventType::AssociationEvent => {
            if e.parent_id.is_none() {
                return err("parentID", "required field missing");
            }
        }
        EventType::TransformationEvent => {
            let none = e.input_epc_list.is_empty()
                && e.input_quantity_list.is_empty()
                && e.output_epc_list.is_empty()
                && e.output_quantity_list.is_empty();
            if none {
                return err(
                    "inputEPCList",
                    "a TransformationEvent needs inputs or outputs",
                );
            }
        }
        EventType::AggregationEvent => {}
    }
    if e.ilmd.is_some()
        && !matches!(
            e.event_type,
            EventType::ObjectEvent | EventType::TransformationEvent
        )
    {
        return err(
            "ilmd",
            "ilmd is only allowed on ObjectEvent and TransformationEvent",
        );
    }
    for (i, s) in e.sensor_element_list.iter().enumerate() {
        if s.sensor_report.is_empty() {
            return err(
                &format!("sensorElementList[{i}].sensorReport"),
                "at least one sensorReport is required",
            );
        }
    }
    Ok(())
}
