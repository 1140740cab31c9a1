//! `/v1/tenants/{code}/events` and admin `/v1/events`: the live changes as Server-Sent Events.
//! The event name is the change's `type` (`channel_created`, `channel_updated`, `channel_hung_up`,
//! `device_state`, `extension_state`, `peer_status`, `queue_member`, `queue_caller`); the data is
//! the change as JSON with its `node`. A client that falls behind gets a `resync` event and should
//! re-read `/channels`, `/peers` and `/blf`. A comment line keeps idle connections open every 15 s.

use std::time::Duration;

use poem::web::sse::Event;
use poem_openapi::param::Path;
use poem_openapi::payload::EventStream;
use poem_openapi::{Object, OpenApi};

use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::live::events::{self, FeedItem, LiveFeed};

/// Interval of the keep-alive comment: shorter than the idle timeouts of common proxies (60 s).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One live change. Besides these fields the data carries the fields of its `type`, e.g. a
/// channel's `name`, `uniqueid`, `linkedid`, `state`, ... for `channel_created`.
#[derive(Debug, Object)]
pub struct LiveEvent {
    /// The PBX node where it happened (absent on `resync`).
    pub node: Option<String>,
    /// What happened; also the SSE event name: `channel_created`, `channel_updated`,
    /// `channel_hung_up`, `device_state`, `extension_state`, `peer_status`, `queue_member`,
    /// `queue_caller`, or `resync` (changes were dropped: re-read the state).
    #[oai(rename = "type")]
    pub kind: String,
    /// Tenant the change belongs to (absent for changes of no tenant, admin feed only).
    pub tenant: Option<String>,
    /// On `resync`: how many changes were dropped.
    pub missed: Option<u64>,
    #[oai(skip)]
    data: String,
}

impl LiveEvent {
    fn from_item(item: FeedItem) -> LiveEvent {
        match item {
            FeedItem::Change(change) => {
                let data = serde_json::to_string(&*change).unwrap_or_else(|_| "{}".into());
                LiveEvent {
                    node: Some(change.node.to_string()),
                    kind: change_type(&data),
                    tenant: change.change.tenant().map(str::to_string),
                    missed: None,
                    data,
                }
            }
            FeedItem::Resync { missed } => LiveEvent {
                node: None,
                kind: "resync".into(),
                tenant: None,
                missed: Some(missed),
                data: serde_json::json!({ "type": "resync", "missed": missed }).to_string(),
            },
        }
    }

    fn into_sse(self) -> Event {
        Event::message(self.data).event_type(self.kind)
    }
}

/// The serde tag of a change (`LiveChange` is tagged with `type`).
fn change_type(data: &str) -> String {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()
        .and_then(|value| value.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_else(|| "change".into())
}

type Feed = EventStream<futures_util::stream::BoxStream<'static, LiveEvent>>;

fn stream(feed: LiveFeed) -> Feed {
    let items = futures_util::stream::unfold(feed, |mut feed| async move {
        feed.next().await.map(|item| (LiveEvent::from_item(item), feed))
    });
    EventStream::new(futures_util::StreamExt::boxed(items)).keep_alive(KEEP_ALIVE).to_event(LiveEvent::into_sse)
}

/// Live change feeds.
#[derive(Debug)]
pub struct EventsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "super::ApiTags::Live")]
impl EventsApi {
    /// The tenant's live changes as Server-Sent Events (`text/event-stream`), from now on.
    #[oai(path = "/v1/tenants/:code/events", method = "get", operation_id = "tenant_events")]
    async fn tenant(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
    ) -> ApiResult<Feed> {
        let principal = auth.principal(&self.core).await?;
        Ok(stream(events::subscribe(&self.core, &principal, Some(&code)).await?))
    }

    /// Every tenant's live changes, and changes of no tenant (trunks, ...), as Server-Sent
    /// Events. Admin keys only.
    #[oai(path = "/v1/events", method = "get", operation_id = "all_events")]
    async fn all(&self, auth: Auth) -> ApiResult<Feed> {
        let principal = auth.principal(&self.core).await?;
        Ok(stream(events::subscribe(&self.core, &principal, None).await?))
    }
}
