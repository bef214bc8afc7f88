//! Global object identification (the Relay spec): every object a client may cache has an `id`
//! that is the same wherever the object appears, that `node(id:)` and `nodes(ids:)` find again
//! with the same values, and that a normalized cache can therefore key it by.

use std::collections::BTreeMap;

use egov_tests::writes::token;
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Map, Value, json};
use service::access::Role;

/// One fragment per type implementing `Node`, used both where the object appears and through
/// `nodes(ids:)`, so both answers can be compared field by field.
const FRAGMENTS: &str = r#"
fragment A on Agency { id code name tier }
fragment R on Result { id year index rank ratePercent groupSize published { rank } }
fragment L on Level { id code name ordinal }
fragment M on Movement { id rankChange levelDirection }
fragment Y on YearSummary { id year tier count }
fragment T on LevelTransition { id count }
fragment D on Decision { id number issuedOn }
fragment S on Scheme { id name year tier }
fragment J on Jurisdiction { id code name isDefault coverage { tier index years } }
fragment I on Index { id code name }
fragment Tok on Token { id name role createdAt }
fragment AE on AuditEntry { id action actor at }
"#;

/// Objects of every type, several of them in more than one place.
const EVERYWHERE: &str = r#"{
  ranking(year: 2020, tier: DISTRICT, first: 3) {
    nodes { ...R agency { ...A } level { ...L } decision { ...D } }
  }
  asOf: ranking(year: 2020, tier: DISTRICT, first: 3, asOf: "3402/QĐ-UBND") { nodes { ...R } }
  dti: ranking(year: 2022, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam", first: 3) {
    nodes { ...R agency { ...A } movement { ...M } previous { ...R } }
  }
  compareYears(from: 2021, to: 2022, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam", first: 5) {
    nodes { ...M agency { ...A } from { ...R } to { ...R } }
  }
  topMovers(from: 2021, to: 2022, tier: PROVINCE, direction: UP, index: "dti", jurisdiction: "viet-nam") { ...M }
  levelTransitions(from: 2020, to: 2020, tier: DISTRICT) { ...T from { ...L } agencies { ...A } }
  yearSummary(year: 2020, tier: DISTRICT) { ...Y levelCounts { level { ...L } } }
  national: yearSummary(year: 2022, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam") {
    ...Y previous { ...Y previous { ...Y } }
  }
  decisions { ...D amends { ...D } }
  schemes { ...S }
  jurisdictions { ...J }
  indices { ...I parent { ...I } }
  tokens { ...Tok }
  auditLog(first: 3) { nodes { ...AE } }
}"#;

/// The same `nodes(ids:)` query for any ids.
const NODES: &str = r#"query ($ids: [ID!]!) { nodes(ids: $ids) {
  __typename ...A ...R ...L ...M ...Y ...T ...D ...S ...J ...I ...Tok ...AE
} }"#;

/// Every object of an answer that has an `id`, with its fields other than nested objects and
/// lists of them (what its fragment selected).
fn objects_with_ids(value: &Value, found: &mut Vec<Map<String, Value>>) {
    match value {
        Value::Object(object) => {
            if object.get("id").is_some_and(Value::is_string) {
                let own = object
                    .iter()
                    .filter(|(key, _)| {
                        !matches!(
                            key.as_str(),
                            "agency"
                                | "level"
                                | "decision"
                                | "movement"
                                | "previous"
                                | "from"
                                | "to"
                                | "agencies"
                                | "levelCounts"
                                | "amends"
                                | "parent"
                        )
                    })
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                found.push(own);
            }
            for nested in object.values() {
                objects_with_ids(nested, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| objects_with_ids(item, found)),
        _ => {}
    }
}

async fn every_object_is_found_again_by_its_id(server: TestServer) {
    let admin = token(&server, "ids-admin", Role::Admin).await;
    let (_, answer) = server
        .post_as(Some(&admin), &format!("{EVERYWHERE}{FRAGMENTS}"), json!({}))
        .await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
    let mut objects = Vec::new();
    objects_with_ids(&answer["data"], &mut objects);

    // One id, one object: wherever it appears, it has the same values.
    let mut by_id: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for object in &objects {
        let id = object["id"].as_str().unwrap().to_owned();
        let seen = by_id.entry(id.clone()).or_insert_with(|| object.clone());
        for (field, value) in object {
            if let Some(other) = seen.get(field) {
                assert_eq!(other, value, "{id}: `{field}` differs between two places");
            }
            seen.insert(field.clone(), value.clone());
        }
    }
    // The latest table and the table as 3402 published it are different objects.
    let latest = &answer["data"]["ranking"]["nodes"][0]["id"];
    let as_published = &answer["data"]["asOf"]["nodes"][0]["id"];
    assert_ne!(latest, as_published, "{answer:#}");

    let ids: Vec<&String> = by_id.keys().collect();
    let mut types: Vec<String> = Vec::new();
    for chunk in ids.chunks(100) {
        let (_, found) = server
            .post_as(
                Some(&admin),
                &format!("{NODES}{FRAGMENTS}"),
                json!({ "ids": chunk }),
            )
            .await;
        assert!(found.get("errors").is_none(), "{found:#}");
        let nodes = found["data"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), chunk.len());
        for (id, node) in chunk.iter().zip(nodes) {
            let expected = &by_id[*id];
            types.push(node["__typename"].as_str().unwrap_or("null").to_owned());
            for (field, value) in expected {
                assert_eq!(&node[field], value, "node({id}).{field}: {node:#}");
            }
        }
    }
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "Agency",
            "AuditEntry",
            "Decision",
            "Index",
            "Jurisdiction",
            "Level",
            "LevelTransition",
            "Movement",
            "Result",
            "Scheme",
            "Token",
            "YearSummary"
        ],
        "every type implementing Node was found again"
    );
}

async fn ids_are_checked(server: TestServer) {
    let query = "query ($id: ID!) { node(id: $id) { id } }";
    for bad in ["not base64!", "bm8gY29sb24", "VW5rbm93bjox"] {
        assert_eq!(
            server.error_code(query, json!({ "id": bad })).await,
            "BAD_USER_INPUT",
            "{bad}"
        );
    }
    // A well-formed id of nothing there: null, as the Relay spec says.
    let data = server
        .data(query, json!({ "id": "QWdlbmN5Ojk5OTk5OQ" }))
        .await;
    assert_eq!(data, json!({ "node": null }));
    // Tokens and audit entries are for admins through `node` too.
    let data = server
        .post(query, json!({ "id": "VG9rZW46aWRzLWFkbWlu" }))
        .await;
    assert_eq!(
        data["errors"][0]["extensions"]["code"],
        json!("UNAUTHENTICATED"),
        "{data:#}"
    );
    let many: Vec<String> = (0..101).map(|_| "QWdlbmN5OjE".to_owned()).collect();
    assert_eq!(
        server
            .error_code(
                "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": many })
            )
            .await,
        "BAD_USER_INPUT"
    );
}

on_both_databases!(every_object_is_found_again_by_its_id, ids_are_checked);
