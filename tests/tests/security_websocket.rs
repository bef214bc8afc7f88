//! Security probes against GraphQL over WebSocket at `/graphql/ws` (issue 13): operations get
//! what HTTP requests get (loaders, caller, limits), a revoked token ends the session, a socket
//! holds a bounded number of operations, and one that never sends `connection_init` is closed.

use std::time::Duration;

use egov_tests::normalized::HEADER;
use egov_tests::socket::{Socket, initialised, open, receive, send, subscribe};
use egov_tests::writes::{call, token};
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

fn code(message: &Value) -> &str {
    message["payload"]["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {message:#}"))
}

/// Catches operations over the socket running without the per-request data HTTP requests get:
/// any field behind a DataLoader (`agency`, `history`, `decision`, `movement`) panicked with
/// "DataLoader does not exist".
async fn socket_operations_get_what_http_requests_get(server: TestServer) {
    let mut socket = initialised(&server, None).await;
    let query = r#"{ ranking(year: 2020, tier: DISTRICT, first: 2) { nodes {
        agency { code } decision { number } history { decision { number } } movement { levelDirection } } } }"#;
    subscribe(&mut socket, "1", query).await;
    let next = receive(&mut socket).await;
    assert_eq!(next["type"], json!("next"), "{next:#}");
    assert!(next["payload"].get("errors").is_none(), "{next:#}");
    let nodes = next["payload"]["data"]["ranking"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0]["decision"]["number"], json!("3402/QĐ-UBND"));
    assert_eq!(receive(&mut socket).await["type"], json!("complete"));

    // Query limits hold as over HTTP.
    let aliased: String = (0..31).map(|i| format!("a{i}: years ")).collect();
    subscribe(&mut socket, "2", &format!("{{ {aliased} }}")).await;
    assert_eq!(code(&receive(&mut socket).await), "QUERY_TOO_COMPLEX");
}

/// Catches writes over the socket: the upgrade is a `GET`, and a write there skipped what a
/// `POST` does (forgetting the kept answers). Mutations are refused and write nothing.
async fn mutations_over_a_socket_are_refused(server: TestServer) {
    let editor = token(&server, "socket-editor", Role::Editor).await;
    let mut socket = initialised(&server, Some(&editor)).await;
    subscribe(
        &mut socket,
        "1",
        r#"mutation { publishDecision(input: {number: "98/QĐ-UBND"}) { errors { code } } }"#,
    )
    .await;
    assert_eq!(code(&receive(&mut socket).await), "BAD_USER_INPUT");
    let data = server.data("{ decisions { number } }", json!({})).await;
    assert!(!data.to_string().contains("98/"), "{data}");
}

/// Catches a revoked token keeping its open socket answering (the token was checked at the
/// upgrade only): revoked, it ends the session at the next event or operation (4403).
async fn a_revoked_token_ends_the_session(server: TestServer) {
    let viewer = token(&server, "listener", Role::Viewer).await;
    let editor = token(&server, "importer", Role::Editor).await;
    let mut listening = initialised(&server, Some(&viewer)).await;
    subscribe(
        &mut listening,
        "1",
        "subscription { resultsChanged { year action } }",
    )
    .await;
    let mut asking = initialised(&server, Some(&viewer)).await;
    subscribe(&mut asking, "1", "{ years }").await;
    assert_eq!(receive(&mut asking).await["type"], json!("next"));
    assert_eq!(receive(&mut asking).await["type"], json!("complete"));

    service::access::revoke_token(server.db(), "listener", "test")
        .await
        .unwrap();
    // An event: the listener is not told of it, and its session ends.
    let csv = format!("{HEADER}2021,district,,UBND huyện Nam Đông,100,0,100,90,,,\n");
    let (_, imported) = call(
        &server,
        Some(&editor),
        "importResults",
        "report { rowsRead }",
        json!({ "content": csv }),
    )
    .await;
    assert!(imported.get("errors").is_none(), "{imported:#}");
    let messages = until_closed(&mut listening).await;
    assert!(
        !messages.iter().any(|m| m["payload"]["data"].is_object()),
        "no event reaches a revoked token: {messages:#?}"
    );
    assert_eq!(
        messages.last().unwrap()["close"],
        json!(4403),
        "{messages:#?}"
    );
    // An operation: refused, and the session ends.
    subscribe(&mut asking, "2", "{ years }").await;
    let messages = until_closed(&mut asking).await;
    assert_eq!(code(&messages[0]), "UNAUTHENTICATED", "{messages:#?}");
    assert_eq!(
        messages.last().unwrap()["close"],
        json!(4403),
        "{messages:#?}"
    );
}

/// Every message up to and including the close.
async fn until_closed(socket: &mut Socket) -> Vec<Value> {
    let mut messages = Vec::new();
    loop {
        let message = receive(socket).await;
        let closed = message.get("close").is_some();
        messages.push(message);
        if closed {
            return messages;
        }
    }
}

/// Catches a socket holding any number of subscriptions (50 000 took 224 MB): past
/// `max_subscriptions` an operation is refused; completing one makes room.
async fn subscriptions_per_socket_are_capped(server: TestServer) {
    let capped = TestServer::start_with(
        server.db().clone(),
        server.backend,
        api::ServerOptions {
            max_subscriptions: 3,
            ..api::ServerOptions::default()
        },
    )
    .await;
    let mut socket = initialised(&capped, None).await;
    for id in ["1", "2", "3"] {
        subscribe(&mut socket, id, "subscription { resultsChanged { year } }").await;
    }
    subscribe(&mut socket, "4", "subscription { resultsChanged { year } }").await;
    let refused = receive(&mut socket).await;
    assert_eq!(refused["id"], json!("4"), "{refused:#}");
    assert_eq!(code(&refused), "TOO_MANY_SUBSCRIPTIONS");
    assert_eq!(receive(&mut socket).await["type"], json!("complete"));
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    assert_eq!(
        receive(&mut socket).await,
        json!({ "id": "1", "type": "complete" })
    );
    subscribe(&mut socket, "5", "{ years }").await;
    let answer = receive(&mut socket).await;
    assert_eq!(
        answer["payload"]["data"]["years"],
        json!([2020]),
        "{answer:#}"
    );
}

/// Catches sockets that never send `connection_init` staying open for ever: closed with 4408
/// after the header timeout, as graphql-transport-ws says.
async fn a_socket_without_connection_init_is_closed(server: TestServer) {
    let impatient = TestServer::start_with(
        server.db().clone(),
        server.backend,
        api::ServerOptions {
            header_timeout: Duration::from_millis(500),
            ..api::ServerOptions::default()
        },
    )
    .await;
    let mut silent = open(&impatient, None).await;
    let closed = receive(&mut silent).await;
    assert_eq!(closed["close"], json!(4408), "{closed:#}");
    // One that says hello in time stays.
    let mut polite = initialised(&impatient, None).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    subscribe(&mut polite, "1", "{ years }").await;
    assert_eq!(receive(&mut polite).await["type"], json!("next"));
}

/// Catches a browser being unable to read under `--reads-require-token` (it cannot set headers
/// on a WebSocket, so the token comes in `connection_init`'s payload, as graphql-ws's
/// `connectionParams` send it), and catches that payload being let through unchecked: no token
/// or an unknown one closes the socket with 4403 before any operation, and a payload cannot
/// replace the token the upgrade carried.
async fn a_token_may_come_with_connection_init(server: TestServer) {
    let viewer = token(&server, "init-viewer", Role::Viewer).await;
    let closed = TestServer::start_with(
        server.db().clone(),
        server.backend,
        api::ServerOptions {
            reads_require_token: true,
            ..api::ServerOptions::default()
        },
    )
    .await;
    let hello = |payload: Value| json!({ "type": "connection_init", "payload": payload });

    let mut socket = open(&closed, None).await;
    send(
        &mut socket,
        hello(json!({ "Authorization": format!("Bearer {viewer}") })),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], json!("connection_ack"));
    subscribe(&mut socket, "1", "{ years }").await;
    let answer = receive(&mut socket).await;
    assert_eq!(
        answer["payload"]["data"]["years"],
        json!([2020]),
        "{answer:#}"
    );

    for payload in [json!({}), json!({ "authorization": "Bearer not-a-token" })] {
        let mut socket = open(&closed, None).await;
        send(&mut socket, hello(payload.clone())).await;
        let refused = receive(&mut socket).await;
        assert_eq!(refused["close"], json!(4403), "{payload}: {refused:#}");
    }

    // The upgrade's token is the caller: a payload naming another one changes nothing.
    let mut socket = open(&closed, Some(&viewer)).await;
    send(
        &mut socket,
        hello(json!({ "Authorization": "Bearer not-a-token" })),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], json!("connection_ack"));
}

on_both_databases!(
    a_token_may_come_with_connection_init,
    socket_operations_get_what_http_requests_get,
    mutations_over_a_socket_are_refused,
    a_revoked_token_ends_the_session,
    subscriptions_per_socket_are_capped,
    a_socket_without_connection_init_is_closed,
);
