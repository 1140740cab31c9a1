//! The REST paths and their methods, read from the OpenAPI document (the one description of the
//! routes poem-openapi registered): the `Allow` header of 405 and `OPTIONS` answers, and which
//! POSTs the idempotency layer serves.

use poem::http::{HeaderValue, Method};
use serde_json::Value as Json;

/// Every path template of the document.
#[derive(Debug, Default)]
pub struct RestRoutes {
    routes: Vec<RestRoute>,
}

/// One path template.
#[derive(Debug)]
pub struct RestRoute {
    /// Segments; `None` for a `{parameter}`.
    segments: Vec<Option<String>>,
    /// `Allow`: the document's methods, HEAD with GET, and OPTIONS.
    pub allow: HeaderValue,
    /// The operation id of the POST when the idempotency layer serves it.
    pub keyed_post: Option<&'static str>,
}

/// The methods in the order `Allow` lists them.
const ORDER: [Method; 7] =
    [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS];

impl RestRoutes {
    /// The routes of the rendered document `json`.
    pub fn from_document(json: &str) -> RestRoutes {
        let doc: Json = match serde_json::from_str(json) {
            Ok(doc) => doc,
            Err(err) => {
                tracing::error!(error = %err, "the OpenAPI document is not JSON; no Allow headers");
                return RestRoutes::default();
            }
        };
        let paths = doc.get("paths").and_then(Json::as_object).into_iter().flatten();
        let routes = paths
            .map(|(path, item)| {
                let declared: Vec<Method> = item
                    .as_object()
                    .into_iter()
                    .flat_map(|ops| ops.keys())
                    .filter_map(|name| Method::from_bytes(name.to_ascii_uppercase().as_bytes()).ok())
                    .collect();
                let allowed = ORDER.iter().filter(|method| {
                    declared.contains(method)
                        || (**method == Method::HEAD && declared.contains(&Method::GET))
                        || **method == Method::OPTIONS
                });
                let allow = allowed.map(Method::as_str).collect::<Vec<_>>().join(", ");
                let keyed_post = item
                    .get("post")
                    .filter(|post| crate::api::idempotency_doc::gateway_keyed(post))
                    .and_then(|post| post.get("operationId").and_then(Json::as_str))
                    // Once per route table (one per application): metrics need the id as `&'static str`.
                    .map(|id| &*Box::leak(id.to_string().into_boxed_str()));
                RestRoute {
                    segments: segments(path).map(|s| (!s.starts_with('{')).then(|| s.to_string())).collect(),
                    allow: HeaderValue::from_str(&allow).unwrap_or(HeaderValue::from_static("OPTIONS")),
                    keyed_post,
                }
            })
            .collect();
        RestRoutes { routes }
    }

    /// The route of a request path: of the templates it matches, the one whose literal segments
    /// come first (as the router prefers `/calls/active` to `/calls/{id}`).
    pub fn find(&self, path: &str) -> Option<&RestRoute> {
        let given: Vec<&str> = segments(path).collect();
        self.routes
            .iter()
            .filter(|route| {
                route.segments.len() == given.len()
                    && route.segments.iter().zip(&given).all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
            })
            .max_by_key(|route| route.segments.iter().map(Option::is_some).collect::<Vec<_>>())
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_the_document_methods_and_literal_segments_win() {
        let doc = serde_json::json!({"paths": {
            "/v1/x/{id}": {"get": {}, "delete": {}},
            "/v1/x/new": {"post": {"operationId": "make", "responses": {"201": {}}}},
        }});
        let routes = RestRoutes::from_document(&doc.to_string());
        let by_id = routes.find("/v1/x/12").expect("matches");
        assert_eq!(by_id.allow, "GET, HEAD, DELETE, OPTIONS");
        assert_eq!(by_id.keyed_post, None);
        let new = routes.find("/v1/x/new").expect("matches");
        assert_eq!(new.allow, "POST, OPTIONS");
        assert_eq!(new.keyed_post, Some("make"));
        assert!(routes.find("/v1/x").is_none() && routes.find("/v1/x/1/2").is_none());
    }
}
