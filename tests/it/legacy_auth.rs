//! CHECKAUTH, INFO EXTENSIONS, AUTHTOKEN and HELP on the legacy door (CONTRACT §1 rows 1, 2, 8, 74).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{KEY_ERROR, Legacy, Rest, TestApp};

const HTML: &str = "text/html; charset=UTF-8";
const JSON: &str = "application/json";
const EXTENSIONS_HEADER: &str = "Number|Name|Tech|State|Username|Password";

/// Creates a user through REST and returns its id.
async fn user(app: &TestApp, body: Value) -> i64 {
    let resp = app.post("/v1/users", &app.admin_key, body).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{:?}", resp.body);
    resp.body["id"].as_i64().expect("user id")
}

async fn check_auth(app: &TestApp, key: &str, username: &str, password: &str, extra: &[(&str, &str)]) -> Legacy {
    let mut params = vec![("key", key), ("reqtype", "CHECKAUTH"), ("username", username), ("password", password)];
    params.extend_from_slice(extra);
    app.legacy(&params).await
}

async fn login(app: &TestApp, username: &str, password: &str) -> Rest {
    app.post("/v1/auth/login", "", json!({"username": username, "password": password})).await
}

async fn authtoken(app: &TestApp, key: &str, params: &[(&str, &str)]) -> Legacy {
    let mut query = vec![("key", key), ("reqtype", "AUTHTOKEN")];
    query.extend_from_slice(params);
    app.legacy(&query).await
}

/// Generates a token for `user` with the admin key, checking it looks like one.
async fn generate(app: &TestApp, user: &str, validity: Option<&str>) -> String {
    let mut params = vec![("action", "generate"), ("user", user)];
    if let Some(v) = validity {
        params.push(("validity", v));
    }
    let answer = authtoken(app, &app.admin_key, &params).await;
    assert_eq!(answer.status, StatusCode::OK);
    let token = answer.body.clone();
    assert!(token.len() >= 32, "token too short: {answer:?}");
    assert!(
        token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "token must be URL-safe: {answer:?}"
    );
    token
}

// ---------------------------------------------------------------------------------------------
// CHECKAUTH
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn checkauth_answers_ok_with_id_profile_and_tenants() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    app.tenant("GAMMA").await;
    let op = user(&app, json!({"username": "op", "password": "op-password", "role": "operator", "profile_id": "7", "tenants": ["ACME", "GAMMA"]})).await;
    let admin =
        user(&app, json!({"username": "boss", "password": "boss-password", "role": "admin", "profile_id": "1"})).await;
    let lonely = user(&app, json!({"username": "lonely", "password": "lonely-password"})).await;
    let key = app.admin_key.as_str();

    let answer = check_auth(&app, key, "op", "op-password", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, HTML);
    assert_eq!(answer.body, format!("OK|{op}|7|ACME,GAMMA|"));
    let answer = check_auth(&app, key, "boss", "boss-password", &[]).await;
    assert_eq!(answer.body, format!("OK|{admin}|1|*|"));
    let answer = check_auth(&app, key, "lonely", "lonely-password", &[]).await;
    assert_eq!(answer.body, format!("OK|{lonely}|||"), "no profile, no tenants");

    // POST works the same and nothing echoes the password.
    let posted = app
        .legacy_post(&[("key", key)], &[("reqtype", "CHECKAUTH"), ("username", "op"), ("password", "op-password")])
        .await;
    assert_eq!(posted.body, format!("OK|{op}|7|ACME,GAMMA|"));
    assert!(!posted.body.contains("op-password"));
}

#[tokio::test]
async fn checkauth_refuses_bad_credentials_with_ko() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "op", "password": "op-password"})).await;
    let disabled = user(&app, json!({"username": "gone", "password": "gone-password", "disabled": true})).await;
    assert!(disabled > 0);
    let key = app.admin_key.as_str();
    for (username, password) in [
        ("op", "wrong-password"),
        ("op", "OP-PASSWORD"),
        ("op", ""),
        ("nobody", "op-password"),
        ("", "op-password"),
        ("gone", "gone-password"),
    ] {
        let answer = check_auth(&app, key, username, password, &[]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, "KO|Invalid credentials|", "{username}/{password}");
        assert!(!answer.body.contains(password) || password.is_empty());
    }
    // Missing parameters are KO too.
    for params in [vec![("username", "op")], vec![("password", "op-password")], vec![]] {
        let mut query = vec![("key", key), ("reqtype", "CHECKAUTH")];
        query.extend(params);
        assert_eq!(app.legacy(&query).await.body, "KO|Invalid credentials|");
    }
    // A good password still works after the failures.
    assert!(check_auth(&app, key, "op", "op-password", &[]).await.body.starts_with("OK|"));
}

#[tokio::test]
async fn checkauth_is_rate_limited_per_username() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "op", "password": "op-password"})).await;
    user(&app, json!({"username": "bystander", "password": "bystander-password"})).await;
    let key = app.admin_key.as_str();
    for _ in 0..10 {
        assert_eq!(check_auth(&app, key, "op", "guess-password", &[]).await.body, "KO|Invalid credentials|");
    }
    let locked = check_auth(&app, key, "op", "op-password", &[]).await;
    assert_eq!(locked.status, StatusCode::OK);
    assert!(locked.body.starts_with("KO|") && locked.body.ends_with('|'), "{locked:?}");
    assert!(!locked.body.contains("op-password"));
    // The same counter guards the REST login, and other users are unaffected.
    assert_eq!(login(&app, "op", "op-password").await.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(check_auth(&app, key, "bystander", "bystander-password", &[]).await.body.starts_with("OK|"));
}

#[tokio::test]
async fn checkauth_json_variant() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let id = user(
        &app,
        json!({"username": "op", "password": "op-password", "role": "viewer", "profile_id": "3", "tenants": ["ACME"]}),
    )
    .await;
    let key = app.admin_key.as_str();

    let answer = check_auth(&app, key, "op", "op-password", &[("format", "json")]).await;
    assert_eq!(answer.content_type, JSON);
    assert!(!answer.body.contains("op-password"));
    let body = answer.json();
    assert_eq!(body["result"], "OK");
    assert_eq!(body["us_id"], id.to_string().as_str());
    assert_eq!(body["us_username"], "op");
    assert_eq!(body["us_up_id"], "3");
    assert_eq!(body["tenants"], json!(["ACME"]));
    assert!(body.get("us_password").is_none() && body.get("password").is_none());

    let answer = check_auth(&app, key, "op", "bad-password", &[("format", "json")]).await;
    assert_eq!(answer.content_type, JSON);
    assert!(!answer.body.contains("bad-password"));
    assert_eq!(answer.json()["result"], "KO");
}

#[tokio::test]
async fn checkauth_needs_the_admin_key() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    user(&app, json!({"username": "op", "password": "op-password", "role": "operator", "tenants": ["ACME"]})).await;
    for read_only in [false, true] {
        let key = app.tenant_key("ACME", read_only).await;
        for tenant in [Some("ACME"), None] {
            let extra: Vec<(&str, &str)> = tenant.map(|t| vec![("tenant", t)]).unwrap_or_default();
            let answer = check_auth(&app, &key, "op", "op-password", &extra).await;
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.body, KEY_ERROR);
        }
    }
    assert_eq!(check_auth(&app, "not-a-key", "op", "op-password", &[]).await.body, KEY_ERROR);
}

#[tokio::test]
async fn checkauth_does_not_consume_login_tokens() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    let token = generate(&app, "adrian", Some("ONCE")).await;
    let answer = check_auth(&app, &app.admin_key, "adrian", &token, &[]).await;
    assert_eq!(answer.body, "KO|Invalid credentials|", "a login token is not a password");
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::OK, "the token is still unused");
}

// ---------------------------------------------------------------------------------------------
// INFO EXTENSIONS
// ---------------------------------------------------------------------------------------------

async fn info_extensions(app: &TestApp, key: &str, params: &[(&str, &str)]) -> Legacy {
    let mut query = vec![("key", key), ("reqtype", "INFO"), ("info", "EXTENSIONS")];
    query.extend_from_slice(params);
    app.legacy(&query).await
}

/// Plain rows (header excluded), each split on `|`.
fn plain_rows(answer: &Legacy) -> Vec<Vec<String>> {
    assert_eq!(answer.content_type, HTML);
    let mut lines = answer.body.split('\n');
    assert_eq!(lines.next(), Some(EXTENSIONS_HEADER), "{answer:?}");
    assert!(answer.body.ends_with('\n'), "{answer:?}");
    lines.filter(|l| !l.is_empty()).map(|l| l.split('|').map(str::to_string).collect()).collect()
}

#[tokio::test]
async fn info_extensions_plain_lists_rows_with_an_empty_password_column() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("BETA").await;
    let key = app.admin_key.as_str();
    let a = app.extension("ACME", key, "100").await;
    let sip = app
        .post(
            "/v1/tenants/ACME/extensions",
            key,
            json!({"number": "101", "name": "Front desk", "tech": "SIP", "secret": "front-desk-secret"}),
        )
        .await;
    assert_eq!(sip.status, StatusCode::CREATED);
    app.extension("BETA", key, "200").await;

    let answer = info_extensions(&app, key, &[("tenant", "ACME")]).await;
    assert!(!answer.body.contains("s3cret-pass") && !answer.body.contains("front-desk-secret"));
    let rows = plain_rows(&answer);
    assert_eq!(rows.len(), 2, "{answer:?}");
    for row in &rows {
        assert_eq!(row.len(), 6, "{row:?}");
        assert_eq!(row[5], "", "the Password column is always empty");
        assert!(!row[3].is_empty(), "State is filled: {row:?}");
    }
    assert_eq!(rows[0][..3], ["100", "Ext 100", "PJSIP"]);
    assert_eq!(rows[0][4], "100-ACME");
    assert_eq!(rows[1][..3], ["101", "Front desk", "SIP"]);
    assert_eq!(rows[1][4], "101-ACME");

    // Selectors.
    let by_id = plain_rows(&info_extensions(&app, key, &[("tenant", "ACME"), ("id", &a.to_string())]).await);
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0][0], "100");
    let by_number = plain_rows(&info_extensions(&app, key, &[("tenant", "ACME"), ("number", "101")]).await);
    assert_eq!(by_number.len(), 1);
    assert_eq!(by_number[0][1], "Front desk");
    for miss in [vec![("number", "999")], vec![("id", "999999")], vec![("id", "abc")], vec![("number", "200")]] {
        let mut params = vec![("tenant", "ACME")];
        params.extend(miss.iter().copied());
        let answer = info_extensions(&app, key, &params).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, "", "{miss:?}");
    }
    // Another tenant's id is not visible through this tenant.
    let foreign = app.get("/v1/tenants/BETA/extensions", key).await.body["items"][0]["id"].as_i64().unwrap();
    let answer = info_extensions(&app, key, &[("tenant", "ACME"), ("id", &foreign.to_string())]).await;
    assert_eq!(answer.body, "");

    // Tenant keys see their own tenant only.
    let tenant_key = app.tenant_key("BETA", true).await;
    let rows = plain_rows(&info_extensions(&app, &tenant_key, &[("tenant", "BETA")]).await);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][4], "200-BETA");
}

#[tokio::test]
async fn info_extensions_json_has_the_named_legacy_row_with_credentials_blanked() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.admin_key.as_str();
    let created = app
        .post(
            "/v1/tenants/ACME/extensions",
            key,
            json!({"number": "100", "name": "Alice", "tech": "SIP", "secret": "alice-sip-secret", "web_password": "alice-web-password"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.body["id"].as_i64().unwrap();

    let answer = info_extensions(&app, key, &[("tenant", "ACME"), ("format", "json")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, JSON);
    for secret in ["alice-sip-secret", "alice-web-password", "argon2", "ex_md5secret"] {
        assert!(!answer.body.contains(secret), "{secret} leaked");
    }
    let records = answer.json();
    let records = records.as_array().expect("a JSON array");
    assert_eq!(records.len(), 1);
    let record = records[0].as_object().expect("record object");
    assert!((145..=155).contains(&record.len()), "about 148 named fields, got {}", record.len());
    assert!(record.keys().all(|k| k.parse::<i64>().is_err()), "no positional twins");
    assert_eq!(record["ex_id"], id.to_string().as_str());
    assert_eq!(record["ex_number"], "100");
    assert_eq!(record["ex_name"], "Alice");
    assert_eq!(record["ex_tech"], "SIP");
    assert_eq!(record["username"], "100-ACME");
    assert_eq!(record["password"], "");
    assert_eq!(record["secret"], "");
    assert_eq!(record["ex_webpassword"], "");
    assert_eq!(record["ex_token"], "");
    assert!(record["st_state"].is_string());
    assert!(record.contains_key("ex_pinlocked") && record.contains_key("ex_token_validity"));
    assert!(record["ex_lastcostalert"].is_null(), "nullable columns stay null");
    // Every value is a string or null: legacy emits numbers as strings.
    assert!(record.values().all(|v| v.is_string() || v.is_null()));

    // Selectors work in json too; a miss is an empty body (not `[]`).
    let by_number = info_extensions(&app, key, &[("tenant", "ACME"), ("format", "json"), ("number", "100")]).await;
    assert_eq!(by_number.body, answer.body);
    let miss = info_extensions(&app, key, &[("tenant", "ACME"), ("format", "json"), ("number", "404")]).await;
    assert_eq!(miss.body, "");
    assert_eq!(miss.content_type, JSON);
}

/// The extension row of CONTRACT §2.6, in legacy column order.
const EXTENSION_ROW: &str =
    "ex_id ex_te_id ex_name ex_tech ex_number ex_trunk ex_tech_id ex_cidnum ex_cidname ex_cidusage
ex_blockcid ex_prefix ex_mindigitprefix ex_maxdigitprefix ex_fmfmstatus ex_fmfmnumber
ex_fmfmdialtimeout ex_fmfmdialmethod ex_fmfmcallerid ex_fmfmnumprefix ex_fmfmnameprefix
ex_recording ex_dialtimeout ex_callgroup ex_pickupgroup ex_unconditionalstatus ex_onbusystatus
ex_onofflinestatus ex_onnoanswerstatus ex_callallowed ex_destallowregex ex_rp_id ex_dnd
ex_emergencycidnum ex_webpassword ex_token ex_token_validity ex_up_id ex_userpanel
ex_datecreation ex_emailrecording ex_fmfmconfirm ex_fmfmconfirmmessage_id ex_minemailrecording
ex_branch ex_department ex_autocallerid ex_trunkcidoverride ex_trunkemergencycidoverride ex_cr_id
ex_trunkcidsource ex_description ex_fmfmholdmessage_id ex_notifymissingemail ex_webuseldap
ex_webuser ex_txvolume ex_rxvolume ex_mu_id ex_faxgateway ex_faxalert ex_trunkdid ex_fmfmdelay
ex_includeindbn ex_abusedetection ex_referenceid ex_notes ex_callwaiting ex_costlimits
ex_dailycostlimit ex_dailycostlimitdom ex_dailycostlimitint ex_routecostlimit ex_dailycostwarning
ex_dailycostwarningdom ex_dailycostwarningint ex_lastcostalert ex_cl_id ex_alertemail ex_includeinpb
ex_onconditionstatus ex_oncondition_id ex_autoanswer ex_autocidname ex_regexprefix
ex_fromfilterregex ex_ignoreemptyemergcallerid ex_overridesippermit ex_webrtcsupport
ex_blockanonymous ex_dn_me_id ex_spygroups ex_email ex_inboundblockcid ex_inboundblockcidname
ex_applyalwaysrpid ex_mailbox ex_outboundtimeout ex_smscidnum ex_useragentsecurity
ex_useragentallowed ex_sms_rp_id ex_callallowedreason ex_permit ex_permit_fqdn
ex_calleridregexsamesms ex_ignoreinternalmissed ex_webphone ex_prefixdefault ex_regexprefixdefault
ex_alertwhenoffline ex_lastofflinealert ex_emergencynotes ex_parkinglot ex_monthlycostlimit
ex_monthlycostlimitdom ex_monthlycostlimitint ex_monthlycostwarning ex_monthlycostwarningdom
ex_monthlycostwarningint ex_workinghours ex_enableworkinghours ex_useextcallerid
ex_pushnotification ex_ignorequeuemissed ex_fmfmonconditionid ex_transcript
ex_outboundrecordingmessage ex_sw_id ex_overridecidnum ex_overridecidname ex_privacyrecording
ex_userapp ex_ipfilter ex_useipfilter ex_switchboard ex_aisummary ex_aisentiment ex_2fatype
ex_2fa_param1 ex_2fa_param2 ex_2fa_param3 ex_lastchange ex_neverexpire ex_passwordlocked
ex_lockpin ex_pinlocked";

#[tokio::test]
async fn info_extensions_and_managedb_carry_the_legacy_row_in_column_order() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.admin_key.as_str();
    let id = app.extension("ACME", key, "100").await.to_string();
    let expected: Vec<&str> = EXTENSION_ROW.split_whitespace().collect();
    assert_eq!(expected.len(), 147);

    let info = info_extensions(&app, key, &[("tenant", "ACME"), ("format", "json")]).await.json();
    let managed = app
        .legacy(&[
            ("key", key),
            ("reqtype", "MANAGEDB"),
            ("object", "extension"),
            ("action", "get"),
            ("objectid", &id),
            ("tenant", "ACME"),
        ])
        .await
        .json();
    for record in [&info[0], &managed] {
        let names: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
        let legacy: Vec<&str> = names.iter().copied().filter(|n| n.starts_with("ex_")).collect();
        assert_eq!(legacy, expected, "the ex_* members in §2.6 order, nothing else prefixed ex_");
        assert_eq!(names[..expected.len()], expected[..], "the legacy row comes first");
        for extra in ["username", "password", "st_state"] {
            assert!(names.contains(&extra), "{extra} missing");
        }
    }
    assert_eq!(&info[0], &managed, "INFO and MANAGEDB show the same record");
}

#[tokio::test]
async fn info_extensions_xml_csv_and_empty_tenants_answer_an_empty_body() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    app.tenant("EMPTY").await;
    let key = app.admin_key.as_str();
    app.extension("ACME", key, "100").await;
    for format in ["xml", "csv", "XML"] {
        let answer = info_extensions(&app, key, &[("tenant", "ACME"), ("format", format)]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, "", "{format}");
        assert_eq!(answer.content_type, HTML);
    }
    for format in [None, Some("plain"), Some("json")] {
        let mut params = vec![("tenant", "EMPTY")];
        if let Some(f) = format {
            params.push(("format", f));
        }
        let answer = info_extensions(&app, key, &params).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, "", "{format:?}");
    }
    let fresh = TestApp::spawn().await;
    let answer = info_extensions(&fresh, &fresh.admin_key, &[]).await;
    assert_eq!(answer.body, "");
}

// ---------------------------------------------------------------------------------------------
// AUTHTOKEN
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_once_token_logs_in_exactly_once() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    let token = generate(&app, "adrian", Some("ONCE")).await;
    let answer =
        authtoken(&app, &app.admin_key, &[("action", "generate"), ("validity", "ONCE"), ("user", "adrian")]).await;
    assert_eq!(answer.content_type, HTML);
    assert_ne!(answer.body, token, "every token is new");

    // The body is the bare token whatever the format.
    let json = authtoken(&app, &app.admin_key, &[("action", "generate"), ("user", "adrian"), ("format", "json")]).await;
    assert_eq!(json.content_type, JSON);
    assert!(json.body.len() >= 32 && !json.body.contains('"'), "{json:?}");

    let first = login(&app, "adrian", &token).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert!(first.body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    let second = login(&app, "adrian", &token).await;
    assert_eq!(second.status, StatusCode::UNAUTHORIZED, "{:?}", second.body);
    // The token belongs to its user only, and the password still works.
    user(&app, json!({"username": "other", "password": "other-password"})).await;
    let token = generate(&app, "adrian", None).await;
    assert_eq!(login(&app, "other", &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::OK, "default validity is ONCE");
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "adrian", "adrian-password").await.status, StatusCode::OK);
}

#[tokio::test]
async fn two_concurrent_logins_with_one_once_token_succeed_exactly_once() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    for _ in 0..3 {
        let token = generate(&app, "adrian", Some("ONCE")).await;
        let (a, b) = tokio::join!(login(&app, "adrian", &token), login(&app, "adrian", &token));
        let statuses = [a.status, b.status];
        let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(ok, 1, "{statuses:?}");
        assert!(statuses.contains(&StatusCode::UNAUTHORIZED), "{statuses:?}");
    }
}

#[tokio::test]
async fn the_losers_of_a_race_for_a_once_token_are_not_counted_as_guesses() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    let token = generate(&app, "adrian", Some("ONCE")).await;
    let racers = (0..15).map(|_| login(&app, "adrian", &token));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(racers).await.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    // 14 losers would have locked the user (limit 10) had they counted as failures.
    assert_eq!(login(&app, "adrian", "adrian-password").await.status, StatusCode::OK);
    for _ in 0..10 {
        assert_eq!(login(&app, "adrian", "a-guess").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::TOO_MANY_REQUESTS, "guesses still count");
}

#[tokio::test]
async fn a_dated_token_works_until_it_expires_and_past_dates_are_refused() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    let token = generate(&app, "adrian", Some("2099-01-01 00:00:00")).await;
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::OK);
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::OK);
    assert_eq!(login(&app, "adrian", &token).await.status, StatusCode::OK);

    let key = app.admin_key.as_str();
    for validity in ["2000-01-01 00:00:00", "2001-02-03", "yesterday", "2099-13-01 00:00:00", "2023-02-29 10:00:00"] {
        let answer = authtoken(&app, key, &[("action", "generate"), ("user", "adrian"), ("validity", validity)]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.starts_with("Error: "), "{validity}: {answer:?}");
    }
    // Date-only validity in the future is accepted.
    generate(&app, "adrian", Some("2099-12-31")).await;
}

#[tokio::test]
async fn reset_revokes_every_token_of_the_user() {
    let app = TestApp::spawn().await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    user(&app, json!({"username": "other", "password": "other-password"})).await;
    let once = generate(&app, "adrian", Some("ONCE")).await;
    let dated = generate(&app, "adrian", Some("2099-01-01 00:00:00")).await;
    let others = generate(&app, "other", Some("2099-01-01 00:00:00")).await;
    assert_eq!(login(&app, "adrian", &dated).await.status, StatusCode::OK);

    let key = app.admin_key.as_str();
    let answer = authtoken(&app, key, &[("action", "reset"), ("user", "adrian")]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "OK");
    assert_eq!(login(&app, "adrian", &once).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "adrian", &dated).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&app, "other", &others).await.status, StatusCode::OK, "other users keep theirs");
    assert_eq!(login(&app, "adrian", "adrian-password").await.status, StatusCode::OK);

    let answer = authtoken(&app, key, &[("action", "RESET"), ("user", "adrian")]).await;
    assert_eq!(answer.body, "OK", "reset is idempotent and case-insensitive");
    let answer = authtoken(&app, key, &[("action", "reset"), ("user", "nobody")]).await;
    assert_eq!(answer.body, "");
}

#[tokio::test]
async fn authtoken_unknown_users_and_tenant_keys() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    user(&app, json!({"username": "adrian", "password": "adrian-password"})).await;
    let key = app.admin_key.as_str();

    for params in [
        vec![("action", "generate"), ("user", "nobody"), ("validity", "ONCE")],
        vec![("action", "generate"), ("validity", "ONCE")],
        vec![("action", "generate"), ("user", "")],
        vec![("action", "reset")],
    ] {
        let answer = authtoken(&app, key, &params).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, "", "{params:?}");
    }
    let answer = authtoken(&app, key, &[("action", "frobnicate"), ("user", "adrian")]).await;
    assert_eq!(answer.body, "Unknown action");

    for read_only in [false, true] {
        let tenant_key = app.tenant_key("ACME", read_only).await;
        for tenant in [Some("ACME"), None] {
            let mut params = vec![("action", "generate"), ("user", "adrian"), ("validity", "ONCE")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_eq!(authtoken(&app, &tenant_key, &params).await.body, KEY_ERROR);
            let mut params = vec![("action", "reset"), ("user", "adrian")];
            if let Some(t) = tenant {
                params.push(("tenant", t));
            }
            assert_eq!(authtoken(&app, &tenant_key, &params).await.body, KEY_ERROR);
        }
    }
    assert_eq!(authtoken(&app, "not-a-key", &[("action", "generate"), ("user", "adrian")]).await.body, KEY_ERROR);
}

// ---------------------------------------------------------------------------------------------
// HELP
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn help_is_an_html_page_of_the_served_operations() {
    let app = TestApp::spawn().await;
    app.tenant("ACME").await;
    let key = app.admin_key.as_str();
    let page = app.legacy(&[("key", key), ("reqtype", "HELP")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.content_type, HTML);
    for word in [
        "<pre>",
        "</pre>",
        "MANAGEDB",
        "INFO",
        "EXTENSIONS",
        "CHECKAUTH",
        "AUTHTOKEN",
        "HELP",
        "tenant",
        "user",
        "extension",
    ] {
        assert!(page.body.contains(word), "HELP lacks {word}");
    }
    assert!(!page.body.contains(key));

    // format is ignored.
    for format in ["json", "xml", "csv"] {
        let other = app.legacy(&[("key", key), ("reqtype", "HELP"), ("format", format)]).await;
        assert_eq!(other.content_type, HTML, "{format}");
        assert_eq!(other.body, page.body, "{format}");
    }
    // Tenant keys (read-only too) may read it for their tenant.
    let ro = app.tenant_key("ACME", true).await;
    let answer = app.legacy(&[("key", &ro), ("reqtype", "HELP"), ("tenant", "ACME")]).await;
    assert_eq!(answer.body, page.body);
    assert_eq!(app.legacy(&[("key", "nope"), ("reqtype", "HELP")]).await.body, KEY_ERROR);
}
