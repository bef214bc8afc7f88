//! Kept answers (`api/src/http/response_cache.rs`): an identical read is answered again without
//! any SQL, an answer is never served to a caller of another role, and an answer with errors is
//! never kept.
//!
//! Statements are counted with SeaORM's metric callback, as `query_cost.rs` does; the data
//! version is polled once an hour here so that no background read falls between two requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use egov_tests::writes::token;
use egov_tests::{Backend, TestServer, on_both_engines, with_database};
use serde_json::{Value, json};
use service::access::Role;

/// A server over a prepared database of `backend` whose SQL statements `count` counts, then
/// `test` with both.
async fn with_counted_server<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestServer, Arc<AtomicUsize>) -> Fut,
    Fut: Future<Output = ()>,
{
    with_database(backend, true, |db| async move {
        let count = Arc::new(AtomicUsize::new(0));
        let mut counted = db.clone();
        let counter = count.clone();
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let options = api::ServerOptions {
            version_poll: Duration::from_secs(3600),
            ..api::ServerOptions::default()
        };
        let server = TestServer::start_with(counted, backend, options).await;
        test(server, count).await;
    })
    .await;
}

/// Statements run while `request` runs, and its answer.
async fn counted<Fut: Future<Output = Value>>(count: &AtomicUsize, request: Fut) -> (usize, Value) {
    count.store(0, Ordering::Relaxed);
    let answer = request.await;
    (count.load(Ordering::Relaxed), answer)
}

const RANKING: &str = "{ ranking(year: 2020, tier: DISTRICT) { totalCount nodes { agency { name } rank ratePercent } } }";

/// The second identical read costs no SQL and answers the same bytes' worth of data. Would
/// catch a cache that never hits (keys that differ per request, `get` ignoring the version it
/// just read) or one that re-reads the data version on every request.
async fn an_identical_read_runs_no_sql(backend: Backend) {
    with_counted_server(backend, |server, count| async move {
        let (first_cost, first) = counted(&count, server.post(RANKING, json!({}))).await;
        assert!(first_cost > 0, "the first answer is computed: {first:#}");
        assert!(first.get("errors").is_none(), "{first:#}");
        let (second_cost, second) = counted(&count, server.post(RANKING, json!({}))).await;
        assert_eq!(second, first);
        assert_eq!(second_cost, 0, "statements for the repeated read");
    })
    .await;
}

/// An admin's answer to `tokens` is not served to a viewer or an anonymous caller sending the
/// same body: they are refused as if nothing had been kept. Would catch a cache key without
/// the caller's role.
async fn an_answer_is_never_served_across_roles(backend: Backend) {
    with_counted_server(backend, |server, _| async move {
        let admin = token(&server, "the-admin", Role::Admin).await;
        let viewer = token(&server, "the-viewer", Role::Viewer).await;
        let query = "{ tokens { name role } }";
        for _ in 0..2 {
            let (_, answer) = server.post_as(Some(&admin), query, json!({})).await;
            let names: Vec<&str> = answer["data"]["tokens"]
                .as_array()
                .unwrap_or_else(|| panic!("the admin reads tokens: {answer:#}"))
                .iter()
                .filter_map(|token| token["name"].as_str())
                .collect();
            assert!(names.contains(&"the-viewer"), "{answer:#}");
        }
        for caller in [Some(viewer.as_str()), None] {
            let (_, answer) = server.post_as(caller, query, json!({})).await;
            let code = &answer["errors"][0]["extensions"]["code"];
            assert!(
                code == "FORBIDDEN" || code == "UNAUTHENTICATED",
                "{} gets the admin's answer: {answer:#}",
                if caller.is_some() {
                    "a viewer"
                } else {
                    "an anonymous caller"
                }
            );
            assert!(
                answer["data"]["tokens"].is_null(),
                "no token list leaks: {answer:#}"
            );
        }
    })
    .await;
}

/// A read that answers an error (a decision that does not exist) is computed again each time.
/// Would catch answers kept regardless of their errors (a transient `DATABASE_BUSY` or
/// `TIMEOUT` would then be served until the next write).
async fn an_answer_with_errors_is_not_kept(backend: Backend) {
    with_counted_server(backend, |server, count| async move {
        let query =
            r#"{ ranking(year: 2020, tier: DISTRICT, asOf: "999/QĐ-UBND") { totalCount } }"#;
        for attempt in 1..=2 {
            let (cost, answer) = counted(&count, server.post(query, json!({}))).await;
            assert_eq!(
                answer["errors"][0]["extensions"]["code"], "NOT_FOUND",
                "{answer:#}"
            );
            assert!(cost > 0, "attempt {attempt} is computed, not reused");
        }
    })
    .await;
}

on_both_engines!(
    an_identical_read_runs_no_sql,
    an_answer_is_never_served_across_roles,
    an_answer_with_errors_is_not_kept,
);
