//! `/v1/tenants/{code}/dnd/{number}`: an extension's do-not-disturb state. The same service as the
//! legacy DND reqtype.

use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::problem::ApiResult;
use super::security::Auth;
use crate::service::Core;
use crate::service::dnd::{self as service, Dnd};
use crate::service::lookup::ExtensionRef;

/// An extension's DND state.
#[derive(Debug, Object)]
pub struct DndState {
    /// Extension number.
    pub number: String,
    /// Whether do-not-disturb is on.
    pub dnd: bool,
}

impl From<Dnd> for DndState {
    fn from(d: Dnd) -> Self {
        DndState { number: d.number, dnd: d.on }
    }
}

/// A new DND state.
#[derive(Debug, Object)]
pub struct DndUpdate {
    /// Switch do-not-disturb on (true) or off (false).
    pub dnd: bool,
}

/// DND endpoints.
#[derive(Debug)]
pub struct DndApi {
    /// Service core.
    pub core: Core,
}

#[OpenApi(tag = "ApiTags::Extensions")]
impl DndApi {
    /// Get an extension's do-not-disturb state.
    #[oai(path = "/v1/tenants/:code/dnd/:number", method = "get", operation_id = "get_dnd")]
    async fn get(&self, auth: Auth, code: Path<String>, number: Path<String>) -> ApiResult<Json<DndState>> {
        let principal = auth.principal(&self.core).await?;
        Ok(Json(service::get(&self.core, &principal, &code, ExtensionRef::Name(&number)).await?.into()))
    }

    /// Switch an extension's do-not-disturb on or off.
    #[oai(path = "/v1/tenants/:code/dnd/:number", method = "put", operation_id = "put_dnd")]
    async fn put(
        &self,
        auth: Auth,
        code: Path<String>,
        number: Path<String>,
        body: Json<DndUpdate>,
    ) -> ApiResult<Json<DndState>> {
        let principal = auth.principal(&self.core).await?;
        let dnd = service::set(&self.core, &principal, &code, ExtensionRef::Name(&number), body.0.dnd).await?;
        Ok(Json(dnd.into()))
    }
}
