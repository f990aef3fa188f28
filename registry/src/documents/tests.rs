//! The document store and document rules on the backend the test environment selects.

use super::*;
use crate::departments::Category;
use crate::enterprises::{NewEnterprise, register};
use crate::filings::Paging;
use crate::filings::products::{NewProduct, create_product};
use crate::identity::{Actor, AuthMethod};
use crate::schema::enterprises;
use crate::testing::TestDb;
use crate::testing::now;

fn store(storage: Storage, dir: &std::path::Path) -> DocumentStore {
    DocumentStore {
        storage,
        directory: dir.to_path_buf(),
        max_bytes: 1024,
    }
}

fn staged(store: &DocumentStore, bytes: &[u8]) -> Staged {
    let mut stager = store.stage().unwrap();
    for chunk in bytes.chunks(7) {
        stager.write(chunk).unwrap();
    }
    stager.finish().unwrap()
}

/// An active enterprise with one product; its user as an actor.
fn enterprise(conn: &mut DbConn, n: u32) -> (i64, i64, Actor) {
    use crate::ids::uscc::{organisation_code_check_char, uscc_check_char};
    let org = format!("{n:08}");
    let body = format!(
        "91110105{org}{}",
        organisation_code_check_char(&org).unwrap()
    );
    let code = format!("{body}{}", uscc_check_char(&body).unwrap());
    let (ent, user) = register(
        conn,
        now(),
        &NewEnterprise {
            credit_code: code,
            name: format!("企业{n}"),
            name_en: String::new(),
            legal_representative: "李四".into(),
            phone: "010-12345678".into(),
            email: "a@example.cn".into(),
            region_code: "110105".into(),
            address: "北京市朝阳区".into(),
            latitude: None,
            longitude: None,
            company_prefix: Some(format!("690123{n}")),
            categories: vec![Category::Food],
            username: format!("ent{n}"),
            password: "a long enough password".into(),
        },
    )
    .unwrap();
    diesel::update(enterprises::table.find(ent.id))
        .set(enterprises::status.eq("active"))
        .execute(conn)
        .unwrap();
    let actor = Actor::for_user(&user, AuthMethod::Session);
    let gtin = crate::ids::gs1::check_digit(&format!("690123{n}00001"))
        .map(|d| format!("690123{n}00001{d}"))
        .unwrap();
    let product = create_product(
        conn,
        now(),
        &actor,
        ent.id,
        &NewProduct {
            gtin,
            name: "大米".into(),
            category: Category::Food,
            specification: String::new(),
            shelf_life_days: None,
            target_markets: vec![],
        },
    )
    .unwrap();
    (ent.id, product.id, actor)
}

fn description(product_id: Option<i64>, published: bool) -> NewDocument {
    NewDocument {
        doc_type: DocumentType::TestReport,
        issuer: "河南省食品检验研究院".into(),
        number: "HN-2026-001".into(),
        valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_to: NaiveDate::from_ymd_opt(2027, 1, 1),
        product_id,
        batch_id: None,
        published,
        filename: Some("../../etc/report.pdf".into()),
    }
}

#[test]
fn the_directory_store_deduplicates_and_never_overwrites() {
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let files = store(Storage::Directory, dir.path());
    let mut conn = test.db().conn().unwrap();
    let a = staged(&files, b"%PDF-1.7 report");
    let hash = a.sha256().to_owned();
    assert_eq!(files.place(&mut conn, a).unwrap(), Storage::Directory);
    let path = dir.path().join(&hash[..2]).join(&hash);
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    // The same content again: kept as it is.
    files
        .place(&mut conn, staged(&files, b"%PDF-1.7 report"))
        .unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(
        files.read(&mut conn, Storage::Directory, &hash).unwrap(),
        b"%PDF-1.7 report"
    );
    // A file edited outside the hub is caught on read.
    std::fs::write(&path, b"forged").unwrap();
    assert!(files.read(&mut conn, Storage::Directory, &hash).is_err());
    // Refused and abandoned uploads leave no temporary file.
    let mut big = files.stage().unwrap();
    assert!(matches!(
        big.write(&[0; 2000]),
        Err(StageError::TooLarge { limit: 1024 })
    ));
    drop(big);
    drop(staged(&files, b"abandoned"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".upload-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_database_store_keeps_one_blob_per_content() {
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(Storage::Database, dir.path());
    let mut conn = test.db().conn().unwrap();
    for _ in 0..2 {
        let s = staged(&blobs, b"certificate");
        assert_eq!(blobs.place(&mut conn, s).unwrap(), Storage::Database);
    }
    let count: i64 = crate::schema::document_blobs::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn documents_are_validated_scoped_and_published() {
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(Storage::Database, dir.path());
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let (one, product, me) = enterprise(conn, 0);
    let (two, other_product, them) = enterprise(conn, 1);
    let file = |conn: &mut DbConn, actor: &Actor, id, new: &NewDocument| {
        file_document(
            conn,
            now(),
            actor,
            id,
            new,
            "application/pdf",
            staged(&blobs, b"%PDF report"),
            &blobs,
        )
    };
    let invalid = |r: Result<Document>| match r {
        Err(RegistryError::Invalid { code, field, .. }) => (code.as_str(), field),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        invalid(file(conn, &me, one, &description(None, true))),
        ("publish_needs_product", "published".into())
    );
    assert_eq!(
        invalid(file(
            conn,
            &me,
            one,
            &description(Some(other_product), false)
        )),
        ("unknown_product", "product_id".into())
    );
    let mut backwards = description(None, false);
    backwards.valid_to = NaiveDate::from_ymd_opt(2025, 1, 1);
    assert_eq!(
        invalid(file(conn, &me, one, &backwards)),
        ("invalid_validity", "valid_to".into())
    );
    assert!(matches!(
        file(conn, &them, one, &description(None, false)),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(
        matches!(content_type(Some("text/html")), Err(RegistryError::Invalid { field, .. }) if field == "content_type")
    );
    assert_eq!(
        content_type(Some("Application/PDF; charset=binary")).unwrap(),
        "application/pdf"
    );

    let doc = file(conn, &me, one, &description(Some(product), false)).unwrap();
    assert_eq!(doc.filename, "report.pdf");
    assert_eq!(doc.company_prefix, "6901230");
    assert!(matches!(
        find_document(conn, &them, doc.id),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(list_documents(conn, &them, one, Paging::default(), None).is_err());
    assert_eq!(
        list_documents(conn, &me, one, Paging::default(), None).unwrap(),
        std::slice::from_ref(&doc)
    );
    assert!(
        published_documents_for_product(conn, product)
            .unwrap()
            .is_empty()
    );
    assert!(set_published(conn, now(), &them, doc.id, true).is_err());
    let published = set_published(conn, now(), &me, doc.id, true).unwrap();
    assert_eq!(
        published_documents_for_product(conn, product).unwrap(),
        std::slice::from_ref(&published)
    );
    let (shown, bytes) = published_content(conn, &blobs, &doc.sha256).unwrap();
    assert_eq!((shown.id, bytes.as_slice()), (doc.id, &b"%PDF report"[..]));

    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let verified = verify(conn, &doc.sha256.to_ascii_uppercase(), today).unwrap();
    assert_eq!(verified.documents.len(), 1);
    assert!(verified.documents[0].valid);
    assert_eq!(verified.documents[0].number, "HN-2026-001");
    let later = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
    assert!(!verify(conn, &doc.sha256, later).unwrap().documents[0].valid);
    assert!(matches!(
        verify(conn, &"0".repeat(64), today),
        Err(RegistryError::NotFound { .. })
    ));
    assert!(matches!(
        verify(conn, "abc", today),
        Err(RegistryError::Invalid { field, .. }) if field == "sha256"
    ));
    // Unpublished content is not served to the public, even when its hash is known.
    let other = file(conn, &them, two, &description(None, false)).unwrap();
    assert_eq!(other.sha256, doc.sha256, "same bytes, one blob");
    set_published(conn, now(), &me, doc.id, false).unwrap();
    assert!(matches!(
        published_content(conn, &blobs, &doc.sha256),
        Err(RegistryError::NotFound { .. })
    ));
}

#[test]
fn documents_sort_and_count() {
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(Storage::Database, dir.path());
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let (one, _, me) = enterprise(conn, 0);
    let (_, _, them) = enterprise(conn, 1);
    let mut ids = Vec::new();
    for (number, valid_to, bytes) in [
        ("B-2", NaiveDate::from_ymd_opt(2030, 1, 1), &b"two"[..]),
        ("A-1", None, &b"one, longer"[..]),
        ("C-3", NaiveDate::from_ymd_opt(2028, 1, 1), &b"3"[..]),
    ] {
        let mut new = description(None, false);
        new.number = number.into();
        new.valid_to = valid_to;
        let staged = staged(&blobs, bytes);
        ids.push(
            file_document(conn, now(), &me, one, &new, "text/plain", staged, &blobs)
                .unwrap()
                .id,
        );
    }
    let order = |conn: &mut DbConn, sort: &str| -> Vec<String> {
        list_documents(conn, &me, one, Paging::default(), Some(sort))
            .unwrap()
            .into_iter()
            .map(|d| d.number)
            .collect()
    };
    assert_eq!(order(conn, "number"), ["A-1", "B-2", "C-3"]);
    assert_eq!(order(conn, "-number"), ["C-3", "B-2", "A-1"]);
    assert_eq!(
        order(conn, "valid_to"),
        ["C-3", "B-2", "A-1"],
        "no expiry last"
    );
    assert_eq!(order(conn, "-valid_to"), ["A-1", "B-2", "C-3"]);
    assert_eq!(order(conn, "size_bytes"), ["C-3", "B-2", "A-1"]);
    assert_eq!(order(conn, "-created_at"), ["C-3", "A-1", "B-2"]);
    assert!(matches!(
        list_documents(conn, &me, one, Paging::default(), Some("sha256")),
        Err(RegistryError::Invalid { field, .. }) if field == "sort"
    ));
    assert_eq!(count_documents(conn, &me, one).unwrap(), 3);
    assert!(count_documents(conn, &them, one).is_err());
}

#[test]
fn each_content_filed_is_in_the_evidence_ledger_once() {
    use crate::ledger::{self, LeafKind};
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(Storage::Database, dir.path());
    let mut conn = test.db().conn().unwrap();
    let (ent, product, actor) = enterprise(&mut conn, 1);
    let at = now();
    let first = file_document(
        &mut conn,
        at,
        &actor,
        ent,
        &description(Some(product), false),
        "application/pdf",
        staged(&blobs, b"%PDF report 1"),
        &blobs,
    )
    .unwrap();
    // The same bytes filed again (another number) add no leaf; other bytes add one.
    let mut other = description(Some(product), true);
    other.number = "HN-2026-002".into();
    file_document(
        &mut conn,
        at,
        &actor,
        ent,
        &other,
        "application/pdf",
        staged(&blobs, b"%PDF report 1"),
        &blobs,
    )
    .unwrap();
    let second = file_document(
        &mut conn,
        at,
        &actor,
        ent,
        &other,
        "application/pdf",
        staged(&blobs, b"%PDF report 2"),
        &blobs,
    )
    .unwrap();
    assert_eq!(ledger::size(&mut conn).unwrap(), 2);
    let leaf = ledger::find_leaf(&mut conn, &first.sha256)
        .unwrap()
        .unwrap();
    assert_eq!((leaf.leaf_index, leaf.kind), (0, LeafKind::Document));
    assert_eq!(leaf.filed_at, ledger::to_millis(at));
    let credit_code: String = enterprises::table
        .find(ent)
        .select(enterprises::credit_code)
        .first(&mut conn)
        .unwrap();
    assert_eq!(leaf.filed_by, format!("{credit_code} 企业1"));
    assert_eq!(
        ledger::find_leaf(&mut conn, &second.sha256)
            .unwrap()
            .unwrap()
            .leaf_index,
        1
    );
    // A refused filing appends nothing.
    let mut empty = description(Some(product), false);
    empty.number = "HN-2026-003".into();
    test.db()
        .transaction(|conn| {
            file_document(
                conn,
                at,
                &actor,
                ent,
                &empty,
                "application/pdf",
                staged(&blobs, b""),
                &blobs,
            )
        })
        .unwrap_err();
    assert_eq!(ledger::size(&mut conn).unwrap(), 2);
    assert_eq!(
        ledger::backfill_documents(&mut conn).unwrap(),
        0,
        "nothing to catch up"
    );
}

#[test]
fn documents_filed_before_the_ledger_are_caught_up_in_filing_order() {
    use crate::ledger;
    use diesel::connection::SimpleConnection;
    let test = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(Storage::Database, dir.path());
    let mut conn = test.db().conn().unwrap();
    let (ent, product, actor) = enterprise(&mut conn, 2);
    let at = now();
    let mut filed = vec![];
    for (i, bytes) in [&b"one"[..], b"two", b"one", b"three"].iter().enumerate() {
        let mut new = description(Some(product), false);
        new.number = format!("N-{i}");
        filed.push(
            file_document(
                &mut conn,
                at + chrono::Duration::minutes(i as i64),
                &actor,
                ent,
                &new,
                "text/plain",
                staged(&blobs, bytes),
                &blobs,
            )
            .unwrap(),
        );
    }
    // As if they had been filed before the ledger: its rows gone.
    let mut raw = test.raw();
    let sql = match test.backend() {
        crate::db::Backend::Postgres => {
            "ALTER TABLE ledger_leaves DISABLE TRIGGER USER; ALTER TABLE ledger_nodes DISABLE TRIGGER USER; DELETE FROM ledger_leaves; DELETE FROM ledger_nodes;"
        }
        crate::db::Backend::Sqlite => {
            "DROP TRIGGER ledger_leaves_no_delete; DROP TRIGGER ledger_nodes_no_delete; DELETE FROM ledger_leaves; DELETE FROM ledger_nodes;"
        }
    };
    raw.batch_execute(sql).unwrap();
    assert_eq!(ledger::size(&mut conn).unwrap(), 0);
    assert_eq!(
        test.db().transaction(ledger::backfill_documents).unwrap(),
        3
    );
    for (document, index) in [(&filed[0], 0), (&filed[1], 1), (&filed[3], 2)] {
        let leaf = ledger::find_leaf(&mut conn, &document.sha256)
            .unwrap()
            .unwrap();
        assert_eq!(
            (leaf.leaf_index, leaf.filed_at),
            (index, ledger::to_millis(document.created_at))
        );
    }
    assert_eq!(
        test.db().transaction(ledger::backfill_documents).unwrap(),
        0
    );
}
