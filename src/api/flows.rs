//! `/v1/tenants/{code}/flows`: day/night switches and variables, and their state.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::bounded::{Text, choice_rules};
use super::problem::{ApiResult, from_service};
use super::resource::rest_resource;
use super::security::Auth;
use crate::service::flows::{self as service, FlowRules};

rest_resource! {
    api: FlowsApi + FlowStateApi,
    rules: FlowRules,
    tag: "super::ApiTags::Flows",
    scope: tenant,
    path: "/v1/tenants/:code/flows",
    item_path: "/v1/tenants/:code/flows/:id",
    operations: {
        list: "list_flows",
        create: "create_flow",
        get: "get_flow",
        update: "update_flow",
        delete: "delete_flow",
    },
    filters: {
        /// Only the flow with this number.
        number: String = "fl_number",
    },
    /// A flow: a switch (state) and a value that dialplans and destinations read.
    read Flow {
        /// Name.
        name: String = "fl_name",
        /// Free comment.
        comment: String = "fl_comment",
        /// Number that toggles or reaches the flow, unique within the tenant.
        number: String = "fl_number",
        /// Current value.
        value: String = "fl_value",
        /// Value while UNAVAILABLE.
        value_for_unavailable: String = "fl_value_for_unavailable",
        /// Value while INUSE.
        value_for_inuse: String = "fl_value_for_inuse",
        /// Value while NOT_INUSE.
        value_for_notinuse: String = "fl_value_for_notinuse",
        /// Value while RINGING.
        value_for_ringing: String = "fl_value_for_ringing",
        /// Channel variable that carries the value.
        variable_name: String = "fl_variable_name",
        /// What the flow monitors (legacy `fl_monitor_type`).
        monitor_type: String = "fl_monitor_type",
        /// Id of the monitored object.
        monitor_type_id: String = "fl_monitor_type_id",
        /// Monitor parameter.
        monitor_parameter: String = "fl_monitor_parameter",
        /// State: `INUSE`, `NOT_INUSE`, `UNAVAILABLE` or `RINGING`.
        state: String = "fl_state",
        /// When the state last changed.
        state_changed_at: Option<chrono::DateTime<chrono::Utc>> = "fl_state_at",
    }
    /// A flow to create (`name` and `number` required) or change.
    write FlowCreate / FlowPatch {
        /// Name.
        name: String = "fl_name",
        /// Free comment.
        comment: String = "fl_comment",
        /// Number (digits), unique within the tenant.
        number: String = "fl_number",
        /// Current value.
        value: String = "fl_value",
        /// Value while UNAVAILABLE.
        value_for_unavailable: String = "fl_value_for_unavailable",
        /// Value while INUSE.
        value_for_inuse: String = "fl_value_for_inuse",
        /// Value while NOT_INUSE.
        value_for_notinuse: String = "fl_value_for_notinuse",
        /// Value while RINGING.
        value_for_ringing: String = "fl_value_for_ringing",
        /// Channel variable that carries the value.
        variable_name: String = "fl_variable_name",
        /// What the flow monitors.
        monitor_type: String = "fl_monitor_type",
        /// Id of the monitored object.
        monitor_type_id: String = "fl_monitor_type_id",
        /// Monitor parameter.
        monitor_parameter: String = "fl_monitor_parameter",
        /// State: `INUSE`, `NOT_INUSE`, `UNAVAILABLE` or `RINGING`.
        state: String = "fl_state",
    }
    /// A page of flows.
    page FlowPage
}

choice_rules! {
    /// A flow's state.
    FlowStateRule = *crate::service::catalog::FLOW_STATES;
}

/// A state change (SETFLOW).
#[derive(Debug, Object)]
pub struct FlowStateChange {
    /// New state: `INUSE`, `NOT_INUSE`, `UNAVAILABLE` or `RINGING`.
    pub state: Option<Text<FlowStateRule>>,
    /// New value.
    pub value: Option<String>,
}

/// Flow state endpoint.
#[derive(Debug)]
pub struct FlowStateApi {
    /// Service core.
    pub core: crate::service::Core,
}

#[OpenApi(tag = "super::ApiTags::Flows")]
impl FlowStateApi {
    /// Set a flow's state and/or value (what legacy SETFLOW does by number).
    #[oai(path = "/v1/tenants/:code/flows/:id/state", method = "put", operation_id = "set_flow_state")]
    async fn set_state(
        &self,
        auth: Auth,
        code: Path<String>,
        id: Path<i64>,
        body: Json<FlowStateChange>,
    ) -> ApiResult<Json<Flow>> {
        let principal = auth.principal(&self.core).await?;
        let b = body.0;
        let row = service::update_state(
            &self.core,
            &principal,
            &code,
            id.0,
            b.state.as_ref().map(|state| state.0.as_str()),
            b.value.as_deref(),
        )
        .await
        .map_err(|e| from_service(e, FlowCreate::rest_field))?;
        Ok(Json(Flow::from(&row)))
    }
}
