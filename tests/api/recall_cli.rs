//! `hub recalls list|show|open|close` over the recall scene: the command line parsed as the
//! binary parses it and run on the test hub's database, through the operations the API calls;
//! audited as `cli:<user>`; bad input refused with a message (the binary's exit code is
//! checked in `hub/tests/cli.rs`).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use clap::Parser;
use diesel::prelude::*;
use hub::cli::recalls::run_on;
use hub::cli::{Cli, Command};
use registry::schema::audit_log;
use serde_json::json;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::scene;

/// Runs `hub recalls <args>` on the test hub: what it printed, or its error.
fn recalls(r: &Registry, args: &[&str]) -> Result<String, String> {
    let cli =
        Cli::try_parse_from(["hub", "recalls"].iter().chain(args)).map_err(|e| e.to_string())?;
    let Command::Recalls { command } = cli.command else {
        panic!("not a recalls command");
    };
    let mut out = Vec::new();
    run_on(&r.app.state, command, &mut out).map_err(|e| format!("{e:#}"))?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn recall_cases_at_the_command_line() {
    let s = scene(Registry::new());
    let r = &s.r;
    let open = |user: &str, lot: &str, class: &str| {
        recalls(
            r,
            &[
                "open",
                "--username",
                user,
                "--lot",
                lot,
                "--class",
                class,
                "--reason",
                "黄曲霉毒素超标",
                "--tip",
                "请停止食用",
                "--return-to",
                "购买门店",
            ],
        )
    };
    let lot = "urn:epc:class:lgtin:6905678.000001.A1";

    // Bad input: a message naming what is wrong, nothing written.
    assert!(
        open("officer-ly", lot, "IV")
            .unwrap_err()
            .contains("--class")
    );
    assert!(open("nobody", lot, "I").unwrap_err().contains("no user"));
    assert!(
        open("officer-zz", lot, "I")
            .unwrap_err()
            .contains("officer")
    );
    assert!(
        open("officer-ly", "urn:epc:id:sscc:6901234.0000000001", "I")
            .unwrap_err()
            .contains("lot")
    );
    assert!(
        recalls(r, &["open", "--username", "officer-ly", "--class", "I"])
            .unwrap_err()
            .contains("--lot")
    );
    assert!(r.audited("recall.open").is_empty());

    // Opened: listed and shown with its parties.
    let id: i64 = open("officer-ly", lot, "I")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let list = recalls(r, &["list", "--username", "officer-ly", "--status", "open"]).unwrap();
    assert!(list.starts_with(&format!("{id}\topen\tI\t")), "{list}");
    let shown = recalls(r, &["show", &id.to_string(), "--username", "officer-ly"]).unwrap();
    assert!(
        shown.contains("parties: 2 (0 acknowledged, 0 reported)") && shown.contains("企业2"),
        "{shown}"
    );
    assert!(
        recalls(r, &["show", &id.to_string(), "--username", "ent3"])
            .unwrap_err()
            .contains("no user")
    );
    let own = recalls(r, &["list", "--username", "ent1"]).unwrap();
    assert!(own.contains(&format!("{id}\topen")), "{own}");

    // Closure: refused without the acceptance, and while parties have not answered.
    let close = |accept: bool| {
        let id = id.to_string();
        let mut args = vec![
            "close",
            id.as_str(),
            "--username",
            "officer-ly",
            "--effectiveness",
            "抽查门店",
        ];
        if accept {
            args.push("--accept");
        }
        recalls(r, &args)
    };
    assert!(close(false).unwrap_err().contains("effectiveness check"));
    assert!(
        close(true)
            .unwrap_err()
            .contains("parties have not acknowledged")
    );
    for (token, lot, held) in [
        (&s.farm_user, s.a1.as_str(), 100.0),
        (&s.processor_user, "C1", 80.0),
    ] {
        let case = format!("/api/v1/recalls/{id}");
        assert_eq!(
            r.post(Some(token), &format!("{case}/acknowledge"), json!({}))
                .status(),
            200
        );
        let line =
            json!({ "lines": [{ "lot": lot, "held": held, "destroyed": held, "uom": "KGM" }] });
        assert_eq!(
            r.post(Some(token), &format!("{case}/disposals"), line)
                .status(),
            200
        );
    }
    close(true).unwrap();
    let shown = recalls(r, &["show", &id.to_string(), "--username", "officer-ly"]).unwrap();
    assert!(
        shown.contains("status: closed") && shown.contains("抽查门店"),
        "{shown}"
    );
    let actors: Vec<String> = audit_log::table
        .filter(audit_log::action.eq_any(["recall.open", "recall.close"]))
        .order(audit_log::seq)
        .select(audit_log::actor)
        .load(&mut r.app.test_db().raw())
        .unwrap();
    assert_eq!(actors, ["cli:officer-ly", "cli:officer-ly"]);
}
