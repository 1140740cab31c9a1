//! PJSIP actions and MessageSend (38, 40, 44, 45, 46, 27).

use md5::{Digest, Md5};

use super::{list_complete, list_start};
use crate::server::Shared;
use crate::wire::{Message, Out};

/// PJSIPShowEndpoints (38): `Contacts` is `aor/uri,` with a trailing comma
/// per contact (fact 25).
pub(super) fn show_endpoints(shared: &Shared, aid: Option<&str>) -> String {
    let st = shared.state();
    let mut out = list_start(aid, "A listing of Endpoints follows, presented as EndpointList events");
    for e in &st.endpoints {
        let contacts: String = e.contacts.iter().map(|c| format!("{}/{c},", e.name)).collect();
        let active = st.channels.iter().filter(|c| c.spec.name.starts_with(&format!("PJSIP/{}-", e.name))).count();
        out.push_str(
            &Out::event("EndpointList")
                .opt("ActionID", aid)
                .h("ObjectType", "endpoint")
                .h("ObjectName", &e.name)
                .h("Transport", "transport-udp")
                .h("Aor", &e.name)
                .h("Auths", &e.name)
                .h("OutboundAuths", "")
                .h("Contacts", contacts)
                .h("DeviceState", &e.device_state)
                .h("ActiveChannels", active)
                .end(),
        );
    }
    out.push_str(&list_complete("EndpointListComplete", aid, st.endpoints.len()).end());
    out
}

/// `(host, port)` of a `sip:user@host:port` URI.
fn via(uri: &str) -> (String, String) {
    let hostport = uri.rsplit('@').next().unwrap_or(uri);
    let hostport = hostport.split(';').next().unwrap_or(hostport);
    match hostport.rsplit_once(':') {
        Some((h, p)) if !h.starts_with("sip") => (h.to_string(), p.to_string()),
        _ => (hostport.to_string(), "5060".to_string()),
    }
}

/// PJSIPShowContacts (40): ObjectName `<aor>;@<hash>`, no `Aor` key (fact 25).
pub(super) fn show_contacts(shared: &Shared, aid: Option<&str>) -> String {
    let st = shared.state();
    let mut out = list_start(aid, "A listing of Contacts follows, presented as ContactList events");
    let mut n = 0;
    for e in &st.endpoints {
        for uri in &e.contacts {
            n += 1;
            let hash = hex::encode(Md5::digest(uri.as_bytes()));
            let (host, port) = via(uri);
            out.push_str(
                &Out::event("ContactList")
                    .opt("ActionID", aid)
                    .h("ObjectType", "contact")
                    .h("ObjectName", format!("{};@{hash}", e.name))
                    .h("ViaAddr", host)
                    .h("QualifyTimeout", "3.000000")
                    .h("Qualify2xxOnly", "false")
                    .h("CallId", &hash[..16])
                    .h("RegServer", "")
                    .h("PruneOnBoot", "no")
                    .h("Path", "")
                    .h("Endpoint", &e.name)
                    .h("ViaPort", port)
                    .h("AuthenticateQualify", "no")
                    .h("Uri", uri)
                    .h("QualifyFrequency", 30)
                    .h("UserAgent", "ami-sim")
                    .h("ExpirationTime", super::now_secs() + 3600)
                    .h("OutboundProxy", "")
                    .h("Status", "Reachable")
                    .h("RoundtripUsec", 970)
                    .end(),
            );
        }
    }
    out.push_str(&list_complete("ContactListComplete", aid, n).end());
    out
}

/// PJSIPNotify (44): `NOTIFY sent` for a known endpoint, even without a
/// contact (fact 28).
pub(super) fn notify(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let endpoint = msg.get_nonempty("Endpoint");
    if endpoint.is_none() && msg.get_nonempty("URI").is_none() && msg.get_nonempty("Channel").is_none() {
        return Out::error(aid, "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.").end();
    }
    let has_option = msg.get_nonempty("Option").is_some();
    let has_vars = !msg.get_all("Variable").is_empty();
    if has_option == has_vars {
        // 44: this text really lacks a space after the first period.
        return Out::error(aid, "PJSIPNotify requires either an Option or Variable(s).You must use only one of them.")
            .end();
    }
    if let Some(ep) = endpoint
        && !shared.state().endpoints.iter().any(|e| e.name == ep)
    {
        return Out::error(aid, &format!("Unable to retrieve endpoint {ep}")).end();
    }
    Out::success(aid, "NOTIFY sent").end()
}

fn registration_events(shared: &Shared, name: &str, statuses: &[&str]) -> Option<()> {
    let st = shared.state();
    let r = st.registrations.iter().find(|r| r.name == name)?;
    for s in statuses {
        shared.emit(
            Out::event("Registry")
                .h("Privilege", "system,all")
                .h("ChannelType", "PJSIP")
                .h("Username", &r.client_uri)
                .h("Domain", &r.server_uri)
                .h("Status", s)
                .end(),
        );
    }
    Some(())
}

fn set_registered(shared: &Shared, name: &str, registered: bool) {
    let mut st = shared.state();
    if let Some(r) = st.registrations.iter_mut().find(|r| r.name == name) {
        r.registered = registered;
    }
}

/// PJSIPUnregister (45): `Unregistration sent` + Registry Unregistered.
/// Unknown registration: the error text ends in a bare LF (fact 23).
pub(super) fn unregister(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(name) = msg.get_nonempty("Registration") else {
        return Out::error(aid, "Registration parameter missing.").end();
    };
    if registration_events(shared, name, &["Unregistered"]).is_none() {
        return Out::error(aid, "Unable to retrieve registration entry\n").end();
    }
    set_registered(shared, name, false);
    Out::success(aid, "Unregistration sent").end()
}

/// PJSIPRegister (45): `Reregistration sent`, Registry Unregistered then
/// Registered.
pub(super) fn register(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(name) = msg.get_nonempty("Registration") else {
        return Out::error(aid, "Registration parameter missing.").end();
    };
    if registration_events(shared, name, &["Unregistered", "Registered"]).is_none() {
        return Out::error(aid, "Unable to retrieve registration entry\n").end();
    }
    set_registered(shared, name, true);
    Out::success(aid, "Reregistration sent").end()
}

/// MessageSend (27, 46): `pjsip:<endpoint>` with a contact succeeds; no
/// contact or unknown endpoint fails; other schemes have no technology
/// unless PJSIP is loaded (`sip:` is handled by PJSIP too, 46).
pub(super) fn message_send(shared: &Shared, msg: &Message, aid: Option<&str>) -> String {
    let Some(to) = msg.get_nonempty("To") else {
        return Out::error(aid, "No 'To' address specified.").end();
    };
    let dest = msg.get_nonempty("Destination").unwrap_or(to);
    let Some((tech, rest)) = dest.split_once(':') else {
        return Out::error(aid, "Message technology not found.").end();
    };
    if !shared.cfg.pjsip || !matches!(tech.to_ascii_lowercase().as_str(), "pjsip" | "sip") {
        return Out::error(aid, "Message technology not found.").end();
    }
    let endpoint = rest.split('@').next().unwrap_or(rest);
    let st = shared.state();
    let ok = st.endpoints.iter().any(|e| e.name == endpoint && !e.contacts.is_empty());
    if ok {
        Out::success(aid, "Message successfully sent").end()
    } else {
        Out::error(aid, "Message failed to send.").end()
    }
}
