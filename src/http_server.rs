//! The HTTP/1.1 server loop. poem's own `Server` cannot bound the time a client takes to send its
//! request head (hyper's header timer needs a timer poem never installs, and poem's idle timer
//! resets on every byte, so one byte every few seconds kept a connection forever). Here every
//! connection gets hyper's header-read deadline, which also closes idle keep-alive connections,
//! bounded head sizes, a bound on how long a response write may stall (a client that stops
//! reading), and a graceful shutdown that drains within a bound.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::HttpLimits;

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets requests in
/// flight finish for up to `limits.shutdown_grace` and closes what is left (event streams never
/// finish on their own).
pub async fn serve<E>(
    listener: TcpListener,
    app: E,
    limits: &HttpLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    E: Endpoint<Output = Response> + 'static,
{
    let app = Arc::new(app);
    let local = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(pair) => pair,
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(err) => {
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let addrs = (LocalAddr(local.into()), RemoteAddr(remote.into()));
                connections.spawn(serve_connection(stream, addrs, app.clone(), limits.clone(), stop_rx.clone()));
            }
            // Reap finished connections so the set does not grow with the server's age.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained =
        tokio::time::timeout(limits.shutdown_grace, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(open = connections.len(), "connections still open after the shutdown grace period: closed");
        connections.abort_all();
    }
    Ok(())
}

async fn serve_connection<E>(
    stream: tokio::net::TcpStream,
    (local, remote): (LocalAddr, RemoteAddr),
    app: Arc<E>,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) where
    E: Endpoint<Output = Response> + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let (app, local, remote) = (app.clone(), local.clone(), remote.clone());
        async move {
            let req = poem::Request::from((req, local, remote, poem::http::uri::Scheme::HTTP));
            Ok::<_, Infallible>(hyper::Response::from(app.get_response(req).await))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_head_bytes)
        .max_header_size(limits.max_head_bytes)
        .max_headers(limits.max_headers);
    let stream = StallLimit { inner: stream, limit: limits.write_stall_timeout, stalled: None };
    let conn = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    // Finish the request in flight, then close; no new request is read.
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// A connection whose writes must make progress: when the client stops reading, its receive window
/// fills and writes stay pending; after `limit` without progress the write fails and hyper closes
/// the connection, instead of holding the task, its buffers and its stream (an event stream never
/// ends by itself) forever. Reads are untouched: their deadlines are hyper's and the body reader's.
struct StallLimit<S> {
    inner: S,
    limit: Duration,
    /// Running while a write is pending; reset by any progress.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> StallLimit<S> {
    fn watch<T>(&mut self, cx: &mut Context<'_>, polled: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let limit = self.limit;
        let timer = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallLimit<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallLimit<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
