use std::collections::BTreeSet;

use super::*;
use crate::regulators::{Record, sample_records};

fn read_all(name: &str) -> Vec<Result<AgriRecord, LineError>> {
    sample_records("agri", name)
        .into_iter()
        .map(|r| {
            r.map(|record| match record {
                Record::Agri(r) => r,
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

#[test]
fn the_samples_cover_every_record_type_and_map_to_events() {
    let mut kinds = BTreeSet::new();
    for file in ["records.csv", "alerts.csv"] {
        for record in read_all(file) {
            let record = record.unwrap();
            kinds.insert(record.kind.name());
            for event in events(&record) {
                crate::epcis::validate::check_event(&event, None).unwrap();
            }
        }
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "harvest",
            "input",
            "plant",
            "residue_test",
            "ship",
            "slaughter"
        ]
    );
    let shipped = read_all("records.csv")
        .into_iter()
        .map(Result::unwrap)
        .find(|r| r.kind.name() == "ship")
        .unwrap();
    let [event] = events(&shipped).try_into().unwrap();
    assert_eq!(
        event.quantity_list[0].epc_class,
        "https://id.gs1.org/01/06990001000014/10/RM20261102"
    );
}

#[test]
fn bad_rows_name_their_column() {
    let errors: Vec<(u64, String, String)> = read_all("bad.csv")
        .into_iter()
        .filter_map(Result::err)
        .map(|e| (e.line, e.column, e.error))
        .collect();
    assert_eq!(
        errors,
        [
            (2, "input_type".into(), "invalid_choice".into()),
            (3, "date".into(), "invalid_date".into()),
            (4, "quantity".into(), "invalid_quantity".into()),
            (5, "unit".into(), "invalid_unit".into()),
            (6, "result".into(), "invalid_choice".into()),
        ]
    );
}
