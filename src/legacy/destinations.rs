//! MANAGEDB calls on destination lists and schedules (CONTRACT §2.3, §3): object `destination`
//! (`list`, `replace`), `ivr` `getdestinations`, `condition` `getdestinations` / `getextendedinfos`
//! / `replaceextendedinfos`, `huntlist` `getextensions` / `setextensions`. Translation only: the
//! rules live in `service::destinations`.
//!
//! Door decisions: `list` without `typesrc` or `typeidsrc` answers an empty body (§3.2); `replace`
//! with a missing or unknown `typesrc` answers `Invalid typesrc`; a missing or non-numeric
//! `typeidsrc` on `replace` names no owner and answers `null`, like a missing owner does.

use pbx_compat::command::ManageDbCommand;
use pbx_compat::errors;
use pbx_compat::render::Rendered;
use serde_json::{Map, Value as Json};

use super::dispatch::{Call, error_text};
use crate::domain::destination::{DestinationTag, Target, TypeSrc};
use crate::domain::schedule::ScheduleRow;
use crate::service::{Core, ServiceError, destinations};

/// Answers the call when it is one of this module's, else `None` (the generic path takes it).
pub async fn answer(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Option<Rendered> {
    let out = match (cmd.object.as_str(), cmd.action.as_str()) {
        ("destination", "list") => list(core, call).await,
        ("destination", "replace") => replace(core, call, cmd).await,
        ("destination", _) => Ok(Answer::Text(errors::UNKNOWN_ACTION.into())),
        ("ivr", "getdestinations") => owner_lists(core, call, cmd, Target::Ivr).await,
        ("condition", "getdestinations") => owner_lists(core, call, cmd, Target::Condition).await,
        ("condition", "getextendedinfos") => schedule(core, call, cmd).await,
        ("condition", "replaceextendedinfos") => replace_schedule(core, call, cmd).await,
        ("huntlist", "getextensions") => huntlist(core, call, cmd).await,
        ("huntlist", "setextensions") => set_huntlist(core, call, cmd).await,
        _ => return None,
    };
    Some(match out {
        Ok(Answer::Json(value)) => Rendered::json(&call.output, &value),
        Ok(Answer::Text(body)) => Rendered::text(&call.output, body),
        Err(err) => Rendered::text(&call.output, error_text(err)),
    })
}

enum Answer {
    Json(Json),
    Text(String),
}

fn tags_json(tags: &[DestinationTag]) -> Json {
    Json::Array(tags.iter().map(|tag| Json::String(tag.to_string())).collect())
}

fn ok() -> Answer {
    Answer::Text(errors::OK.into())
}

/// `objectid` as an owner id: missing is `No objectid specified`, non-numeric names nothing (`null`).
fn object_id(cmd: &ManageDbCommand) -> Result<i64, Answer> {
    match cmd.objectid.as_deref() {
        None => Err(Answer::Text(errors::NO_OBJECTID_SPECIFIED.into())),
        Some(raw) => raw.parse::<i64>().map_err(|_| Answer::Text(errors::NULL.into())),
    }
}

macro_rules! try_answer {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(answer) => return Ok(answer),
        }
    };
}

async fn list(core: &Core, call: &Call<'_>) -> Result<Answer, ServiceError> {
    let (Some(typesrc), Some(typeidsrc)) = (call.request.non_empty("typesrc"), call.request.non_empty("typeidsrc"))
    else {
        return Ok(Answer::Text(String::new()));
    };
    let Some(typesrc) = TypeSrc::parse(typesrc) else {
        return Ok(Answer::Text(errors::INVALID_TYPESRC.into()));
    };
    let Ok(typeidsrc) = typeidsrc.trim().parse::<i64>() else {
        return Ok(Answer::Text(errors::NULL.into()));
    };
    let tags = destinations::list(core, &call.principal, call.tenant, typesrc, typeidsrc).await?;
    Ok(Answer::Json(tags_json(&tags)))
}

async fn replace(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let Some(typesrc) = call.request.non_empty("typesrc").and_then(TypeSrc::parse) else {
        return Ok(Answer::Text(errors::INVALID_TYPESRC.into()));
    };
    let Some(typeidsrc) = call.request.non_empty("typeidsrc").and_then(|id| id.trim().parse::<i64>().ok()) else {
        return Ok(Answer::Text(errors::NULL.into()));
    };
    let entries = try_answer!(destination_entries(cmd.jsondata.as_deref()));
    destinations::replace(core, &call.principal, call.tenant, typesrc, typeidsrc, &entries).await?;
    Ok(ok())
}

/// IVR: `{"IVR":[…],"IVR_0":[…],…}`; condition: `{"CONDITION":[…],"NOTCONDITION":[…]}`. Every
/// list is present, empty ones as `[]`.
async fn owner_lists(
    core: &Core,
    call: &Call<'_>,
    cmd: &ManageDbCommand,
    owner: Target,
) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let lists = destinations::lists_of(core, &call.principal, call.tenant, owner, id).await?;
    let map: Map<String, Json> =
        lists.iter().map(|(typesrc, tags)| (typesrc.as_str().to_string(), tags_json(tags))).collect();
    Ok(Answer::Json(Json::Object(map)))
}

async fn huntlist(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let tags = destinations::list(core, &call.principal, call.tenant, TypeSrc::HuntList, id).await?;
    Ok(Answer::Json(tags_json(&tags)))
}

async fn set_huntlist(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let entries = try_answer!(destination_entries(cmd.jsondata.as_deref()));
    destinations::replace(core, &call.principal, call.tenant, TypeSrc::HuntList, id, &entries).await?;
    Ok(ok())
}

async fn schedule(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let rows = destinations::schedule(core, &call.principal, call.tenant, id).await?;
    Ok(Answer::Json(Json::Array(rows.iter().map(schedule_json).collect())))
}

async fn replace_schedule(core: &Core, call: &Call<'_>, cmd: &ManageDbCommand) -> Result<Answer, ServiceError> {
    let id = try_answer!(object_id(cmd));
    let rows = try_answer!(schedule_entries(cmd.jsondata.as_deref()));
    destinations::replace_schedule(core, &call.principal, call.tenant, id, &rows).await?;
    Ok(ok())
}

fn schedule_json(row: &ScheduleRow) -> Json {
    serde_json::json!({"param1": row.param1, "param2": row.param2, "param3": row.param3})
}

/// The entries of a `replace` / `setextensions` `jsondata` (§3.3): an array of strings; an object
/// keyed `"1"`, `"2"`… (sorted numerically); a single string; `[]` / `{}` clear. Anything else,
/// including a non-string member, is `Invalid jsondata`.
fn destination_entries(jsondata: Option<&str>) -> Result<Vec<String>, Answer> {
    parse_entries(jsondata).ok_or_else(|| Answer::Text(errors::INVALID_JSONDATA.into()))
}

fn parse_entries(jsondata: Option<&str>) -> Option<Vec<String>> {
    let text = |value: Json| match value {
        Json::String(s) => Some(s),
        _ => None,
    };
    match serde_json::from_str::<Json>(jsondata?).ok()? {
        Json::String(one) => Some(vec![one]),
        Json::Array(items) => items.into_iter().map(text).collect(),
        Json::Object(map) => {
            let mut keyed = map
                .into_iter()
                .map(|(key, value)| Some((key.trim().parse::<u64>().ok()?, text(value)?)))
                .collect::<Option<Vec<_>>>()?;
            keyed.sort_by_key(|(position, _)| *position);
            Some(keyed.into_iter().map(|(_, entry)| entry).collect())
        }
        _ => None,
    }
}

/// The rows of a `replaceextendedinfos` `jsondata`: an array of objects with `param1`..`param3`
/// (strings or numbers; a missing member is empty). Anything else is `Invalid jsondata`.
fn schedule_entries(jsondata: Option<&str>) -> Result<Vec<ScheduleRow>, Answer> {
    parse_schedule(jsondata).ok_or_else(|| Answer::Text(errors::INVALID_JSONDATA.into()))
}

fn parse_schedule(jsondata: Option<&str>) -> Option<Vec<ScheduleRow>> {
    let Json::Array(items) = serde_json::from_str::<Json>(jsondata?).ok()? else {
        return None;
    };
    items
        .into_iter()
        .map(|item| {
            let Json::Object(map) = item else { return None };
            let param = |name: &str| match map.get(name) {
                None | Some(Json::Null) => Some(String::new()),
                Some(Json::String(s)) => Some(s.clone()),
                Some(Json::Number(n)) => Some(n.to_string()),
                Some(_) => None,
            };
            Some(ScheduleRow { param1: param("param1")?, param2: param("param2")?, param3: param("param3")? })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn jsondata_shapes_of_section_3_3() {
        let entries = |raw: &str| parse_entries(Some(raw));
        assert_eq!(entries(r#"["PLAYBACK-60","EXT-29379"]"#).unwrap(), ["PLAYBACK-60", "EXT-29379"]);
        assert_eq!(entries(r#"{"2":"QUEUE-5","10":"EXT-3","1":"EXT-1"}"#).unwrap(), ["EXT-1", "QUEUE-5", "EXT-3"]);
        assert_eq!(entries(r#""EXT-1""#).unwrap(), ["EXT-1"]);
        assert!(entries("[]").unwrap().is_empty());
        assert!(entries("{}").unwrap().is_empty());
        assert_eq!(entries(r#"["EXT-1","EXT-1"]"#).unwrap().len(), 2);
        for bad in [
            "",
            "nope",
            "5",
            "null",
            "true",
            r#"[1]"#,
            r#"["EXT-1",null]"#,
            r#"{"a":"EXT-1"}"#,
            r#"{"1":5}"#,
            r#"[["EXT-1"]]"#,
        ] {
            assert!(entries(bad).is_none(), "{bad:?}");
        }
        assert!(parse_entries(None).is_none());
    }

    #[test]
    fn schedule_jsondata() {
        let rows = parse_schedule(Some(r#"[{"param1":"1","param2":"8:00","param3":"13:00"},{"param1":2}]"#)).unwrap();
        assert_eq!(rows[0].param3, "13:00");
        assert_eq!((rows[1].param1.as_str(), rows[1].param2.as_str()), ("2", ""));
        assert!(parse_schedule(Some("[]")).unwrap().is_empty());
        for bad in ["{}", r#"["1"]"#, r#"[{"param1":[1]}]"#, "x"] {
            assert!(parse_schedule(Some(bad)).is_none(), "{bad:?}");
        }
    }
}
