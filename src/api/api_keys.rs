//! `/v1/tenants/{code}/api-keys`: issue (the key is shown once), list without secrets, revoke.

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::bounded::{List, Text, count_rules, text_rules};
use super::input::time;
use super::pagination::{Limit, next_cursor, page_request};
use super::problem::ApiResult;
use super::security::Auth;
use super::{ApiTags, Created, Deleted};
use crate::domain::bounds::Length;
use crate::service::model::ApiKeyRow;
use crate::service::{Core, api_keys};

/// An API key, without its secret.
#[derive(Debug, Object)]
pub struct ApiKey {
    /// Id.
    pub id: i64,
    /// Label.
    pub name: String,
    /// First characters of the key, to recognise it.
    pub prefix: String,
    /// Whether the key can only read.
    pub read_only: bool,
    /// Creation time.
    pub created_at: Option<DateTime<Utc>>,
    /// Revocation time; a revoked key no longer works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who created it: `key:<id>`, `user:<id>`, or `system` (command line, first start). A key is
    /// revoked with its creator key, and when its creator user is disabled or deleted.
    pub created_by: String,
    /// When the key stops working; absent = never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Networks the key may be used from (`address/prefix`); empty = anywhere.
    pub allowed_addresses: Vec<String>,
}

impl From<&ApiKeyRow> for ApiKey {
    fn from(row: &ApiKeyRow) -> Self {
        ApiKey {
            id: row.id,
            name: row.name.clone(),
            prefix: row.prefix.clone(),
            read_only: row.read_only,
            created_at: time(&row.created_at),
            revoked_at: row.revoked_at.as_deref().and_then(time),
            created_by: row.created_by.to_string(),
            expires_at: row.expires_at.as_deref().and_then(time),
            allowed_addresses: row
                .allowed_addresses
                .as_deref()
                .map(|list| list.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
        }
    }
}

/// A key just issued: the only answer that ever contains `key`.
#[derive(Debug, Object)]
pub struct IssuedApiKey {
    /// The key's metadata.
    #[oai(flatten)]
    pub meta: ApiKey,
    /// The key. Store it now: it is not retrievable later.
    pub key: String,
}

text_rules! {
    /// Key labels.
    KeyNameRule = Length::NAME;
}

count_rules! {
    /// Networks of a key.
    NetworksRule = api_keys::MAX_ALLOWED_NETWORKS;
}

/// A key to issue.
#[derive(Debug, Object)]
pub struct ApiKeyCreate {
    /// Label (who or what uses the key).
    pub name: Option<Text<KeyNameRule>>,
    /// Issue a read-only key (default false).
    pub read_only: Option<bool>,
    /// When the key stops working (must lie in the future); absent = never. A key used after it
    /// answers as an unknown key.
    pub expires_at: Option<DateTime<Utc>>,
    /// Networks the key may be used from: `192.0.2.0/24`, `2001:db8::/32` or single addresses
    /// (at most 32). Absent or empty = anywhere. Used from elsewhere, the key answers as an
    /// unknown key.
    pub allowed_addresses: Option<List<String, NetworksRule>>,
}

/// A page of keys.
#[derive(Debug, Object)]
pub struct ApiKeyPage {
    /// The keys, by id.
    pub items: Vec<ApiKey>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// API key endpoints.
#[derive(Debug)]
pub struct ApiKeysApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::ApiKeys")]
impl ApiKeysApi {
    /// List a tenant's API keys (metadata only, revoked ones included).
    #[oai(path = "/v1/tenants/:code/api-keys", method = "get", operation_id = "list_api_keys")]
    async fn list(
        &self,
        auth: Auth,
        /// Tenant code.
        code: Path<String>,
        /// Page size, 1-500 (default 50).
        limit: Query<Option<Limit>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ApiKeyPage>> {
        let principal = auth.principal(&self.core).await?;
        let page = page_request(limit.0.map(Limit::get), cursor.0.as_deref())?;
        let keys = api_keys::list(&self.core, &principal, &code, page).await?;
        Ok(Json(ApiKeyPage {
            items: keys.items.iter().map(ApiKey::from).collect(),
            next_cursor: next_cursor(keys.next_after),
        }))
    }

    /// Issue an API key for the tenant. The answer shows the key once.
    #[oai(path = "/v1/tenants/:code/api-keys", method = "post", operation_id = "create_api_key")]
    async fn create(
        &self,
        auth: Auth,
        code: Path<String>,
        body: Json<ApiKeyCreate>,
    ) -> ApiResult<Created<IssuedApiKey>> {
        let principal = auth.principal(&self.core).await?;
        let body = body.0;
        let name = body.name.map(Text::into_inner).unwrap_or_default();
        let limits = api_keys::KeyLimits {
            expires_at: body.expires_at,
            allowed_addresses: body.allowed_addresses.map(List::into_inner).unwrap_or_default(),
        };
        let read_only = body.read_only.unwrap_or(false);
        let issued = api_keys::create(&self.core, &principal, Some(&code), read_only, &name, &limits).await?;
        let location = format!("/v1/tenants/{}/api-keys/{}", code.0, issued.row.id);
        Ok(Created::Created(Json(IssuedApiKey { meta: ApiKey::from(&issued.row), key: issued.value }), location))
    }

    /// Get one key's metadata.
    #[oai(path = "/v1/tenants/:code/api-keys/:id", method = "get", operation_id = "get_api_key")]
    async fn get(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Json<ApiKey>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(ApiKey::from(&api_keys::get(&self.core, &principal, &code, id.0).await?)))
    }

    /// Revoke a key; it stops working at once.
    #[oai(path = "/v1/tenants/:code/api-keys/:id", method = "delete", operation_id = "revoke_api_key")]
    async fn revoke(&self, auth: Auth, code: Path<String>, id: Path<i64>) -> ApiResult<Deleted> {
        let principal = auth.principal(&self.core).await?;
        api_keys::revoke(&self.core, &principal, &code, id.0).await?;
        Ok(Deleted::Deleted)
    }
}
