//! `/v1/tenants/{code}/campaigns/{id}/...`: run control (start, stop, pause, resume) and the
//! numbers a campaign dials. The same service as the legacy CAMPAIGN reqtype.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::bounded::{Text, text_rules};
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::ApiResult;
use super::security::Auth;
use super::{Created, Deleted};
use crate::domain::bounds::{DIAL_STRING_PATTERN, Length};
use crate::service::Core;
use crate::service::live::campaigns::{self as service, CampaignState, Control};
use crate::service::model::NumberRow;

/// A campaign's run state.
#[derive(Debug, Object)]
pub struct CampaignStatus {
    /// Campaign id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `ONDEMAND` or `SCHEDULED`.
    pub campaign_type: String,
    /// `STOPPED`, `RUNNING` or `PAUSED`.
    pub status: String,
    /// Most calls the dialer keeps up at once (1-30).
    pub max_channels: i64,
}

impl From<CampaignState> for CampaignStatus {
    fn from(s: CampaignState) -> Self {
        CampaignStatus {
            id: s.id,
            name: s.name,
            campaign_type: s.campaign_type,
            status: s.status,
            max_channels: s.max_channels,
        }
    }
}

/// A number a campaign dials.
#[derive(Debug, Object)]
pub struct CampaignNumber {
    /// Id.
    pub id: i64,
    /// The number.
    pub number: String,
    /// Free text.
    pub description: String,
    /// `NEW`, `DIALING`, `ANSWERED`, `FAILED` or `DONE`.
    pub status: String,
    /// Calls placed to it so far.
    pub attempts: i64,
    /// When the last call was placed.
    pub last_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Originate id of the last call (the CDR's `originateid`).
    pub originate_id: Option<String>,
}

impl From<NumberRow> for CampaignNumber {
    fn from(n: NumberRow) -> Self {
        CampaignNumber {
            id: n.id,
            number: n.number,
            description: n.description,
            status: n.status,
            attempts: n.attempts,
            last_attempt_at: n.last_attempt_at.as_deref().and_then(crate::domain::time::stored_utc),
            originate_id: n.originate_id,
        }
    }
}

text_rules! {
    /// Numbers to dial.
    DialRule = Length::DIAL_STRING, DIAL_STRING_PATTERN;
}

/// A number to add.
#[derive(Debug, Object)]
pub struct NewCampaignNumber {
    /// Digits, `*`, `#`, `+`; at most 40.
    pub number: Text<DialRule>,
    /// Free text.
    pub description: Option<String>,
}

/// A page of campaign numbers.
#[derive(Debug, Object)]
pub struct CampaignNumberPage {
    /// The numbers.
    pub items: Vec<CampaignNumber>,
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// Campaign control and numbers.
#[derive(Debug)]
pub struct CampaignActionsApi {
    /// Service core.
    pub core: Core,
}

impl CampaignActionsApi {
    async fn control(&self, auth: Auth, code: &str, id: i64, control: Control) -> ApiResult<Json<CampaignStatus>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(service::control(&self.core, &principal, code, id, control).await?.into()))
    }
}

#[OpenApi(tag = "super::objects::campaigns::Tag::Declared")]
impl CampaignActionsApi {
    /// Start an on-demand campaign (409 for a scheduled one).
    #[oai(path = "/v1/tenants/:code/campaigns/:id/start", method = "post", operation_id = "start_campaign")]
    async fn start(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<CampaignStatus>> {
        self.control(auth, &code, id.0, Control::Start).await
    }

    /// Stop an on-demand campaign (409 for a scheduled one).
    #[oai(path = "/v1/tenants/:code/campaigns/:id/stop", method = "post", operation_id = "stop_campaign")]
    async fn stop(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<CampaignStatus>> {
        self.control(auth, &code, id.0, Control::Stop).await
    }

    /// Pause a running campaign: no new calls until it is resumed.
    #[oai(path = "/v1/tenants/:code/campaigns/:id/pause", method = "post", operation_id = "pause_campaign")]
    async fn pause(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<CampaignStatus>> {
        self.control(auth, &code, id.0, Control::Pause).await
    }

    /// Resume a paused campaign.
    #[oai(path = "/v1/tenants/:code/campaigns/:id/resume", method = "post", operation_id = "resume_campaign")]
    async fn resume(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<CampaignStatus>> {
        self.control(auth, &code, id.0, Control::Resume).await
    }

    /// The numbers of a campaign with their dialling state, in the order they were added.
    #[oai(path = "/v1/tenants/:code/campaigns/:id/numbers", method = "get", operation_id = "list_campaign_numbers")]
    async fn list(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        /// Page size (1-500, default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<CampaignNumberPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let items = service::numbers(&self.core, &principal, &code, id.0, page).await?;
        let next = (items.len() as i64 == page.limit).then(|| items.last().map(|n| n.id)).flatten();
        Ok(Json(CampaignNumberPage {
            items: items.into_iter().map(CampaignNumber::from).collect(),
            next_cursor: next_cursor(next),
        }))
    }

    /// Add a number to dial (409 when the campaign has it already).
    #[oai(path = "/v1/tenants/:code/campaigns/:id/numbers", method = "post", operation_id = "add_campaign_number")]
    async fn add(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<NewCampaignNumber>,
    ) -> ApiResult<Created<CampaignNumber>> {
        let principal = auth.principal(&self.core).await?;
        let description = body.0.description.unwrap_or_default();
        let row = service::add_number(&self.core, &principal, &code, id.0, &body.0.number.0, &description).await?;
        let location = format!("/v1/tenants/{}/campaigns/{}/numbers/{}", code.0, id.0, row.number);
        Ok(Created::Created(Json(row.into()), location))
    }

    /// Remove a number from a campaign.
    #[oai(
        path = "/v1/tenants/:code/campaigns/:id/numbers/:number",
        method = "delete",
        operation_id = "delete_campaign_number"
    )]
    async fn delete(&self, auth: Auth, code: Path<String>, id: Path<i64>, number: Path<String>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        service::delete_number(&self.core, &principal, &code, id.0, &number).await?;
        Ok(Deleted::Deleted)
    }
}
