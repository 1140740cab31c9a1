//! Campaigns: run control (start, stop, pause, resume), their numbers, and the dialer that calls
//! them. Run state lives in `ca_campaigns.ca_status`; the dialer only reads it, so a paused or
//! stopped campaign places no new call from the next claim on (the claim itself checks `RUNNING`).
//!
//! The dialer is one task per gateway process (see [`spawn_dialer`]). Every tick it takes the
//! `RUNNING` campaigns and originates their `NEW` numbers through
//! [`calls::originate_outbound`](super::calls::originate_outbound), at most `ca_maxchannels`
//! (default 1, at most 30) calls holding a channel per campaign and at most
//! `PBXGW_CAMPAIGN_CALLS_PER_SECOND` new calls per second overall. A number is `DIALING` while its
//! Originate is out, then `ANSWERED` or `FAILED` by its OriginateResponse (matched by node and
//! ActionID), then `DONE` when the answered call hangs up. While no node is available nothing is
//! claimed, so numbers stay `NEW`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::action_node;
use super::calls::{self, OutboundCall};
use crate::auth::Principal;
use crate::pbx::NodeChange;
use crate::pbx::state::LiveChange;
use crate::service::ConflictKind;
use crate::service::Missing;
use crate::service::access::{self, Intent, TenantScope};
use crate::service::audit::{self, Change};
use crate::service::page::PageRequest;
use crate::service::{Core, ServiceError, ServiceResult};
use crate::store::campaign_numbers::{self as store, CampaignRow, NumberRow};

/// Most simultaneous calls a campaign may ask for.
pub const MAX_CHANNELS: i64 = 30;
/// Longest number accepted.
const MAX_NUMBER: usize = crate::domain::bounds::Length::DIAL_STRING.max;
/// Longest number description.
const MAX_DESCRIPTION: usize = 255;
/// A `DIALING` number whose OriginateResponse is this much later than the ring timeout failed.
const RESPONSE_GRACE: Duration = Duration::from_secs(60);

/// A run-control action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// `STOPPED`/`PAUSED` → `RUNNING` (on-demand campaigns only).
    Start,
    /// → `STOPPED` (on-demand campaigns only).
    Stop,
    /// `RUNNING` → `PAUSED`.
    Pause,
    /// `PAUSED` → `RUNNING`.
    Resume,
}

/// The text of the refusal to start or stop a scheduled campaign (legacy `Error|<this>||`).
pub const NOT_ON_DEMAND: &str = "Campaign is not on-demand";

/// A campaign's run state after a control action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignState {
    /// `ca_id`.
    pub id: i64,
    /// `ca_name`.
    pub name: String,
    /// `ONDEMAND` or `SCHEDULED`.
    pub campaign_type: String,
    /// `STOPPED`, `RUNNING` or `PAUSED`.
    pub status: String,
    /// Effective simultaneous-call limit.
    pub max_channels: i64,
}

impl CampaignState {
    fn of(row: &CampaignRow, status: &str) -> CampaignState {
        CampaignState {
            id: row.id,
            name: row.name.clone(),
            campaign_type: row.campaign_type.clone(),
            status: status.to_string(),
            max_channels: max_channels(&row.max_channels),
        }
    }
}

/// `ca_maxchannels` as used: empty or invalid = 1, clamped to 1..=30.
pub fn max_channels(stored: &str) -> i64 {
    stored.trim().parse::<i64>().unwrap_or(1).clamp(1, MAX_CHANNELS)
}

async fn campaign(core: &Core, scope: &TenantScope, id: i64) -> ServiceResult<CampaignRow> {
    let mut conn = core.db().pool().acquire().await?;
    store::campaign(&mut conn, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound(Missing::Campaign))
}

/// Which states an action may leave from, and where it goes; `Err` = refused with that text.
fn transition(control: Control, campaign_type: &str, from: &str) -> Result<&'static str, &'static str> {
    let on_demand = campaign_type.eq_ignore_ascii_case("ONDEMAND");
    match control {
        Control::Start | Control::Stop if !on_demand => Err(NOT_ON_DEMAND),
        Control::Start => Ok("RUNNING"),
        Control::Stop => Ok("STOPPED"),
        Control::Pause if from == "RUNNING" || from == "PAUSED" => Ok("PAUSED"),
        Control::Pause => Err("Campaign is not running"),
        Control::Resume if from == "PAUSED" || from == "RUNNING" => Ok("RUNNING"),
        Control::Resume => Err("Campaign is not paused"),
    }
}

/// Starts, stops, pauses or resumes a campaign of the tenant. The change is a compare-and-set in a
/// transaction, so two concurrent controls cannot both act on the same old state. Refusals are
/// `Conflict` with the legacy text ([`NOT_ON_DEMAND`], ...).
pub async fn control(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    id: i64,
    control: Control,
) -> ServiceResult<CampaignState> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let mut tx = core.db().begin().await?;
    let row = store::campaign(&mut tx, scope.tenant_id, id).await?.ok_or(ServiceError::NotFound(Missing::Campaign))?;
    let to = transition(control, &row.campaign_type, &row.status)
        .map_err(|text| ServiceError::conflict(ConflictKind::State, text))?;
    if to != row.status && !store::set_status(&mut tx, row.id, &row.status, to).await? {
        return Err(ServiceError::conflict(ConflictKind::Busy, "the campaign changed meanwhile; try again"));
    }
    let change = campaign_change(&scope, row.id, "control")
        .before(serde_json::json!({ "status": row.status }))
        .after(serde_json::json!({ "status": to }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    tracing::info!(tenant = %scope.code, campaign = row.id, from = %row.status, to, "campaign state changed");
    Ok(CampaignState::of(&row, to))
}

fn check_number(number: &str) -> ServiceResult<()> {
    let ok = !number.is_empty()
        && number.len() <= MAX_NUMBER
        && number.chars().all(|c| c.is_ascii_digit() || "*#+".contains(c));
    if ok { Ok(()) } else { Err(ServiceError::invalid("number", "must be 1-40 characters of 0-9, *, # or +")) }
}

fn check_description(description: &str) -> ServiceResult<()> {
    if description.len() > MAX_DESCRIPTION || description.chars().any(char::is_control) {
        return Err(ServiceError::invalid("numberdescription", "at most 255 characters without control characters"));
    }
    Ok(())
}

/// Adds a number to dial (`NEW`); a number the campaign has already is a `Conflict`.
pub async fn add_number(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    id: i64,
    number: &str,
    description: &str,
) -> ServiceResult<NumberRow> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    check_number(number)?;
    check_description(description)?;
    let row = campaign(core, &scope, id).await?;
    let mut tx = core.db().begin().await?;
    let added =
        store::insert(&mut tx, scope.tenant_id, row.id, number, description).await.map_err(|err| match err {
            crate::store::StoreError::Duplicate => {
                ServiceError::conflict(ConflictKind::Duplicate, "the campaign has this number already")
            }
            other => other.into(),
        })?;
    let change = campaign_change(&scope, row.id, "add_number")
        .after(serde_json::json!({ "number": number, "description": description }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(added)
}

/// The audit entry of a change to campaign `id`.
fn campaign_change(scope: &TenantScope, id: i64, action: &'static str) -> Change {
    Change::new("campaign", action).id(id).in_scope(scope)
}

/// Removes a number; `NotFound(Missing::CampaignNumber)` when the campaign does not have it.
pub async fn delete_number(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    id: i64,
    number: &str,
) -> ServiceResult<()> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let row = campaign(core, &scope, id).await?;
    let mut tx = core.db().begin().await?;
    if !store::delete(&mut tx, row.id, number).await? {
        return Err(ServiceError::NotFound(Missing::CampaignNumber));
    }
    let change = campaign_change(&scope, row.id, "delete_number").before(serde_json::json!({ "number": number }));
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(())
}

/// A page of the campaign's numbers with their dialling state, in the order they were added.
pub async fn numbers(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    id: i64,
    page: PageRequest,
) -> ServiceResult<Vec<NumberRow>> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Read).await?;
    let row = campaign(core, &scope, id).await?;
    let mut conn = core.db().pool().acquire().await?;
    Ok(store::list(&mut conn, row.id, page.after_id.unwrap_or(0), page.limit.max(1)).await?)
}

/// Removes every number of the campaign; answers how many.
pub async fn clean_numbers(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<u64> {
    let scope = access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let row = campaign(core, &scope, id).await?;
    let mut tx = core.db().begin().await?;
    let removed = store::delete_all(&mut tx, row.id).await?;
    let change = campaign_change(&scope, row.id, "clean_numbers").after_field("removed", removed);
    audit::record(&mut tx, principal, change).await?;
    tx.commit().await?;
    Ok(removed)
}

/// Starts the campaign dialer of this process. Only called when PBX nodes are configured; the
/// task runs as long as the runtime.
pub fn spawn_dialer(core: Core) {
    let changes = core.pbx().subscribe();
    tokio::spawn(Dialer { core, pending: HashMap::new(), answered: HashMap::new() }.run(changes));
}

/// An Originate whose OriginateResponse has not come yet.
struct Pending {
    originate_id: String,
    channel: String,
    since: Instant,
}

struct Dialer {
    core: Core,
    /// (node, ActionID) → the call.
    pending: HashMap<(String, String), Pending>,
    /// (node, Uniqueid of the answered channel) → originate id.
    answered: HashMap<(String, String), (String, Instant)>,
}

impl Dialer {
    async fn run(mut self, mut changes: broadcast::Receiver<Arc<NodeChange>>) {
        let mut ticker = tokio::time::interval(self.core.config().pbx.campaigns.tick);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    if let Err(err) = self.tick().await {
                        tracing::warn!(error = %err, "campaign dialer tick failed");
                    }
                }
                change = changes.recv() => match change {
                    Ok(change) => {
                        if let Err(err) = self.on_change(&change).await {
                            tracing::warn!(error = %err, "campaign dialer could not record a call outcome");
                        }
                    }
                    // Lost outcomes are caught by the expiry in `tick`.
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "campaign dialer missed live changes");
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
            }
        }
    }

    async fn on_change(&mut self, change: &NodeChange) -> ServiceResult<()> {
        match &change.change {
            LiveChange::OriginateResult { action_id, success, channel, uniqueid, .. } => {
                let key = (change.node.to_string(), action_id.clone());
                // Another session's Originate may reuse the ActionID: the channel must match too.
                let Some(pending) = self.pending.get(&key).filter(|p| channel.starts_with(&p.channel)) else {
                    return Ok(());
                };
                let originate_id = pending.originate_id.clone();
                self.pending.remove(&key);
                let to = if *success { "ANSWERED" } else { "FAILED" };
                let mut conn = self.core.db().pool().acquire().await?;
                store::advance(&mut conn, &originate_id, "DIALING", to).await?;
                if *success {
                    self.answered.insert((change.node.to_string(), uniqueid.clone()), (originate_id, Instant::now()));
                }
            }
            LiveChange::ChannelHungUp { uniqueid, .. } => {
                if let Some((originate_id, _)) = self.answered.remove(&(change.node.to_string(), uniqueid.clone())) {
                    let mut conn = self.core.db().pool().acquire().await?;
                    store::advance(&mut conn, &originate_id, "ANSWERED", "DONE").await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn tick(&mut self) -> ServiceResult<()> {
        let settings = self.core.config().pbx.campaigns.clone();
        self.expire(&settings).await?;
        // No node: claim nothing, the numbers stay NEW.
        let Ok(node) = action_node(&self.core, None) else { return Ok(()) };
        let node = node.clone();
        let per_tick = u128::from(settings.calls_per_second) * settings.tick.as_millis() / 1000;
        let mut budget = i64::try_from(per_tick.max(1)).unwrap_or(i64::MAX);
        let campaigns = {
            let mut conn = self.core.db().pool().acquire().await?;
            store::running(&mut conn).await?
        };
        for campaign in campaigns {
            if budget <= 0 {
                break;
            }
            let mut conn = self.core.db().pool().acquire().await?;
            let free = max_channels(&campaign.max_channels) - store::count_in_flight(&mut conn, campaign.id).await?;
            if free <= 0 {
                continue;
            }
            let numbers = store::next_new(&mut conn, campaign.id, free.min(budget)).await?;
            drop(conn);
            for number in numbers {
                budget -= 1;
                if !self.dial(&node, &campaign, &number).await? {
                    // The node stopped answering: try again next tick.
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Claims and dials one number; `false` when the node is unavailable (nothing more this tick).
    async fn dial(
        &mut self,
        node: &crate::pbx::Node,
        campaign: &CampaignRow,
        number: &NumberRow,
    ) -> ServiceResult<bool> {
        let settings = &self.core.config().pbx.campaigns;
        let id = calls::fresh_originate_id();
        {
            let mut conn = self.core.db().pool().acquire().await?;
            if !store::claim(&mut conn, number.id, &id, &crate::store::now_text()).await? {
                return Ok(true);
            }
        }
        let (context, exten) = settings.target(&campaign.tenant_code, campaign.id);
        let call = OutboundCall {
            tenant_id: campaign.tenant_id,
            tenant: &campaign.tenant_code,
            placed_by: format!("campaign:{}", campaign.id),
            dest: &number.number,
            context,
            exten,
            variables: vec![("__CAMPAIGNID".into(), campaign.id.to_string())],
        };
        match calls::originate_outbound(&self.core, node, &call, &id).await {
            Ok(placed) => {
                self.pending.insert(
                    (placed.node, placed.action_id),
                    Pending { originate_id: placed.id, channel: placed.channel, since: Instant::now() },
                );
                Ok(true)
            }
            Err(err) => {
                let mut conn = self.core.db().pool().acquire().await?;
                let placed = crate::store::originates::status(&mut conn, &id).await?;
                tracing::warn!(campaign = campaign.id, originate_id = %id, error = %err, "campaign call not placed");
                match (err, placed) {
                    // Refused by Asterisk, or a number the dialplan cannot take: this number failed.
                    (ServiceError::PbxRejected(_) | ServiceError::Invalid { .. }, _) => {
                        store::advance(&mut conn, &id, "DIALING", "FAILED").await?;
                        Ok(true)
                    }
                    // Timed out: it may ring; the expiry settles it.
                    (_, Some(_)) => Ok(false),
                    // Certainly not sent: back to NEW.
                    (_, None) => {
                        store::release(&mut conn, &id).await?;
                        Ok(false)
                    }
                }
            }
        }
    }

    /// Settles calls whose outcome never came, in the database and in memory.
    async fn expire(&mut self, settings: &crate::pbx::settings::CampaignSettings) -> ServiceResult<()> {
        let ring = self.core.config().pbx.dialplan.ring_timeout + RESPONSE_GRACE;
        let before = |age: Duration| {
            let at = chrono::Utc::now() - chrono::Duration::from_std(age).unwrap_or_default();
            at.format(crate::store::TIME_FORMAT).to_string()
        };
        let mut conn = self.core.db().pool().acquire().await?;
        store::expire(&mut conn, "DIALING", "FAILED", &before(ring)).await?;
        store::expire(&mut conn, "ANSWERED", "DONE", &before(settings.answered_timeout)).await?;
        self.pending.retain(|_, pending| pending.since.elapsed() < ring);
        self.answered.retain(|_, (_, since)| since.elapsed() < settings.answered_timeout);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_demand_campaigns_start_and_stop() {
        assert_eq!(transition(Control::Start, "SCHEDULED", "STOPPED"), Err(NOT_ON_DEMAND));
        assert_eq!(transition(Control::Stop, "SCHEDULED", "RUNNING"), Err(NOT_ON_DEMAND));
        assert_eq!(transition(Control::Start, "ONDEMAND", "STOPPED"), Ok("RUNNING"));
        assert_eq!(transition(Control::Stop, "ONDEMAND", "PAUSED"), Ok("STOPPED"));
        assert_eq!(transition(Control::Pause, "SCHEDULED", "RUNNING"), Ok("PAUSED"));
    }

    #[test]
    fn pause_needs_a_run_and_resume_a_pause() {
        assert!(transition(Control::Pause, "ONDEMAND", "STOPPED").is_err());
        assert!(transition(Control::Resume, "ONDEMAND", "STOPPED").is_err());
        assert_eq!(transition(Control::Resume, "ONDEMAND", "PAUSED"), Ok("RUNNING"));
    }

    #[test]
    fn max_channels_default_to_one_and_stop_at_thirty() {
        assert_eq!(max_channels(""), 1);
        assert_eq!(max_channels("x"), 1);
        assert_eq!(max_channels("0"), 1);
        assert_eq!(max_channels("5"), 5);
        assert_eq!(max_channels("500"), 30);
    }

    #[test]
    fn numbers_are_dialable_characters_only() {
        assert!(check_number("+39061234").is_ok());
        for bad in ["", "12a", "1 2", "1\r\nAction: Hangup", &"1".repeat(41)] {
            assert!(check_number(bad).is_err(), "{bad:?}");
        }
        assert!(check_description("call back\r\nAction: x").is_err());
    }
}
