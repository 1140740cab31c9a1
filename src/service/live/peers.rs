//! Actions on a tenant's PJSIP peers (REBOOT and UNREGISTER, `POST /peers/{name}/reboot|unregister`).
//! A peer is named `<number>-<TENANT>`; the caller only ever finds its own tenant's peers (through
//! [`reads::peers`] and the tenant rule), so another tenant's peer answers like a missing one.

use super::reads::{self, LivePeer, ReadScope};
use crate::auth::Principal;
use crate::pbx::ami::Action;
use crate::service::Missing;
use crate::service::access::{self, Intent};
use crate::service::{Core, ServiceError, ServiceResult};

/// The peer name that means "every peer of the tenant".
pub const ALL: &str = "ALL";

/// The NOTIFY event a phone reads as "re-read your configuration and restart" (capture 44).
const REBOOT_EVENT: &str = "Event=check-sync";

/// The peers an action is about, per node: `ALL` = every visible peer with a contact (a phone
/// without one cannot be reached); a name = that peer on the nodes where it has a contact, or on
/// every node that knows it when it has none. Nothing visible is `NotFound(Missing::Peer)`.
async fn targets(core: &Core, principal: &Principal, tenant: &str, peer: &str) -> ServiceResult<Vec<LivePeer>> {
    let scope = ReadScope { tenant: Some(tenant), ..ReadScope::default() };
    let visible = reads::peers(core, principal, &scope).await?.items;
    if peer.eq_ignore_ascii_case(ALL) {
        return Ok(visible.into_iter().filter(|live| !live.peer.contacts.is_empty()).collect());
    }
    let known: Vec<LivePeer> = visible.into_iter().filter(|live| live.peer.endpoint == peer).collect();
    if known.is_empty() {
        return Err(ServiceError::NotFound(Missing::Peer));
    }
    if known.iter().any(|live| !live.peer.contacts.is_empty()) {
        return Ok(known.into_iter().filter(|live| !live.peer.contacts.is_empty()).collect());
    }
    Ok(known)
}

/// Asks a peer (or `ALL` of the tenant's registered peers) to reboot: AMI `PJSIPNotify` with
/// `Variable: Event=check-sync` (capture 44). Fire and forget: Asterisk answers `NOTIFY sent` before
/// the phone does, and the phone's answer never reaches AMI (README fact 28). Answers how many
/// notifies were sent.
pub async fn reboot(core: &Core, principal: &Principal, tenant: &str, peer: &str) -> ServiceResult<usize> {
    access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    let targets = targets(core, principal, tenant, peer).await?;
    for live in &targets {
        let action = Action::new("PJSIPNotify")
            .header("Endpoint", live.peer.endpoint.clone())?
            .header("Variable", REBOOT_EVENT)?;
        core.pbx().node(&live.node)?.send(&action).await?;
    }
    tracing::info!(tenant, peer, notified = targets.len(), "peer reboot requested");
    Ok(targets.len())
}

/// Why unregistering a phone is refused; see [`unregister`].
const NO_ENDPOINT_UNREGISTER: &str = "Asterisk cannot unregister a phone: PJSIP has no AMI action that removes an \
     endpoint's contact (PJSIPUnregister only stops the PBX's own outbound registrations); the contact goes away \
     when the phone unregisters or its registration expires. Reboot the phone instead.";

/// Unregistering a peer is refused with `PbxRejected`, after the peer was found (so unknown and
/// other tenants' peers still answer `NotFound`), and nothing is sent. Decision, from the captures:
/// * a phone's contact disappears only when the phone itself sends REGISTER with expiry 0 (capture
///   43: PeerStatus Unreachable, ContactStatus Removed); no AMI action triggers that;
/// * `PJSIPUnregister` (and the CLI `pjsip send unregister`) act on outbound registrations, i.e.
///   trunks the PBX registers to (capture 45, README fact 27); for a phone's endpoint Asterisk
///   answers `Unable to retrieve registration entry`, so sending it would only pretend;
/// * deleting the contact behind Asterisk's back (AstDB) leaves the phone believing it is
///   registered and re-registering at its next refresh, which is worse than an honest refusal.
pub async fn unregister(core: &Core, principal: &Principal, tenant: &str, peer: &str) -> ServiceResult<usize> {
    access::tenant_scope(core, principal, tenant, Intent::Write).await?;
    targets(core, principal, tenant, peer).await?;
    Err(ServiceError::PbxRejected(NO_ENDPOINT_UNREGISTER.into()))
}
