//! The CBV 2.0 event hash: GS1's "identical hash" examples and the reference implementation's
//! worked examples (RalphTro/epcis-event-hash-generator, CBV 2.0 mode, with its published hashes).

#![allow(clippy::panic, clippy::unwrap_used)]

mod epcis_support;

use adapters::epcis::{json::parse_json, xml::parse_xml};
use epcis_support::{corpus, parse};
use registry::epcis::event_hash;

/// GS1's `WithEventHashID` examples: spellings of one event (list order, namespace prefix,
/// explicit `xsi:type`, JSON-LD) that must hash alike.
///
/// Deliberate difference: example 2 moves the event to another time zone, `eventTimeZoneOffset`
/// -05:00 instead of -06:00. The offset is item 3 of CBV 2.0's canonical property order, so its
/// hash differs (the reference implementation agrees); the test asserts that it does.
#[test]
fn gs1_identical_hash_examples() {
    let Some(root) = corpus() else { return };
    let dir = root.join("examples/xml/WithEventHashID");
    let mut hashes = Vec::new();
    for i in 1..=7 {
        let ext = if i == 7 { "json" } else { "xml" };
        let doc =
            parse(&dir.join(format!("event_with_identical_hash_id_{i}.{ext}"))).expect("parses");
        assert_eq!(doc.events.len(), 1);
        hashes.push(event_hash(&doc.events[0]));
    }
    let same: Vec<&String> = hashes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, h)| h)
        .collect();
    assert!(same.iter().all(|h| **h == hashes[0]), "{hashes:#?}");
    assert_ne!(
        hashes[1], hashes[0],
        "another eventTimeZoneOffset is another pre-hash string"
    );
    assert!(hashes[0].starts_with("ni:///sha-256;") && hashes[0].ends_with("?ver=CBV2.0"));
}

const EX1_XML: &str = r#"<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:example="https://ns.example.com/epcis/" schemaVersion="2.0" creationDate="2020-03-03T13:07:51.709Z">
<EPCISBody><EventList><ObjectEvent>
<eventTime>2020-03-04T11:00:30.000+01:00</eventTime><recordTime>2020-03-04T11:00:30.999+01:00</recordTime>
<eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
<epcList><epc>urn:epc:id:sscc:4012345.0000000333</epc><epc>urn:epc:id:sscc:4012345.0000000111</epc><epc>urn:epc:id:sscc:4012345.0000000222</epc></epcList>
<action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:departing</bizStep>
<readPoint><id>urn:epc:id:sgln:4012345.00011.987</id></readPoint>
<example:myField1><example:mySubField1>2</example:mySubField1><example:mySubField2>5</example:mySubField2></example:myField1>
<example:myField2>0</example:myField2>
<example:myField3><example:mySubField3>3</example:mySubField3><example:mySubField3>1</example:mySubField3></example:myField3>
</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"#;

const EX1_JSON: &str = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2022-02-17T11:30:47.0Z","epcisBody":{"eventList":[{
"type":"ObjectEvent","eventTime":"2020-03-04T11:00:30.000+01:00","eventTimeZoneOffset":"+01:00","recordTime":"2020-03-04T11:00:30.999+01:00",
"epcList":["urn:epc:id:sscc:4012345.0000000333","urn:epc:id:sscc:4012345.0000000111","urn:epc:id:sscc:4012345.0000000222"],
"action":"OBSERVE","bizStep":"departing","readPoint":{"id":"urn:epc:id:sgln:4012345.00011.987"},
"example:myField1":{"example:mySubField1":"2","example:mySubField2":"5"},"example:myField2":"0",
"example:myField3":{"example:mySubField3":["3","1"]}}]}}"#;

const EX2_XML: &str = r#"<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2020-04-01T15:00:00.000+01:00" xmlns:gs1="https://ref.gs1.org/voc/">
<EPCISBody><EventList><ObjectEvent>
<eventTime>2020-04-01T15:00:00.000+01:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
<epcList><epc>urn:epc:id:sgtin:4012345.011111.9876</epc></epcList><action>OBSERVE</action>
<bizStep>urn:epcglobal:cbv:bizstep:inspecting</bizStep><readPoint><id>urn:epc:id:sgln:4012345.00005.0</id></readPoint>
<sensorElementList><sensorElement>
<sensorMetadata deviceID="urn:epc:id:giai:4000001.111" deviceMetadata="https://id.gs1.org/8004/4000001111"/>
<sensorReport type="gs1:Temperature" value="26" uom="CEL" sDev="0.1"/>
<sensorReport type="gs1:AbsoluteHumidity" value="12.1" uom="A93"/>
<sensorReport type="gs1:Dimensionless" microorganism="https://www.ncbi.nlm.nih.gov/taxonomy/1126011" value="0.05" uom="C35"/>
<sensorReport type="gs1:Dimensionless" chemicalSubstance="https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N" value="0.18" uom="C35"/>
</sensorElement></sensorElementList></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"#;

const EX3_JSON: &str = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2022-02-17T11:30:47.0Z","epcisBody":{"eventList":[{
"type":"ObjectEvent","eventTime":"2020-03-04T11:00:30+01:00","eventTimeZoneOffset":"+01:00","epcList":["urn:epc:id:sgtin:0614141.011111.987"],
"action":"OBSERVE","bizStep":"departing","disposition":"in_transit",
"readPoint":{"id":"urn:epc:id:sgln:4012345.00011.0","example:myField1":"AB-12"},
"bizTransactionList":[{"type":"po","bizTransaction":"urn:epc:id:gdti:4012345.11111.123"}],
"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:4012345.00000"}],
"destinationList":[{"type":"owning_party","destination":"urn:epc:id:pgln:0614141.00000"}],
"example:userExt":"CD-34"}]}}"#;

#[test]
fn reference_worked_examples() {
    let one = |d: adapters::epcis::EpcisDocument| event_hash(&d.events[0]);
    let ex1 =
        "ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0";
    assert_eq!(one(parse_xml(EX1_XML.as_bytes()).expect("ex1 xml")), ex1);
    assert_eq!(one(parse_json(EX1_JSON.as_bytes()).expect("ex1 json")), ex1);
    assert_eq!(
        one(parse_xml(EX2_XML.as_bytes()).expect("ex2")),
        "ni:///sha-256;271565c346ae2fb28c4583c4dca4ab4772d465eb4e0b6e548d77d8b49377d95c?ver=CBV2.0"
    );
    assert_eq!(
        one(parse_json(EX3_JSON.as_bytes()).expect("ex3")),
        "ni:///sha-256;3ae14c02c4bdc220cc31942cf804f6845eb8dec96ba6483391c92a9b165f9329?ver=CBV2.0"
    );
}

#[test]
fn any_change_changes_the_hash() {
    let base = parse_json(EX3_JSON.as_bytes())
        .expect("ex3")
        .events
        .remove(0);
    let h = event_hash(&base);
    let mut e = base.clone();
    e.disposition = None;
    assert_ne!(event_hash(&e), h);
    let mut e = base.clone();
    e.epc_list
        .push("https://id.gs1.org/01/00614141111114/21/988".into());
    assert_ne!(event_hash(&e), h);
    let mut e = base;
    e.record_time = e.event_time.into();
    e.event_id = Some("urn:uuid:1".into());
    assert_eq!(
        event_hash(&e),
        h,
        "recordTime and eventID are not part of the hash"
    );
}

/// XML 1.0 §4.3.3: a document in UTF-16 (with its byte order mark, either byte order) reads as
/// the same events, with the same hashes, as its UTF-8 original; a broken one is refused.
#[test]
fn utf16_documents_read_as_their_utf8_original() {
    let original = parse_xml(EX1_XML.as_bytes()).unwrap();
    let declared = format!(r#"<?xml version="1.0" encoding="UTF-16"?>{EX1_XML}"#);
    let little: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(declared.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let big: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(declared.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for utf16 in [&little, &big] {
        let read = parse_xml(utf16).unwrap();
        assert_eq!(read.events.len(), original.events.len());
        for (a, b) in read.events.iter().zip(&original.events) {
            assert_eq!(event_hash(a), event_hash(b));
        }
    }
    let mut broken = little;
    broken.extend_from_slice(&[0x00, 0xD8]); // a lone high surrogate
    assert!(parse_xml(&broken).is_err());
}
