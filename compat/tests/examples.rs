//! Table-driven checks over every vendor example request (tests/data/examples.jsonl): each one
//! must decode, keep every parameter, and be recognised, whether it arrives as a query string or
//! as a form body.

use pbx_compat::command::{AuthTokenCommand, Command, InfoKind, ReqType, Validity};
use pbx_compat::request::{LegacyRequest, encode_component};
use serde_json::Value;

struct Example {
    line: usize,
    params: Vec<(String, String)>,
    jsondata: Option<Value>,
}

impl Example {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The two ways clients send a call: parameters in the query with `jsondata` in the body
    /// (vendor style), or everything in an urlencoded body (client style).
    fn variants(&self) -> [(&'static str, LegacyRequest); 2] {
        let encoded = encode_pairs(&self.params);
        let json_field = self.jsondata.as_ref().map(|json| format!("jsondata={}", encode_component(&json.to_string())));
        let body_only: Vec<String> =
            [encoded.clone()].into_iter().chain(json_field.clone()).filter(|part| !part.is_empty()).collect();
        [
            ("query", LegacyRequest::from_raw(&encoded, json_field.unwrap_or_default().as_bytes())),
            ("body", LegacyRequest::from_raw("", body_only.join("&").as_bytes())),
        ]
    }
}

fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(n, v)| format!("{}={}", encode_component(n), encode_component(v))).collect::<Vec<_>>().join("&")
}

fn load_examples() -> Vec<Example> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/examples.jsonl");
    let text = std::fs::read_to_string(path).expect("examples.jsonl readable");
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let value: Value = serde_json::from_str(line).expect("example line is JSON");
            let params = value["params"]
                .as_array()
                .expect("params array")
                .iter()
                .map(|pair| {
                    let name = pair[0].as_str().expect("param name").to_string();
                    let value = pair[1].as_str().expect("param value").to_string();
                    (name, value)
                })
                .collect();
            Example { line: index + 1, params, jsondata: value.get("jsondata").cloned() }
        })
        .collect()
}

fn canonical_object(raw: &str) -> String {
    match raw.to_lowercase().as_str() {
        "phones" => "phone".to_string(),
        "customtype" => "customtypes".to_string(),
        "phonephonebooks" => "phonephonebook".to_string(),
        other => other.to_string(),
    }
}

#[test]
fn the_example_file_is_the_expected_one() {
    let examples = load_examples();
    assert_eq!(examples.len(), 124);
    let managedb = examples.iter().filter(|e| e.param("reqtype") == Some("MANAGEDB")).count();
    assert_eq!(managedb, 74);
    assert_eq!(examples.iter().filter(|e| e.jsondata.is_some()).count(), 26);
}

#[test]
fn every_parameter_survives_both_transports() {
    for example in load_examples() {
        for (transport, req) in example.variants() {
            for (name, _) in &example.params {
                assert_eq!(req.get(name), example.param(name), "line {} ({transport}): {name}", example.line);
                let all: Vec<&str> =
                    example.params.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
                assert_eq!(req.get_all(name), all, "line {}", example.line);
            }
        }
    }
}

#[test]
fn every_reqtype_is_known_and_recognised() {
    for example in load_examples() {
        let raw = example.param("reqtype").expect("every example has a reqtype");
        let reqtype = ReqType::parse(raw).unwrap_or_else(|| panic!("line {}: {raw}", example.line));
        assert_eq!(reqtype.as_str(), raw.to_uppercase());
        for (transport, req) in example.variants() {
            let command = Command::parse(&req);
            let matches = match (&command, reqtype) {
                (Command::ManageDb(_), ReqType::ManageDb)
                | (Command::Info(_), ReqType::Info)
                | (Command::CheckAuth { .. }, ReqType::CheckAuth)
                | (Command::AuthToken(_), ReqType::AuthToken)
                | (Command::Help, ReqType::Help) => true,
                (Command::Other(other), _) => *other == reqtype,
                _ => false,
            };
            assert!(matches, "line {} ({transport}): {command:?}", example.line);
        }
    }
}

#[test]
fn managedb_examples_yield_object_action_and_jsondata() {
    for example in load_examples() {
        if example.param("reqtype") != Some("MANAGEDB") {
            continue;
        }
        for (transport, req) in example.variants() {
            let Command::ManageDb(cmd) = Command::parse(&req) else {
                panic!("line {} ({transport}) is not MANAGEDB", example.line);
            };
            let object = canonical_object(example.param("object").unwrap_or_default());
            assert_eq!(cmd.object, object, "line {}", example.line);
            let action = example.param("action").unwrap_or_default().to_lowercase();
            assert_eq!(cmd.action, action, "line {}", example.line);
            assert_eq!(cmd.objectid.as_deref(), example.param("objectid"), "line {}", example.line);
            assert_eq!(cmd.filter.as_deref(), example.param("filter"));
            let parsed =
                cmd.jsondata.as_deref().map(|raw| serde_json::from_str::<Value>(raw).expect("jsondata parses"));
            assert_eq!(parsed, example.jsondata, "line {}", example.line);
        }
    }
}

#[test]
fn managedb_aliases_appear_in_the_examples() {
    let phones = load_examples()
        .into_iter()
        .find(|e| e.param("object") == Some("phones"))
        .expect("an example uses the `phones` alias");
    let [(_, req), _] = phones.variants();
    let Command::ManageDb(cmd) = Command::parse(&req) else {
        panic!("not MANAGEDB");
    };
    assert_eq!(cmd.object, "phone");
    assert_eq!(cmd.action, "add");
}

#[test]
fn info_extensions_examples_yield_their_selectors() {
    let mut seen = 0;
    for example in load_examples() {
        if example.param("info") != Some("EXTENSIONS") {
            continue;
        }
        seen += 1;
        for (_, req) in example.variants() {
            assert_eq!(
                Command::parse(&req),
                Command::Info(InfoKind::Extensions {
                    id: example.param("id").map(str::to_string),
                    number: example.param("number").map(str::to_string),
                }),
                "line {}",
                example.line
            );
        }
    }
    assert_eq!(seen, 3);
}

#[test]
fn info_sub_types_are_upper_cased() {
    let variable = load_examples()
        .into_iter()
        .find(|e| e.param("info") == Some("variable"))
        .expect("an example uses a lower-case info");
    let [(_, req), _] = variable.variants();
    assert_eq!(Command::parse(&req), Command::Info(InfoKind::Other("VARIABLE".to_string())));
}

#[test]
fn authtoken_example_generates_a_single_use_token() {
    let examples: Vec<Example> =
        load_examples().into_iter().filter(|e| e.param("reqtype") == Some("AUTHTOKEN")).collect();
    assert_eq!(examples.len(), 2);
    for example in examples {
        for (_, req) in example.variants() {
            assert_eq!(
                Command::parse(&req),
                Command::AuthToken(AuthTokenCommand::Generate {
                    user: Some("adrian".to_string()),
                    validity: Ok(Validity::Once),
                })
            );
        }
    }
}

#[test]
fn raw_percent_tenant_means_all_tenants() {
    let example =
        load_examples().into_iter().find(|e| e.param("tenant") == Some("%")).expect("the CSV example passes tenant=%");
    let raw_query = example.params.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&");
    assert!(raw_query.contains("tenant=%&"));
    let req = LegacyRequest::from_raw(&raw_query, b"");
    assert_eq!(req.get("tenant"), Some("%"));
    assert_eq!(req.get("format"), Some("csv"));
    assert_eq!(LegacyRequest::from_raw("tenant=%", b"").get("tenant"), Some("%"));
}

#[test]
fn body_wins_over_query_and_last_occurrence_wins() {
    let req = LegacyRequest::from_raw(
        "reqtype=INFO&tenant=QUERY&tenant=QUERY2&format=json",
        b"tenant=BODY1&tenant=BODY2&reqtype=MANAGEDB&object=did",
    );
    assert_eq!(req.get("tenant"), Some("BODY2"));
    assert_eq!(req.get("format"), Some("json"));
    assert!(matches!(Command::parse(&req), Command::ManageDb(_)));
    let query_only = LegacyRequest::from_raw("tenant=A&tenant=B", b"");
    assert_eq!(query_only.get("tenant"), Some("B"));
}

#[test]
fn discriminator_values_ignore_case_but_names_do_not() {
    let req = LegacyRequest::from_raw("reqtype=managedb&object=TENANT&action=LIST", b"");
    let Command::ManageDb(cmd) = Command::parse(&req) else {
        panic!("not MANAGEDB");
    };
    assert_eq!((cmd.object.as_str(), cmd.action.as_str()), ("tenant", "list"));
    let upper_names = LegacyRequest::from_raw("REQTYPE=MANAGEDB&OBJECT=tenant", b"");
    assert_eq!(Command::parse(&upper_names), Command::Unknown);
}
