//! A GraphQL-over-WebSocket client (graphql-transport-ws) for the tests of `/graphql/ws`: open
//! a socket with the headers a test needs, say hello, send operations, read what comes back.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderName;

use crate::TestServer;

/// An open socket to the server.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Asks to open `/graphql/ws` with graphql-transport-ws and these extra headers (a token, an
/// `Origin`): the socket, or the HTTP status the server refused the upgrade with.
pub async fn connect(server: &TestServer, headers: &[(&str, &str)]) -> Result<Socket, u16> {
    let url = format!("{}/graphql/ws", server.base_url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("a WebSocket request");
    let sent = request.headers_mut();
    sent.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        sent.insert(name, value.parse().expect("a header value"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("cannot open a WebSocket: {error}"),
    }
}

/// Opens `/graphql/ws` with `token` as its bearer token.
pub async fn open(server: &TestServer, token: Option<&str>) -> Socket {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<_> = bearer
        .iter()
        .map(|value| ("authorization", value.as_str()))
        .collect();
    connect(server, &headers)
        .await
        .unwrap_or_else(|status| panic!("the upgrade was refused with {status}"))
}

/// Opens a socket and completes the handshake.
pub async fn initialised(server: &TestServer, token: Option<&str>) -> Socket {
    let mut socket = open(server, token).await;
    hello(&mut socket).await;
    socket
}

/// Sends `connection_init` and expects `connection_ack`.
pub async fn hello(socket: &mut Socket) {
    send(socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(socket).await["type"], json!("connection_ack"));
}

/// Sends one message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// Starts operation `id` with a query and nothing else.
pub async fn subscribe(socket: &mut Socket, id: &str, query: &str) {
    subscribe_with(socket, id, json!({ "query": query })).await;
}

/// Starts operation `id` with a whole payload (`query`, `variables`, `operationName`).
pub async fn subscribe_with(socket: &mut Socket, id: &str, payload: Value) {
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": payload }),
    )
    .await;
}

/// What the server sends next, within 10 s, pings left out: a GraphQL message as JSON, the
/// close frame as `{"close": code, "reason": ...}`, or `{"close": null}` when the connection
/// ended without one.
pub async fn receive(socket: &mut Socket) -> Value {
    loop {
        match receive_text(socket).await {
            Ok(text) => {
                let value: Value = serde_json::from_str(&text).expect("a JSON message");
                if value["type"] != json!("ping") {
                    return value;
                }
            }
            Err(closed) => return closed,
        }
    }
}

/// The text of the next message as the server wrote it (for tests of its bytes), or the close
/// as [`receive`] reports it.
pub async fn receive_text(socket: &mut Socket) -> Result<String, Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => return Ok(text.to_string()),
            Some(Ok(Message::Close(frame))) => {
                let (code, reason) = frame
                    .map(|frame| (u16::from(frame.code), frame.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                return Err(json!({ "close": code, "reason": reason }));
            }
            Some(Ok(_)) => {}
            None | Some(Err(_)) => return Err(json!({ "close": null })),
        }
    }
}
