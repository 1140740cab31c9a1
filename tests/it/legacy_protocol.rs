//! The legacy door's wire protocol (CONTRACT §0): paths, methods, parameter sources and precedence,
//! discriminator case, empty answers, the key error text, Content-Types, JSONP, the raw `%` and the
//! body limit.

use reqwest::multipart::Form;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{KEY_ERROR, Legacy, TestApp};

const HTML: &str = "text/html; charset=UTF-8";
const JSON: &str = "application/json";
const JAVASCRIPT: &str = "application/javascript; charset=UTF-8";

/// A legacy request with any method on any path, parameters in the query string.
async fn call(app: &TestApp, method: Method, path: &str, query: &[(&str, &str)]) -> Legacy {
    let resp = app.client.request(method, app.url(path)).query(query).send().await.expect("request sent");
    TestApp::legacy_answer(resp).await
}

/// A legacy POST with `query` in the URL and `form` as a multipart/form-data body.
async fn multipart(app: &TestApp, query: &[(&str, &str)], form: &[(&str, &str)]) -> Legacy {
    let mut body = Form::new();
    for (name, value) in form {
        body = body.text(name.to_string(), value.to_string());
    }
    let resp =
        app.client.post(app.url("/proxyapi.php")).query(query).multipart(body).send().await.expect("request sent");
    TestApp::legacy_answer(resp).await
}

/// A GET on a URL written by hand, so nothing re-encodes it (e.g. a raw `%`).
async fn raw_get(app: &TestApp, path_and_query: &str) -> Legacy {
    let url = reqwest::Url::parse(&app.url(path_and_query)).expect("valid URL");
    let resp = app.client.get(url).send().await.expect("request sent");
    TestApp::legacy_answer(resp).await
}

fn assert_key_error(answer: &Legacy) {
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.body, KEY_ERROR, "{answer:?}");
    assert_eq!(answer.body.len(), 46);
}

fn assert_empty(answer: &Legacy) {
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.body, "", "{answer:?}");
}

/// Numbers of the records of an INFO EXTENSIONS json answer, sorted.
fn numbers(answer: &Legacy) -> Vec<String> {
    let mut numbers: Vec<String> = answer
        .json()
        .as_array()
        .unwrap_or_else(|| panic!("array expected: {answer:?}"))
        .iter()
        .map(|r| r["ex_number"].as_str().expect("ex_number").to_string())
        .collect();
    numbers.sort();
    numbers
}

#[tokio::test]
async fn the_three_paths_answer_identically() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    let requests: [&[(&str, &str)]; 5] = [
        &[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("format", "json")],
        &[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")],
        &[("key", key), ("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "list")],
        &[("key", "wrong"), ("reqtype", "INFO"), ("info", "EXTENSIONS")],
        &[("key", key), ("reqtype", "NOPE")],
    ];
    for params in requests {
        let bare = call(&app, Method::GET, "/proxyapi.php", params).await;
        assert_eq!(bare.status, StatusCode::OK);
        for path in ["/mirtapbx/proxyapi.php", "/pbx/proxyapi.php"] {
            let other = call(&app, Method::GET, path, params).await;
            assert_eq!(other.status, bare.status, "{path}");
            assert_eq!(other.content_type, bare.content_type, "{path}");
            assert_eq!(other.body, bare.body, "{path}");
        }
    }
    // Sanity: the compared answers are not all empty.
    let sample = call(&app, Method::GET, "/pbx/proxyapi.php", requests[0]).await;
    assert_eq!(numbers(&sample), ["100"]);
}

#[tokio::test]
async fn other_paths_are_404() {
    let app = TestApp::spawn().await;
    let params = [("key", app.admin_key.as_str()), ("reqtype", "HELP")];
    assert_eq!(call(&app, Method::GET, "/proxyapi.php", &params).await.status, StatusCode::OK);
    for path in [
        "/proxyapi",
        "/proxyapi.php5",
        "/proxyapi.phpx",
        "/api/proxyapi.php",
        "/mirtapbx/pbx/proxyapi.php",
        "/mirtapbx/",
        "/pbx/proxyapi.php/extra",
        "/PROXYAPI.PHP",
        "/mirtapbx/proxyapi",
    ] {
        let answer = call(&app, Method::GET, path, &params).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {answer:?}");
        assert!(!answer.body.contains("MANAGEDB"), "{path}");
    }
}

#[tokio::test]
async fn get_post_urlencoded_and_multipart_answer_the_same() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    app.extension("ACME", &app.admin_key, "101").await;
    let key = app.admin_key.as_str();
    let all = [("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("format", "json")];

    let get = app.legacy(&all).await;
    assert_eq!(numbers(&get), ["100", "101"]);
    let post_form = app.legacy_post(&[], &all).await;
    let post_multipart = multipart(&app, &[], &all).await;
    for answer in [&post_form, &post_multipart] {
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.content_type, get.content_type);
        assert_eq!(answer.body, get.body);
    }

    // Merged: part in the query string, part in the body, in both encodings.
    let (query, body) = all.split_at(2);
    assert_eq!(app.legacy_post(query, body).await.body, get.body);
    assert_eq!(multipart(&app, query, body).await.body, get.body);
    let (query, body) = all.split_at(4);
    assert_eq!(app.legacy_post(query, body).await.body, get.body);
    assert_eq!(multipart(&app, query, body).await.body, get.body);
}

#[tokio::test]
async fn the_body_wins_over_the_query() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.admin_key.as_str();
    let list = [("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "list")];

    // Good key in the body, bad one in the query: the body's is used.
    let mut query = vec![("key", "not-a-key")];
    query.extend(list);
    let answer = app.legacy_post(&query, &[("key", key)]).await;
    assert_eq!(answer.json().as_object().expect("keyed object").len(), 1, "{answer:?}");
    let answer = multipart(&app, &query, &[("key", key)]).await;
    assert_eq!(answer.json().as_object().expect("keyed object").len(), 1, "{answer:?}");

    // Good key in the query, bad one in the body: the body's is used.
    let mut query = vec![("key", key)];
    query.extend(list);
    assert_key_error(&app.legacy_post(&query, &[("key", "not-a-key")]).await);
    assert_key_error(&multipart(&app, &query, &[("key", "not-a-key")]).await);

    // Same for a discriminator: reqtype in the body replaces the one in the query.
    let answer = app.legacy_post(&[("key", key), ("reqtype", "DIAL")], &[("reqtype", "HELP")]).await;
    assert!(answer.body.contains("MANAGEDB"), "{answer:?}");
    let answer = app.legacy_post(&[("key", key), ("reqtype", "HELP")], &[("reqtype", "DIAL")]).await;
    assert_eq!(answer.body, "Error|No tenant specified||", "{answer:?}");
}

#[tokio::test]
async fn the_last_occurrence_wins() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    let base = [("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")];

    let mut query = vec![("key", key)];
    query.extend(base);
    query.extend([("format", "plain"), ("format", "json")]);
    let answer = app.legacy(&query).await;
    assert_eq!(answer.content_type, JSON);
    assert_eq!(numbers(&answer), ["100"]);

    let mut query = vec![("key", key)];
    query.extend(base);
    query.extend([("format", "json"), ("format", "plain")]);
    let answer = app.legacy(&query).await;
    assert_eq!(answer.content_type, HTML);
    assert!(answer.body.starts_with("Number|Name|Tech|State|Username|Password\n"), "{answer:?}");

    // Repeated key: the last one counts, in the query and in either body encoding.
    let mut query = vec![("key", key), ("key", "not-a-key")];
    query.extend(base);
    assert_key_error(&app.legacy(&query).await);
    let mut query = vec![("key", "not-a-key"), ("key", key)];
    query.extend(base);
    assert_eq!(app.legacy(&query).await.body.lines().count(), 2);
    let form = [("key", key), ("key", "not-a-key")];
    assert_key_error(&app.legacy_post(&base, &form).await);
    assert_key_error(&multipart(&app, &base, &form).await);
    let form = [("key", "not-a-key"), ("key", key)];
    assert_eq!(app.legacy_post(&base, &form).await.body.lines().count(), 2);
    assert_eq!(multipart(&app, &base, &form).await.body.lines().count(), 2);
}

#[tokio::test]
async fn a_raw_json_body_is_not_a_parameter_source() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .post(app.url("/proxyapi.php"))
        .query(&[("reqtype", "HELP")])
        .json(&serde_json::json!({"key": app.admin_key}))
        .send()
        .await
        .expect("request sent");
    assert_key_error(&TestApp::legacy_answer(resp).await);
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let params = [
        ("key", app.admin_key.as_str()),
        ("reqtype", "INFO"),
        ("info", "EXTENSIONS"),
        ("tenant", "ACME"),
        ("format", "json"),
    ];
    let get = call(&app, Method::GET, "/proxyapi.php", &params).await;
    assert!(!get.body.is_empty());
    for path in ["/proxyapi.php", "/mirtapbx/proxyapi.php", "/pbx/proxyapi.php"] {
        let head = call(&app, Method::HEAD, path, &params).await;
        assert_eq!(head.status, StatusCode::OK);
        assert_eq!(head.content_type, get.content_type);
        assert_eq!(head.body, "");
    }
}

#[tokio::test]
async fn other_methods_are_405_with_an_empty_body() {
    let app = TestApp::spawn().await;
    let params = [("key", app.admin_key.as_str()), ("reqtype", "HELP")];
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        for path in ["/proxyapi.php", "/mirtapbx/proxyapi.php", "/pbx/proxyapi.php"] {
            let answer = call(&app, method.clone(), path, &params).await;
            assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(answer.body, "", "{method} {path}");
        }
    }
}

#[tokio::test]
async fn discriminators_are_case_insensitive() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();

    let reference = app.legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")]).await;
    assert_eq!(reference.body.lines().count(), 2, "{reference:?}");
    for (reqtype, info) in [("info", "extensions"), ("Info", "Extensions"), ("iNfO", "EXTENSIONS")] {
        let answer = app.legacy(&[("key", key), ("reqtype", reqtype), ("info", info), ("tenant", "ACME")]).await;
        assert_eq!(answer.body, reference.body, "{reqtype}/{info}");
    }

    let reference =
        app.legacy(&[("key", key), ("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "list")]).await;
    assert_eq!(reference.json().as_object().expect("keyed object").len(), 1);
    for (reqtype, object, action) in
        [("managedb", "TENANT", "LIST"), ("ManageDb", "Tenant", "List"), ("MANAGEDB", "tEnAnT", "lIsT")]
    {
        let answer = app.legacy(&[("key", key), ("reqtype", reqtype), ("object", object), ("action", action)]).await;
        assert_eq!(answer.body, reference.body, "{reqtype}/{object}/{action}");
    }

    let help = app.legacy(&[("key", key), ("reqtype", "help")]).await;
    assert!(help.body.contains("MANAGEDB"));
}

#[tokio::test]
async fn unknown_or_missing_reqtype_answers_an_empty_body() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    for params in [
        vec![("key", key)],
        vec![("key", key), ("reqtype", "")],
        vec![("key", key), ("reqtype", "NOSUCHTHING")],
        vec![("key", key), ("reqtype", "INFO ")],
        vec![("key", key), ("reqtype", "DROP TABLE te_tenants")],
        vec![("key", key), ("reqtype", "NOSUCHTHING"), ("format", "json")],
    ] {
        let answer = app.legacy(&params).await;
        assert_empty(&answer);
        assert_eq!(app.legacy_post(&[], &params).await.body, "", "{params:?}");
    }
    let json = app.legacy(&[("key", key), ("reqtype", "NOSUCHTHING"), ("format", "json")]).await;
    assert_eq!(json.content_type, JSON);
    let plain = app.legacy(&[("key", key), ("reqtype", "NOSUCHTHING")]).await;
    assert_eq!(plain.content_type, HTML);
}

#[tokio::test]
async fn live_reqtypes_without_a_pbx_say_so() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    for reqtype in ["DIAL", "dial", "COUNTCALLS", "TRANSFER", "PEERS", "COUNTCHANNELS"] {
        let answer = app
            .legacy(&[
                ("key", key),
                ("reqtype", reqtype),
                ("tenant", "ACME"),
                ("source", "100"),
                ("dest", "200"),
                ("channel", "x"),
            ])
            .await;
        assert_eq!(answer.body, "Error|no PBX node is configured (PBXGW_AMI_NODES)||", "{reqtype}");
    }
}

#[tokio::test]
async fn unknown_or_missing_info_answers_an_empty_body() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    for info in [None, Some(""), Some("NOSUCHINFO"), Some("extension")] {
        let mut params = vec![("key", key), ("reqtype", "INFO"), ("tenant", "ACME")];
        if let Some(info) = info {
            params.push(("info", info));
        }
        assert_empty(&app.legacy(&params).await);
        params.push(("format", "json"));
        assert_empty(&app.legacy(&params).await);
    }
}

#[tokio::test]
async fn missing_or_unknown_keys_get_the_key_error_byte_for_byte() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let other_prefix = format!("{}x", app.admin_key);
    let truncated = &app.admin_key[..app.admin_key.len() - 1];
    for key in [None, Some(""), Some("   "), Some("not-a-key"), Some(other_prefix.as_str()), Some(truncated)] {
        for reqtype in ["INFO", "MANAGEDB", "CHECKAUTH", "AUTHTOKEN", "HELP"] {
            let mut params =
                vec![("reqtype", reqtype), ("info", "EXTENSIONS"), ("object", "tenant"), ("action", "list")];
            if let Some(key) = key {
                params.push(("key", key));
            }
            let answer = app.legacy(&params).await;
            assert_key_error(&answer);
            assert_eq!(answer.body.as_bytes(), b"Too bad... you mistaken the security api key.\n");
            assert_key_error(&app.legacy_post(&[], &params).await);
        }
    }
    // The key is compared exactly: another letter case is another key.
    let upper = app.admin_key.to_uppercase();
    if upper != app.admin_key {
        assert_key_error(&app.legacy(&[("key", &upper), ("reqtype", "HELP")]).await);
    }
}

#[tokio::test]
async fn content_type_follows_format_even_for_error_texts() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    let ext = [("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")];

    let cases: [(Option<&str>, &str); 7] = [
        (None, HTML),
        (Some("plain"), HTML),
        (Some("json"), JSON),
        (Some("JSON"), JSON),
        (Some("xml"), HTML),
        (Some("csv"), HTML),
        (Some("yaml"), HTML),
    ];
    for (format, expected) in cases {
        let mut good = vec![("key", key)];
        let mut bad = vec![("key", "not-a-key")];
        good.extend(ext);
        bad.extend(ext);
        if let Some(format) = format {
            good.push(("format", format));
            bad.push(("format", format));
        }
        let answer = app.legacy(&good).await;
        assert_eq!(answer.content_type, expected, "{format:?}");
        let refused = app.legacy(&bad).await;
        assert_key_error(&refused);
        assert_eq!(refused.content_type, expected, "key error with {format:?}");
    }
    // An unknown format is plain.
    let yaml = app
        .legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("format", "yaml")])
        .await;
    assert!(yaml.body.starts_with("Number|Name|Tech|State|Username|Password\n"), "{yaml:?}");
    // A JSON request with an error text keeps application/json.
    let text = app
        .legacy(&[("key", key), ("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "get"), ("format", "json")])
        .await;
    assert_eq!(text.body, "No objectid specified");
    assert_eq!(text.content_type, JSON);
}

#[tokio::test]
async fn jsonp_wraps_json_with_a_valid_callback_only() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();
    let base = [("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("format", "json")];
    let plain_json = app.legacy(&base).await;
    assert_eq!(plain_json.content_type, JSON);
    assert!(plain_json.body.starts_with('['));

    for callback in ["cb", "jQuery123_456", "$", "_x", "a.b.c"] {
        let mut params = base.to_vec();
        params.push(("callback", callback));
        let answer = app.legacy(&params).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.content_type, JAVASCRIPT, "{callback}");
        assert_eq!(answer.body, format!("{callback}({});", plain_json.body));
    }

    let too_long = format!("a{}", "b".repeat(64));
    for callback in ["alert(1)//", "alert(1)", "1cb", "a-b", "a b", "", "<script>", too_long.as_str()] {
        let mut params = base.to_vec();
        params.push(("callback", callback));
        let answer = app.legacy(&params).await;
        assert_eq!(answer.content_type, JSON, "{callback}");
        assert_eq!(answer.body, plain_json.body, "{callback}");
    }

    // Without format=json the callback is ignored.
    let answer = app
        .legacy(&[("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("callback", "cb")])
        .await;
    assert_eq!(answer.content_type, HTML);
    assert!(answer.body.starts_with("Number|"));

    // MANAGEDB json is wrapped too; error texts are never wrapped.
    let managed = app
        .legacy(&[
            ("key", key),
            ("reqtype", "MANAGEDB"),
            ("object", "tenant"),
            ("action", "list"),
            ("format", "json"),
            ("callback", "cb"),
        ])
        .await;
    assert_eq!(managed.content_type, JAVASCRIPT);
    assert!(managed.body.starts_with("cb({") && managed.body.ends_with("});"), "{managed:?}");
    let refused = app.legacy(&[("key", "nope"), ("reqtype", "HELP"), ("format", "json"), ("callback", "cb")]).await;
    assert_key_error(&refused);
}

#[tokio::test]
async fn a_raw_percent_tenant_is_accepted() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    app.extension("ACME", &app.admin_key, "100").await;
    app.extension("BETA", &app.admin_key, "200").await;
    let tenant_key = app.tenant_key("ACME", false).await;

    let url = format!("/proxyapi.php?key={}&reqtype=INFO&info=EXTENSIONS&format=json&tenant=%", app.admin_key);
    let parsed = reqwest::Url::parse(&app.url(&url)).expect("url");
    assert!(parsed.as_str().ends_with("&tenant=%"), "the % must reach the server unencoded: {parsed}");
    let all = raw_get(&app, &url).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(numbers(&all), ["100", "200"]);

    // Raw % in the middle of the query string, and in the /pbx/ path.
    let url = format!("/pbx/proxyapi.php?key={}&tenant=%&reqtype=INFO&info=EXTENSIONS&format=json", app.admin_key);
    assert_eq!(numbers(&raw_get(&app, &url).await), ["100", "200"]);

    // A tenant key may not use the wildcard.
    let url = format!("/proxyapi.php?key={tenant_key}&reqtype=INFO&info=EXTENSIONS&tenant=%");
    assert_key_error(&raw_get(&app, &url).await);
    let url = format!("/proxyapi.php?key={tenant_key}&tenant=%&reqtype=INFO&info=EXTENSIONS&format=json");
    let refused = raw_get(&app, &url).await;
    assert_key_error(&refused);
    assert_eq!(refused.content_type, JSON);

    // Other malformed escapes do not break the request either.
    let url = format!("/proxyapi.php?key={}&reqtype=INFO&info=EXTENSIONS&tenant=ACME&junk=%zz%4&x=%", app.admin_key);
    let answer = raw_get(&app, &url).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body.lines().count(), 2, "{answer:?}");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::spawn_with(|config| config.max_body_bytes = 2048).await;
    let key = app.admin_key.as_str();
    let small = "x".repeat(100);
    let answer = app.legacy_post(&[], &[("key", key), ("reqtype", "HELP"), ("pad", &small)]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("MANAGEDB"));

    let big = "x".repeat(4096);
    let answer = app.legacy_post(&[], &[("key", key), ("reqtype", "HELP"), ("pad", &big)]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    assert!(!answer.body.contains("MANAGEDB"));
    let answer = multipart(&app, &[("key", key)], &[("reqtype", "HELP"), ("pad", &big)]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    let answer = app.legacy_post(&[("key", key), ("reqtype", "HELP")], &[("pad", &big)]).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
}

#[tokio::test]
async fn answers_never_contain_the_key() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let tenant_key = app.tenant_key("ACME", false).await;
    for key in [app.admin_key.as_str(), tenant_key.as_str()] {
        let requests: Vec<Vec<(&str, &str)>> = vec![
            vec![("reqtype", "HELP"), ("tenant", "ACME")],
            vec![("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")],
            vec![("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME"), ("format", "json")],
            vec![
                ("reqtype", "INFO"),
                ("info", "EXTENSIONS"),
                ("tenant", "ACME"),
                ("format", "json"),
                ("callback", "cb"),
            ],
            vec![("reqtype", "MANAGEDB"), ("object", "extension"), ("action", "list"), ("tenant", "ACME")],
            vec![("reqtype", "MANAGEDB"), ("object", "tenant"), ("action", "list")],
            vec![("reqtype", "MANAGEDB"), ("object", "nothing"), ("action", "list"), ("tenant", "ACME")],
            vec![
                ("reqtype", "MANAGEDB"),
                ("object", "extension"),
                ("action", "add"),
                ("tenant", "ACME"),
                ("jsondata", "{"),
            ],
            vec![("reqtype", "CHECKAUTH"), ("username", "x"), ("password", "y")],
            vec![("reqtype", "AUTHTOKEN"), ("action", "generate"), ("user", "x")],
            vec![("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "OTHER")],
            vec![("reqtype", "DIAL"), ("tenant", "ACME")],
        ];
        for params in requests {
            let mut with_key = vec![("key", key)];
            with_key.extend(params.iter().copied());
            let answer = app.legacy(&with_key).await;
            assert_eq!(answer.status, StatusCode::OK);
            assert!(!answer.body.contains(key), "{params:?} echoed the key");
            let posted = app.legacy_post(&[], &with_key).await;
            assert!(!posted.body.contains(key), "{params:?} echoed the key");
            let resp = app.client.get(app.url("/proxyapi.php")).query(&with_key).send().await.expect("request sent");
            for (name, value) in resp.headers() {
                assert!(!value.to_str().unwrap_or_default().contains(key), "header {name} echoed the key");
            }
        }
    }
}

/// INFO EXTENSIONS in json with `key` and an optional `tenant`.
fn extensions_params<'a>(key: &'a str, tenant: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("format", "json")];
    if let Some(tenant) = tenant {
        params.push(("tenant", tenant));
    }
    params
}

#[tokio::test]
async fn tenant_keys_must_name_their_own_existing_tenant() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    app.extension("ACME", &app.admin_key, "100").await;
    app.extension("BETA", &app.admin_key, "200").await;
    for read_only in [false, true] {
        let key = app.tenant_key("ACME", read_only).await;
        let own = app.legacy(&extensions_params(&key, Some("ACME"))).await;
        assert_eq!(numbers(&own), ["100"]);
        for tenant in [None, Some(""), Some("BETA"), Some("NOSUCH"), Some("acme"), Some("%")] {
            let answer = app.legacy(&extensions_params(&key, tenant)).await;
            assert_key_error(&answer);
            assert_eq!(answer.content_type, JSON, "{tenant:?}");
        }
        // The same rule on MANAGEDB and HELP.
        for tenant in [None, Some("BETA"), Some("NOSUCH")] {
            let mut params =
                vec![("key", key.as_str()), ("reqtype", "MANAGEDB"), ("object", "extension"), ("action", "list")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_key_error(&app.legacy(&params).await);
            let mut params = vec![("key", key.as_str()), ("reqtype", "HELP")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_key_error(&app.legacy(&params).await);
        }
        let help = app.legacy(&[("key", key.as_str()), ("reqtype", "HELP"), ("tenant", "ACME")]).await;
        assert!(help.body.contains("MANAGEDB"));
    }
    // The admin key may name any tenant, or none; an unknown tenant is still the key error.
    let admin = app.admin_key.as_str();
    assert_eq!(numbers(&app.legacy(&extensions_params(admin, Some("BETA"))).await), ["200"]);
    assert_eq!(numbers(&app.legacy(&extensions_params(admin, None)).await), ["100", "200"]);
    assert_key_error(&app.legacy(&extensions_params(admin, Some("NOSUCH"))).await);
}

#[tokio::test]
async fn plus_and_percent_escapes_decode_in_values() {
    let app = TestApp::spawn().await;
    let resp =
        app.post("/v1/tenants", &app.admin_key, serde_json::json!({"code": "ACME", "name": "Acme Ltd & Co"})).await;
    assert_eq!(resp.status, StatusCode::CREATED);
    // `+` is a space and %26 an ampersand inside the filter value.
    let url = format!(
        "/proxyapi.php?key={}&reqtype=MANAGEDB&object=tenant&action=list&filter=te_name%3D%27Acme+Ltd+%26+Co%27",
        app.admin_key
    );
    let answer = raw_get(&app, &url).await;
    let list: Value = answer.json();
    let records: Vec<&Value> = list.as_object().expect("keyed object").values().collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["te_code"], "ACME");
}

#[tokio::test]
async fn parameter_names_are_case_sensitive() {
    let app = TestApp::spawn().await;
    let key = app.admin_key.as_str();
    assert_key_error(&app.legacy(&[("KEY", key), ("reqtype", "HELP")]).await);
    assert_key_error(&app.legacy(&[("Key", key), ("reqtype", "HELP")]).await);
    assert_empty(&app.legacy(&[("key", key), ("REQTYPE", "HELP")]).await);
    assert_empty(&app.legacy(&[("key", key), ("ReqType", "HELP")]).await);
    let json = app
        .legacy(&[
            ("key", key),
            ("reqtype", "MANAGEDB"),
            ("object", "tenant"),
            ("action", "list"),
            ("FORMAT", "json"),
            ("callback", "cb"),
        ])
        .await;
    assert_eq!(json.content_type, JSON, "FORMAT is not format, so no JSONP");
    assert_eq!(json.body, "[]");
}

#[tokio::test]
async fn invalid_utf8_and_odd_bytes_are_never_fatal() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.extension("ACME", &app.admin_key, "100").await;
    let key = app.admin_key.as_str();

    // Query string with escaped invalid UTF-8: an unknown tenant, so the key error.
    let url = format!("/proxyapi.php?key={key}&reqtype=INFO&info=EXTENSIONS&tenant=AC%FFME");
    assert_key_error(&raw_get(&app, &url).await);
    let url = format!("/proxyapi.php?key={key}&reqtype=INFO&info=EXTENSIONS&tenant=ACME&junk=%C3%28%80");
    assert_eq!(raw_get(&app, &url).await.body.lines().count(), 2);

    // Urlencoded body with raw invalid bytes.
    let mut body = format!("key={key}&reqtype=INFO&info=EXTENSIONS&tenant=ACME&junk=").into_bytes();
    body.extend_from_slice(&[0xff, 0xfe, b'%', 0xc3]);
    let resp = app
        .client
        .post(app.url("/proxyapi.php"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request sent");
    let answer = TestApp::legacy_answer(resp).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body.lines().count(), 2, "{answer:?}");

    // jsondata with invalid bytes: refused as data, never a server error.
    let mut body = format!("key={key}&reqtype=MANAGEDB&object=extension&action=add&tenant=ACME&jsondata=").into_bytes();
    body.extend_from_slice(b"%7B%22ex_number%22%3A%221");
    body.extend_from_slice(&[0xff]);
    body.extend_from_slice(b"%22%7D");
    let resp = app
        .client
        .post(app.url("/proxyapi.php"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request sent");
    let answer = TestApp::legacy_answer(resp).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.starts_with("Error: ") || answer.body == "Invalid jsondata", "{answer:?}");
}

#[tokio::test]
async fn output_encoding_rules() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.admin_key.as_str();
    for (number, name) in [("100", "Café/Bar"), ("101", "Pipe|Name"), ("102", "Line\u{2028}Sep")] {
        let resp =
            app.post("/v1/tenants/ACME/extensions", key, serde_json::json!({"number": number, "name": name})).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    }
    let base = [("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS"), ("tenant", "ACME")];

    // JSON: compact, raw UTF-8, `/` not escaped.
    let mut params = base.to_vec();
    params.push(("format", "json"));
    let json = app.legacy(&params).await;
    assert!(json.body.contains(r#""ex_name":"Café/Bar""#), "{}", json.body);
    assert!(!json.body.contains("\\/") && !json.body.contains("\\u00e9"));
    assert!(!json.body.contains(": ") && !json.body.contains('\n'), "compact");

    // JSONP: U+2028 cannot break the script.
    params.push(("callback", "cb"));
    let jsonp = app.legacy(&params).await;
    assert!(!jsonp.body.contains('\u{2028}'), "raw U+2028 in JSONP");
    assert!(jsonp.body.contains("Line\\u2028Sep"));

    // Plain: a `|` inside a value cannot add a column.
    let plain = app.legacy(&base).await;
    let rows: Vec<Vec<&str>> = plain.body.lines().skip(1).map(|l| l.split('|').collect()).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 6), "{rows:?}");
    assert_eq!(rows[1][1], "Pipe Name");
}
