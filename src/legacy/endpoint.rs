//! The poem handler of `/proxyapi.php` (and its `/mirtapbx/`, `/pbx/` aliases): collects query and
//! body parameters (urlencoded or multipart), answers HTTP 200 with the rendered protocol answer.

use pbx_compat::request::{LegacyRequest, decode_urlencoded};
use poem::http::{Method, StatusCode, header};
use poem::web::{Data, Multipart};
use poem::{Body, FromRequest, Request, RequestBody, Response, handler};

use super::dispatch::Answer;
use crate::service::Core;

/// A file sent in a multipart body (FAX send, media uploads; used by later operations).
#[derive(Debug)]
pub struct Upload {
    /// Form field name (`filename` in the legacy protocol).
    pub field: String,
    /// Client-side file name.
    pub file_name: Option<String>,
    /// Declared content type.
    pub content_type: Option<String>,
    /// Bytes (already bounded by the body size limit).
    pub bytes: Vec<u8>,
}

/// Handles every legacy request.
#[handler]
pub async fn proxyapi(req: &Request, body: Body, Data(core): Data<&Core>) -> Response {
    let method = req.method().clone();
    if method != Method::GET && method != Method::POST && method != Method::HEAD {
        return Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET, POST, HEAD")
            .finish();
    }
    let query = decode_urlencoded(req.uri().query().unwrap_or_default().as_bytes());
    let (form, uploads) = match read_body(req, body).await {
        Ok(parts) => parts,
        Err(err) => {
            tracing::info!(error = %err, "unreadable legacy request body");
            (Vec::new(), Vec::new())
        }
    };
    let request = LegacyRequest::new(query, form);
    tracing::info!(params = %request.log_line(), "legacy call");
    respond(&method, super::dispatch::answer(core, &request, &uploads).await)
}

/// The HTTP response of an answer (HTTP 200 whatever it says, as legacy clients expect).
fn respond(method: &Method, answer: Answer) -> Response {
    let (content_type, disposition, body) = match answer {
        Answer::Rendered(rendered) => (rendered.content_type, None, Body::from(rendered.body)),
        Answer::Body { content_type, disposition, body } => (content_type, disposition, body),
    };
    let mut builder =
        Response::builder().status(StatusCode::OK).content_type(content_type).header(header::CACHE_CONTROL, "no-store");
    if let Some(disposition) = disposition {
        builder = builder.header(header::CONTENT_DISPOSITION, disposition);
    }
    if method == Method::HEAD { builder.finish() } else { builder.body(body) }
}

/// The door's answer to a request refused before it was read (a rate limit): the protocol's
/// error line, rendered as the query string asks.
pub fn refusal(req: &Request, err: crate::service::ServiceError) -> Response {
    let query = decode_urlencoded(req.uri().query().unwrap_or_default().as_bytes());
    let request = LegacyRequest::new(query, Vec::new());
    respond(req.method(), super::dispatch::error_answer(&request, err))
}

/// Checks the key of a request whose body is longer than anyone may send, before the rest is
/// read: from the query string and the form fields complete in `prefix` (clients that POST
/// everything send `key` first). The refusal is the door's own answer to a bad key.
pub async fn verify_key_before_body(core: &Core, req: &Request, prefix: &[u8]) -> Result<(), Response> {
    let query = decode_urlencoded(req.uri().query().unwrap_or_default().as_bytes());
    let form = leading_form_fields(req.content_type().unwrap_or_default(), prefix).await;
    let request = LegacyRequest::new(query, form);
    match super::dispatch::key_refusal(core, &request).await {
        None => Ok(()),
        Some(answer) => Err(respond(req.method(), answer)),
    }
}

/// The form fields wholly inside the first bytes of a body: urlencoded pairs before the last `&`,
/// multipart text fields before the first file or the cut.
async fn leading_form_fields(content_type: &str, prefix: &[u8]) -> Vec<(String, String)> {
    // Media types are case-insensitive, multipart boundaries are not.
    if content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        let complete = prefix.iter().rposition(|b| *b == b'&').map_or(&prefix[..0], |end| &prefix[..end]);
        return decode_urlencoded(complete);
    }
    let Ok(boundary) = multer::parse_boundary(content_type) else { return Vec::new() };
    let chunk = prefix.to_vec();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(chunk) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.file_name().is_some() {
            break;
        }
        let name = field.name().unwrap_or_default().to_string();
        match field.text().await {
            Ok(value) => fields.push((name, value)),
            Err(_) => break,
        }
    }
    fields
}

/// Body parameters and uploads, by content type. Other content types (e.g. a raw JSON body) are not
/// a parameter source (CONTRACT §0.1).
async fn read_body(req: &Request, body: Body) -> poem::Result<(Vec<(String, String)>, Vec<Upload>)> {
    let content_type = req.content_type().unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = body.into_bytes().await?;
        return Ok((decode_urlencoded(&bytes), Vec::new()));
    }
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, &mut RequestBody::new(body)).await?;
        let mut form = Vec::new();
        let mut uploads = Vec::new();
        while let Some(field) = multipart.next_field().await? {
            let name = field.name().unwrap_or_default().to_string();
            if field.file_name().is_some() {
                let file_name = field.file_name().map(str::to_string);
                let content_type = field.content_type().map(str::to_string);
                uploads.push(Upload { field: name, file_name, content_type, bytes: field.bytes().await? });
            } else {
                let bytes = field.bytes().await?;
                form.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        return Ok((form, uploads));
    }
    Ok((Vec::new(), Vec::new()))
}
