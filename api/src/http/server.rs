//! Serving the routes over TCP: HTTP/1.1 with upgrades (the WebSocket), clients that are too
//! slow cut off, and a deadline for the requests in flight once a shutdown is asked for.
//!
//! `axum::serve` sets no timer, so hyper's header timeout never ran: a client sending its
//! headers a byte at a time, or keeping a connection idle, held it for ever, and after SIGTERM
//! the server waited for ever for a stalled body. Here hyper reads each request's headers,
//! including the wait for the next request on a kept-alive connection, within
//! [`ServerOptions::header_timeout`]; the GraphQL handler reads a body within
//! [`ServerOptions::body_timeout`]; and the connections left at
//! [`ServerOptions::drain_timeout`] after the shutdown signal are closed.

use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::router::router;
use super::state::ServerOptions;

/// Serves the application on `listener` until `shutdown` resolves, then stops accepting,
/// lets the requests in flight finish within the drain deadline and returns.
pub async fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
) {
    let header_timeout = options.header_timeout;
    let drain_timeout = options.drain_timeout;
    let app = router(db, options);
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let service = TowerToHyperService::new(app.clone());
        let mut stopping = stopping.clone();
        connections.spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(%error, "connection ended");
                    }
                }
                _ = stopping.changed() => {
                    // Answer what is in flight, then close; idle connections close at once.
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(drain_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "the drain deadline passed: closing the connections still open"
        );
        connections.shutdown().await;
    }
}
