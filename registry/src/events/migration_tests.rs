//! The lineage migration on existing rows: text identifiers and edges become nodes, identifier
//! rows and edges on node ids, with the same company-prefix keys the capture path computes.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::company_prefix;
use crate::db::migrate::revert;
use crate::db::run_migrations;
use crate::schema::{epcis_event_nodes, lineage_edges, lineage_nodes};
use crate::testing::TestDb;

const MIGRATION: &str = "2026-11-29-000040_trace";

#[test]
fn existing_identifiers_and_edges_are_migrated_to_nodes() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    revert(conn, MIGRATION).unwrap();
    let item = "https://id.gs1.org/01/10614141073464/21/2017";
    let case = "https://id.gs1.org/00/106141412345678908";
    let place = "https://id.gs1.org/414/9520123456788";
    let other = "urn:example:thing";
    conn.batch_execute(&format!(
        "INSERT INTO capture_jobs (id, created_at, format, status, event_count, stored_count, duplicate_count) \
           VALUES (1, '2026-01-01 00:00:00', 'json', 'succeeded', 1, 1, 0);
         INSERT INTO epcis_events (id, event_hash, declares_error, event_type, event_time, event_tz_offset, record_time, company_prefix, capture_job_id, body) \
           VALUES (7, 'h', false, 'AggregationEvent', '2026-01-01 00:00:00', '+00:00', '2026-01-01 00:00:00', '0614141', 1, '{{}}');
         INSERT INTO epcis_event_ids (event_row_id, role, identifier) VALUES \
           (7, 'childEPC', '{item}'), (7, 'parentID', '{case}'), (7, 'bizLocation', '{place}'), (7, 'epc', '{other}');
         INSERT INTO lineage_edges (from_id, to_id, kind, event_row_id, valid_from, valid_to, company_prefix) \
           VALUES ('{item}', '{case}', 'aggregate', 7, '2026-01-01 00:00:00', '2026-01-02 00:00:00', '0614141');"
    ))
    .unwrap();
    run_migrations(conn).unwrap();
    let nodes: Vec<(i64, String, String)> = lineage_nodes::table
        .select((
            lineage_nodes::id,
            lineage_nodes::identifier,
            lineage_nodes::company_prefix,
        ))
        .order(lineage_nodes::identifier)
        .load(conn)
        .unwrap();
    assert_eq!(nodes.len(), 4);
    for (_, id, prefix) in &nodes {
        assert_eq!(*prefix, company_prefix(id), "{id}");
    }
    let node = |s: &str| nodes.iter().find(|n| n.1 == s).unwrap().0;
    let mut rows: Vec<(i64, i64, String, String)> = epcis_event_nodes::table
        .select((
            epcis_event_nodes::event_row_id,
            epcis_event_nodes::node_id,
            epcis_event_nodes::role,
            epcis_event_nodes::company_prefix,
        ))
        .load(conn)
        .unwrap();
    rows.sort();
    let mut expected = vec![
        (7, node(item), "childEPC".to_owned(), "0614141".to_owned()),
        (7, node(case), "parentID".into(), "0614141".into()),
        (7, node(place), "bizLocation".into(), "0614141".into()),
        (7, node(other), "epc".into(), "0614141".into()),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    let edges: Vec<(i64, i64, String, Option<chrono::NaiveDateTime>)> = lineage_edges::table
        .select((
            lineage_edges::from_node,
            lineage_edges::to_node,
            lineage_edges::kind,
            lineage_edges::valid_to,
        ))
        .load(conn)
        .unwrap();
    assert_eq!(edges.len(), 1);
    assert_eq!((edges[0].0, edges[0].1), (node(item), node(case)));
    assert!(edges[0].3.is_some());
}
