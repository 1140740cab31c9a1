//! Destination lists and condition schedules under `/v1/tenants/{code}/...`: a DID's inbound
//! routing, an IVR's lists (prompts and keys), a condition's branches and schedule, a hunt list's
//! ring order. Entries are legacy `TAG-ID` strings (`EXT-12`, `PLAYBACK-60`), validated by the service
//! against the tenant; a PUT replaces the whole list atomically.

use std::collections::BTreeMap;

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::bounded::{List, Text, choice_rules, count_rules};
use super::problem::{ApiError, ApiResult, from_service};
use super::security::Auth;
use crate::domain::destination::{DestinationTag, Target, TypeSrc};
use crate::domain::schedule::ScheduleRow;
use crate::service::{Core, destinations};

count_rules! {
    /// Entries of a destination list.
    EntriesRule = destinations::MAX_ENTRIES;
    /// Rows of a condition's schedule.
    ScheduleRule = destinations::MAX_SCHEDULE_ROWS;
}

/// An ordered destination list.
#[derive(Debug, Object)]
pub struct DestinationList {
    /// `TAG-ID` entries in priority order (tag case-insensitive on input, upper case on output; the
    /// id is the target's internal id). Duplicates are allowed.
    pub destinations: List<String, EntriesRule>,
}

impl DestinationList {
    fn of(tags: &[DestinationTag]) -> Json<DestinationList> {
        Json(DestinationList { destinations: tags.iter().map(ToString::to_string).collect::<Vec<_>>().into() })
    }
}

/// Every list of an IVR.
#[derive(Debug, Object)]
pub struct IvrDestinations {
    /// By list name: `IVR` (the menu's prompts), `IVR_0`…`IVR_9`, `IVR_STAR`, `IVR_HASH` (key
    /// presses), `IVR_TIMEOUT`, `IVR_INVALID`; every list present, empty ones as `[]`.
    pub lists: BTreeMap<String, Vec<String>>,
}

/// One schedule row of a condition.
#[derive(Debug, Object)]
pub struct ScheduleEntry {
    /// WEEKTIME: day of the week, 1 (Monday) to 7 (Sunday; 0 is accepted and stored as 7).
    /// CALENDAR: date `YYYY-MM-DD`.
    pub param1: String,
    /// Start `H:MM`/`HH:MM` (00:00-23:59); CALENDAR: empty for the whole day.
    #[oai(default)]
    pub param2: String,
    /// End `H:MM`/`HH:MM`, after the start; CALENDAR: empty for the whole day.
    #[oai(default)]
    pub param3: String,
}

/// A condition's schedule.
#[derive(Debug, Object)]
pub struct Schedule {
    /// The rows, in order.
    pub entries: List<ScheduleEntry, ScheduleRule>,
}

impl Schedule {
    fn of(rows: &[ScheduleRow]) -> Json<Schedule> {
        let entries = rows
            .iter()
            .map(|r| ScheduleEntry { param1: r.param1.clone(), param2: r.param2.clone(), param3: r.param3.clone() })
            .collect();
        Json(Schedule { entries })
    }
}

/// Destination and schedule endpoints.
#[derive(Debug)]
pub struct DestinationsApi {
    /// Service core.
    pub core: Core,
}

impl DestinationsApi {
    async fn get_list(&self, auth: &Auth, code: &str, typesrc: TypeSrc, id: i64) -> ApiResult<Json<DestinationList>> {
        let principal = auth.principal(&self.core).await?;
        let tags = destinations::list(&self.core, &principal, Some(code), typesrc, id).await?;
        Ok(DestinationList::of(&tags))
    }

    async fn put_list(
        &self,
        auth: &Auth,
        code: &str,
        typesrc: TypeSrc,
        id: i64,
        body: DestinationList,
    ) -> ApiResult<Json<DestinationList>> {
        let principal = auth.principal(&self.core).await?;
        // The service checks each tag as a legacy `destination`; the REST member is `destinations`.
        let tags = destinations::replace(&self.core, &principal, Some(code), typesrc, id, &body.destinations)
            .await
            .map_err(|err| from_service(err, |field| if field == "destination" { "destinations" } else { field }))?;
        Ok(DestinationList::of(&tags))
    }
}

choice_rules! {
    /// The name of one list of an IVR, as the path takes it.
    IvrListName = TypeSrc::IVR_LIST_NAMES;
}

/// An IVR list name from the path (`IVR`, `IVR_1`, `ivr_star`, …).
fn ivr_list(raw: &str) -> ApiResult<TypeSrc> {
    TypeSrc::parse(raw).filter(|t| t.owner() == Target::Ivr).ok_or_else(|| {
        ApiError::invalid("typesrc", "must be IVR, IVR_0-IVR_9, IVR_STAR, IVR_HASH, IVR_TIMEOUT or IVR_INVALID")
    })
}

fn branch(value: bool) -> TypeSrc {
    if value { TypeSrc::Condition } else { TypeSrc::NotCondition }
}

#[OpenApi(tag = "ApiTags::Destinations")]
impl DestinationsApi {
    /// A DID's inbound destinations.
    #[oai(path = "/v1/tenants/:code/dids/:id/destinations", method = "get", operation_id = "get_did_destinations")]
    async fn did_get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<DestinationList>> {
        self.get_list(&auth, &code, TypeSrc::Did, id.0).await
    }

    /// Replace a DID's inbound destinations (all entries valid, or nothing changes).
    #[oai(path = "/v1/tenants/:code/dids/:id/destinations", method = "put", operation_id = "put_did_destinations")]
    async fn did_put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<DestinationList>,
    ) -> ApiResult<Json<DestinationList>> {
        self.put_list(&auth, &code, TypeSrc::Did, id.0, body.0).await
    }

    /// Every list of an IVR, by list name.
    #[oai(path = "/v1/tenants/:code/ivrs/:id/destinations", method = "get", operation_id = "get_ivr_destinations")]
    async fn ivr_get_all(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<IvrDestinations>> {
        let principal = auth.principal(&self.core).await?;
        let lists = destinations::lists_of(&self.core, &principal, Some(&code), Target::Ivr, id.0).await?;
        let lists = lists
            .into_iter()
            .map(|(typesrc, tags)| (typesrc.as_str().to_string(), tags.iter().map(ToString::to_string).collect()))
            .collect();
        Ok(Json(IvrDestinations { lists }))
    }

    /// One list of an IVR (`IVR`, `IVR_0`…`IVR_9`, `IVR_STAR`, `IVR_HASH`, `IVR_TIMEOUT`, `IVR_INVALID`).
    #[oai(path = "/v1/tenants/:code/ivrs/:id/destinations/:typesrc", method = "get", operation_id = "get_ivr_list")]
    async fn ivr_get(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        typesrc: Path<Text<IvrListName>>,
    ) -> ApiResult<Json<DestinationList>> {
        let typesrc = ivr_list(&typesrc.0.0)?;
        self.get_list(&auth, &code, typesrc, id.0).await
    }

    /// Replace one list of an IVR.
    #[oai(path = "/v1/tenants/:code/ivrs/:id/destinations/:typesrc", method = "put", operation_id = "put_ivr_list")]
    async fn ivr_put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        typesrc: Path<Text<IvrListName>>,
        body: Json<DestinationList>,
    ) -> ApiResult<Json<DestinationList>> {
        let typesrc = ivr_list(&typesrc.0.0)?;
        self.put_list(&auth, &code, typesrc, id.0, body.0).await
    }

    /// A condition's destinations: the branch taken when it holds (`branch=true`) or not (`false`).
    #[oai(
        path = "/v1/tenants/:code/conditions/:id/destinations",
        method = "get",
        operation_id = "get_condition_destinations"
    )]
    async fn condition_get(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// `true`: the branch taken when the condition holds; `false`: the other one.
        branch: Query<bool>,
    ) -> ApiResult<Json<DestinationList>> {
        self.get_list(&auth, &code, self::branch(branch.0), id.0).await
    }

    /// Replace one branch of a condition.
    #[oai(
        path = "/v1/tenants/:code/conditions/:id/destinations",
        method = "put",
        operation_id = "put_condition_destinations"
    )]
    async fn condition_put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// `true`: the branch taken when the condition holds; `false`: the other one.
        branch: Query<bool>,
        body: Json<DestinationList>,
    ) -> ApiResult<Json<DestinationList>> {
        self.put_list(&auth, &code, self::branch(branch.0), id.0, body.0).await
    }

    /// A condition's schedule (WEEKTIME day/time windows or CALENDAR dates).
    #[oai(path = "/v1/tenants/:code/conditions/:id/schedule", method = "get", operation_id = "get_condition_schedule")]
    async fn schedule_get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<Schedule>> {
        let principal = auth.principal(&self.core).await?;
        let rows = destinations::schedule(&self.core, &principal, Some(&code), id.0).await?;
        Ok(Schedule::of(&rows))
    }

    /// Replace a condition's schedule (all rows valid, or nothing changes).
    #[oai(path = "/v1/tenants/:code/conditions/:id/schedule", method = "put", operation_id = "put_condition_schedule")]
    async fn schedule_put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<Schedule>,
    ) -> ApiResult<Json<Schedule>> {
        let principal = auth.principal(&self.core).await?;
        let input: Vec<ScheduleRow> = body
            .0
            .entries
            .into_iter()
            .map(|e| ScheduleRow { param1: e.param1, param2: e.param2, param3: e.param3 })
            .collect();
        let rows = destinations::replace_schedule(&self.core, &principal, Some(&code), id.0, &input).await?;
        Ok(Schedule::of(&rows))
    }

    /// A hunt list's members, in ring order.
    #[oai(
        path = "/v1/tenants/:code/huntlists/:id/extensions",
        method = "get",
        operation_id = "get_huntlist_extensions"
    )]
    async fn huntlist_get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<DestinationList>> {
        self.get_list(&auth, &code, TypeSrc::HuntList, id.0).await
    }

    /// Replace a hunt list's members.
    #[oai(
        path = "/v1/tenants/:code/huntlists/:id/extensions",
        method = "put",
        operation_id = "put_huntlist_extensions"
    )]
    async fn huntlist_put(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<DestinationList>,
    ) -> ApiResult<Json<DestinationList>> {
        self.put_list(&auth, &code, TypeSrc::HuntList, id.0, body.0).await
    }
}
