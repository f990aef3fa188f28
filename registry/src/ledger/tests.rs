//! The ledger on the backend the test environment selects.

use diesel::connection::SimpleConnection;

use super::tree::{Frontier, leaf_hash, verify_consistency, verify_inclusion};
use super::*;
use crate::db::Backend;
use crate::testing::{TestDb, now};

fn sha(i: u32) -> String {
    crate::secret::sha256_hex(&i.to_be_bytes())
}

fn input(hash: &str) -> LeafInput<'_> {
    LeafInput {
        sha256: hash,
        kind: LeafKind::Document,
        filed_by: "91110000600037341L 测试企业",
    }
}

fn h(hex_text: &str) -> Hash {
    parse_hash(hex_text, "h").unwrap()
}

/// Appends `n` distinct hashes, one transaction each.
fn fill(test: &TestDb, range: std::ops::Range<u32>) {
    for i in range {
        let hash = sha(i);
        test.db()
            .transaction(|conn| append(conn, now(), &input(&hash)))
            .unwrap();
    }
}

/// Publishes a head "signed" with `ok`.
fn publish(test: &TestDb) -> Option<SignedHead> {
    test.db()
        .transaction(|conn| {
            let Some(head) = next_head(conn, now())? else {
                return Ok::<_, RegistryError>(None);
            };
            store_head(conn, &head, "test-key", b"ok").map(Some)
        })
        .unwrap()
}

fn good_signature(head: &SignedHead) -> std::result::Result<(), String> {
    if head.signature_bytes() == b"ok" {
        Ok(())
    } else {
        Err("bad signature".into())
    }
}

#[test]
fn appends_are_dense_once_per_content_and_their_proofs_verify() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let at = now();
    let first = append(&mut conn, at, &input(&sha(0))).unwrap();
    assert_eq!(first.leaf_index, 0);
    assert_eq!(first.filed_at, to_millis(at));
    let again = append(
        &mut conn,
        at + chrono::Duration::hours(1),
        &input(&sha(0).to_uppercase()),
    )
    .unwrap();
    assert_eq!(again, first, "the same content adds nothing");
    let hashes: Vec<String> = (1..40).map(sha).collect();
    let mut inputs: Vec<LeafInput<'_>> = hashes.iter().map(|h| input(h)).collect();
    let zero = sha(0);
    inputs.insert(5, input(&zero));
    inputs.push(input(&hashes[3]));
    let leaves = append_all(&mut conn, at, &inputs).unwrap();
    assert_eq!(leaves.len(), inputs.len());
    assert_eq!(leaves[5].leaf_index, 0);
    assert_eq!(leaves.last().unwrap().leaf_index, 4);
    assert_eq!(size(&mut conn).unwrap(), 40);

    // Each leaf hash is the hash of its documented encoding, and the log's tree is RFC 9162's.
    let mut reference = Frontier::new();
    let mut roots = vec![];
    for i in 0..40 {
        let leaf = leaf_at(&mut conn, i).unwrap();
        let bytes = hex::decode(&leaf.leaf).unwrap();
        assert_eq!(bytes[0], LEAF_VERSION);
        assert_eq!(hex::encode(&bytes[1..33]), leaf.sha256);
        assert_eq!(hex::encode(leaf_hash(&bytes)), leaf.leaf_hash);
        reference.push(h(&leaf.leaf_hash));
        roots.push(reference.root());
    }
    assert_eq!(
        find_leaf(&mut conn, &sha(7)).unwrap().unwrap().leaf_index,
        7
    );
    assert_eq!(find_leaf(&mut conn, &sha(99)).unwrap(), None);
    for n in [1i64, 2, 3, 7, 8, 9, 31, 32, 33, 40] {
        let root = roots[n as usize - 1];
        assert_eq!(root_at(&mut conn, n).unwrap(), root);
        for m in 0..n {
            let proof = inclusion_proof(&mut conn, m, n).unwrap();
            assert_eq!(proof.root_hash, hex::encode(root));
            let path: Vec<Hash> = proof.audit_path.iter().map(|p| h(p)).collect();
            assert!(verify_inclusion(
                &h(&proof.leaf_hash),
                m as u64,
                n as u64,
                &path,
                &root
            ));
        }
        for m in 1..=n {
            let proof = consistency_proof(&mut conn, m, n).unwrap();
            let path: Vec<Hash> = proof.consistency_path.iter().map(|p| h(p)).collect();
            assert!(verify_consistency(
                m as u64,
                n as u64,
                &roots[m as usize - 1],
                &root,
                &path
            ));
        }
    }
    let code = |e: RegistryError| match e {
        RegistryError::Invalid { code, field, .. } => (code, field),
        other => panic!("{other}"),
    };
    assert_eq!(
        code(inclusion_proof(&mut conn, 0, 41).unwrap_err()),
        (Code::InvalidTreeSize, "tree_size".into())
    );
    assert_eq!(
        code(inclusion_proof(&mut conn, 0, 0).unwrap_err()).0,
        Code::InvalidTreeSize
    );
    assert_eq!(
        code(inclusion_proof(&mut conn, 5, 5).unwrap_err()),
        (Code::InvalidLeafIndex, "leaf_index".into())
    );
    assert_eq!(
        code(inclusion_proof(&mut conn, -1, 5).unwrap_err()).0,
        Code::InvalidLeafIndex
    );
    assert_eq!(
        code(consistency_proof(&mut conn, 6, 5).unwrap_err()),
        (Code::InvalidTreeSize, "first".into())
    );
    assert_eq!(
        code(consistency_proof(&mut conn, 1, 41).unwrap_err()),
        (Code::InvalidTreeSize, "second".into())
    );
    assert_eq!(
        code(append(&mut conn, at, &input("abc")).unwrap_err()).0,
        Code::InvalidSha256
    );
    let nobody = LeafInput {
        filed_by: " ",
        ..input(&zero)
    };
    assert_eq!(
        code(append(&mut conn, at, &nobody).unwrap_err()).0,
        Code::InvalidText
    );
    assert_eq!(list_leaves(&mut conn, 38, 10).unwrap().len(), 2);
}

#[test]
fn heads_are_published_when_the_log_grew_and_check_out() {
    let test = TestDb::new();
    assert_eq!(publish(&test), None, "an empty log has no head");
    fill(&test, 0..5);
    let first = publish(&test).unwrap();
    assert_eq!(first.tree_size, 5);
    assert_eq!(publish(&test), None, "nothing new");
    fill(&test, 5..12);
    let second = publish(&test).unwrap();
    assert!(second.timestamp >= first.timestamp);
    let mut conn = test.db().conn().unwrap();
    assert_eq!(latest_head(&mut conn).unwrap(), Some(second.clone()));
    assert_eq!(head(&mut conn, 5).unwrap(), first);
    assert!(matches!(
        head(&mut conn, 6),
        Err(RegistryError::NotFound { .. })
    ));
    assert_eq!(
        list_heads(&mut conn, 0, 10).unwrap(),
        vec![first, second.clone()]
    );
    assert_eq!(list_heads(&mut conn, 5, 10).unwrap(), vec![second.clone()]);
    let bytes = second.signed_bytes().unwrap();
    assert_eq!(&bytes[..2], &[0, 1]);
    assert_eq!(u64::from_be_bytes(bytes[10..18].try_into().unwrap()), 12);
    assert_eq!(hex::encode(&bytes[18..]), second.root_hash);
    assert_eq!(
        u64::from_be_bytes(bytes[2..10].try_into().unwrap()),
        second.timestamp_ms as u64
    );

    let report = check_log(&mut conn, &mut good_signature).unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(
        (report.leaves, report.nodes, report.heads),
        (12, 6 + 3 + 1, 2)
    );
}

/// Drops the triggers that keep the ledger append-only, as an intruder with the database's
/// owner rights would.
fn drop_triggers(test: &TestDb, conn: &mut crate::db::DbConn) {
    for table in ["leaves", "nodes", "heads"] {
        let sql = match test.backend() {
            Backend::Postgres => format!(
                "DROP TRIGGER ledger_{table}_append_only ON ledger_{table}; \
                 DROP TRIGGER ledger_{table}_no_truncate ON ledger_{table};"
            ),
            Backend::Sqlite => format!(
                "DROP TRIGGER ledger_{table}_no_update; DROP TRIGGER ledger_{table}_no_delete;"
            ),
        };
        conn.batch_execute(&sql).unwrap();
    }
}

#[test]
fn the_log_refuses_edits_and_the_check_finds_them_behind_its_back() {
    let test = TestDb::new();
    fill(&test, 0..9);
    publish(&test).unwrap();
    fill(&test, 9..20);
    publish(&test).unwrap();
    let mut raw = test.raw();
    for sql in [
        "UPDATE ledger_leaves SET filed_by = 'someone else' WHERE leaf_index = 3",
        "DELETE FROM ledger_nodes",
        "DELETE FROM ledger_heads",
    ] {
        assert!(raw.batch_execute(sql).is_err(), "{sql} refused");
    }

    drop_triggers(&test, &mut raw);
    raw.batch_execute("UPDATE ledger_leaves SET filed_by = 'someone else' WHERE leaf_index = 3")
        .unwrap();
    raw.batch_execute("DELETE FROM ledger_nodes WHERE level = 2 AND node_index = 1")
        .unwrap();
    raw.batch_execute(
        "UPDATE ledger_heads SET signature = signature || signature WHERE tree_size = 20",
    )
    .unwrap();
    let mut conn = test.db().conn().unwrap();
    let report = check_log(&mut conn, &mut good_signature).unwrap();
    let text = report.problems.join("\n");
    assert!(
        text.contains("leaf 3: its stored hash is not the hash of its columns"),
        "{text}"
    );
    assert!(
        text.contains("node (level 2, index 1) is missing"),
        "{text}"
    );
    assert!(text.contains("head of size 20: bad signature"), "{text}");
    assert!(
        text.contains("nodes are stored where a log of 20 leaves has"),
        "{text}"
    );
    assert!(!report.intact());
}

#[test]
fn a_rewritten_log_is_not_consistent_with_its_earlier_head() {
    let test = TestDb::new();
    fill(&test, 0..6);
    publish(&test).unwrap();
    // The log is rebuilt with leaf 2 replaced, and grows on; the new head covers the forgery.
    let mut raw = test.raw();
    drop_triggers(&test, &mut raw);
    raw.batch_execute("DELETE FROM ledger_leaves; DELETE FROM ledger_nodes;")
        .unwrap();
    for i in 0..10u32 {
        let hash = if i == 2 { sha(1000) } else { sha(i) };
        test.db()
            .transaction(|conn| append(conn, now(), &input(&hash)))
            .unwrap();
    }
    publish(&test).unwrap();
    let mut conn = test.db().conn().unwrap();
    let report = check_log(&mut conn, &mut good_signature).unwrap();
    let text = report.problems.join("\n");
    assert!(text.contains("head of size 6: its root"), "{text}");
    assert!(
        text.contains("head of size 10 is not consistent with the head of size 6"),
        "{text}"
    );
}

#[test]
fn replicas_appending_together_keep_indexes_dense() {
    let test = TestDb::new();
    std::thread::scope(|scope| {
        for t in 0..3u32 {
            let db = test.db().clone();
            scope.spawn(move || {
                for i in 0..15u32 {
                    let hash = sha(t * 100 + i);
                    db.transaction(|conn| append(conn, now(), &input(&hash)))
                        .unwrap();
                }
            });
        }
    });
    publish(&test).unwrap();
    let mut conn = test.db().conn().unwrap();
    assert_eq!(size(&mut conn).unwrap(), 45);
    let report = check_log(&mut conn, &mut good_signature).unwrap();
    assert!(report.intact(), "{:?}", report.problems);
}
