use std::collections::BTreeSet;

use super::*;
use crate::regulators::{Record, sample_records};

fn read_all(name: &str) -> Vec<Result<FoodRecord, LineError>> {
    sample_records("food", name)
        .into_iter()
        .map(|r| {
            r.map(|record| match record {
                Record::Food(r) => r,
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

#[test]
fn a_batch_transforms_raw_lots_and_every_record_type_is_sampled() {
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
        ["batch", "coa", "pack", "ship"]
    );
    let batch = read_all("records.csv").remove(0).unwrap();
    let [event] = events(&batch).try_into().unwrap();
    let inputs: Vec<&str> = event
        .input_quantity_list
        .iter()
        .map(|q| q.epc_class.as_str())
        .collect();
    assert_eq!(
        inputs,
        [
            "https://id.gs1.org/01/06990001000014/10/RM20261102",
            "https://id.gs1.org/01/06990004000011/10/WP2610"
        ]
    );
    assert_eq!(
        event.output_quantity_list[0].epc_class,
        "https://id.gs1.org/01/06990003000012/10/IF20261105A"
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
            (2, "inputs".into(), "invalid_lot".into()),
            (3, "product_type".into(), "invalid_choice".into()),
            (4, "gtin".into(), "invalid_gtin".into()),
            (5, "result".into(), "required".into()),
        ]
    );
}
