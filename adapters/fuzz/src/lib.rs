//! What every fuzz target does with its input: read it through one adapter and map each record
//! it yields to EPCIS events, as the hub's intake would, without a database. A panic anywhere is
//! the finding; errors are the expected answer to most inputs.

use adapters::regulators::rare_earth::RareEarthRecordKind;
use adapters::regulators::{Record, agri, drugs, find, food, rare_earth, special_equipment};

/// At most this many records of one input are mapped (an input of many short lines would
/// otherwise spend the run's time on mapping rather than on finding new paths).
const MAX_RECORDS: usize = 10_000;

/// Reads `data` through adapter `name` and maps every record.
pub fn run(name: &str, data: &[u8]) {
    let Some(adapter) = find(name) else {
        panic!("no adapter {name}");
    };
    let Ok(records) = (adapter.read)(Box::new(data)) else {
        return;
    };
    let mut report = None;
    for record in records.take(MAX_RECORDS).flatten() {
        match record {
            Record::Drug(r) => {
                let _ = drugs::events(&r.kind, &|_| Some("06923456000018".to_owned()));
            }
            Record::RareEarth(r) => match r.kind {
                RareEarthRecordKind::Report(found) => report = Some(found),
                RareEarthRecordKind::Flow(flow) => {
                    if let Some(report) = &report {
                        rare_earth::events(report, &flow);
                    }
                }
            },
            Record::Equipment(r) => {
                special_equipment::events(&r, &special_equipment::epc("6901234", &r.code));
            }
            Record::Agri(r) => {
                agri::events(&r);
            }
            Record::Food(r) => {
                food::events(&r);
            }
        }
    }
}
