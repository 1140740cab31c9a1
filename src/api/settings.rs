//! `/v1/tenants/{code}/settings`: the declared tenant settings with their values or defaults. The
//! same service as the legacy SETTING reqtype.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::settings::{self as service, Setting as SettingValue};

/// A tenant setting.
#[derive(Debug, Object)]
pub struct Setting {
    /// Code, as the legacy SETTING reqtype names it (e.g. `VMAUTORECOVER`).
    pub code: String,
    /// What it does.
    pub description: String,
    /// What it accepts, in words.
    pub allowed: String,
    /// The tenant's value (the default when never set).
    pub value: String,
    /// The value of a tenant that never set it.
    pub default: String,
    /// Whether `value` is the default because the tenant never set it.
    pub is_default: bool,
}

impl From<SettingValue> for Setting {
    fn from(s: SettingValue) -> Self {
        Setting {
            code: s.def.code.to_string(),
            description: s.def.description.to_string(),
            allowed: s.def.allowed.describe(),
            value: s.value,
            default: s.def.default.to_string(),
            is_default: s.is_default,
        }
    }
}

/// Every declared setting (a short fixed list: no pagination).
#[derive(Debug, Object)]
pub struct SettingList {
    /// Settings, in declaration order.
    pub items: Vec<Setting>,
}

/// A new value.
#[derive(Debug, Object)]
pub struct SettingUpdate {
    /// Checked against the setting's rule and stored normalised (e.g. `YES` → `yes`).
    pub value: String,
}

/// Tenant setting endpoints.
#[derive(Debug)]
pub struct SettingsApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Settings")]
impl SettingsApi {
    /// List every setting with the tenant's value or the default.
    #[oai(path = "/v1/tenants/:code/settings", method = "get", operation_id = "list_settings")]
    async fn list(&self, auth: Auth, code: Path<String>) -> ApiResult<Json<SettingList>> {
        let principal = auth.principal(&self.core).await?;
        let settings = service::list(&self.core, &principal, &code).await?;
        Ok(Json(SettingList { items: settings.into_iter().map(Setting::from).collect() }))
    }

    /// Get one setting.
    #[oai(path = "/v1/tenants/:code/settings/:setting", method = "get", operation_id = "get_setting")]
    async fn get(&self, auth: Auth, code: Path<String>, setting: Path<String>) -> ApiResult<Json<Setting>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(Setting::from(service::get(&self.core, &principal, &code, &setting).await?)))
    }

    /// Set one setting.
    #[oai(path = "/v1/tenants/:code/settings/:setting", method = "put", operation_id = "put_setting")]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        setting: Path<String>,
        body: Json<SettingUpdate>,
    ) -> ApiResult<Json<Setting>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(Setting::from(service::set(&self.core, &principal, &code, &setting, &body.0.value).await?)))
    }
}
