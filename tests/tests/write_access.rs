//! Who may write what through GraphQL, with every write in the audit log: each mutation is
//! refused without a token, with a revoked or unknown one, to a viewer, and (for the admin's
//! mutations) to an editor, writing nothing; permitted writes succeed, each audited with its
//! actor and what it changed; reads can be made to require a token.

use std::collections::BTreeMap;

use egov_tests::counts::row_counts;
use egov_tests::normalized::{HEADER, district_line};
use egov_tests::published::{AMENDING, STRICT_SCALE, amended_district_table, published, row_named};
use egov_tests::reads::table;
use egov_tests::writes::{
    REPORT, SCHEME, amended_result_input, call, publish_amending_decision, scheme_input, token,
    write,
};
use egov_tests::{TestServer, on_both_databases};
use entity::scoring_scheme;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use service::access::{Role, revoke_token};

/// The code of the agency named exactly `name`.
async fn code_of(server: &TestServer, name: &str) -> String {
    let data = server
        .data(
            "query ($s: String) { agencies(search: $s) { nodes { code name } } }",
            json!({ "s": name }),
        )
        .await;
    data["agencies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["name"] == json!(name))
        .and_then(|node| node["code"].as_str())
        .unwrap_or_else(|| panic!("no agency named {name}: {data:#}"))
        .to_owned()
}

/// Tokens of every role, and revoked ones.
struct Tokens {
    viewer: String,
    editor: String,
    admin: String,
    revoked_editor: String,
    revoked_admin: String,
}

impl Tokens {
    /// Issues `viewer`, `editor`, `admin`, `spare` (a viewer, for `revokeToken`) and two revoked
    /// tokens, `revoked-editor` and `revoked-admin`.
    async fn issue(server: &TestServer) -> Self {
        let revoked = async |name: &str, role: Role| {
            let secret = token(server, name, role).await;
            revoke_token(server.db(), name, "test")
                .await
                .expect("revoke a token");
            secret
        };
        token(server, "spare", Role::Viewer).await;
        Self {
            viewer: token(server, "viewer", Role::Viewer).await,
            editor: token(server, "editor", Role::Editor).await,
            admin: token(server, "admin", Role::Admin).await,
            revoked_editor: revoked("revoked-editor", Role::Editor).await,
            revoked_admin: revoked("revoked-admin", Role::Admin).await,
        }
    }
}

/// One mutation with valid input, and what it needs.
struct Write {
    field: &'static str,
    selection: &'static str,
    input: Value,
    admin: bool,
}

/// Every mutation, with input valid once decision 15 (amending 3402) is published.
async fn every_write(server: &TestServer) -> Vec<Write> {
    let rows = published("district");
    let (amended_rows, _) = amended_district_table(&rows);
    let nam_dong = row_named(&rows, "UBND huyện Nam Đông");
    let phu_loc = code_of(server, "UBND huyện Phú Lộc").await;
    let editor_write = |field, selection, input| Write {
        field,
        selection,
        input,
        admin: false,
    };
    let admin_write = |field, selection, input| Write {
        field,
        selection,
        input,
        admin: true,
    };
    vec![
        editor_write(
            "publishDecision",
            "decision { number issuedOn amends { number } }",
            json!({ "number": "16/QĐ-UBND", "issuedOn": "2021-04-01", "title": "Điều chỉnh lần hai", "amends": AMENDING }),
        ),
        editor_write(
            "importResults",
            REPORT,
            json!({ "content": format!("{HEADER}{}", district_line(2021, nam_dong)), "decision": "30/QĐ-UBND" }),
        ),
        editor_write(
            "amendResults",
            REPORT,
            json!({ "decision": AMENDING, "year": 2020, "tier": "DISTRICT",
                    "results": [amended_result_input(row_named(&amended_rows, "UBND huyện A Lưới"))] }),
        ),
        editor_write(
            "upsertAgency",
            "agency { code name tier aliases } created",
            json!({ "name": "UBND huyện Mới", "tier": "DISTRICT", "aliases": ["Huyện Mới"] }),
        ),
        editor_write(
            "recordLineageEvent",
            "kind year predecessors { code } successors { code }",
            json!({ "kind": "ABOLISH", "year": 2021, "predecessors": [phu_loc], "note": "sáp nhập" }),
        ),
        admin_write(
            "setScoringScheme",
            SCHEME,
            scheme_input("Thang điểm thử", &STRICT_SCALE),
        ),
        admin_write(
            "createToken",
            "token { name role revokedAt } secret",
            json!({ "name": "new-viewer", "role": "VIEWER" }),
        ),
        admin_write(
            "revokeToken",
            "token { name role revokedAt }",
            json!({ "name": "spare" }),
        ),
    ]
}

/// Asserts that `write` as the holder of `token` is refused with `status` and `code`, and that
/// no payload comes back.
async fn assert_refused(
    server: &TestServer,
    token: Option<&str>,
    write: &Write,
    status: StatusCode,
    code: &str,
) {
    let (got, body) = call(
        server,
        token,
        write.field,
        write.selection,
        write.input.clone(),
    )
    .await;
    let who = token.map_or("anonymous", |t| &t[..t.len().min(12)]);
    assert_eq!(got, status, "{} as {who}: {body:#}", write.field);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!(code),
        "{} as {who}: {body:#}",
        write.field
    );
    assert_eq!(
        body["data"][write.field],
        json!(null),
        "{} as {who}: {body:#}",
        write.field
    );
}

/// The audit log, newest first: the first `$first` entries, of the action `$action` if given.
const AUDIT_LOG: &str =
    "query ($first: Int, $action: String) { auditLog(first: $first, action: $action) {
    totalCount nodes { at actor action target before after } } }";

/// Every mutation is refused without the right token, and refused writes write nothing.
async fn every_write_is_refused_without_the_right_token(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    publish_amending_decision(&server, &tokens.editor).await;
    let writes = every_write(&server).await;
    let before = row_counts(server.db()).await;
    let original = table(&server, 2020, "DISTRICT", None).await;
    for write in &writes {
        assert_refused(&server, None, write, StatusCode::OK, "UNAUTHENTICATED").await;
        assert_refused(
            &server,
            Some(&tokens.viewer),
            write,
            StatusCode::OK,
            "FORBIDDEN",
        )
        .await;
        for invalid in [
            tokens.revoked_editor.as_str(),
            tokens.revoked_admin.as_str(),
            "egr_0123456789abcdef",
        ] {
            assert_refused(
                &server,
                Some(invalid),
                write,
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
            )
            .await;
        }
        if write.admin {
            assert_refused(
                &server,
                Some(&tokens.editor),
                write,
                StatusCode::OK,
                "FORBIDDEN",
            )
            .await;
        }
    }
    assert_eq!(
        row_counts(server.db()).await,
        before,
        "refused writes write nothing"
    );
    assert_eq!(table(&server, 2020, "DISTRICT", None).await, original);

    // The audit log and the token list are the admin's.
    for query in [AUDIT_LOG, "{ tokens { name } }"] {
        for token in [&tokens.viewer, &tokens.editor] {
            let (status, body) = server.post_as(Some(token), query, json!({})).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body:#}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                json!("FORBIDDEN"),
                "{query}: {body:#}"
            );
        }
        let (status, body) = server
            .post_as(Some(&tokens.revoked_admin), query, json!({}))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{query}: {body:#}");
    }
}

/// Permitted writes succeed, and each is in the audit log with its actor.
async fn permitted_writes_succeed_and_are_audited(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    publish_amending_decision(&server, &tokens.editor).await;
    let writes = every_write(&server).await;
    let old_scheme = scoring_scheme::Entity::find()
        .filter(scoring_scheme::Column::Year.eq(2020))
        .filter(scoring_scheme::Column::Tier.eq("district"))
        .one(server.db())
        .await
        .unwrap()
        .expect("the 2020 district scheme");

    // A dry run first: reported, not written, not audited.
    let import = &writes[1];
    assert_eq!(import.field, "importResults");
    let before = row_counts(server.db()).await;
    let mut dry_input = import.input.clone();
    dry_input["dryRun"] = json!(true);
    let dry = write(&server, &tokens.editor, import.field, REPORT, dry_input).await;
    assert_eq!(
        (
            dry["report"]["dryRun"].clone(),
            dry["report"]["rowsRead"].clone()
        ),
        (json!(true), json!(1))
    );
    assert_eq!(
        row_counts(server.db()).await,
        before,
        "a dry run writes nothing"
    );

    let mut payloads = BTreeMap::new();
    for w in &writes {
        let token = if w.admin {
            &tokens.admin
        } else {
            &tokens.editor
        };
        let payload = write(&server, token, w.field, w.selection, w.input.clone()).await;
        payloads.insert(w.field, payload);
    }
    assert_eq!(
        payloads["publishDecision"]["decision"],
        json!({ "number": "16/QĐ-UBND", "issuedOn": "2021-04-01", "amends": { "number": AMENDING } })
    );
    assert_eq!(
        payloads["importResults"]["report"],
        json!({ "dryRun": false, "rowsRead": 1, "agenciesMatched": 1, "agenciesCreated": [],
                "nearMisses": [], "amended": [], "rankings": ["2021 district cqdt-results"] })
    );
    assert_eq!(
        payloads["amendResults"]["report"]["amended"],
        json!(["UBND huyện A Lưới"])
    );
    let mut agency = payloads["upsertAgency"]["agency"].clone();
    let mut aliases: Vec<String> = serde_json::from_value(agency["aliases"].take()).unwrap();
    aliases.sort();
    assert_eq!(aliases, ["Huyện Mới", "UBND huyện Mới"]);
    assert_eq!(
        agency,
        json!({ "code": "ubnd-huyen-moi", "name": "UBND huyện Mới", "tier": "DISTRICT", "aliases": null })
    );
    assert_eq!(payloads["upsertAgency"]["created"], json!(true));
    assert_eq!(
        (
            payloads["recordLineageEvent"]["kind"].clone(),
            payloads["recordLineageEvent"]["predecessors"].clone(),
            payloads["recordLineageEvent"]["successors"].clone()
        ),
        (
            json!("ABOLISH"),
            json!([{ "code": code_of(&server, "UBND huyện Phú Lộc").await }]),
            json!([])
        )
    );
    assert_eq!(
        payloads["setScoringScheme"]["scheme"]["name"],
        json!("Thang điểm thử")
    );
    let created = &payloads["createToken"];
    assert_eq!(
        created["token"],
        json!({ "name": "new-viewer", "role": "VIEWER", "revokedAt": null })
    );
    assert!(payloads["revokeToken"]["token"]["revokedAt"].is_string());
    assert_eq!(payloads["revokeToken"]["token"]["name"], json!("spare"));

    // The new token authenticates (a viewer may not list tokens); the revoked one does not.
    let secret = created["secret"].as_str().expect("the new secret");
    let (status, body) = server
        .post_as(Some(secret), "{ tokens { name } }", json!({}))
        .await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].clone()),
        (StatusCode::OK, json!("FORBIDDEN")),
        "{body:#}"
    );
    let data = server
        .post_as(
            Some(&tokens.admin),
            "{ tokens { name revokedAt } }",
            json!({}),
        )
        .await
        .1;
    let listed: Vec<&str> = data["data"]["tokens"]
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&"new-viewer") && listed.contains(&"spare"),
        "{listed:?}"
    );

    // The audit log, newest first: each write with its actor.
    let (status, body) = server
        .post_as(Some(&tokens.admin), AUDIT_LOG, json!({ "first": 9 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    let log = &body["data"]["auditLog"];
    assert_eq!(
        log["totalCount"],
        json!(before["audit_log"] + writes.len() as u64),
        "{log:#}"
    );
    let entries = log["nodes"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    let mut expected: Vec<(&str, &str)> = writes
        .iter()
        .rev()
        .map(|w| (w.field, if w.admin { "admin" } else { "editor" }))
        .collect();
    expected.push(("publishDecision", "editor"));
    assert_eq!(listed, expected);
    let times: Vec<&str> = entries.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "{times:?}");

    let entry = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == json!(action))
            .unwrap_or_else(|| panic!("no {action} entry"))
            .clone()
    };
    let parse = |text: &Value| -> Value {
        serde_json::from_str(text.as_str().unwrap_or_else(|| panic!("JSON text: {text}")))
            .unwrap_or_else(|error| panic!("`{text}` is JSON: {error}"))
    };
    let scheme = entry("setScoringScheme");
    assert_eq!(parse(&scheme["before"])["name"], json!(old_scheme.name));
    assert_eq!(parse(&scheme["after"])["name"], json!("Thang điểm thử"));
    let amendment = entry("amendResults");
    assert!(
        amendment["before"]
            .as_str()
            .unwrap_or_default()
            .contains(&row_named(&published("district"), "UBND huyện A Lưới").rate),
        "the replaced published rate: {amendment:#}"
    );
    parse(&amendment["after"]);
    for created in ["upsertAgency", "createToken"] {
        let entry = entry(created);
        assert_eq!(
            entry["before"],
            json!(null),
            "{created} only added: {entry:#}"
        );
        assert!(parse(&entry["after"]).is_object(), "{entry:#}");
    }
    assert_eq!(
        parse(&entry("upsertAgency")["after"])["name"],
        json!("UBND huyện Mới")
    );
    assert_eq!(entry("revokeToken")["target"], json!("spare"));

    let imports = server
        .post_as(
            Some(&tokens.admin),
            AUDIT_LOG,
            json!({ "action": "importResults" }),
        )
        .await
        .1;
    assert_eq!(
        imports["data"]["auditLog"]["totalCount"],
        json!(1),
        "{imports:#}"
    );
}

/// With `reads_require_token`, anonymous reads are refused as a whole; a viewer reads.
async fn reads_can_require_a_token(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    let options = api::ServerOptions {
        reads_require_token: true,
        ..Default::default()
    };
    let guarded = TestServer::start_with(server.db().clone(), server.backend, options).await;
    let query = "{ ranking(year: 2020, tier: DISTRICT) { totalCount } }";
    for secret in [None, Some(tokens.revoked_editor.as_str())] {
        let (status, body) = guarded.post_as(secret, query, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:#}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            json!("UNAUTHENTICATED"),
            "{body:#}"
        );
    }
    let (status, body) = guarded
        .post_as(Some(&tokens.viewer), query, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"], json!({ "ranking": { "totalCount": 9 } }));
    // The default server still reads openly.
    assert_eq!(
        server.data(query, json!({})).await,
        json!({ "ranking": { "totalCount": 9 } })
    );
}

on_both_databases!(
    every_write_is_refused_without_the_right_token,
    permitted_writes_succeed_and_are_audited,
    reads_can_require_a_token,
);
