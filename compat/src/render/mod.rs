//! Response rendering: bodies and Content-Types exactly as legacy clients expect them (CONTRACT
//! §0.8-§0.12, §4). The gateway picks the shape per call; these functions only format.

pub mod csv;
pub mod json;
pub mod plain;
pub mod template;
pub mod xml;

use crate::command::{Format, OutputOptions};

/// The Content-Types of §0.12, in one place so no handler invents another.
pub mod content_type {
    /// Everything textual that is not JSON: plain, CSV, XML, HELP and error texts.
    pub const HTML: &str = "text/html; charset=UTF-8";
    /// Any `format=json` answer, even an error text or an empty body.
    pub const JSON: &str = "application/json";
    /// JSONP answers (`callback`), so browsers run them as script.
    pub const JAVASCRIPT: &str = "application/javascript; charset=UTF-8";
}

/// A finished answer: the gateway writes these bytes with HTTP 200.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Value of the Content-Type header.
    pub content_type: String,
    /// Body bytes, exactly.
    pub body: Vec<u8>,
}

impl Rendered {
    /// A text body (tables, error texts, `OK`) whose Content-Type still follows `format`.
    /// Never JSONP-wrapped: legacy error texts reached JSONP callers unwrapped.
    pub fn text(opts: &OutputOptions, text: impl Into<String>) -> Rendered {
        Rendered { content_type: format_content_type(opts.format).to_string(), body: text.into().into_bytes() }
    }

    /// The 0-byte answer of §0.6 (unknown info, lookup misses, unsupported formats).
    pub fn empty(opts: &OutputOptions) -> Rendered {
        Rendered::text(opts, String::new())
    }

    /// A JSON document, compact and with raw UTF-8 (§0.9); JSONP when a valid callback was given.
    pub fn json(opts: &OutputOptions, value: &serde_json::Value) -> Rendered {
        let encoded = json::encode(value);
        match &opts.callback {
            Some(callback) => Rendered {
                content_type: content_type::JAVASCRIPT.to_string(),
                body: json::wrap_jsonp(callback, &encoded).into_bytes(),
            },
            None => Rendered { content_type: content_type::JSON.to_string(), body: encoded.into_bytes() },
        }
    }

    /// An HTML page whatever `format` says (HELP, row 74).
    pub fn html(body: impl Into<String>) -> Rendered {
        Rendered { content_type: content_type::HTML.to_string(), body: body.into().into_bytes() }
    }

    /// Audio or PDF bytes with the stored file's type (§0.12).
    pub fn binary(content_type: &str, body: Vec<u8>) -> Rendered {
        Rendered { content_type: content_type.to_string(), body }
    }
}

fn format_content_type(format: Format) -> &'static str {
    match format {
        Format::Json => content_type::JSON,
        Format::Plain | Format::Xml | Format::Csv => content_type::HTML,
    }
}

#[cfg(test)]
mod tests;
