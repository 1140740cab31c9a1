//! Sends a line of the reference page's examples (`examples.jsonl` shape) as printed there: method,
//! path, parameter order and `jsondata` in the body, with the placeholders replaced.

use serde_json::Value;

use crate::helpers::{Legacy, TestApp};

/// Parses one example line.
pub fn example(line: &str) -> Value {
    serde_json::from_str(line).expect("example line")
}

/// Sends `example` with `APIKEY` → `key` and `TENANTCODE` → `tenant`.
pub async fn run(app: &TestApp, example: &Value, key: &str, tenant: &str) -> Legacy {
    let params: Vec<(String, String)> = example["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|pair| {
            let name = pair[0].as_str().expect("name").to_string();
            let value = pair[1].as_str().expect("value").replace("APIKEY", key).replace("TENANTCODE", tenant);
            (name, value)
        })
        .collect();
    let path = example["path"].as_str().expect("path");
    let mut request = match example["method"].as_str() {
        Some("POST") => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    request = request.query(&params);
    if let Some(data) = example.get("jsondata") {
        request = request.form(&[("jsondata", data.to_string())]);
    }
    TestApp::legacy_answer(request.send().await.expect("request sent")).await
}
