//! GraphQL over WebSocket at `/graphql/ws` (graphql-transport-ws, or the older graphql-ws):
//! each operation runs as an HTTP request does.
//!
//! - It runs for the caller whose token the upgrade carried or, since a browser cannot set
//!   headers on a WebSocket, whose token `connection_init` carries in its payload
//!   (`{"Authorization": "Bearer ..."}`, as GraphiQL's and graphql-ws's `connectionParams` send
//!   it); a token refused there closes the socket with 4403. The token is checked again before
//!   each operation and before each event a subscription delivers: a revoked token ends the
//!   session (4403). It was checked at the upgrade only, so a revoked token kept its socket.
//! - It gets the per-request data HTTP requests get (the batching loaders, the caller, the
//!   introspection policy): without the loaders any field behind one (`agency`, `history`,
//!   `decision`, `movement`) panicked.
//! - Queries stop at the request timeout; mutations are refused, as over `GET` (the upgrade
//!   is one): they go by `POST`, where the kept answers are forgotten after a write.
//! - A socket holds at most `--max-subscriptions` operations at once (50 000 on one socket
//!   took 224 MB), and one that sends no `connection_init` within the header timeout is
//!   closed (4408), as graphql-transport-ws says.

use crate::graphql::reads::Reads;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::http::{WebSocket as Protocol, WebSocketProtocols, WsMessage};
use async_graphql::{Data, ErrorExtensions, Executor, Response};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::http::{HeaderMap, HeaderValue, header};
use futures::stream::{self, BoxStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::Notify;

use super::auth::{Unidentified, identify};
use super::state::AppState;
use crate::graphql::access::Caller;

/// The sub-protocol a client asks for in `Sec-WebSocket-Protocol`.
pub fn protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|protocol| protocol.trim().parse().ok())
}

/// What the operations of one socket share.
struct Session {
    /// Signalled when the caller's token is no longer valid.
    ended: Notify,
    /// Operations running now.
    active: AtomicUsize,
    /// Whether the client sent `connection_init`.
    initialised: AtomicBool,
    /// The headers operations run with: the upgrade's, with the token of `connection_init`
    /// where the upgrade carried none. Set when `connection_init` is accepted.
    headers: OnceLock<HeaderMap>,
    /// Why `connection_init` was refused, as the close frame says it (async-graphql would close
    /// with 1002): 4403 for a token refused, 1011 when tokens cannot be checked now.
    refused_at_init: OnceLock<(u16, String)>,
}

/// Serves one socket until the client closes it, its token is revoked, or it says nothing in
/// time.
pub async fn serve(
    socket: WebSocket,
    state: AppState,
    headers: HeaderMap,
    protocol: WebSocketProtocols,
) {
    let session = Arc::new(Session {
        ended: Notify::new(),
        active: AtomicUsize::new(0),
        initialised: AtomicBool::new(false),
        headers: OnceLock::new(),
        refused_at_init: OnceLock::new(),
    });
    let init_timeout = state.options.header_timeout;
    let executor = Operations {
        state: state.clone(),
        headers: Arc::new(headers),
        session: Arc::clone(&session),
    };
    let upgrade_headers = Arc::clone(&executor.headers);
    let (mut sink, incoming) = socket.split();
    let incoming = incoming
        .take_while(|message| std::future::ready(message.is_ok()))
        .filter_map(|message| {
            std::future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let initialised = Arc::clone(&session);
    let messages =
        Protocol::new(executor, incoming, protocol).on_connection_init(move |payload| async move {
            initialised.initialised.store(true, Ordering::Release);
            let headers = with_init_token(&upgrade_headers, &payload);
            if let Err(why) = identify(&state, &headers).await {
                let code = if why == Unidentified::Unavailable {
                    1011
                } else {
                    4403
                };
                let (_, message) = why.code_and_message();
                let _ = initialised
                    .refused_at_init
                    .set((code, format!("Forbidden: {message}")));
                return Err(async_graphql::Error::new(message));
            }
            let _ = initialised.headers.set(headers);
            Ok(Data::default())
        });
    let mut messages = std::pin::pin!(messages);
    let deadline = tokio::time::sleep(init_timeout);
    let mut deadline = std::pin::pin!(deadline);
    loop {
        let message = tokio::select! {
            // What the operations answered goes out first: a refusal, then the close.
            biased;
            message = messages.next() => match message {
                Some(message) => message,
                None => break,
            },
            () = &mut deadline, if !session.initialised.load(Ordering::Acquire) => {
                WsMessage::Close(4408, "Connection initialisation timeout".into())
            }
            () = session.ended.notified() => {
                WsMessage::Close(4403, "Forbidden: the token is unknown or was revoked".into())
            }
        };
        let (frame, last) = match message {
            WsMessage::Text(text) => (Message::Text(text.into()), false),
            WsMessage::Close(code, reason) => {
                let (code, reason) = match session.refused_at_init.get() {
                    Some((code, why)) => (*code, why.clone()),
                    None => (code, reason),
                };
                (
                    Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    })),
                    true,
                )
            }
        };
        if sink.send(frame).await.is_err() || last {
            break;
        }
    }
}

/// The upgrade's headers, with the `Authorization` of the `connection_init` payload (any case
/// of the key) where the upgrade carried none: the upgrade's header wins, so a payload cannot
/// swap the caller the upgrade was checked as.
fn with_init_token(upgrade: &HeaderMap, payload: &serde_json::Value) -> HeaderMap {
    let mut headers = upgrade.clone();
    if headers.contains_key(header::AUTHORIZATION) {
        return headers;
    }
    let token = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, value)| value.as_str())
            .and_then(|value| HeaderValue::from_str(value).ok())
    });
    if let Some(token) = token {
        headers.insert(header::AUTHORIZATION, token);
    }
    headers
}

/// Runs the operations of one socket.
#[derive(Clone)]
struct Operations {
    state: AppState,
    /// The upgrade request's headers (see `Session::headers` for those operations run with).
    headers: Arc<HeaderMap>,
    session: Arc<Session>,
}

/// An error answer with a code, for an operation refused before it runs.
fn refused(code: &str, message: impl Into<String>) -> Response {
    let error = async_graphql::Error::new(message.into())
        .extend_with(|_, extensions| extensions.set("code", code));
    Response::from_errors(vec![error.into_server_error(Default::default())])
}

/// Counts an operation of a socket while it runs.
struct Running(Arc<Session>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Operations {
    /// The caller, checked now; a token that no longer holds ends the session.
    async fn caller(&self) -> Result<Caller, Response> {
        let headers = self.session.headers.get().unwrap_or(&self.headers);
        identify(&self.state, headers).await.map_err(|why| {
            if why != Unidentified::Unavailable {
                self.session.ended.notify_one();
            }
            let (code, message) = why.code_and_message();
            refused(code, message)
        })
    }

    /// The answers to one operation.
    async fn answers(self, mut request: async_graphql::Request) -> BoxStream<'static, Response> {
        let caller = match self.caller().await {
            Ok(caller) => caller,
            Err(refusal) => return stream::once(std::future::ready(refusal)).boxed(),
        };
        let parsed = match self.state.schema.parse(&mut request) {
            Ok(parsed) => parsed,
            Err(refusal) => return stream::once(std::future::ready(*refusal)).boxed(),
        };
        if parsed.only_reads() {
            let request = self.state.for_caller(request, caller, Reads::default());
            let timeout = self.state.options.request_timeout;
            let schema = self.state.schema.clone();
            return stream::once(async move {
                let run = schema.execute(request);
                tokio::time::timeout(timeout, run)
                    .await
                    .unwrap_or_else(|_| {
                        refused(
                            "TIMEOUT",
                            format!(
                                "the query ran longer than {} ms and was stopped: ask for less",
                                timeout.as_millis()
                            ),
                        )
                    })
            })
            .boxed();
        }
        let is_subscription = parsed.document().operations.iter().all(|(_, operation)| {
            operation.node.ty == async_graphql::parser::types::OperationType::Subscription
        });
        if !is_subscription {
            let refusal = refused(
                "BAD_USER_INPUT",
                "a WebSocket only reads and listens: send mutations with POST",
            );
            return stream::once(std::future::ready(refusal)).boxed();
        }
        let checks_token = caller.0.is_some();
        let events = self.state.schema.execute_stream(self.state.for_caller(
            request,
            caller,
            Reads::default(),
        ));
        if !checks_token {
            return events;
        }
        // Each event is delivered only while the token still holds.
        events
            .then(move |event| {
                let operations = self.clone();
                async move {
                    operations
                        .caller()
                        .await
                        .map_or_else(|refusal| refusal, |_| event)
                }
            })
            .boxed()
    }
}

impl Executor for Operations {
    async fn execute(&self, request: async_graphql::Request) -> Response {
        let answer = self.execute_stream(request, None).next().await;
        answer.unwrap_or_else(|| refused("INTERNAL_SERVER_ERROR", "the operation gave no answer"))
    }

    fn execute_stream(
        &self,
        request: async_graphql::Request,
        _session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let limit = self.state.options.max_subscriptions;
        if self.session.active.fetch_add(1, Ordering::AcqRel) >= limit {
            self.session.active.fetch_sub(1, Ordering::AcqRel);
            let refusal = refused(
                "TOO_MANY_SUBSCRIPTIONS",
                format!(
                    "a WebSocket holds at most {limit} operations at once: complete some first"
                ),
            );
            return stream::once(std::future::ready(refusal)).boxed();
        }
        let running = Running(Arc::clone(&self.session));
        let operations = self.clone();
        stream::once(operations.answers(request))
            .flatten()
            .map(move |answer| {
                let _running = &running;
                answer
            })
            .boxed()
    }
}
