//! Faxes through FAX send/list/download, INFO fax and REST `/faxes`: PDF-only queued sends,
//! idempotency (sequential and concurrent retries), read-only keys, tenant isolation and path safety.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::helpers::{KEY_ERROR, Rest, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >> endobj\n2 0 obj << /Type /Page >> endobj\n\
3 0 obj << /Type /Page >> endobj\n%%EOF\n";

struct Fixture {
    app: TestApp,
    acme: i64,
    key_a: String,
    key_b: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let acme = app.tenant("ACME").await;
    app.tenant("BETA").await;
    let key_a = app.tenant_key("ACME", false).await;
    let key_b = app.tenant_key("BETA", false).await;
    Fixture { app, acme, key_a, key_b }
}

/// A legacy FAX send with the document in the multipart field `filename`.
async fn legacy_send(app: &TestApp, key: &str, fields: &[(&str, &str)], document: Option<&[u8]>) -> String {
    let mut form =
        Form::new().text("key", key.to_string()).text("reqtype", "FAX").text("action", "send").text("tenant", "ACME");
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some(bytes) = document {
        form = form
            .part("filename", Part::bytes(bytes.to_vec()).file_name("doc.pdf").mime_str("application/pdf").unwrap());
    }
    let resp = app.client.post(app.url("/proxyapi.php")).multipart(form).send().await.unwrap();
    resp.text().await.unwrap()
}

fn rest_form(document: &[u8], dest: &str) -> Form {
    Form::new()
        .text("source_number", "+3902100")
        .text("dest_number", dest.to_string())
        .text("quality", "204x98")
        .part("document", Part::bytes(document.to_vec()).file_name("doc.pdf"))
}

async fn rest_send(app: &TestApp, key: &str, idempotency_key: Option<&str>, form: Form) -> Rest {
    let mut req = app.request(reqwest::Method::POST, "/v1/tenants/ACME/faxes", key).multipart(form);
    if let Some(k) = idempotency_key {
        req = req.header("Idempotency-Key", k);
    }
    app.send(req).await
}

async fn fax_count(app: &TestApp) -> i64 {
    let row: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM fx_faxes").fetch_one(app.core.db().pool()).await.unwrap();
    row.0
}

#[tokio::test]
async fn legacy_send_list_download_and_info() {
    let f = fixture().await;
    let sent = legacy_send(&f.app, &f.key_a, &[("source_number", "100"), ("number", "+441234")], Some(PDF)).await;
    let id = sent.strip_prefix("Success|Fax successfully queued|").and_then(|r| r.strip_suffix('|')).unwrap();
    let id: i64 = id.parse().unwrap();
    let json_sent = legacy_send(
        &f.app,
        &f.key_a,
        &[
            ("source_number", "100"),
            ("dest_number", "200"),
            ("format", "json"),
            ("deleteaftersend", "on"),
            ("schedule", "2030-01-01 10:00:00"),
            ("statusemail", "ops@example.com"),
            ("pagesize", "letter"),
            ("rotate", "E"),
        ],
        Some(PDF),
    )
    .await;
    let json_sent: serde_json::Value = serde_json::from_str(&json_sent).unwrap();
    assert_eq!(json_sent["Response"], json!("Success"));
    assert_eq!(json_sent["Message"], json!("Fax successfully queued"));
    assert_eq!(json_sent["ID"], json!((id + 1).to_string()));
    // The document is stored under <TENANT>/<yyyy>/<mm>/.
    let now = chrono::Utc::now();
    let month_dir = f.app.dirs.file_dirs().faxes.join(format!("ACME/{}", now.format("%Y/%m")));
    assert_eq!(std::fs::read_dir(&month_dir).unwrap().count(), 2);

    let list = |format: &'static str| {
        [("key", f.key_a.as_str()), ("reqtype", "FAX"), ("action", "list"), ("tenant", "ACME"), ("format", format)]
    };
    let json = f.app.legacy(&list("json")).await.json();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(
        json[0],
        json!({"id": id.to_string(), "direction": "OUT", "source_number": "100", "dest_number": "+441234",
               "pages": "2", "status": "QUEUED", "date": json[0]["date"].clone()})
    );
    let plain = f.app.legacy(&list("plain")).await.body;
    let lines: Vec<&str> = plain.lines().collect();
    assert_eq!(lines[0], "ID|Direction|Source|Destination|Pages|Status|Date");
    assert!(lines[1].starts_with(&format!("{id}|OUT|100|+441234|2|QUEUED|")));

    let id_text = id.to_string();
    let download = [
        ("key", f.key_a.as_str()),
        ("reqtype", "FAX"),
        ("action", "download"),
        ("tenant", "ACME"),
        ("id", id_text.as_str()),
    ];
    let resp = f.app.client.get(f.app.url("/proxyapi.php")).query(&download).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["content-disposition"], format!("attachment; filename=\"{id}.pdf\"").as_str());
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PDF);
    let unknown = f
        .app
        .legacy(&[("key", &f.key_a), ("reqtype", "FAX"), ("action", "download"), ("tenant", "ACME"), ("id", "99999")])
        .await;
    assert_eq!(unknown.body, "");

    let info = |format: &'static str| {
        [
            ("key", f.key_a.as_str()),
            ("reqtype", "INFO"),
            ("info", "fax"),
            ("tenant", "ACME"),
            ("id", id_text.as_str()),
            ("format", format),
        ]
    };
    let plain = f.app.legacy(&info("plain")).await.body;
    let fields: Vec<&str> = plain.split('|').collect();
    assert_eq!((fields[0], fields[1], fields[2], fields.len()), ("QUEUED", "2", "", 5));
    let json = f.app.legacy(&info("json")).await.json();
    assert_eq!(
        (&json["id"], &json["status"], &json["pages"], &json["error"]),
        (&json!(id_text), &json!("QUEUED"), &json!("2"), &json!(""))
    );
    let missing = f
        .app
        .legacy(&[("key", &f.key_a), ("reqtype", "INFO"), ("info", "fax"), ("tenant", "ACME"), ("id", "424242")])
        .await;
    assert_eq!(missing.body, "");
}

#[tokio::test]
async fn legacy_send_refuses_bad_input_and_read_only_keys() {
    let f = fixture().await;
    let ok = [("source_number", "100"), ("dest_number", "200")];
    let not_pdf = legacy_send(&f.app, &f.key_a, &ok, Some(b"GIF89a pretending")).await;
    assert_eq!(not_pdf, "Error|filename: is not a PDF document||");
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(8 * 1024 * 1024 + 1, b' ');
    let oversized = legacy_send(&f.app, &f.key_a, &ok, Some(&big)).await;
    assert!(oversized.starts_with("Error|filename: is larger than"), "{oversized}");
    assert_eq!(legacy_send(&f.app, &f.key_a, &ok, None).await, "Error|filename: a PDF file is required||");
    for (field, value) in [
        ("quality", "100x100"),
        ("pagesize", "a3"),
        ("rotate", "N"),
        ("statusemail", "nobody"),
        ("schedule", "tomorrow"),
        ("deleteaftersend", "yes"),
    ] {
        let resp = legacy_send(&f.app, &f.key_a, &[ok[0], ok[1], (field, value)], Some(PDF)).await;
        assert!(resp.starts_with(&format!("Error|{field}: ")), "{field}: {resp}");
    }
    let bad_number = legacy_send(&f.app, &f.key_a, &[("source_number", "1x"), ("dest_number", "200")], Some(PDF)).await;
    assert!(bad_number.starts_with("Error|source_number: "), "{bad_number}");
    let read_only = f.app.tenant_key("ACME", true).await;
    assert_eq!(legacy_send(&f.app, &read_only, &ok, Some(PDF)).await, KEY_ERROR);
    assert_eq!(fax_count(&f.app).await, 0);
    let files = walk(&f.app.dirs.file_dirs().faxes);
    assert!(files.is_empty(), "refused sends leave no file: {files:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(walk(&path)) } else { found.push(path) }
    }
    found
}

#[tokio::test]
async fn rest_send_is_idempotent() {
    let f = fixture().await;
    let missing_key = rest_send(&f.app, &f.key_a, None, rest_form(PDF, "200")).await;
    assert_eq!((missing_key.status, missing_key.code()), (StatusCode::BAD_REQUEST, "idempotency_key_required"));
    let first = rest_send(&f.app, &f.key_a, Some("k-1"), rest_form(PDF, "200")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let id = first.body["id"].as_i64().unwrap();
    assert_eq!(first.header("location"), format!("/v1/tenants/ACME/faxes/{id}"));
    assert_eq!(
        (&first.body["status"], &first.body["pages"], &first.body["quality"]),
        (&json!("QUEUED"), &json!(2), &json!("204x98"))
    );
    let again = rest_send(&f.app, &f.key_a, Some("k-1"), rest_form(PDF, "200")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["id"], json!(id));
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!((first.header("idempotent-replayed"), again.header("idempotent-replayed")), ("false", "true"));
    let changed = rest_send(&f.app, &f.key_a, Some("k-1"), rest_form(PDF, "300")).await;
    assert_eq!((changed.status, changed.code()), (StatusCode::CONFLICT, "idempotency_key_reused"));
    // The same key in another tenant is another key.
    let form = rest_form(PDF, "200");
    let req = f
        .app
        .request(reqwest::Method::POST, "/v1/tenants/BETA/faxes", &f.key_b)
        .multipart(form)
        .header("Idempotency-Key", "k-1");
    assert_eq!(f.app.send(req).await.status, StatusCode::CREATED);
    assert_eq!(fax_count(&f.app).await, 2);
    assert_eq!(walk(&f.app.dirs.file_dirs().faxes).len(), 2);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_create_one_fax() {
    let f = fixture().await;
    let sends = (0..4).map(|_| rest_send(&f.app, &f.key_a, Some("same-key"), rest_form(PDF, "200")));
    let answers = futures_util::future::join_all(sends).await;
    let ids: Vec<_> = answers.iter().map(|a| a.body["id"].clone()).collect();
    assert!(ids.iter().all(|id| *id == ids[0] && id.is_i64()), "{ids:?}");
    assert_eq!(answers.iter().filter(|a| a.status == StatusCode::CREATED).count(), 1);
    assert_eq!(answers.iter().filter(|a| a.status == StatusCode::OK).count(), 3);
    assert_eq!(fax_count(&f.app).await, 1);
    assert_eq!(walk(&f.app.dirs.file_dirs().faxes).len(), 1, "losers remove their documents");
}

#[tokio::test]
async fn rest_refuses_non_pdf_oversized_invalid_and_read_only() {
    let f = fixture().await;
    let not_pdf = rest_send(&f.app, &f.key_a, Some("a"), rest_form(b"\x89PNG....", "200")).await;
    assert_eq!((not_pdf.status, not_pdf.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(not_pdf.body["field"], json!("document"));
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(8 * 1024 * 1024 + 1, b' ');
    let oversized = rest_send(&f.app, &f.key_a, Some("b"), rest_form(&big, "200")).await;
    assert_eq!(
        (oversized.status, oversized.body["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("document"))
    );
    let bad_size = rest_send(&f.app, &f.key_a, Some("c"), rest_form(PDF, "200").text("page_size", "a3")).await;
    assert_eq!(bad_size.body["field"], json!("page_size"));
    let bad_schedule = rest_send(&f.app, &f.key_a, Some("d"), rest_form(PDF, "200").text("schedule", "soon")).await;
    assert_eq!(bad_schedule.body["field"], json!("schedule"));
    let read_only = f.app.tenant_key("ACME", true).await;
    let refused = rest_send(&f.app, &read_only, Some("e"), rest_form(PDF, "200")).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "read_only_api_key"));
    assert_eq!(fax_count(&f.app).await, 0);
    // Read-only keys may read.
    let list = f.app.get("/v1/tenants/ACME/faxes", &read_only).await;
    assert_eq!((list.status, list.body["items"].clone()), (StatusCode::OK, json!([])));
}

#[tokio::test]
async fn rest_lists_reads_and_downloads() {
    let f = fixture().await;
    let a = rest_send(&f.app, &f.key_a, Some("1"), rest_form(PDF, "200")).await.body["id"].as_i64().unwrap();
    let form =
        rest_form(PDF, "300").text("schedule", "2030-05-01T12:00:00+02:00").text("status_email", "a@example.com");
    let b = rest_send(&f.app, &f.key_a, Some("2"), form).await;
    let schedule = chrono::DateTime::parse_from_rfc3339(b.body["schedule"].as_str().unwrap()).unwrap();
    assert_eq!(schedule, chrono::DateTime::parse_from_rfc3339("2030-05-01T10:00:00Z").unwrap());
    let b = b.body["id"].as_i64().unwrap();
    let page = f.app.get("/v1/tenants/ACME/faxes?limit=1", &f.key_a).await;
    assert_eq!(page.body["items"][0]["id"], json!(a));
    let cursor = page.body["next_cursor"].as_str().unwrap().to_string();
    let next = f.app.get(&format!("/v1/tenants/ACME/faxes?limit=1&cursor={cursor}"), &f.key_a).await;
    assert_eq!((next.body["items"][0]["id"].clone(), next.body["next_cursor"].clone()), (json!(b), json!(null)));
    let old = f.app.get("/v1/tenants/ACME/faxes?to=2001-01-01", &f.key_a).await;
    assert_eq!(old.body["items"], json!([]));
    let one = f.app.get(&format!("/v1/tenants/ACME/faxes/{b}"), &f.key_a).await;
    assert_eq!((&one.body["dest_number"], &one.body["status_email"]), (&json!("300"), &json!("a@example.com")));
    assert!(one.body.get("path").is_none());
    let resp = f
        .app
        .request(reqwest::Method::GET, &format!("/v1/tenants/ACME/faxes/{a}/document"), &f.key_a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PDF);
    let part = f
        .app
        .request(reqwest::Method::GET, &format!("/v1/tenants/ACME/faxes/{a}/document"), &f.key_a)
        .header("Range", "bytes=0-4")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"%PDF-");
}

#[tokio::test]
async fn another_tenants_fax_answers_like_a_missing_one() {
    let f = fixture().await;
    let sent = legacy_send(&f.app, &f.key_a, &[("source_number", "100"), ("dest_number", "200")], Some(PDF)).await;
    let id = sent.split('|').nth(2).unwrap().to_string();
    for (reqtype, extra) in [("FAX", ("action", "download")), ("INFO", ("info", "fax"))] {
        let ask = |id: &str| {
            let params = [("key", f.key_b.as_str()), ("reqtype", reqtype), extra, ("tenant", "BETA"), ("id", id)];
            params.map(|(k, v)| (k.to_string(), v.to_string()))
        };
        let theirs = f.app.client.get(f.app.url("/proxyapi.php")).query(&ask(&id)).send().await.unwrap();
        let missing = f.app.client.get(f.app.url("/proxyapi.php")).query(&ask("987654")).send().await.unwrap();
        assert_eq!(theirs.headers()["content-type"], missing.headers()["content-type"]);
        assert_eq!(theirs.text().await.unwrap(), "");
        assert_eq!(missing.text().await.unwrap(), "");
    }
    let listed = f.app.legacy(&[("key", &f.key_b), ("reqtype", "FAX"), ("action", "list"), ("tenant", "BETA")]).await;
    assert_eq!(listed.body, "");
    for suffix in ["", "/document"] {
        let theirs = f.app.get(&format!("/v1/tenants/BETA/faxes/{id}{suffix}"), &f.key_b).await;
        let missing = f.app.get(&format!("/v1/tenants/BETA/faxes/987654{suffix}"), &f.key_b).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!((theirs.status, &theirs.body), (missing.status, &missing.body));
    }
    assert_eq!(f.app.get("/v1/tenants/BETA/faxes", &f.key_b).await.body["items"], json!([]));
}

#[tokio::test]
async fn stored_fax_paths_never_lead_outside_the_fax_directory() {
    let f = fixture().await;
    let outside = f.app.dirs.root.join("outside.pdf");
    std::fs::write(&outside, PDF).unwrap();
    let dir = f.app.dirs.file_dirs().faxes.join("ACME");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link.pdf")).unwrap();
    for path in [
        "../../etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        outside.display().to_string(),
        "ACME/link.pdf".to_string(),
    ] {
        let row: (i64,) =
            sqlx::query_as("INSERT INTO fx_faxes (fx_te_id, fx_date, fx_path) VALUES ($1, $2, $3) RETURNING fx_id")
                .bind(f.acme)
                .bind(pbx_gateway::store::now_text())
                .bind(path.clone())
                .fetch_one(f.app.core.db().pool())
                .await
                .unwrap();
        let id = row.0.to_string();
        let legacy = f
            .app
            .legacy(&[("key", &f.key_a), ("reqtype", "FAX"), ("action", "download"), ("tenant", "ACME"), ("id", &id)])
            .await;
        assert_eq!((legacy.body.as_str(), legacy.content_type.as_str()), ("", "text/html; charset=UTF-8"), "{path}");
        let rest = f.app.get(&format!("/v1/tenants/ACME/faxes/{id}/document"), &f.key_a).await;
        assert_eq!((rest.status, rest.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}");
    }
}
