//! gzip and br for REST and docs answers, when the client asks for them (`Accept-Encoding`). Only
//! text-like media types are compressed (JSON, problem+json, YAML, HTML, CSV, plain text): audio and
//! PDF downloads are compressed already, and ranges of them must stay byte ranges of the file.
//! Error answers (problem+json of a few hundred bytes) are sent as they are. Server-sent event streams are never compressed: an encoder holds output back until it has a
//! block's worth, and an event must reach the client when it happens. The legacy door is not
//! wrapped at all (see `app::build`).

use std::pin::Pin;
use std::sync::Arc;

use async_compression::Level;
use async_compression::tokio::bufread::{BrotliEncoder, GzipEncoder};
use hyper::body::Bytes;
use poem::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use tokio::io::{AsyncBufRead, AsyncRead, AsyncReadExt as _, BufReader};
use tokio::sync::OnceCell;

/// The codings offered, best first at equal preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `br`, quality 5: most of brotli's gain at a few milliseconds for the 700 KB document.
    Brotli,
    /// `gzip`, level 6.
    Gzip,
}

/// A fixed body (the OpenAPI document, Swagger UI) whose compressed forms are made once, on first
/// request: /docs is 2.5 MB, and compressing it anew for every anonymous caller would cost far more
/// CPU than serving it.
pub(super) struct Fixed {
    body: Bytes,
    content_type: &'static str,
    gzip: OnceCell<Bytes>,
    brotli: OnceCell<Bytes>,
}

impl Fixed {
    pub(super) fn new(body: String, content_type: &'static str) -> Fixed {
        Fixed { body: Bytes::from(body), content_type, gzip: OnceCell::new(), brotli: OnceCell::new() }
    }
}

impl Endpoint for Fixed {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let coding = if req.method() == Method::HEAD { None } else { negotiate(req.headers()) };
        let resp = Response::builder().content_type(self.content_type).header(header::VARY, "accept-encoding");
        let (name, cell) = match coding {
            None => return Ok(resp.body(self.body.clone())),
            Some(Coding::Brotli) => ("br", &self.brotli),
            Some(Coding::Gzip) => ("gzip", &self.gzip),
        };
        let encoded = cell
            .get_or_init(|| async {
                let mut encoded = Vec::new();
                let _ = encoder(coding.unwrap_or(Coding::Gzip), &self.body[..]).read_to_end(&mut encoded).await;
                Bytes::from(encoded)
            })
            .await;
        Ok(resp.header(header::CONTENT_ENCODING, name).body(encoded.clone()))
    }
}

/// The encoder of `coding` over `body`.
fn encoder<'a>(coding: Coding, body: impl AsyncBufRead + Send + Unpin + 'a) -> Pin<Box<dyn AsyncRead + Send + 'a>> {
    match coding {
        Coding::Brotli => Box::pin(BrotliEncoder::with_quality(body, Level::Precise(5))),
        Coding::Gzip => Box::pin(GzipEncoder::with_quality(body, Level::Default)),
    }
}

/// Serves `req` through `ep` and compresses the answer when the client accepts it and it is worth it.
pub(super) async fn around<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let coding = if req.method() == Method::HEAD { None } else { negotiate(req.headers()) };
    let mut resp = ep.call(req).await?.into_response();
    if !compressible(&resp) {
        return Ok(resp);
    }
    resp.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let Some(coding) = coding else { return Ok(resp) };
    let body = BufReader::new(resp.take_body().into_async_read());
    let name = match coding {
        Coding::Brotli => "br",
        Coding::Gzip => "gzip",
    };
    let body = Body::from_async_read(encoder(coding, body));
    resp.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    resp.headers_mut().remove(header::CONTENT_LENGTH);
    resp.set_body(body);
    Ok(resp)
}

/// The coding to answer in: of `br` and `gzip` (and `*`, read as `gzip`), the one with the highest
/// `q` above 0, `br` at equal `q`; none when the client accepts neither.
pub fn negotiate(headers: &HeaderMap) -> Option<Coding> {
    let offers = headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok());
    let mut best: Option<(u16, Coding)> = None;
    for item in offers.flat_map(|value| value.split(',')) {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let coding = if name.eq_ignore_ascii_case("br") {
            Coding::Brotli
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") || name == "*" {
            Coding::Gzip
        } else {
            continue;
        };
        let q = parts
            .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
            .map_or(1000, |q| q.trim().parse::<f32>().map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0) as u16));
        let better = match best {
            None => true,
            Some((best_q, best_coding)) => {
                q > best_q || (q == best_q && coding == Coding::Brotli && best_coding != coding)
            }
        };
        if q > 0 && better {
            best = Some((q, coding));
        }
    }
    best.map(|(_, coding)| coding)
}

/// Whether an answer is worth compressing: a whole, not yet encoded body of a text-like type.
fn compressible(resp: &Response) -> bool {
    let status = resp.status();
    if status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
        || status == StatusCode::PARTIAL_CONTENT
        || status.is_informational()
        || resp.headers().contains_key(header::CONTENT_ENCODING)
        || resp.headers().contains_key(header::CONTENT_RANGE)
    {
        return false;
    }
    let Some(content_type) = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "text/event-stream" {
        return false;
    }
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || matches!(essence.as_str(), "application/json" | "application/x-yaml" | "application/yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(value: &str) -> Option<Coding> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).expect("header"));
        negotiate(&headers)
    }

    #[test]
    fn the_preferred_accepted_coding_wins_and_br_breaks_ties() {
        assert_eq!(offered("gzip, deflate, br"), Some(Coding::Brotli));
        assert_eq!(offered("gzip"), Some(Coding::Gzip));
        assert_eq!(offered("br;q=0.5, gzip;q=0.8"), Some(Coding::Gzip));
        assert_eq!(offered("br;q=0, gzip;q=0"), None);
        assert_eq!(offered("identity, deflate"), None);
        assert_eq!(offered("*"), Some(Coding::Gzip));
        assert_eq!(negotiate(&HeaderMap::new()), None);
    }
}
