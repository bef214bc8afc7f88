//! `api/schema.graphql` is the SDL front-end developers generate clients from: it must match
//! the schema the server actually serves. Regenerate it with
//! `UPDATE_SCHEMA=1 cargo test -p api --test schema_sdl`.

#[test]
fn committed_sdl_matches_the_live_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let schema = api::build_schema(
        None,
        api::limits::QueryLimits::default(),
        api::graphql::live::Changes::start(None, std::time::Duration::from_secs(1)),
        None,
        true,
    );
    let live = api::graphql::sdl(&schema);
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(path, &live).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == live,
        "api/schema.graphql is out of date with the live schema; run `UPDATE_SCHEMA=1 cargo test -p api --test schema_sdl` and commit it"
    );
}
