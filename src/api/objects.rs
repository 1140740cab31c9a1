//! The REST resources of the provisioned objects (CONTRACT §2.3): one file per object under
//! `src/api/objects/`, registered by being there. `build.rs` declares a module per file (in file name
//! order) and generates `ObjectApis` and `apis(core)`, which `api::service` registers, plus the list the
//! declared-columns test walks.
//!
//! Each file follows one convention, which `rest_resource!` fulfils: it exposes `pub type Api` (what
//! it registers: its generated operations, plus hand-written APIs named as `api: XApi + YApi`, see
//! `routes`), `pub fn api(core: &Core) -> Api`, and `pub type Write` (its write type). Its Swagger tag
//! is either shared (`"crate::api::ApiTags::Destinations"`) or declared in the file
//! (`tag: { name: ..., description: ... }`), so a new object edits nothing outside its file.

include!(concat!(env!("OUT_DIR"), "/object_apis.rs"));
