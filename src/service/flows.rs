//! Flows: day/night switches and variables (FLOWS, SETFLOW, INFO FLOW, INFO variable, REST flows).
//! The state is stored; the live-PBX port mirrors it into Asterisk device state when it lands.

use super::access::{self, Intent};
use super::catalog::{FLOW, FLOW_STATES};
use super::objects;
use super::page::PageRequest;
use super::rules::{Input, ObjectRules, Prepare, set};
use super::{Core, ServiceError, ServiceResult};
use crate::auth::Principal;
use crate::domain::object::ObjectDef;
use crate::service::Missing;
use crate::store::objects::{Changes, Row, Value};

/// Rules of `flow`: a state change is time-stamped.
#[derive(Debug)]
pub struct FlowRules;

impl ObjectRules for FlowRules {
    fn def(&self) -> &'static ObjectDef {
        &FLOW
    }

    fn prepare(&self, _ctx: &Prepare<'_>, changes: &mut Changes) -> ServiceResult<()> {
        if changes.iter().any(|(name, _)| *name == "fl_state") {
            set(changes, "fl_state_at", Value::Text(crate::store::now_text()));
        }
        Ok(())
    }
}

/// The flows of a tenant (FLOWS).
pub async fn list(core: &Core, principal: &Principal, tenant: &str) -> ServiceResult<Vec<Row>> {
    Ok(objects::list(core, principal, &FlowRules, Some(tenant), Vec::new(), PageRequest::ALL).await?.items)
}

/// One flow by id, or `None` (INFO FLOW, INFO variable).
pub async fn get(core: &Core, principal: &Principal, tenant: &str, id: i64) -> ServiceResult<Option<Row>> {
    match objects::get(core, principal, &FlowRules, Some(tenant), id).await {
        Ok(row) => Ok(Some(row)),
        Err(ServiceError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Sets the state and/or value of the flow with `number` (SETFLOW); `NotFound` for an unknown number.
pub async fn set_state(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    number: &str,
    state: Option<&str>,
    value: Option<&str>,
) -> ServiceResult<Row> {
    access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let filter = objects::Filter::equals(&FlowRules, "fl_number", number)?;
    let page = PageRequest { after_id: None, limit: 1 };
    let flow = objects::list(core, principal, &FlowRules, Some(tenant), vec![filter], page)
        .await?
        .items
        .into_iter()
        .next()
        .ok_or(ServiceError::NotFound(Missing::Flow))?;
    update_state(core, principal, tenant, flow.id, state, value).await
}

/// Sets the state and/or value of a flow by id.
pub async fn update_state(
    core: &Core,
    principal: &Principal,
    tenant: &str,
    id: i64,
    state: Option<&str>,
    value: Option<&str>,
) -> ServiceResult<Row> {
    if state.is_none() && value.is_none() {
        return Err(ServiceError::invalid("state", format!("give a state ({}) or a value", FLOW_STATES.join(", "))));
    }
    let mut input = Input::new();
    if let Some(state) = state {
        input.insert("fl_state".into(), state.into());
    }
    if let Some(value) = value {
        input.insert("fl_value".into(), value.into());
    }
    let row = objects::update(core, principal, &FlowRules, Some(tenant), id, &input).await?;
    super::live::devices::push_flow(core, tenant, row.text("fl_number"), row.text("fl_state"), row.text("fl_value"))
        .await;
    Ok(row)
}
