use super::*;

fn parse(query: &str) -> Command {
    Command::parse(&LegacyRequest::from_raw(query, b""))
}

#[test]
fn missing_or_unknown_reqtype_is_unknown() {
    assert_eq!(parse(""), Command::Unknown);
    assert_eq!(parse("reqtype="), Command::Unknown);
    assert_eq!(parse("reqtype=NOPE"), Command::Unknown);
    assert_eq!(parse("REQTYPE=INFO"), Command::Unknown);
}

#[test]
fn managedb_discriminators_are_case_insensitive() {
    let Command::ManageDb(cmd) = parse("reqtype=managedb&object=TENANT&action=LIST") else {
        panic!("not MANAGEDB");
    };
    assert_eq!(
        cmd,
        ManageDbCommand {
            object: "tenant".into(),
            action: "list".into(),
            objectid: None,
            jsondata: None,
            filter: None,
        }
    );
}

#[test]
fn managedb_aliases_objectid_jsondata_and_filter() {
    for (raw, canonical) in
        [("PHONES", "phone"), ("customType", "customtypes"), ("phonephonebooks", "phonephonebook"), ("did", "did")]
    {
        let Command::ManageDb(cmd) = parse(&format!("reqtype=MANAGEDB&object={raw}")) else {
            panic!("not MANAGEDB");
        };
        assert_eq!(cmd.object, canonical);
        assert_eq!(cmd.action, "");
    }
    let req = LegacyRequest::from_raw(
        "reqtype=MANAGEDB&object=did&action=update&objectid=+42+&filter=",
        b"jsondata=%7B%22a%22%3A+1%7D",
    );
    let Command::ManageDb(cmd) = Command::parse(&req) else {
        panic!("not MANAGEDB");
    };
    assert_eq!(cmd.objectid.as_deref(), Some("42"));
    assert_eq!(cmd.jsondata.as_deref(), Some("{\"a\": 1}"));
    assert_eq!(cmd.filter, None);
    let Command::ManageDb(blank) = parse("reqtype=MANAGEDB&objectid=+&filter=te_code%3D1") else {
        panic!("not MANAGEDB");
    };
    assert_eq!(blank.objectid, None);
    assert_eq!(blank.filter.as_deref(), Some("te_code=1"));
}

#[test]
fn info_sub_types() {
    assert_eq!(parse("reqtype=INFO"), Command::Info(InfoKind::Missing));
    assert_eq!(parse("reqtype=info&info="), Command::Info(InfoKind::Missing));
    assert_eq!(parse("reqtype=INFO&info=agents"), Command::Info(InfoKind::Other("AGENTS".into())));
    assert_eq!(
        parse("reqtype=Info&info=Extensions&id=36979&number=+"),
        Command::Info(InfoKind::Extensions { id: Some("36979".into()), number: None })
    );
}

#[test]
fn checkauth_keeps_raw_values() {
    assert_eq!(
        parse("reqtype=CHECKAUTH&username=u&password="),
        Command::CheckAuth { username: Some("u".into()), password: Some(String::new()) }
    );
    assert_eq!(parse("reqtype=checkauth"), Command::CheckAuth { username: None, password: None });
}

#[test]
fn authtoken_actions_and_validity() {
    let generate = |validity: &str| match parse(&format!("reqtype=AUTHTOKEN&action=Generate&user=adrian{validity}")) {
        Command::AuthToken(AuthTokenCommand::Generate { user, validity }) => {
            assert_eq!(user.as_deref(), Some("adrian"));
            validity
        }
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(generate(""), Ok(Validity::Once));
    assert_eq!(generate("&validity="), Ok(Validity::Once));
    assert_eq!(generate("&validity=once"), Ok(Validity::Once));
    let until = LegacyDateTime::parse("2030-01-02 03:04:05").map(Validity::Until);
    assert_eq!(generate("&validity=2030-01-02+03%3A04%3A05").ok(), until);
    assert_eq!(generate("&validity=tomorrow"), Err("tomorrow".into()));
    assert_eq!(
        parse("reqtype=AUTHTOKEN&action=RESET&user=+"),
        Command::AuthToken(AuthTokenCommand::Reset { user: None })
    );
    assert_eq!(parse("reqtype=AUTHTOKEN&action=revoke"), Command::AuthToken(AuthTokenCommand::Unknown));
    assert_eq!(parse("reqtype=AUTHTOKEN"), Command::AuthToken(AuthTokenCommand::Unknown));
}

#[test]
fn help_and_other_reqtypes() {
    assert_eq!(parse("reqtype=help"), Command::Help);
    assert_eq!(parse("reqtype=dial"), Command::Other(ReqType::Dial));
    assert_eq!(parse("reqtype=CHANSIPPEERS"), Command::Other(ReqType::ChanSipPeers));
}
