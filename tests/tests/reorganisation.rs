//! Comparing years across the 2025 reorganisation. The shipped data holds the real map (the 63
//! provinces merged into 34 from 1 July 2025, Huế's new name and districts, the departments
//! merged, the district tier ending with 2025); tables of 2025 imported on top of it compare
//! with the earlier ones through that lineage: renamed units rank for rank, merged and split ones
//! not comparable with their predecessors listed, percentiles where the group changed size, and
//! the districts dropped for a stated reason. Lineage also imports as a table, and
//! jurisdictions merge.
//!
//! The 2025 tables here are test inputs in the published layouts (values invented).

use egov_tests::writes::{token, write};
use egov_tests::{TestServer, national, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

async fn compare(server: &TestServer, query_args: &str) -> Vec<Value> {
    let data = server
        .data(
            &format!(
                "{{ compareYears({query_args}) {{ nodes {{ agency {{ name }} rankChange levelDirection reason
                   percentileChange(decimals: 2)
                   from {{ rank groupSize }} to {{ rank groupSize percentile }}
                   predecessors {{ agency {{ name }} rank }} }} }} }}"
            ),
            json!({}),
        )
        .await;
    data["compareYears"]["nodes"].as_array().unwrap().clone()
}

fn node<'a>(nodes: &'a [Value], name: &str) -> &'a Value {
    nodes
        .iter()
        .find(|n| n["agency"]["name"] == json!(name))
        .unwrap_or_else(|| panic!("{name} in {nodes:#?}"))
}

fn predecessor_names(node: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = node["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["agency"]["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

/// The national DTI of 2022 (63 provinces) compares with a 2025 table of the 34 new units:
/// Huế is Thừa Thiên - Huế renamed and compares rank for rank and by percentile; Đà Nẵng is a
/// merger of TP. Đà Nẵng and Quảng Nam, not comparable, its predecessors listed; the merged
/// provinces are not "dropped".
async fn the_provinces_compare_across_the_2025_map(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    write(
        &server,
        &editor,
        "importResults",
        "report { rowsRead agenciesCreated }",
        json!({ "content": national::rank_table_2025(), "jurisdiction": "viet-nam", "index": "dti",
                "tier": "PROVINCE", "year": 2025 }),
    )
    .await;
    let nodes = compare(
        &server,
        r#"from: 2022, to: 2025, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam", first: 100"#,
    )
    .await;
    assert_eq!(
        nodes.len(),
        34,
        "every former province leads to a unit: none dropped"
    );
    let hue = node(&nodes, "Huế");
    assert_eq!(
        hue["from"]["rank"],
        json!(4),
        "Thừa Thiên - Huế's 2022 rank"
    );
    assert_eq!(hue["to"]["rank"], json!(4));
    assert_eq!(hue["rankChange"], json!(0));
    assert_eq!(hue["from"]["groupSize"], json!(63));
    assert_eq!(hue["to"]["groupSize"], json!(34));
    // 4th of 63 leaves 59 below (93.650... %); 4th of 34 leaves 30 (88.235... %): the change,
    // exact until rounded, is -5.4155... %.
    assert_eq!(hue["percentileChange"], json!("-5.42"));
    let da_nang = node(&nodes, "TP. Đà Nẵng");
    assert_eq!(da_nang["levelDirection"], json!("NOT_COMPARABLE"));
    assert_eq!(da_nang["rankChange"], json!(null));
    assert_eq!(predecessor_names(da_nang), ["Quảng Nam", "TP. Đà Nẵng"]);
    let ninh_binh = node(&nodes, "Ninh Bình");
    assert_eq!(
        predecessor_names(ninh_binh),
        ["Hà Nam", "Nam Định", "Ninh Bình"]
    );
    let ha_noi = node(&nodes, "TP. Hà Nội");
    assert_eq!(
        (ha_noi["from"]["rank"].clone(), ha_noi["rankChange"].clone()),
        (json!(24), json!(23))
    );
}

/// Huế's districts of 2020 compare with 2025's through the changes of 1 January 2025 (Phong
/// Điền renamed a town, the city split, Nam Đông merged into Phú Lộc), and with a year after
/// the district tier ended, every district is dropped for that reason.
async fn hue_districts_compare_across_2025_and_end_with_their_tier(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let table = "STT,Tên đơn vị,Tỷ lệ thực hiện\n\
                 1,UBND quận Phú Xuân,\"95%\"\n2,UBND quận Thuận Hóa,\"94%\"\n\
                 3,UBND thị xã Phong Điền,\"90%\"\n4,UBND huyện Phú Lộc,\"88%\"\n\
                 5,UBND huyện Phú Vang,\"80%\"\n";
    write(
        &server,
        &editor,
        "importResults",
        "report { agenciesCreated }",
        json!({ "content": table, "tier": "DISTRICT", "year": 2025 }),
    )
    .await;
    let nodes = compare(&server, "from: 2020, to: 2025, tier: DISTRICT").await;
    let phong_dien = node(&nodes, "UBND thị xã Phong Điền");
    assert_eq!(
        phong_dien["from"]["rank"],
        json!(6),
        "Phong Điền's 2020 rank, renamed"
    );
    assert_eq!(phong_dien["rankChange"], json!(3));
    let phu_loc = node(&nodes, "UBND huyện Phú Lộc");
    assert_eq!(phu_loc["levelDirection"], json!("NOT_COMPARABLE"));
    assert_eq!(
        predecessor_names(phu_loc),
        ["UBND huyện Nam Đông", "UBND huyện Phú Lộc"]
    );
    assert_eq!(
        predecessor_names(node(&nodes, "UBND quận Thuận Hóa")),
        ["UBND thành phố Huế"]
    );
    assert_eq!(node(&nodes, "UBND huyện Phú Vang")["rankChange"], json!(-3));
    let dropped: Vec<&Value> = nodes
        .iter()
        .filter(|n| n["levelDirection"] == json!("DROPPED"))
        .collect();
    let dropped_names: Vec<&str> = dropped
        .iter()
        .map(|n| n["agency"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        dropped_names,
        [
            "UBND huyện A Lưới",
            "UBND thị xã Hương Trà",
            "UBND thị xã Hương Thủy",
            "UBND huyện Quảng Điền"
        ],
        "absent from the 2025 table, with no reason to give"
    );
    assert!(dropped.iter().all(|n| n["reason"].is_null()));

    let after = compare(&server, "from: 2025, to: 2026, tier: DISTRICT").await;
    assert_eq!(after.len(), 5);
    assert!(
        after.iter().all(|n| n["levelDirection"] == json!("DROPPED")
            && n["reason"].as_str().is_some_and(|r| r.contains("2025"))),
        "{after:#?}"
    );
    let data = server
        .data(
            r#"{ jurisdictions { code names { name fromYear } tierEnds { tier lastYear } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["jurisdictions"][0],
        json!({ "code": "thua-thien-hue",
                "names": [{ "name": "Thừa Thiên Huế", "fromYear": null },
                          { "name": "Thành phố Huế", "fromYear": 2025 }],
                "tierEnds": [{ "tier": "DISTRICT", "lastYear": 2025 }] })
    );
}

/// Lineage imports as a table, all or nothing: a bad row refuses the file with its line and
/// column and records nothing; a good file records every event, creating successors.
async fn lineage_imports_as_a_table(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let selection = "events agenciesCreated dryRun";
    let bad = "year,kind,from,to\n2023,RENAME,UBND huyện A Lưới,UBND thị xã A Lưới\n\
               2023,MERGE,UBND huyện Không Có,UBND huyện Mới\n";
    let (_, body) = egov_tests::writes::call(
        &server,
        Some(&editor),
        "importLineage",
        selection,
        json!({ "content": bad, "tier": "DISTRICT" }),
    )
    .await;
    let errors = &body["data"]["importLineage"]["errors"];
    let found: Vec<(Value, Value)> = errors
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .iter()
        .map(|e| (e["line"].clone(), e["column"].clone()))
        .collect();
    assert_eq!(
        found,
        [(json!(3), json!("from")), (json!(3), json!("kind"))],
        "{body:#}"
    );
    let good = "year,kind,from,to,decision\n2023,RENAME,UBND huyện A Lưới,UBND thị xã A Lưới,15/NQ\n\
                2023,MERGE,UBND huyện Quảng Điền; UBND huyện Phú Vang,UBND huyện Phú Vang,15/NQ\n";
    let dry = write(
        &server,
        &editor,
        "importLineage",
        selection,
        json!({ "content": good, "tier": "DISTRICT", "dryRun": true }),
    )
    .await;
    assert_eq!(dry["events"], json!(2));
    let report = write(
        &server,
        &editor,
        "importLineage",
        selection,
        json!({ "content": good, "tier": "DISTRICT" }),
    )
    .await;
    assert_eq!(
        report["agenciesCreated"],
        json!(["UBND thị xã A Lưới", "UBND huyện Phú Vang"]),
        "a successor bearing a predecessor's name is a new agency"
    );
    let table = "STT,Tên đơn vị,Tỷ lệ thực hiện\n1,UBND thị xã A Lưới,\"90%\"\n2,UBND huyện Phú Vang,\"85%\"\n";
    write(
        &server,
        &editor,
        "importResults",
        "report { agenciesCreated }",
        json!({ "content": table, "tier": "DISTRICT", "year": 2023 }),
    )
    .await;
    let nodes = compare(&server, "from: 2020, to: 2023, tier: DISTRICT").await;
    assert_eq!(node(&nodes, "UBND thị xã A Lưới")["from"]["rank"], json!(3));
    assert_eq!(
        predecessor_names(node(&nodes, "UBND huyện Phú Vang")),
        ["UBND huyện Phú Vang", "UBND huyện Quảng Điền"]
    );
    // Two events of one year naming the same new successor create it once (a year's events are
    // recorded together: a per-row creation would make the second a second agency).
    let same_year = "year,kind,from,to
2024,MERGE,UBND thị xã A Lưới;UBND thị xã Hương Trà,UBND thị xã Mới
                     2024,SPLIT,UBND huyện Phú Vang,UBND thị xã Mới;UBND huyện Khác
";
    let report = write(
        &server,
        &editor,
        "importLineage",
        selection,
        json!({ "content": same_year, "tier": "DISTRICT" }),
    )
    .await;
    assert_eq!(report["events"], json!(2));
    assert_eq!(
        report["agenciesCreated"],
        json!(["UBND thị xã Mới", "UBND huyện Khác"])
    );
}

/// Two provinces merge: the departments of both become the merged province's, and a comparison
/// of the survivor across the merge reads both predecessors' rankings.
async fn agencies_of_two_jurisdictions_merge_into_one(server: TestServer) {
    let admin = token(&server, "admin", Role::Admin).await;
    for (code, name) in [("ha-giang", "Hà Giang"), ("tuyen-quang", "Tuyên Quang")] {
        write(
            &server,
            &admin,
            "addJurisdiction",
            "jurisdiction { code }",
            json!({ "code": code, "name": name }),
        )
        .await;
        write(
            &server,
            &admin,
            "setScoringScheme",
            "scheme { name }",
            json!({
            "jurisdiction": code, "tier": "PROVINCIAL", "year": 2024, "name": "điểm",
            "rankBy": "POINTS", "convertedRule": "NONE" }),
        )
        .await;
        let table = format!(
            "STT,Tên cơ quan,Tổng điểm\n1,Sở Tư pháp,{}\n2,Sở Y tế,80\n",
            if code == "ha-giang" { 90 } else { 70 }
        );
        write(
            &server,
            &admin,
            "importResults",
            "report { rowsRead }",
            json!({
            "content": table, "jurisdiction": code, "tier": "PROVINCIAL", "year": 2024 }),
        )
        .await;
    }
    write(
        &server,
        &admin,
        "mergeJurisdiction",
        "jurisdiction { code }",
        json!({ "code": "ha-giang", "into": "tuyen-quang", "year": 2025 }),
    )
    .await;
    let lineage = "year,kind,from,to\n\
                   2025,MERGE,ha-giang: Sở Tư pháp; Sở Tư pháp,Sở Tư pháp\n\
                   2025,MERGE,ha-giang: Sở Y tế; Sở Y tế,Sở Y tế\n";
    write(
        &server,
        &admin,
        "importLineage",
        "events",
        json!({
        "content": lineage, "jurisdiction": "tuyen-quang", "tier": "PROVINCIAL" }),
    )
    .await;
    write(
        &server,
        &admin,
        "importResults",
        "report { agenciesCreated }",
        json!({
        "content": "STT,Tên cơ quan,Tổng điểm\n1,Sở Y tế,95\n2,Sở Tư pháp,85\n",
        "jurisdiction": "tuyen-quang", "tier": "PROVINCIAL", "year": 2025 }),
    )
    .await;
    // A successor in another jurisdiction must exist there: it was created here, named
    // `ha-giang: Sở Không Có`.
    let (_, body) = egov_tests::writes::call(
        &server,
        Some(&admin),
        "importLineage",
        "events errors { line column }",
        json!({
        "content": "year,kind,from,to\n2026,RENAME,Sở Y tế,ha-giang: Sở Không Có\n",
        "jurisdiction": "tuyen-quang", "tier": "PROVINCIAL" }),
    )
    .await;
    let errors = &body["data"]["importLineage"]["errors"];
    assert_eq!(
        (
            &errors[0]["line"],
            &errors[0]["column"],
            errors.as_array().map(Vec::len)
        ),
        (&json!(2), &json!("to"), Some(1)),
        "{body:#}"
    );
    let nodes = compare(
        &server,
        r#"from: 2024, to: 2025, tier: PROVINCIAL, jurisdiction: "tuyen-quang""#,
    )
    .await;
    assert_eq!(
        nodes.len(),
        2,
        "both provinces' departments led somewhere: {nodes:#?}"
    );
    let tu_phap = node(&nodes, "Sở Tư pháp");
    assert_eq!(tu_phap["levelDirection"], json!("NOT_COMPARABLE"));
    let ranks: Vec<(String, Value)> = tu_phap["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["agency"]["name"].as_str().unwrap().to_owned(),
                p["rank"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            ("Sở Tư pháp".into(), json!(1)),
            ("Sở Tư pháp".into(), json!(2))
        ],
        "Hà Giang's (1st of its own) and Tuyên Quang's (2nd)"
    );
}

on_both_databases!(
    the_provinces_compare_across_the_2025_map,
    hue_districts_compare_across_2025_and_end_with_their_tier,
    lineage_imports_as_a_table,
    agencies_of_two_jurisdictions_merge_into_one
);
