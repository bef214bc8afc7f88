//! Every command of the README's list not covered by `cli_lineage.rs` through the binary, on
//! SQLite and PostgreSQL: `migrate`, `token create|list|revoke` (a revoked secret is refused by
//! a server on the same database), `alias` (an import then matches the alias), one `lineage`
//! event, `export` (the same bytes as `GET /export`, `--as-of` included), `demo-data` (real
//! jurisdictions untouched), and the `list` commands. Each is checked by what the database or
//! a server shows afterwards, not by the command's own words alone.

use egov_tests::cli::{self, count, stdout};
use egov_tests::writes::{token, write};
use egov_tests::{Backend, TestDb, TestServer, on_both_engines};
use serde_json::json;
use service::access::Role;

/// Runs `egov-rank ARGS` on `url`; panics with its output when its success is not `ok`.
fn egov(url: &str, args: &[&str], ok: bool) -> std::process::Output {
    cli::egov(env!("CARGO_BIN_EXE_egov-rank"), url, args, ok)
}

/// A file of `text` in a folder of this test's own.
fn file(backend: Backend, name: &str, text: &[u8]) -> String {
    let folder = std::env::temp_dir().join(format!(
        "egov-cli-commands-{}-{backend:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let path = folder.join(name);
    std::fs::write(&path, text).expect("write a file");
    path.display().to_string()
}

/// `migrate` makes the schema and loads nothing; any other command prepares the database.
/// Would catch a `migrate` that also loads the published tables (or fails on a fresh database).
async fn migrate_loads_nothing(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    egov(&test_db.url, &["migrate"], true);
    assert_eq!(count(&test_db, "SELECT COUNT(*) FROM result").await, 0);
    egov(&test_db.url, &["migrate"], true);
    egov(&test_db.url, &["index", "list"], true);
    assert!(count(&test_db, "SELECT COUNT(*) FROM result").await > 0);
    test_db.remove().await;
}

/// `token create` prints a secret that a server on the same database accepts; `token list`
/// shows the token valid, then revoked; after `token revoke` the same secret is refused with
/// HTTP 401 `UNAUTHENTICATED`. Would catch a revocation that is only recorded (the secret still
/// authenticates), or a secret printed that is not the one stored.
async fn a_token_is_created_listed_and_revoked(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let secret = stdout(&egov(
        &url,
        &[
            "token",
            "create",
            "--role",
            "editor",
            "--name",
            "cli-editor",
        ],
        true,
    ))
    .trim()
    .to_owned();
    assert!(!secret.is_empty() && !secret.contains(char::is_whitespace));
    let listed = stdout(&egov(&url, &["token", "list"], true));
    let line = |listed: &str| {
        listed
            .lines()
            .find(|line| line.starts_with("cli-editor\teditor\t"))
            .unwrap_or_else(|| panic!("the token listed: {listed}"))
            .to_owned()
    };
    assert!(line(&listed).ends_with("valid"), "{listed}");
    assert!(!listed.contains(&secret), "the list never shows a secret");

    let server = TestServer::start(&test_db).await;
    let write = "mutation ($input: PublishDecisionInput!) { publishDecision(input: $input) { decision { number } } }";
    let input = json!({ "input": { "number": "1/CLI", "issuedOn": "2021-01-01" } });
    let (status, body) = server.post_as(Some(&secret), write, input.clone()).await;
    assert_eq!(status.as_u16(), 200, "{body:#}");
    assert_eq!(
        body["data"]["publishDecision"]["decision"]["number"], "1/CLI",
        "{body:#}"
    );

    let revoked = stdout(&egov(
        &url,
        &["token", "revoke", "--name", "cli-editor"],
        true,
    ));
    assert!(revoked.contains("cli-editor"), "{revoked}");
    assert!(
        line(&stdout(&egov(&url, &["token", "list"], true))).contains("\trevoked "),
        "listed as revoked"
    );
    let input = json!({ "input": { "number": "2/CLI", "issuedOn": "2021-01-02" } });
    let (status, body) = server.post_as(Some(&secret), write, input).await;
    assert_eq!(status.as_u16(), 401, "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM decision WHERE number = '2/CLI'"
        )
        .await,
        0,
        "nothing written with a revoked secret"
    );
    drop(server);
    test_db.remove().await;
}

/// `alias` records another name, and an import naming the agency by it matches it instead of
/// creating an agency; `lineage` records one merge with its links. Would catch an alias stored
/// but not used for matching, or a lineage command that records the event without its links.
async fn alias_and_lineage(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let agencies = count(&test_db, "SELECT COUNT(*) FROM agency").await;
    egov(
        &url,
        &[
            "alias",
            "--agency",
            "ubnd-huyen-a-luoi",
            "--name",
            "Huyện A Lưới (cũ)",
        ],
        true,
    );
    let csv = file(
        backend,
        "alias.csv",
        "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level\n\
         2021,district,,Huyện A Lưới (cũ),100,0,100,80,,,\n"
            .as_bytes(),
    );
    let imported = stdout(&egov(&url, &["import", &csv], true));
    assert!(imported.contains("agencies created: 0"), "{imported}");
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM agency").await,
        agencies
    );
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM result r JOIN agency a ON a.id = r.agency_id \
             WHERE a.code = 'ubnd-huyen-a-luoi' AND r.year = 2021"
        )
        .await,
        1,
        "the 2021 row is A Lưới's"
    );

    let (events, links) = (
        count(&test_db, "SELECT COUNT(*) FROM lineage_event").await,
        count(&test_db, "SELECT COUNT(*) FROM lineage_link").await,
    );
    egov(
        &url,
        &[
            "lineage",
            "--kind",
            "MERGE",
            "--year",
            "2025",
            "--from",
            "ubnd-huyen-nam-dong,ubnd-huyen-a-luoi",
            "--to",
            "ubnd-huyen-phu-vang",
        ],
        true,
    );
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM lineage_event").await,
        events + 1
    );
    assert!(
        count(&test_db, "SELECT COUNT(*) FROM lineage_link").await >= links + 2,
        "a link per predecessor"
    );
    test_db.remove().await;
}

/// `export` writes what `GET /export` serves, byte for byte in CSV, with and without
/// `--as-of` (after the README's amendment, so the two differ); an unknown decision fails.
/// Would catch the command and the route laying out the table differently, or `--as-of`
/// ignored by either.
async fn export_matches_the_http_export(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let server = TestServer::start(&test_db).await;
    // The README's amendment, so that the table as 3402 published it differs from the latest.
    let editor = token(&server, "editor", Role::Editor).await;
    write(
        &server,
        &editor,
        "publishDecision",
        "decision { number }",
        json!({ "number": "15/QĐ-UBND", "amends": "3402/QĐ-UBND", "issuedOn": "2021-01-15" }),
    )
    .await;
    write(
        &server,
        &editor,
        "amendResults",
        "results { agency { name } }",
        json!({ "decision": "15/QĐ-UBND", "year": 2020, "tier": "DISTRICT",
                "results": [{ "agency": "UBND huyện A Lưới", "publishedRatePercent": "81.97" }] }),
    )
    .await;
    let out = file(backend, "export.csv", b"");
    let mut exports = Vec::new();
    for as_of in [None, Some("3402/QĐ-UBND")] {
        let mut args = vec![
            "export", "--year", "2020", "--tier", "district", "--output", &out,
        ];
        let mut path = "/export/2020/district.csv".to_owned();
        if let Some(as_of) = as_of {
            args.extend(["--as-of", as_of]);
            path += "?asOf=3402%2FQ%C4%90-UBND";
        }
        egov(&url, &args, true);
        let written = std::fs::read(&out).expect("the exported file");
        let served = server.get(&path).await;
        assert_eq!(served.status(), 200, "{path}");
        assert_eq!(
            written,
            served.bytes().await.expect("a body").to_vec(),
            "{as_of:?}"
        );
        assert!(
            String::from_utf8_lossy(&written).contains("UBND huyện A Lưới"),
            "a district table"
        );
        exports.push(written);
    }
    assert_ne!(
        exports[0], exports[1],
        "--as-of 3402 is the table before 15"
    );
    let failed = egov(
        &url,
        &[
            "export",
            "--year",
            "2020",
            "--tier",
            "district",
            "--as-of",
            "999/QĐ-X",
        ],
        false,
    );
    assert!(failed.stdout.is_empty(), "nothing exported");
    drop(server);
    test_db.remove().await;
}

/// `demo-data` writes labelled synthetic jurisdictions and never touches a real one; the list
/// commands show what is there. Would catch demo data written into the default jurisdiction.
async fn demo_data_and_lists(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    // Results by the jurisdiction they are ranked in, and agencies by their own.
    let real = "SELECT (SELECT COUNT(*) FROM result r JOIN jurisdiction j ON j.id = r.jurisdiction_id \
                WHERE j.code NOT LIKE 'synthetic-%') \
                + (SELECT COUNT(*) FROM agency a JOIN jurisdiction j ON j.id = a.jurisdiction_id \
                WHERE j.code NOT LIKE 'synthetic-%')";
    let synthetic = "SELECT COUNT(*) FROM result r JOIN jurisdiction j ON j.id = r.jurisdiction_id \
                WHERE j.code LIKE 'synthetic-%'";
    let real_before = count(&test_db, real).await;
    egov(
        &url,
        &[
            "demo-data",
            "--provinces",
            "1",
            "--years",
            "2020-2021",
            "--seed",
            "3",
        ],
        true,
    );
    assert_eq!(count(&test_db, real).await, real_before);
    assert!(count(&test_db, synthetic).await > 0);
    let jurisdictions = stdout(&egov(&url, &["jurisdiction", "list"], true));
    assert!(jurisdictions.contains("synthetic-01"), "{jurisdictions}");
    assert!(jurisdictions.contains("thua-thien-hue"), "{jurisdictions}");
    let indices = stdout(&egov(&url, &["index", "list"], true));
    assert!(indices.contains("cqdt-results"), "{indices}");
    let schemes = stdout(&egov(&url, &["scheme", "list"], true));
    assert!(!schemes.trim().is_empty(), "schemes listed");
    test_db.remove().await;
}

on_both_engines!(
    migrate_loads_nothing,
    a_token_is_created_listed_and_revoked,
    alias_and_lineage,
    export_matches_the_http_export,
    demo_data_and_lists,
);
