//! The `hub` binary as an operator runs it: configuration checks, users, the audit chain under
//! tampering, backups, two replicas starting together, and a graceful stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::db::Backend;
use registry::schema::audit_log;
use registry::testing::TestDb;

fn hub(data: &Path, db: &TestDb) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hub"));
    command
        .current_dir(data)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("USER", "operator")
        .env("HUB_LOG__FILTER", "warn")
        .env("DATABASE_URL", db.url().to_string())
        .arg("--data-dir")
        .arg(data);
    command
}

fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn config_check_masks_secrets_and_names_the_bad_key() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let mut good = hub(data.path(), &db);
    good.env("HUB_SECURITY__SECRET_KEY", "ab".repeat(32))
        .args(["config", "check"]);
    let out = run(good, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("secret_key = \"****\"") && !shown.contains(&"ab".repeat(32)),
        "{shown}"
    );

    let mut bad = hub(data.path(), &db);
    bad.env("HUB_SERVER__BIND", "not-an-address")
        .args(["config", "check"]);
    let out = run(bad, "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("server.bind"),
        "{}",
        text(&out.stderr)
    );

    // Variables outside the configuration's sections (Kubernetes service links) are not config.
    let mut links = hub(data.path(), &db);
    links
        .env("HUB_SERVICE_HOST", "10.0.0.1")
        .env(
            "HUB_SERVER__TRUSTED_PROXIES",
            "[\"10.0.0.0/8\", \"127.0.0.1\"]",
        )
        .args(["config", "check"]);
    let out = run(links, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("10.0.0.0/8"));

    let mut unknown = hub(data.path(), &db);
    unknown
        .env("HUB_SERVER__BINDD", "x")
        .args(["config", "check"]);
    let out = run(unknown, "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("bindd"), "{}", text(&out.stderr));
}

#[test]
fn the_example_configuration_is_valid() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deployment/hub.example.toml"
    );
    let mut check = hub(data.path(), &db);
    check
        .env_remove("DATABASE_URL")
        .args(["--config", example, "config", "check"]);
    let out = run(check, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn audit_verify_names_the_row_edited_behind_the_hubs_back() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    for name in ["first-admin", "second-admin", "third-admin"] {
        let mut create = hub(data.path(), &db);
        create.args(["user", "create", "--username", name, "--role", "admin"]);
        let out = run(create, "a long enough password\n");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut verify = hub(data.path(), &db);
    verify.args(["audit", "verify"]);
    let out = run(verify, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("intact: 3 rows"));

    diesel::update(audit_log::table.find(2))
        .set(audit_log::actor.eq("cli:someone-else"))
        .execute(&mut db.raw())
        .unwrap();
    let mut verify = hub(data.path(), &db);
    verify.args(["audit", "verify"]);
    let out = run(verify, "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("row 2 was edited"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ledger_verify_checks_the_log_against_its_heads_and_names_a_changed_leaf() {
    use diesel::connection::SimpleConnection;
    use registry::ledger::{self, LeafInput, LeafKind};
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let append = |from: u32, to: u32| {
        let mut conn = db.db().conn().unwrap();
        for i in from..to {
            let hash = registry::secret::sha256_hex(&i.to_be_bytes());
            let input = LeafInput {
                sha256: &hash,
                kind: LeafKind::Document,
                filed_by: "91410102MA0000000X 企业",
            };
            ledger::append(&mut conn, db.clock().now(), &input).unwrap();
        }
    };
    let ledger_cmd = |args: &[&str]| {
        let mut command = hub(data.path(), &db);
        command.arg("ledger").args(args);
        run(command, "")
    };
    let out = ledger_cmd(&["publish"]);
    assert!(
        text(&out.stdout).contains("the log is empty"),
        "{}",
        text(&out.stderr)
    );
    append(0, 3);
    let out = ledger_cmd(&["publish"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("signed tree head: 3 leaves"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&ledger_cmd(&["publish"]).stdout).contains("has not grown since the head of 3"));
    append(3, 7);
    assert!(ledger_cmd(&["publish"]).status.success());
    let out = ledger_cmd(&["verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("ledger intact: 7 leaves, 4 nodes, 2 signed heads"),
        "{}",
        text(&out.stdout)
    );

    // Behind the hub's back (the append-only triggers dropped first): a leaf's filer changed.
    let sql = match db.backend() {
        Backend::Postgres => "ALTER TABLE ledger_leaves DISABLE TRIGGER USER",
        Backend::Sqlite => "DROP TRIGGER ledger_leaves_no_update",
    };
    db.raw().batch_execute(sql).unwrap();
    db.raw()
        .batch_execute(
            "UPDATE ledger_leaves SET filed_by = '91410102MA0000000X 别人' WHERE leaf_index = 4",
        )
        .unwrap();
    let out = ledger_cmd(&["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("leaf 4: its stored hash is not the hash of its columns"),
        "{said}"
    );
    assert!(said.contains("ledger broken: 1 problems"), "{said}");

    // Another key than the one that signed the heads: every signature is refused.
    std::fs::remove_file(data.path().join("ledger-key.pem")).unwrap();
    let out = ledger_cmd(&["verify"]);
    let said = text(&out.stderr);
    assert!(said.contains("head of size 3: signed by key"), "{said}");
}

#[test]
fn tokens_are_printed_once_and_revoked_from_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let mut create = hub(data.path(), &db);
    create.args([
        "user",
        "create",
        "--username",
        "food-adapter",
        "--role",
        "system",
        "--category",
        "food",
        "--no-password",
    ]);
    assert!(run(create, "").status.success());
    let adapter =
        registry::identity::find_user_by_name(&mut db.db().conn().unwrap(), "food-adapter");
    assert_eq!(
        adapter.unwrap().category,
        Some(registry::departments::Category::Food)
    );
    let mut odd = hub(data.path(), &db);
    odd.args([
        "user",
        "create",
        "--username",
        "odd",
        "--role",
        "system",
        "--category",
        "toys",
        "--no-password",
    ]);
    let out = run(odd, "");
    assert!(!out.status.success() && text(&out.stderr).contains("category"));
    let mut token = hub(data.path(), &db);
    token.args([
        "token",
        "create",
        "--username",
        "food-adapter",
        "--name",
        "food feed",
        "--scopes",
        "read,write",
    ]);
    let out = run(token, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().starts_with("thk_"));
    let mut bad = hub(data.path(), &db);
    bad.args([
        "token",
        "create",
        "--username",
        "food-adapter",
        "--name",
        "x",
        "--scopes",
        "root",
    ]);
    let out = run(bad, "");
    assert!(!out.status.success() && text(&out.stderr).contains("scope"));
    let mut revoke = hub(data.path(), &db);
    revoke.args(["token", "revoke", "1"]);
    assert!(run(revoke, "").status.success());
    let mut list = hub(data.path(), &db);
    list.args(["token", "list"]);
    assert!(text(&run(list, "").stdout).contains("revoked"));
}

#[test]
fn backup_copies_the_sqlite_database_consistently() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let mut create = hub(data.path(), &db);
    create.args(["user", "create", "--username", "root", "--role", "admin"]);
    assert!(run(create, "a long enough password\n").status.success());
    let copy = data.path().join("copy.db");
    let mut backup = hub(data.path(), &db);
    backup.arg("backup").arg(&copy);
    let out = run(backup, "");
    if db.backend() == Backend::Postgres {
        assert!(!out.status.success() && text(&out.stderr).contains("pg_dump"));
        return;
    }
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = registry::db::DbUrl::sqlite_file(&copy);
    let mut conn = url.connect().unwrap();
    let users: i64 = registry::schema::users::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(users, 1);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = reqwest::blocking::Client::new();
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/readyz")).send() {
            if response.status() == 200 {
                return;
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("hub exited early with {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("hub on port {port} not ready within 30 s");
}

#[test]
fn two_replicas_start_together_and_stop_gracefully() {
    // A fresh, unmigrated database: the replicas race to migrate it.
    let db = TestDb::unmigrated();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("secret.key"), "cd".repeat(32)).unwrap();
    let ports = [free_port(), free_port()];
    let mut replicas: Vec<Child> = ports
        .iter()
        .map(|port| {
            let mut serve = hub(data.path(), &db);
            serve
                .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            serve.spawn().unwrap()
        })
        .collect();
    for (port, child) in ports.iter().zip(replicas.iter_mut()) {
        wait_ready(*port, child);
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let ran: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM __diesel_schema_migrations")
        .load(&mut db.raw())
        .unwrap();
    let embedded = registry::db::migration_names().unwrap().0.len() as i64;
    assert_eq!(ran[0].n, embedded, "each migration ran once");
    for child in &mut replicas {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }
    for child in &mut replicas {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "graceful stop exits 0, got {status}");
                break;
            }
            assert!(Instant::now() < deadline, "hub did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn import_enterprises_reports_bad_lines_and_skips_them_when_asked() {
    use registry::departments::{Category, NewDepartment, create_department};
    use registry::identity::{NewUser, Role, create_user};
    use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let mut conn = db.db().conn().unwrap();
    let dept = create_department(
        &mut conn,
        db.clock().now(),
        &NewDepartment {
            code: "HA-FOOD".into(),
            name: "河南省市场监督管理局".into(),
            name_en: String::new(),
            region_code: "410000".into(),
            categories: vec![Category::Food],
        },
    )
    .unwrap();
    create_user(
        &mut conn,
        db.clock().now(),
        &NewUser {
            username: "ha-food".into(),
            display_name: "ha-food".into(),
            email: None,
            password: None,
            role: Role::Officer,
            department_id: Some(dept.id),
            enterprise_id: None,
            locale: None,
            category: None,
        },
    )
    .unwrap();
    let code = |n: u32| {
        let org = format!("{n:08}");
        let body = format!(
            "91410102{org}{}",
            organisation_code_check_char(&org).unwrap()
        );
        format!("{body}{}", uscc_check_char(&body).unwrap())
    };
    let file = data.path().join("enterprises.csv");
    std::fs::write(
        &file,
        format!(
            "credit_code,name,legal_representative,phone,email,region_code,address,categories\n\
             {},企业1,张三,0371-60000001,a@example.cn,410102,郑州,food\n\
             {},企业2,李四,0371-60000002,b@example.cn,410102,郑州,food\n",
            code(1),
            code(2).replace("91", "9I")
        ),
    )
    .unwrap();
    let count = |conn: &mut registry::db::DbConn| {
        registry::schema::enterprises::table
            .count()
            .get_result::<i64>(conn)
            .unwrap()
    };
    let mut strict = hub(data.path(), &db);
    strict
        .args(["import", "enterprises", "--username", "ha-food"])
        .arg(&file);
    let out = run(strict, "");
    assert!(!out.status.success());
    let report = text(&out.stdout);
    assert!(
        report.starts_with("line,column,error,message\n3,credit_code,invalid_credit_code,"),
        "{report}"
    );
    assert!(
        text(&out.stderr).contains("nothing was written"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(count(&mut conn), 0);

    let mut lenient = hub(data.path(), &db);
    lenient
        .args([
            "import",
            "enterprises",
            "--skip-bad",
            "--username",
            "ha-food",
        ])
        .arg(&file);
    let out = run(lenient, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3,credit_code,invalid_credit_code"));
    assert!(
        text(&out.stderr).contains("imported 1 of 2"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(count(&mut conn), 1);
}

#[test]
fn recalls_refuse_bad_input_with_a_message_and_a_failing_exit() {
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new();
    let mut bad_class = hub(data.path(), &db);
    bad_class.args([
        "recalls",
        "open",
        "--username",
        "nobody",
        "--lot",
        "urn:epc:class:lgtin:6905678.000001.A1",
        "--class",
        "IV",
        "--reason",
        "r",
        "--tip",
        "t",
        "--return-to",
        "x",
    ]);
    let out = run(bad_class, "");
    assert!(
        !out.status.success() && text(&out.stderr).contains("no user"),
        "{}",
        text(&out.stderr)
    );
    let mut missing = hub(data.path(), &db);
    missing.args(["recalls", "close", "1", "--username", "nobody"]);
    let out = run(missing, "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses a missing argument"
    );
    assert!(text(&out.stderr).contains("--effectiveness"));
    let mut unknown = hub(data.path(), &db);
    unknown.args(["recalls", "show", "1", "--username", "nobody"]);
    let out = run(unknown, "");
    assert!(!out.status.success() && text(&out.stderr).contains("nobody"));
}
