//! The objects demo data refers to: extensions, two queues with members, an IVR, a response path
//! and voicemail boxes. Created through the service layer as the system principal, so they obey
//! the same rules as objects created through the API; each is looked up by its number or name
//! first, so running `demo-data` twice reuses them instead of failing or duplicating.

use serde_json::json;

use crate::auth::Principal;
use crate::service::access::{self, Intent};
use crate::service::catalog::{IVRS, QUEUES, RESPONSEPATHS};
use crate::service::extensions::{ExtensionRules, username};
use crate::service::lookup::ExtensionRef;
use crate::service::model::Row;
use crate::service::objects::{self, Input, ObjectRules, PageRequest};
use crate::service::queue_members::{self, MemberChange, QueueRef};
use crate::service::voicemail::VoicemailRules;
use crate::service::{Core, ServiceError};

/// Extension numbers the demo provisions.
const EXTENSIONS: std::ops::RangeInclusive<u32> = 101..=110;

/// Names of the response path's variables (its VARIABLE steps' `rr_type_name`).
pub const PATH_VARIABLES: &[&str] = &["customer_id", "language", "satisfaction"];

/// An extension of the demo.
#[derive(Debug, Clone)]
pub struct Ext {
    /// `ex_id`.
    pub id: i64,
    /// `ex_number`.
    pub number: String,
    /// `<number>-<TENANT>`: SIP endpoint and queue member name.
    pub username: String,
    /// Display name.
    pub name: String,
}

/// A queue of the demo and its members.
#[derive(Debug, Clone)]
pub struct Queue {
    /// `qu_id` (Asterisk's queue name).
    pub id: i64,
    /// `qu_number`.
    pub number: String,
    /// `qu_name`.
    pub name: String,
    /// Members (never empty).
    pub members: Vec<Ext>,
}

/// A voicemail box of the demo.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// The voicemail row id (`uniqueid`).
    pub id: i64,
    /// Mailbox number (= extension number).
    pub number: String,
}

/// A named object (response path).
#[derive(Debug, Clone)]
pub struct Named {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// Everything provisioned for one tenant.
#[derive(Debug, Clone)]
pub struct Setup {
    /// `te_id`.
    pub tenant_id: i64,
    /// `te_code`.
    pub code: String,
    /// Extensions 101-110.
    pub extensions: Vec<Ext>,
    /// Two queues.
    pub queues: Vec<Queue>,
    /// The IVR's id.
    pub ivr_id: i64,
    /// The response path.
    pub path: Named,
    /// Voicemail boxes (of the first five extensions).
    pub mailboxes: Vec<Mailbox>,
}

/// Finds or creates the demo objects of tenant `code`; an unknown tenant is an error naming it.
pub async fn ensure(core: &Core, code: &str) -> anyhow::Result<Setup> {
    let system = Principal::system();
    let scope = match access::tenant_scope(core, &system, code, Intent::Write).await {
        Ok(scope) => scope,
        Err(ServiceError::TenantNotFound) => {
            anyhow::bail!("unknown tenant {code:?} (create it first, e.g. through POST /v1/tenants)")
        }
        Err(err) => return Err(err.into()),
    };
    let code = scope.code.clone();
    let mut extensions = Vec::new();
    for number in EXTENSIONS {
        let name = format!("Demo User {number}");
        let input = object(&[("ex_number", number.to_string()), ("ex_name", name.clone())]);
        let row = find_or_create(core, &ExtensionRules, &code, "ex_number", &number.to_string(), &input).await?;
        let number = row.text("ex_number").to_string();
        extensions.push(Ext { id: row.id, username: username(&number, &code), number, name });
    }
    let mut queues = Vec::new();
    for (i, (name, number)) in [("Demo Sales", "601"), ("Demo Support", "602")].into_iter().enumerate() {
        let input = object(&[("qu_name", name.into()), ("qu_number", number.into()), ("strategy", "RRMEMORY".into())]);
        let row = find_or_create(core, &QUEUES, &code, "qu_name", name, &input).await?;
        let members: Vec<Ext> = extensions.iter().skip(i * 4).take(4).cloned().collect();
        for member in &members {
            let change = MemberChange::default();
            queue_members::put(core, &system, &code, QueueRef::Id(row.id), ExtensionRef::Id(member.id), &change)
                .await?;
        }
        queues.push(Queue { id: row.id, number: row.text("qu_number").to_string(), name: name.into(), members });
    }
    let ivr = find_or_create(
        core,
        &IVRS,
        &code,
        "iv_name",
        "Demo Main Menu",
        &object(&[("iv_name", "Demo Main Menu".into())]),
    )
    .await?;
    let description = format!("Demo survey; variables {}", PATH_VARIABLES.join(", "));
    let path_input = object(&[("rh_name", "Demo Survey".into()), ("rh_description", description)]);
    let path = find_or_create(core, &RESPONSEPATHS, &code, "rh_name", "Demo Survey", &path_input).await?;
    let mut mailboxes = Vec::new();
    for ext in extensions.iter().take(5) {
        let input = object(&[
            ("mailbox", ext.number.clone()),
            ("password", "1234".into()),
            ("fullname", ext.name.clone()),
            ("email", format!("{}@example.com", ext.number)),
        ]);
        let row = find_or_create(core, &VoicemailRules, &code, "mailbox", &ext.number, &input).await?;
        mailboxes.push(Mailbox { id: row.id, number: ext.number.clone() });
    }
    Ok(Setup {
        tenant_id: scope.tenant_id,
        code,
        extensions,
        queues,
        ivr_id: ivr.id,
        path: Named { id: path.id, name: "Demo Survey".into() },
        mailboxes,
    })
}

fn object(members: &[(&str, String)]) -> Input {
    members.iter().map(|(k, v)| ((*k).to_string(), json!(v))).collect()
}

/// The tenant's row whose `column` equals `value`, created from `input` when there is none.
async fn find_or_create(
    core: &Core,
    rules: &dyn ObjectRules,
    code: &str,
    column: &'static str,
    value: &str,
    input: &Input,
) -> anyhow::Result<Row> {
    let system = Principal::system();
    let filter = objects::Filter::equals(rules, column, value)?;
    let page = PageRequest { after_id: None, limit: 1 };
    let found = objects::list(core, &system, rules, Some(code), vec![filter], page).await?;
    if let Some(row) = found.items.into_iter().next() {
        return Ok(row);
    }
    Ok(objects::create(core, &system, rules, Some(code), input).await?)
}
