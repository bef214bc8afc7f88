//! Restated rankings (issue 17, item 5): a year's ranking recomputed over a later year's map
//! from lineage, stored beside the ranking as published. The national DTI of 2024 (63
//! provinces, scores invented for the test) is restated over the shipped map of 2025 (34 units)
//! by the mean the scheme names: "5th of 63" and "2nd of 34" are both there for 2024, merged
//! units hold the exact mean of their predecessors (a third of a sum stays a third, ranked
//! exactly, ties shared), and a published restatement imported beside the computed one shows
//! where it disagrees.

use egov_tests::writes::{refused, token, write};
use egov_tests::{TestServer, national, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

/// The provinces of 2024 whose scores the assertions follow, with their scores. The 2025 map
/// (`provinces-2025.csv`): TP. Hà Nội unchanged, Thừa Thiên - Huế renamed Huế, TP. Hồ Chí Minh
/// merged with Bình Dương and Bà Rịa - Vũng Tàu, TP. Đà Nẵng with Quảng Nam, TP. Hải Phòng
/// with Hải Dương, Phú Thọ with Vĩnh Phúc and Hòa Bình, Lào Cai with Yên Bái, Thái Nguyên with
/// Bắc Kạn.
const DESIGNED: [(&str, &str); 16] = [
    ("TP. Hà Nội", "0,7000"),
    ("TP. Đà Nẵng", "0,6900"),
    ("TP. Hồ Chí Minh", "0,6800"),
    ("TP. Hải Phòng", "0,6700"),
    ("Thừa Thiên - Huế", "0,6600"),
    ("Bình Dương", "0,6200"),
    ("Lào Cai", "0,5999"),
    ("Bà Rịa - Vũng Tàu", "0,5500"),
    ("Thái Nguyên", "0,5500"),
    ("Vĩnh Phúc", "0,5001"),
    ("Hòa Bình", "0,5000"),
    ("Phú Thọ", "0,5000"),
    ("Bắc Kạn", "0,4500"),
    ("Yên Bái", "0,4001"),
    ("Quảng Nam", "0,4000"),
    ("Hải Dương", "0,3000"),
];

/// The 63 provinces of 2024 as a DTI table of scores: the designed ones, and every other
/// province below 0,45 (so that no mean of theirs reaches the designed units').
fn dti_2024() -> String {
    let shipped = include_str!("../../../shared/data/dti-2022-province-ranks.csv");
    let mut table = String::from("DTI (điểm),Tỉnh thành phố\n");
    for (name, score) in DESIGNED {
        table.push_str(&format!("\"{score}\",{name}\n"));
    }
    let others = shipped
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(',').map(|(_, name)| name))
        .filter(|name| !DESIGNED.iter().any(|(designed, _)| designed == name));
    for (k, name) in (0..).zip(others) {
        table.push_str(&format!("\"0,{}\",{name}\n", 4490 - 4 * k));
    }
    table
}

const DTI: &str = r#"index: "dti", jurisdiction: "viet-nam", tier: PROVINCE"#;

async fn import_2024(server: &TestServer, editor: &str) {
    let report = write(
        server,
        editor,
        "importResults",
        "report { rowsRead agenciesCreated }",
        json!({ "content": dti_2024(), "jurisdiction": "viet-nam", "index": "dti",
                "tier": "PROVINCE", "year": 2024 }),
    )
    .await;
    assert_eq!(report["report"]["rowsRead"], json!(63));
    assert_eq!(
        report["report"]["agenciesCreated"],
        json!([]),
        "every province is known"
    );
}

const RESTATEMENT: &str =
    "restatement { year tier index restatedOver rule results leftOut dryRun }";

async fn restate(server: &TestServer, editor: &str, dry_run: bool) -> Value {
    write(
        server,
        editor,
        "restateRanking",
        RESTATEMENT,
        json!({ "year": 2024, "over": 2025, "tier": "PROVINCE", "index": "dti",
                "jurisdiction": "viet-nam", "dryRun": dry_run }),
    )
    .await["restatement"]
        .clone()
}

/// The whole ranking of 2024, as published or restated over `restated_over`.
async fn ranking(server: &TestServer, restated_over: Option<i32>) -> Vec<Value> {
    let data = server
        .data(
            &format!(
                "query ($over: Int) {{ ranking(year: 2024, {DTI}, restatedOver: $over) {{
                   totalCount nodes {{ id agency {{ name }} rank tiedWith groupSize restatedOver
                   percentile(decimals: 2) score exact: score(decimals: 8) publishedScore }} }} }}"
            ),
            json!({ "over": restated_over }),
        )
        .await;
    let nodes = data["ranking"]["nodes"].as_array().unwrap().clone();
    assert_eq!(data["ranking"]["totalCount"], json!(nodes.len()));
    nodes
}

fn node<'a>(nodes: &'a [Value], name: &str) -> &'a Value {
    nodes
        .iter()
        .find(|n| n["agency"]["name"] == json!(name))
        .unwrap_or_else(|| panic!("{name} in {nodes:#?}"))
}

/// The DTI of 2024 restated over the 34 units of 2025 by the mean: exact means of merged
/// provinces, ranked exactly, ties shared, beside the 63-province ranking, which is unchanged.
async fn a_year_is_restated_over_the_new_map_beside_its_publication(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    import_2024(&server, &editor).await;
    let published_before = ranking(&server, None).await;

    let dry = restate(&server, &editor, true).await;
    assert_eq!(
        (&dry["results"], &dry["dryRun"]),
        (&json!(34), &json!(true))
    );
    assert!(
        ranking(&server, Some(2025)).await.is_empty(),
        "a dry run writes nothing"
    );

    let restated = restate(&server, &editor, false).await;
    assert_eq!(
        restated,
        json!({ "year": 2024, "tier": "PROVINCE", "index": "dti", "restatedOver": 2025,
                "rule": "MEAN", "results": 34, "leftOut": [], "dryRun": false })
    );

    // The ranking as published is untouched: "5th of 63".
    let published = ranking(&server, None).await;
    assert_eq!(published, published_before);
    let hue_2024 = node(&published, "Thừa Thiên - Huế");
    assert_eq!(
        (
            &hue_2024["rank"],
            &hue_2024["groupSize"],
            &hue_2024["restatedOver"]
        ),
        (&json!(5), &json!(63), &json!(null))
    );

    // The same year over the new map: "2nd of 34".
    let nodes = ranking(&server, Some(2025)).await;
    assert_eq!(nodes.len(), 34);
    assert!(nodes.iter().all(|n| n["groupSize"] == json!(34)
        && n["restatedOver"] == json!(2025)
        && n["publishedScore"].is_null()));
    let hue = node(&nodes, "Huế");
    assert_eq!((&hue["rank"], &hue["score"]), (&json!(2), &json!("0.6600")));
    // 32 of 34 below: 94.117...%.
    assert_eq!(hue["percentile"], json!("94.12"));
    assert_eq!(node(&nodes, "TP. Hà Nội")["rank"], json!(1));
    // (0,6800 + 0,6200 + 0,5500) / 3 = 0,61666...
    let hcm = node(&nodes, "TP. Hồ Chí Minh");
    assert_eq!(
        (&hcm["rank"], &hcm["exact"]),
        (&json!(3), &json!("0.61666667"))
    );
    assert_eq!(node(&nodes, "TP. Đà Nẵng")["score"], json!("0.5450"));
    // (0,5001 + 0,5000 + 0,5000) / 3 = 0,50003333...: above the two means of exactly 0,5
    // (Lào Cai and Yên Bái's, Thái Nguyên and Bắc Kạn's), which tie.
    let phu_tho = node(&nodes, "Phú Thọ");
    assert_eq!(
        (&phu_tho["rank"], &phu_tho["exact"], &phu_tho["score"]),
        (&json!(5), &json!("0.50003333"), &json!("0.5000"))
    );
    for tied in ["Lào Cai", "Thái Nguyên"] {
        let tied = node(&nodes, tied);
        assert_eq!(
            (&tied["rank"], &tied["tiedWith"], &tied["exact"]),
            (&json!(6), &json!(1), &json!("0.50000000"))
        );
    }
    assert_eq!(
        node(&nodes, "TP. Hải Phòng")["rank"],
        json!(8),
        "after a shared 6th"
    );
    let ranks: Vec<i64> = nodes.iter().map(|n| n["rank"].as_i64().unwrap()).collect();
    assert!(ranks.windows(2).all(|pair| pair[0] <= pair[1]), "{ranks:?}");

    // Done again, the restatement is the same rows with the same values.
    restate(&server, &editor, false).await;
    assert_eq!(ranking(&server, Some(2025)).await, nodes);
}

/// A published restatement is stored beside the computed one, which is derived in the same
/// call when none was: one differing score is exactly one discrepancy; restating again keeps
/// the published values.
async fn a_published_restatement_shows_its_discrepancies(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    import_2024(&server, &editor).await;
    let table = "Xếp hạng DTI,DTI (điểm),Tỉnh thành phố\n1,\"0,7000\",TP. Hà Nội\n\
                 2,\"0,6600\",Huế\n3,\"0,6167\",TP. Hồ Chí Minh\n4,\"0,5451\",TP. Đà Nẵng\n";
    let report = write(
        &server,
        &editor,
        "importResults",
        "report { rowsRead agenciesCreated amended }",
        json!({ "content": table, "jurisdiction": "viet-nam", "index": "dti",
                "tier": "PROVINCE", "year": 2024, "restatedOver": 2025 }),
    )
    .await;
    assert_eq!(
        report["report"],
        json!({ "rowsRead": 4, "agenciesCreated": [], "amended": [] }),
        "the units of 2025 are known by their names of 2025"
    );
    let discrepancies = |over: Option<i32>| {
        let server = &server;
        async move {
            server
                .data(
                    &format!(
                        "query ($over: Int) {{ discrepancies(year: 2024, {DTI}, restatedOver: $over) {{
                           field published recomputed result {{ agency {{ name }} }} }} }}"
                    ),
                    json!({ "over": over }),
                )
                .await["discrepancies"]
                .clone()
        }
    };
    let expected = json!([{ "field": "score", "published": "0.5451", "recomputed": "0.5450",
                            "result": { "agency": { "name": "TP. Đà Nẵng" } } }]);
    assert_eq!(discrepancies(Some(2025)).await, expected);
    assert_eq!(
        discrepancies(None).await,
        json!([]),
        "the ranking as published has none"
    );
    let nodes = ranking(&server, Some(2025)).await;
    assert_eq!(nodes.len(), 34, "computed in the same call");
    let da_nang = node(&nodes, "TP. Đà Nẵng");
    assert_eq!(
        (
            &da_nang["score"],
            &da_nang["publishedScore"],
            &da_nang["rank"]
        ),
        (&json!("0.5450"), &json!("0.5451"), &json!(4))
    );
    // Its one version holds what was printed, beside the derived values the row ranks by.
    let history = server
        .data(
            &format!(
                "{{ ranking(year: 2024, {DTI}, restatedOver: 2025) {{ nodes {{ agency {{ name }}
                   history {{ version maxPoints published {{ score rank }} }} }} }} }}"
            ),
            json!({}),
        )
        .await;
    let da_nang_history = &node(
        history["ranking"]["nodes"].as_array().unwrap(),
        "TP. Đà Nẵng",
    )["history"];
    assert_eq!(
        da_nang_history,
        &json!([{ "version": 1, "maxPoints": null,
                  "published": { "score": "0.5451", "rank": 4 } }])
    );

    restate(&server, &editor, false).await;
    assert_eq!(ranking(&server, Some(2025)).await, nodes);
    assert_eq!(discrepancies(Some(2025)).await, expected);
}

/// A ranking whose scheme names no rule, a year without results and a map that is not later
/// are refused with a code, and nothing is written.
async fn bad_restatements_are_refused_and_write_nothing(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let attempt = |year: i32, over: i32, tier: &str, index: &str, jurisdiction: &str| {
        json!({ "year": year, "over": over, "tier": tier, "index": index,
                "jurisdiction": jurisdiction })
    };
    let cases = [
        // Thừa Thiên Huế's schemes of 2020 name no restate rule.
        (
            attempt(2020, 2025, "DISTRICT", "cqdt-results", "thua-thien-hue"),
            "BAD_USER_INPUT",
            "names no restate rule",
        ),
        (
            attempt(2019, 2025, "PROVINCE", "dti", "viet-nam"),
            "NOT_FOUND",
            "no PROVINCE results of 2019",
        ),
        (
            attempt(2022, 2022, "PROVINCE", "dti", "viet-nam"),
            "BAD_USER_INPUT",
            "later year",
        ),
    ];
    let (_, anonymous) = egov_tests::writes::call(
        &server,
        None,
        "restateRanking",
        RESTATEMENT,
        attempt(2022, 2025, "PROVINCE", "dti", "viet-nam"),
    )
    .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        json!("UNAUTHENTICATED"),
        "{anonymous:#}"
    );
    for (input, code, says) in cases {
        let (_, body) = refused(&server, &editor, "restateRanking", RESTATEMENT, input, code).await;
        let payload = &body["data"]["restateRanking"];
        assert!(payload["restatement"].is_null(), "{body:#}");
        let message = payload["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.to_lowercase().contains(&says.to_lowercase()),
            "{message}"
        );
    }
    let (errors, _) = refused(
        &server,
        &editor,
        "importResults",
        "report { rowsRead }",
        json!({ "content": "DTI (điểm),Tỉnh thành phố\n\"0,5\",TP. Hà Nội\n",
                "jurisdiction": "viet-nam", "index": "dti", "tier": "PROVINCE",
                "year": 2024, "restatedOver": 2024 }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        errors,
        [("BAD_USER_INPUT".into(), Some(2), Some("year".into()))]
    );
    let data = server
        .data(
            r#"{ a: ranking(year: 2022, index: "dti", jurisdiction: "viet-nam", tier: PROVINCE, restatedOver: 2022) { totalCount }
                 b: ranking(year: 2020, tier: DISTRICT, restatedOver: 2025) { totalCount }
                 c: ranking(year: 2024, index: "dti", jurisdiction: "viet-nam", tier: PROVINCE, restatedOver: 2024) { totalCount }
                 d: ranking(year: 2022, index: "dti", jurisdiction: "viet-nam", tier: PROVINCE, restatedOver: 2025) { totalCount } }"#,
            json!({}),
        )
        .await;
    for alias in ["a", "b", "c", "d"] {
        assert_eq!(
            data[alias],
            json!({ "totalCount": 0 }),
            "{alias}: nothing written"
        );
    }
}

/// 2024 restated over 2025 compares with 2025 unit for unit: merged units pair with their
/// restated result (no predecessors listed, a rank change), where the ranking as published
/// pairs them with nothing but their predecessors.
async fn a_restated_year_compares_one_to_one_with_the_new_map(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    import_2024(&server, &editor).await;
    restate(&server, &editor, false).await;
    write(
        &server,
        &editor,
        "importResults",
        "report { rowsRead }",
        json!({ "content": national::rank_table_2025(), "jurisdiction": "viet-nam", "index": "dti",
                "tier": "PROVINCE", "year": 2025 }),
    )
    .await;
    let compare = |restated: Option<i32>| {
        let server = &server;
        async move {
            server
                .data(
                    &format!(
                        "query ($over: Int) {{ compareYears(from: 2024, to: 2025, {DTI}, fromRestatedOver: $over) {{
                           nodes {{ id agency {{ name }} rankChange from {{ rank groupSize restatedOver }}
                           to {{ rank }} predecessors {{ agency {{ name }} }} }} }} }}"
                    ),
                    json!({ "over": restated }),
                )
                .await["compareYears"]["nodes"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let restated = compare(Some(2025)).await;
    assert_eq!(restated.len(), 34, "no unit new, none dropped");
    assert!(
        restated.iter().all(|n| n["predecessors"] == json!([])
            && n["from"]["groupSize"] == json!(34)
            && n["from"]["restatedOver"] == json!(2025)),
        "{restated:#?}"
    );
    let da_nang = node(&restated, "TP. Đà Nẵng");
    // 4th of 34 restated, 3rd in 2025.
    assert_eq!(
        (
            &da_nang["from"]["rank"],
            &da_nang["to"]["rank"],
            &da_nang["rankChange"]
        ),
        (&json!(4), &json!(3), &json!(1))
    );
    let published = compare(None).await;
    let da_nang_published = node(&published, "TP. Đà Nẵng");
    assert!(da_nang_published["from"].is_null());
    assert_eq!(
        da_nang_published["predecessors"].as_array().map(Vec::len),
        Some(2)
    );
    assert_ne!(
        da_nang_published["id"], da_nang["id"],
        "two comparisons, two ids"
    );
    let found = server
        .data(
            "query ($id: ID!) { node(id: $id) { ... on Movement { from { rank restatedOver } } } }",
            json!({ "id": da_nang["id"] }),
        )
        .await;
    assert_eq!(
        found["node"]["from"],
        json!({ "rank": 4, "restatedOver": 2025 }),
        "a restated comparison's movement is found by its id"
    );
    assert_eq!(
        server
            .error_code(
                &format!(
                    "{{ compareYears(from: 2024, to: 2024, {DTI}, fromRestatedOver: 2025) {{ totalCount }} }}"
                ),
                json!({}),
            )
            .await,
        "BAD_USER_INPUT"
    );
}

on_both_databases!(
    a_year_is_restated_over_the_new_map_beside_its_publication,
    a_restated_year_compares_one_to_one_with_the_new_map,
    a_published_restatement_shows_its_discrepancies,
    bad_restatements_are_refused_and_write_nothing
);
