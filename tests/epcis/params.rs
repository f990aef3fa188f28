//! The rest of the SimpleEventQuery parameters (issue 14, part 3): quantities, error
//! declarations, sensor reports, extension fields (top level, nested, ILMD), order, and the
//! event counts.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use crate::common::{captured, enc, times};
use adapters::epcis::json::parse_json;
use registry::identity::Role;
use tracehub_tests::{TestApp, assert_error};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const CLASS: &str = "urn:epc:class:lgtin:0614141.107346.L1";

fn document() -> Vec<u8> {
    serde_json::json!({
        "@context": [CONTEXT, {"ex": "https://example.org/ex/"}],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-04-01T00:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-04-01T08:00:00Z", "eventTimeZoneOffset": "+00:00",
             "epcList": [], "quantityList": [{"epcClass": CLASS, "quantity": 10, "uom": "KGM"}],
             "action": "ADD", "bizStep": "commissioning",
             "ilmd": {"ex:lot": "L1", "ex:best": "2026-06-01T00:00:00Z"},
             "ex:temp": 5, "ex:outer": {"ex:inner": "deep"}},
            {"type": "ObjectEvent", "eventTime": "2026-04-01T09:00:00Z", "eventTimeZoneOffset": "+00:00",
             "epcList": [], "quantityList": [{"epcClass": CLASS, "quantity": 300, "uom": "KGM"}],
             "action": "OBSERVE", "bizStep": "sensor_reporting",
             "sensorElementList": [{
                 "sensorMetadata": {"time": "2026-04-01T08:59:00Z", "deviceID": "urn:example:dev:1"},
                 "sensorReport": [
                     {"type": "Temperature", "value": 4.5, "uom": "CEL"},
                     {"type": "RelativeHumidity", "value": 80, "uom": "A93"}
                 ]}]},
            {"type": "ObjectEvent", "eventID": "urn:uuid:5e5e5e5e-0000-4000-8000-000000000003",
             "eventTime": "2026-04-01T10:00:00Z", "eventTimeZoneOffset": "+00:00",
             "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"], "action": "OBSERVE",
             "bizStep": "shipping",
             "errorDeclaration": {"declarationTime": "2026-04-02T00:00:00Z", "reason": "incorrect_data",
                                  "correctiveEventIDs": ["urn:uuid:5e5e5e5e-0000-4000-8000-0000000000c1"]}}
        ]}
    })
    .to_string()
    .into_bytes()
}

/// Every page of a query, following `Link`: the event times of each page.
fn pages(app: &TestApp, token: &str, query: &str) -> Vec<Vec<String>> {
    let mut url = app.url(&format!("/epcis/events?{query}"));
    let mut out = Vec::new();
    loop {
        let response = app.client().get(&url).bearer_auth(token).send().unwrap();
        assert_eq!(response.status(), 200, "{query}");
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let doc = parse_json(&response.bytes().unwrap()).unwrap();
        out.push(
            doc.events
                .iter()
                .map(|e| e.event_time.naive_utc().format("%m%d%H").to_string())
                .collect(),
        );
        match link {
            Some(l) => {
                let path = l.strip_prefix('<').unwrap().split_once('>').unwrap().0;
                url = app.url(path);
            }
            None => return out,
        }
    }
}

#[test]
fn quantities_errors_sensors_extensions_order_and_counts() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    captured(&app, &admin, document());
    let q = |query: &str| times(&app, &admin, query);
    let (a, b, c) = ("040108", "040109", "040110");
    let none: [&str; 0] = [];

    // Quantities, with and without a unit.
    assert_eq!(q("GE_quantity=100"), [b]);
    assert_eq!(q("LT_quantity=100"), [a]);
    assert_eq!(q("GT_quantity=10&LE_quantity=300"), [b]);
    assert_eq!(q("EQ_quantity_KGM=10"), [a]);
    assert_eq!(q("EQ_quantity_LBR=10"), none);

    // Error declarations.
    assert_eq!(q("EXISTS_errorDeclaration"), [c]);
    assert_eq!(q("EQ_errorReason=incorrect_data"), [c]);
    assert_eq!(q("EQ_errorReason=did_not_occur"), none);
    assert_eq!(
        q("EQ_correctiveEventID=urn:uuid:5e5e5e5e-0000-4000-8000-0000000000c1"),
        [c]
    );
    assert_eq!(q("LT_errorDeclaration_Time=2026-04-01T12:00:00Z"), none);

    // Sensor parameters: all of them on the same report.
    assert_eq!(q("EXISTS_sensorElementList"), [b]);
    assert_eq!(q("EQ_type=Temperature"), [b]);
    assert_eq!(q("EQ_type=Temperature&GE_value=4&LT_value_CEL=5"), [b]);
    assert_eq!(q("EQ_type=Temperature&GE_value=50"), none);
    assert_eq!(q("LT_value_FAR=50"), none);
    assert_eq!(q("EQ_deviceID=urn:example:dev:1"), [b]);
    assert_eq!(q(&format!("GE_time={}", enc("2026-04-01T08:30:00Z"))), [b]);

    // Extension fields: top level, nested (INNER) and ILMD, by their captured prefix.
    assert_eq!(q("EQ_ex:temp=5"), [a]);
    assert_eq!(q("GT_ex:temp=4"), [a]);
    assert_eq!(q("GT_ex:temp=5"), none);
    assert_eq!(q("EXISTS_ex:temp"), [a]);
    assert_eq!(q("EQ_ex:inner=deep"), none);
    assert_eq!(q("EQ_INNER_ex:inner=deep"), [a]);
    assert_eq!(q("EQ_ILMD_ex:lot=L1|L2"), [a]);
    assert_eq!(q("EXISTS_ILMD_ex:lot"), [a]);
    assert_eq!(
        q(&format!("GE_ILMD_ex:best={}", enc("2026-05-01T00:00:00Z"))),
        [a]
    );
    // ... and by the namespace the request declares for a prefix of its own.
    let declared = app
        .client()
        .get(app.url("/epcis/events?EQ_mine:temp=5"))
        .bearer_auth(&admin)
        .header("GS1-Extensions", "mine=https://example.org/ex/")
        .send()
        .unwrap();
    assert_eq!(
        parse_json(&declared.bytes().unwrap()).unwrap().events.len(),
        1
    );
    assert_eq!(q("EQ_mine:temp=5"), none);

    // Order: descending by default once asked for.
    assert_eq!(q("orderBy=eventTime"), [c, b, a]);
    assert_eq!(q("orderBy=eventTime&orderDirection=ASC"), [a, b, c]);
    assert_eq!(q("orderDirection=DESC"), [c, b, a]);
    assert_eq!(q("orderBy=recordTime&orderDirection=ASC"), [a, b, c]);
    assert_eq!(
        pages(&app, &admin, "orderBy=eventTime&perPage=2"),
        [vec![c, b], vec![a]]
    );

    // Counts: eventCountLimit across pages; maxEventCount refuses a larger result.
    assert_eq!(q("eventCountLimit=2"), [a, b]);
    assert_eq!(
        pages(&app, &admin, "eventCountLimit=2&perPage=1"),
        [vec![a], vec![b]]
    );
    assert_eq!(
        pages(&app, &admin, "GE_quantity=0&perPage=1"),
        [vec![a], vec![b]]
    );
    assert_eq!(q("maxEventCount=3"), [a, b, c]);
    let get = |query: &str| {
        app.client()
            .get(app.url(&format!("/epcis/events?{query}")))
            .bearer_auth(&admin)
            .send()
            .unwrap()
    };
    let too_large = assert_error(get("maxEventCount=2"), 413, "query_too_large");
    assert_eq!(too_large["field"], "maxEventCount");
    assert_eq!(q("maxEventCount=2&GE_quantity=100"), [b]);

    // Refusals name the parameter.
    for (query, status, code, field) in [
        (
            "maxEventCount=2&eventCountLimit=2",
            400,
            "invalid_query",
            "maxEventCount",
        ),
        (
            "orderDirection=SIDEWAYS",
            400,
            "invalid_query",
            "orderDirection",
        ),
        ("orderBy=colour", 400, "invalid_query", "orderBy"),
        ("GE_quantity=many", 400, "invalid_query", "GE_quantity"),
        ("GE_value=warm", 400, "invalid_query", "GE_value"),
        ("eventCountLimit=0", 400, "invalid_query", "eventCountLimit"),
        (
            "EQ_errorReason=bored",
            400,
            "invalid_query",
            "EQ_errorReason",
        ),
        ("GT_ex:temp=warm", 400, "invalid_query", "GT_ex:temp"),
        ("EQ_colour=red", 400, "unknown_query_parameter", "EQ_colour"),
        ("WD_bizLocation=x", 400, "invalid_query", "WD_bizLocation"),
        (
            "WD_readPoint=urn:epc:id:sgtin:0614141.107346.2017",
            400,
            "invalid_query",
            "WD_readPoint",
        ),
        (
            "HASATTR_bizLocation=urn:epcglobal:cbv:mda:sst",
            400,
            "unknown_query_parameter",
            "HASATTR_bizLocation",
        ),
    ] {
        let json = assert_error(get(query), status, code);
        assert_eq!(json["field"], field, "{query}");
    }
}

/// A filter on the body reads a bounded number of rows per page: past the budget the page is
/// answered as it is, with a link to continue.
#[test]
fn body_filters_scan_a_bounded_number_of_rows_per_page() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let budget = registry::events::query::SCAN_BUDGET;
    let events: Vec<serde_json::Value> = (0..=budget)
        .map(|i| {
            let quantity = if i == budget { 5000 } else { 1 };
            serde_json::json!({
                "type": "ObjectEvent", "eventTime": format!(
                    "2026-05-01T{:02}:{:02}:{:02}Z",
                    i / 3600,
                    (i / 60) % 60,
                    i % 60
                ),
                "eventTimeZoneOffset": "+00:00", "epcList": [],
                "quantityList": [{"epcClass": CLASS, "quantity": quantity}], "action": "OBSERVE"
            })
        })
        .collect();
    let document = serde_json::json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-05-01T00:00:00Z", "epcisBody": {"eventList": events}
    });
    let job = captured(&app, &admin, document.to_string().into_bytes());
    assert_eq!(job["stored_count"], budget + 1);
    let found = pages(&app, &admin, "GE_quantity=1000&perPage=5");
    assert_eq!(found, [vec![], vec!["050102".to_owned()]]);
}

/// `WD_bizLocation` and `WD_readPoint`: a GLN with its sub-locations (the same GLN with an
/// extension), and no other GLN.
#[test]
fn within_descendants_of_a_location_are_its_sub_locations() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let event = |hour: u32, place: &str| {
        serde_json::json!({"type": "ObjectEvent", "eventTime": format!("2026-04-01T{hour:02}:00:00Z"),
            "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
            "action": "OBSERVE", "bizLocation": {"id": place}, "readPoint": {"id": place}})
    };
    let document = serde_json::json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-04-01T00:00:00Z",
        "epcisBody": {"eventList": [
            event(8, "urn:epc:id:sgln:0614141.00777.0"),
            event(9, "urn:epc:id:sgln:0614141.00777.shelf-1"),
            event(10, "urn:epc:id:sgln:0614141.00778.0"),
        ]}
    });
    captured(&app, &admin, document.to_string().into_bytes());
    let times = |query: &str| -> Vec<String> { pages(&app, &admin, query).concat() };
    let place = enc("urn:epc:id:sgln:0614141.00777.0");
    assert_eq!(
        times(&format!("WD_bizLocation={place}")),
        ["040108", "040109"]
    );
    assert_eq!(
        times(&format!("WD_readPoint={place}")),
        ["040108", "040109"]
    );
    assert_eq!(times(&format!("EQ_bizLocation={place}")), ["040108"]);
    let shelf = enc("urn:epc:id:sgln:0614141.00777.shelf-1");
    assert_eq!(times(&format!("WD_bizLocation={shelf}")), ["040109"]);
    let both = format!("{place}|{}", enc("urn:epc:id:sgln:0614141.00778.0"));
    assert_error(
        app.client()
            .get(app.url(&format!("/epcis/events?WD_bizLocation={both}")))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        400,
        "invalid_query",
    );
}
