//! Registrations of endpoints the database no longer serves. Asterisk reads endpoints from the
//! gateway's database (`ps_endpoints`), so a deleted, renumbered, credential-less or disabled
//! extension can no longer register or authenticate; but a contact it registered earlier stays in
//! the node's AstDB (`registrar/contact/<aor>;@<hash>`) until it expires, and calls would still
//! reach that phone. After every such change, and after every resync of a node, each node's
//! contacts are compared with what `ps_endpoints` serves and the others are deleted (`DBDel`).
//! Only gateway endpoints (`<number>-<TENANT>`) are touched; trunks and static endpoints never.

use std::collections::BTreeSet;

use crate::pbx::ami::Action;
use crate::pbx::{Node, PbxError};
use crate::service::{Core, ServiceResult};
use crate::store::pbx_realtime;

/// AstDB family of PJSIP contacts (res_pjsip's sorcery `astdb` wizard, prefix `registrar`).
const CONTACT_FAMILY: &str = "registrar/contact";

/// The columns whose change can stop an extension from being served (the `ps_endpoints` view's
/// conditions and id): renaming or re-describing it cannot.
const SERVING_COLUMNS: &[&str] = &["ex_number", "ex_tech", "ex_md5secret", "disabled", "te_disabled"];

/// Whether a change of `def` can stop an endpoint from being served: a deleted extension or
/// tenant (`changed` = `None`), or an update of one of [`SERVING_COLUMNS`].
fn affects_endpoints(def: &'static crate::domain::object::ObjectDef, changed: Option<&[&str]>) -> bool {
    let served_object =
        std::ptr::eq(def, &crate::service::catalog::EXTENSION) || std::ptr::eq(def, &crate::service::catalog::TENANT);
    served_object && changed.is_none_or(|columns| columns.iter().any(|c| SERVING_COLUMNS.contains(c)))
}

/// After a committed delete (`changed` = `None`) or update (the columns written) of `def`: drops
/// the registrations it ended, in the background (a slow node must not hold the write's answer).
pub fn after_change(core: &Core, def: &'static crate::domain::object::ObjectDef, changed: Option<&[&str]>) {
    if affects_endpoints(def, changed) && !core.pbx().nodes().is_empty() {
        let core = core.clone();
        tokio::spawn(async move { drop_unserved_contacts(&core).await });
    }
}

/// Drops unserved contacts on every connected node; failures are logged (a node that is down is
/// reconciled when it comes back).
pub async fn drop_unserved_contacts(core: &Core) {
    for node in core.pbx().nodes() {
        if let Err(err) = drop_unserved_on(core, node).await {
            tracing::warn!(node = node.name(), error = %err, "could not drop contacts of removed endpoints");
        }
    }
}

/// Drops unserved contacts on one node; answers how many were deleted.
pub async fn drop_unserved_on(core: &Core, node: &Node) -> ServiceResult<usize> {
    let items = match node.send_list(&Action::new("PJSIPShowContacts")).await {
        Ok(items) => items,
        // No contacts at all is an error answer, not a failure.
        Err(PbxError::Rejected { .. }) => return Ok(0),
        Err(err) => return Err(err.into()),
    };
    // (contact id, endpoint) of the gateway's own endpoints.
    let contacts: Vec<(String, String)> = items
        .iter()
        .filter(|item| item.event() == Some("ContactList"))
        .map(|item| (item.text("ObjectName").to_string(), item.text("Endpoint").to_string()))
        .filter(|(id, endpoint)| !id.is_empty() && crate::pbx::tenant::tenant_of_endpoint(endpoint).is_some())
        .collect();
    if contacts.is_empty() {
        return Ok(0);
    }
    let endpoints: Vec<String> =
        contacts.iter().map(|(_, endpoint)| endpoint.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let served: BTreeSet<String> = {
        let mut conn = core.db().pool().acquire().await?;
        pbx_realtime::served_endpoints(&mut conn, &endpoints).await?.into_iter().collect()
    };
    let mut dropped = 0;
    let mut gone = BTreeSet::new();
    for (id, endpoint) in contacts.iter().filter(|(_, endpoint)| !served.contains(endpoint)) {
        let action = Action::new("DBDel").header("Family", CONTACT_FAMILY)?.header("Key", id.clone())?;
        match node.send(&action).await {
            Ok(_) => dropped += 1,
            // Expired between the list and the delete: already gone.
            Err(PbxError::Rejected { .. }) => {}
            Err(err) => return Err(err.into()),
        }
        gone.insert(endpoint.as_str());
        tracing::info!(node = node.name(), endpoint = endpoint.as_str(), "registration of a removed endpoint dropped");
    }
    // The endpoints are gone from the database, hence from the node: the live view forgets them
    // (no re-read needed; Asterisk sends no event for a contact deleted from AstDB).
    node.forget_peers(gone);
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::catalog::{EXTENSION, TENANT, USER};

    #[test]
    fn only_changes_that_can_end_an_endpoint_reach_the_nodes() {
        assert!(affects_endpoints(&EXTENSION, None), "a deleted extension");
        assert!(affects_endpoints(&TENANT, None), "a deleted tenant");
        assert!(affects_endpoints(&EXTENSION, Some(&["ex_name", "ex_md5secret"])), "a new secret");
        assert!(affects_endpoints(&EXTENSION, Some(&["disabled"])));
        assert!(affects_endpoints(&TENANT, Some(&["te_disabled"])));
        assert!(!affects_endpoints(&EXTENSION, Some(&["ex_name", "ex_description"])), "a rename");
        assert!(!affects_endpoints(&TENANT, Some(&["te_name"])));
        assert!(!affects_endpoints(&USER, None), "not an endpoint object");
    }
}
