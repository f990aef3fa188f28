//! Every identifier an event touches, with its role: for indexing and for lineage edges.

use super::model::Event;

/// The role an identifier plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdRole<'a> {
    /// In `epcList`.
    Epc,
    /// `parentID`.
    Parent,
    /// In `childEPCs`.
    Child,
    /// In `inputEPCList`.
    Input,
    /// In `outputEPCList`.
    Output,
    /// `epcClass` in `quantityList`.
    QuantityClass,
    /// `epcClass` in `childQuantityList`.
    ChildQuantityClass,
    /// `epcClass` in `inputQuantityList`.
    InputQuantityClass,
    /// `epcClass` in `outputQuantityList`.
    OutputQuantityClass,
    /// `readPoint` id.
    ReadPoint,
    /// `bizLocation` id.
    BizLocation,
    /// A `source`, with its (canonical) type.
    Source(&'a str),
    /// A `destination`, with its (canonical) type.
    Destination(&'a str),
    /// A `bizTransaction`, with its (canonical) type if any.
    BizTransaction(Option<&'a str>),
}

impl IdRole<'_> {
    /// True for roles that name the objects an event is about (EPCs and classes), as opposed to
    /// places, parties and documents.
    pub fn is_object(&self) -> bool {
        !matches!(
            self,
            IdRole::ReadPoint
                | IdRole::BizLocation
                | IdRole::Source(_)
                | IdRole::Destination(_)
                | IdRole::BizTransaction(_)
        )
    }
}

/// One identifier of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdRef<'a> {
    /// Its role.
    pub role: IdRole<'a>,
    /// The identifier (canonical form).
    pub id: &'a str,
}

impl Event {
    /// Every identifier this event touches, with its role, in field order.
    pub fn identifiers(&self) -> Vec<IdRef<'_>> {
        let mut out: Vec<IdRef<'_>> = Vec::new();
        let mut push = |role, id| out.push(IdRef { role, id });
        for e in &self.epc_list {
            push(IdRole::Epc, e);
        }
        if let Some(p) = &self.parent_id {
            push(IdRole::Parent, p);
        }
        for e in &self.child_epcs {
            push(IdRole::Child, e);
        }
        for e in &self.input_epc_list {
            push(IdRole::Input, e);
        }
        for e in &self.output_epc_list {
            push(IdRole::Output, e);
        }
        for (list, role) in [
            (&self.quantity_list, IdRole::QuantityClass),
            (&self.child_quantity_list, IdRole::ChildQuantityClass),
            (&self.input_quantity_list, IdRole::InputQuantityClass),
            (&self.output_quantity_list, IdRole::OutputQuantityClass),
        ] {
            for q in list {
                push(role, &q.epc_class);
            }
        }
        if let Some(l) = &self.read_point {
            push(IdRole::ReadPoint, &l.id);
        }
        if let Some(l) = &self.biz_location {
            push(IdRole::BizLocation, &l.id);
        }
        for s in &self.source_list {
            push(IdRole::Source(&s.kind), &s.value);
        }
        for d in &self.destination_list {
            push(IdRole::Destination(&d.kind), &d.value);
        }
        for b in &self.biz_transaction_list {
            push(IdRole::BizTransaction(b.kind.as_deref()), &b.value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epcis::model::{EventType, Location, QuantityElement, SourceDest};

    #[test]
    fn lists_every_identifier_with_its_role() {
        let t = chrono::DateTime::UNIX_EPOCH.fixed_offset();
        let mut e = Event::new(EventType::TransformationEvent, t);
        e.input_epc_list = vec!["in".into()];
        e.output_quantity_list = vec![QuantityElement {
            epc_class: "lot".into(),
            quantity: None,
            uom: None,
        }];
        e.biz_location = Some(Location {
            id: "site".into(),
            extensions: Vec::new(),
        });
        e.destination_list = vec![SourceDest {
            kind: "owner".into(),
            value: "party".into(),
        }];
        let ids = e.identifiers();
        assert_eq!(
            ids,
            vec![
                IdRef {
                    role: IdRole::Input,
                    id: "in"
                },
                IdRef {
                    role: IdRole::OutputQuantityClass,
                    id: "lot"
                },
                IdRef {
                    role: IdRole::BizLocation,
                    id: "site"
                },
                IdRef {
                    role: IdRole::Destination("owner"),
                    id: "party"
                },
            ]
        );
        assert!(ids[0].role.is_object() && !ids[2].role.is_object());
    }
}
