use super::*;
use serde_json::json;

fn extension() -> LegacyRecord {
    let mut record = LegacyRecord::new();
    record.push("ex_id", "7");
    record.push("ex_webpassword", "hunter2");
    record.push("ex_token", "tok");
    record.push("ex_token_validity", "ONCE");
    record.push("ex_passwordlocked", "no");
    record.push("ex_lastcostalert", None::<String>);
    record.push("ex_lockpin", 1234_i64);
    record
}

#[test]
fn credential_names_follow_the_contract() {
    for name in [
        "password",
        "SECRET",
        "md5secret",
        "ex_webpassword",
        "ex_token",
        "ex_2fa_param2",
        "ex_lockpin",
        "te_recordingpassword",
        "te_apikey",
        "us_password",
        "us_resettoken",
        "pr_remotepassword",
        "imappassword",
        "pin",
        "adminpin",
        "cr_pin",
        "cr_adminpinx",
        "ex_voicemail_pin",
    ] {
        assert!(is_credential_field(name), "{name} should be a credential");
    }
    for name in [
        "ex_token_validity",
        "EX_PASSWORDLOCKED",
        "ex_pinlocked",
        "ex_neverexpire",
        "ex_id",
        "ex_number",
        "pincode",
        "te_code",
        "ex_spygroups",
        "imapuser",
    ] {
        assert!(!is_credential_field(name), "{name} should not be a credential");
    }
}

#[test]
fn blanking_keeps_keys_and_nulls() {
    let mut record = extension();
    record.blank_credentials();
    assert_eq!(
        record.to_json(),
        json!({"ex_id":"7","ex_webpassword":"","ex_token":"","ex_token_validity":"ONCE",
               "ex_passwordlocked":"no","ex_lastcostalert":null,"ex_lockpin":""})
    );
    let mut nullable = LegacyRecord::new();
    nullable.push("secret", None::<&str>);
    nullable.blank_credentials();
    assert_eq!(nullable.get("secret"), Some(&LegacyValue::Null));
    let mut pushed_blank = LegacyRecord::new();
    pushed_blank.push("pin", "");
    let mut blanked = LegacyRecord::new();
    blanked.push("pin", 42_i64);
    blanked.blank_credentials();
    assert_eq!(blanked, pushed_blank);
}

#[test]
fn positional_twins_interleave_and_are_blanked_too() {
    let mut record = extension();
    record.blank_credentials();
    let twins = record.to_json_with_positional_twins();
    let keys: Vec<&str> = twins.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(&keys[..6], &["0", "ex_id", "1", "ex_webpassword", "2", "ex_token"]);
    assert_eq!(twins["1"], json!(""));
    assert_eq!(twins["2"], json!(""));
    assert_eq!(twins["3"], json!("ONCE"));
    assert_eq!(twins["5"], Value::Null);
    assert_eq!(twins["6"], json!(""));
    assert_eq!(keys.len(), 14);
}

#[test]
fn accessors_and_text_cells() {
    let record = extension();
    assert_eq!(record.len(), 7);
    assert!(!record.is_empty());
    assert_eq!(record.get_str("ex_id"), Some("7"));
    assert_eq!(record.get_str("ex_lastcostalert"), None);
    assert_eq!(record.get_str("ex_lockpin"), Some("1234"));
    let mut negative = LegacyRecord::new();
    negative.push("n", -5_i64);
    assert_eq!(negative.get_str("n"), Some("-5"));
    assert_eq!(record.get("ex_lockpin"), Some(&LegacyValue::Num(1234)));
    assert_eq!(record.get("nope"), None);
    assert_eq!(record.values_as_text(), vec!["7", "hunter2", "tok", "ONCE", "no", "", "1234"]);
    assert_eq!(record.to_json()["ex_lockpin"], json!(1234));
}

#[test]
fn keyed_object_is_an_object_or_empty_array() {
    assert_eq!(keyed_object(Vec::new()), json!([]));
    let mut a = LegacyRecord::new();
    a.push("te_id", "0");
    let mut b = LegacyRecord::new();
    b.push("te_id", "1");
    let value = keyed_object(vec![("0".to_string(), a), ("1".to_string(), b)]);
    assert_eq!(value.to_string(), r#"{"0":{"te_id":"0"},"1":{"te_id":"1"}}"#);
}
