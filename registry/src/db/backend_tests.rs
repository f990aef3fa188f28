//! The store on the backend the test environment selects (see `crate::testing`).

use diesel::prelude::*;

use super::*;
use crate::error::Code;
use crate::schema::*;
use crate::testing::TestDb;
use crate::testing::now;

#[test]
fn both_backends_have_the_same_migrations() {
    let (pg, lite) = migration_names().unwrap();
    assert!(!pg.is_empty());
    assert_eq!(
        pg, lite,
        "sql/postgres and sql/sqlite must hold the same migrations"
    );
    let dir = |b: &str| {
        let mut names: Vec<String> =
            std::fs::read_dir(format!("{}/../sql/{b}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    };
    assert_eq!(dir("postgres"), dir("sqlite"));
}

#[test]
fn migrations_are_idempotent() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    assert!(
        run_migrations(&mut conn).unwrap().is_empty(),
        "second run finds nothing pending"
    );
}

#[test]
fn schema_matches_the_migrations() {
    // Loading every column of every table fails if a column is missing or misnamed.
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    departments::table
        .select(departments::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
        )>(conn)
        .unwrap();
    users::table
        .select(users::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    api_tokens::table
        .select(api_tokens::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    sessions::table
        .select(sessions::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    login_attempts::table
        .select(login_attempts::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    audit_log::table
        .select(audit_log::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    capture_jobs::table
        .select(capture_jobs::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    capture_job_warnings::table
        .select(capture_job_warnings::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    capture_job_duplicates::table
        .select(capture_job_duplicates::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    epcis_event_aliases::table
        .select(epcis_event_aliases::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    epcis_named_queries::table
        .select(epcis_named_queries::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    epcis_events::table
        .select(epcis_events::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    lineage_nodes::table
        .select(lineage_nodes::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    epcis_event_nodes::table
        .select(epcis_event_nodes::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    lineage_edges::table
        .select(lineage_edges::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    audit_head::table
        .select(audit_head::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    enterprises::table
        .select(enterprises::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    enterprise_categories::table
        .select(enterprise_categories::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    enterprise_history::table
        .select(enterprise_history::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    enterprise_changes::table
        .select(enterprise_changes::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    sites::table
        .select(sites::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    licences::table
        .select(licences::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    products::table
        .select(products::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    batches::table
        .select(batches::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    batch_inputs::table
        .select(batch_inputs::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    alerts::table
        .select(alerts::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    blacklist::table
        .select(blacklist::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    notices::table
        .select(notices::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    registry_settings::table
        .select(registry_settings::all_columns)
        .load::<(String, String)>(conn)
        .unwrap();
    document_blobs::table
        .select(document_blobs::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    documents::table
        .select(documents::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    enterprise_search::table
        .select(enterprise_search::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_orders::table
        .select(stamp_orders::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamps::table
        .select(stamps::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_activations::table
        .select(stamp_activations::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_revocations::table
        .select(stamp_revocations::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_scans::table
        .select(stamp_scans::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_verify_failures::table
        .select(stamp_verify_failures::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    stamp_fake_reports::table
        .select(stamp_fake_reports::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    ledger_leaves::table
        .select(ledger_leaves::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    ledger_nodes::table
        .select(ledger_nodes::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    ledger_heads::table
        .select(ledger_heads::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    intake_deliveries::table
        .select(intake_deliveries::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    drug_products::table
        .select(drug_products::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    drug_codes::table
        .select(drug_codes::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    rare_earth_designations::table
        .select(rare_earth_designations::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    rare_earth_quotas::table
        .select(rare_earth_quotas::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    rare_earth_reports::table
        .select(rare_earth_reports::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    equipment::table
        .select(equipment::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    agri_banned_inputs::table
        .select(agri_banned_inputs::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    agri_input_uses::table
        .select(agri_input_uses::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
    lot_checks::table
        .select(lot_checks::all_columns)
        .limit(1)
        .execute(conn)
        .unwrap();
}

#[test]
fn transactions_roll_back_entirely() {
    let test = TestDb::new();
    let result: std::result::Result<(), RegistryError> = test.db().transaction(|conn| {
        diesel::insert_into(departments::table)
            .values((
                departments::code.eq("X"),
                departments::name.eq("x"),
                departments::region_code.eq("110000"),
                departments::created_at.eq(now()),
            ))
            .execute(conn)?;
        Err(RegistryError::conflict(Code::Conflict, "abort"))
    });
    assert!(result.is_err());
    let count: i64 = departments::table
        .count()
        .get_result(&mut *test.db().conn().unwrap())
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn sqlite_connections_have_the_pragmas() {
    let test = TestDb::new();
    if test.backend() != Backend::Sqlite {
        return;
    }
    #[derive(QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    let mut conn = test.db().conn().unwrap();
    let mode: Vec<Pragma> = diesel::sql_query("PRAGMA journal_mode")
        .load(&mut *conn)
        .unwrap();
    assert_eq!(mode[0].journal_mode, "wal");
    #[derive(QueryableByName)]
    struct Fk {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        foreign_keys: i32,
    }
    let fk: Vec<Fk> = diesel::sql_query("PRAGMA foreign_keys")
        .load(&mut *conn)
        .unwrap();
    assert_eq!(fk[0].foreign_keys, 1);
    #[derive(QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        wal_autocheckpoint: i32,
    }
    let every: Vec<Checkpoint> = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .load(&mut *conn)
        .unwrap();
    assert_eq!(every[0].wal_autocheckpoint, 16384);
}

#[test]
fn a_sqlite_database_is_backed_up_whole() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let department = crate::departments::NewDepartment {
        code: "HA-FOOD".into(),
        name: "河南省市场监督管理局".into(),
        name_en: String::new(),
        region_code: "410000".into(),
        categories: vec![crate::departments::Category::Food],
    };
    crate::departments::create_department(&mut conn, now(), &department).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("it's a backup.db");
    let target = target.to_str().unwrap();
    let outcome = test.db().backup_sqlite(target);
    if test.backend() == Backend::Postgres {
        assert!(
            matches!(outcome, Err(RegistryError::Config(_))),
            "{outcome:?}"
        );
        return;
    }
    outcome.unwrap();
    let mut copy = DbUrl::sqlite_file(target).connect().unwrap();
    let codes: Vec<String> = departments::table
        .select(departments::code)
        .load(&mut copy)
        .unwrap();
    assert_eq!(codes, ["HA-FOOD"]);
    assert!(
        test.db().backup_sqlite(target).is_err(),
        "an existing file is not overwritten"
    );
}
