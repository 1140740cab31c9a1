//! Which tenant a live channel, peer or device belongs to. This is the ONE rule; the live state
//! (`pbx::state`) and anything that filters AMI data per tenant go through these functions.
//!
//! Tenant codes are 1–32 characters of `A-Z a-z 0-9 _` (see `domain::tenant_code`), never `-`; SIP
//! usernames are `<number>-<TENANT>` with a 1–20 digit extension number (`domain::extension_number`).
//! In order, the first rule that yields a valid tenant code wins:
//!
//! 0. **Tenantid** of the channel (Asterisk ≥ 20.10 reports it in every channel event): set from the
//!    endpoint's `tenantid` (the `ps_endpoints` view gives every gateway endpoint its tenant code) or
//!    by the dialplan with `CHANNEL(tenantid)` (the generated dialplan does, also for Local channels).
//! 1. **Endpoint name.** SIP endpoints/peers are named `<number>-<TENANT>` (`103-DEMO`): the tenant is
//!    the suffix after the last `-`, provided the part before it is an extension number (digits).
//!    That keeps provider trunks such as `trunk-loop` (capture 38) out of a made-up tenant `loop`;
//!    trunks are admin-only. A channel `PJSIP/103-DEMO-00000001` is endpoint `103-DEMO` (the last
//!    `-<hex counter>` stripped, README fact 29); devices `PJSIP/103-DEMO` and `Custom:103-DEMO`
//!    (captures 22, 24, 43) name the endpoint directly.
//! 2. **AccountCode** of the channel: `<TENANT>` or `<something>-<TENANT>` (suffix after the last `-`).
//! 3. **Local channel context.** `Local/<exten>@<context>-<counter>;1|;2` (and the device/queue
//!    interface `Local/<exten>@<context>[/n]`): the context, when it is a valid tenant code — MiRTA
//!    names each tenant's dialplan context after its code (capture 48: `Local/103@DEMO`).
//! 4. Otherwise no tenant: only admin keys see the item.

/// A valid tenant code: 1–32 of `A-Z a-z 0-9 _` (the same check as `domain::TenantCode::parse`,
/// without allocating, since it runs for every AMI event).
pub fn is_tenant_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 32 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An extension number: 1–20 digits (`domain::extension_number`).
fn is_extension_number(number: &str) -> bool {
    !number.is_empty() && number.len() <= 20 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `<number>-<TENANT>` when both halves are valid (rule 1).
fn split_endpoint(endpoint: &str) -> Option<(&str, &str)> {
    let (number, tenant) = endpoint.rsplit_once('-')?;
    (is_extension_number(number) && is_tenant_code(tenant)).then_some((number, tenant))
}

/// The tech and endpoint of a channel name: `PJSIP/103-DEMO-00000001` → (`PJSIP`, `103-DEMO`),
/// `Local/103@DEMO-00000000;2` → (`Local`, `103@DEMO`). The trailing `;1`/`;2` of Local channels and
/// the last `-<hex counter>` are stripped. `None` when the name has no `Tech/` prefix or no counter.
pub fn endpoint_of_channel(name: &str) -> Option<(&str, &str)> {
    let (tech, rest) = name.split_once('/')?;
    let rest = match rest.rsplit_once(';') {
        Some((base, leg)) if !leg.is_empty() && leg.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => rest,
    };
    let (endpoint, counter) = rest.rsplit_once('-')?;
    let is_counter = !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_hexdigit());
    (!tech.is_empty() && !endpoint.is_empty() && is_counter).then_some((tech, endpoint))
}

/// The tenant of an endpoint/peer name `<number>-<TENANT>` (rule 1): `103-DEMO` → `DEMO`;
/// `trunk-loop` → `None` (not a number).
pub fn tenant_of_endpoint(endpoint: &str) -> Option<&str> {
    split_endpoint(endpoint).map(|(_, tenant)| tenant)
}

/// The `<number>` part of an endpoint name `<number>-<TENANT>`: `103-DEMO` → `103`.
pub fn number_of_endpoint(endpoint: &str) -> Option<&str> {
    split_endpoint(endpoint).map(|(number, _)| number)
}

/// The context of a Local channel or interface: `Local/103@DEMO-00000000;1`, `Local/103@DEMO`,
/// `Local/201@agents/n` → `DEMO`, `DEMO`, `agents`. Counter and `;leg` may already be stripped.
fn local_context(name_or_device: &str) -> Option<&str> {
    let rest = name_or_device.strip_prefix("Local/")?;
    let (_, context) = rest.split_once('@')?;
    // `/n` and other Local options follow a slash; the leg follows `;`.
    let context = context.split(['/', ';']).next().unwrap_or(context);
    Some(context)
}

/// The tenant of a channel, by rules 0–3 (see the module doc). `tenant_id` is the channel's
/// Tenantid and `account_code` its AccountCode (either may be empty); `context` is its current
/// dialplan context, used only for a Local channel whose name carries no `@context` of its own.
pub fn tenant_of_channel(name: &str, tenant_id: &str, account_code: &str, context: &str) -> Option<String> {
    if is_tenant_code(tenant_id) {
        return Some(tenant_id.to_string());
    }
    if let Some((_, endpoint)) = endpoint_of_channel(name)
        && let Some(tenant) = tenant_of_endpoint(endpoint)
    {
        return Some(tenant.to_string());
    }
    let account_tenant = account_code.rsplit('-').next().unwrap_or(account_code);
    if is_tenant_code(account_tenant) {
        return Some(account_tenant.to_string());
    }
    if name.starts_with("Local/") {
        let local = endpoint_of_channel(name).map_or(name, |(_, endpoint)| endpoint);
        let context = match local.split_once('@') {
            Some((_, from_name)) => from_name,
            None => context,
        };
        if is_tenant_code(context) {
            return Some(context.to_string());
        }
    }
    None
}

/// The tenant of a device or queue interface: `PJSIP/103-DEMO`, `Custom:103-DEMO` (rule 1),
/// `Local/103@DEMO`, `Local/103@DEMO/n` (rule 3). Devices such as `Queue:support_avail` or
/// `MWI:102@DEMO` (capture 24) have none.
pub fn tenant_of_device(device: &str) -> Option<&str> {
    if let Some(tenant) = tenant_of_device_endpoint(device) {
        return Some(tenant);
    }
    local_context(device).filter(|context| is_tenant_code(context))
}

/// Rule 1 only, for a device `Tech/<endpoint>` or `Tech:<endpoint>`. Queue members try this on both
/// the interface and the state interface before falling back to a Local context (capture 50:
/// `Local/201@agents/n` with state interface `Custom:201-DEMO` belongs to DEMO, not `agents`).
pub fn tenant_of_device_endpoint(device: &str) -> Option<&str> {
    let (_, endpoint) = device.split_once(['/', ':'])?;
    tenant_of_endpoint(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_from_the_captures() {
        assert_eq!(endpoint_of_channel("PJSIP/103-DEMO-00000001"), Some(("PJSIP", "103-DEMO")));
        assert_eq!(endpoint_of_channel("PJSIP/103-DEMO-0000000a"), Some(("PJSIP", "103-DEMO")));
        assert_eq!(endpoint_of_channel("Local/103@DEMO-00000000;2"), Some(("Local", "103@DEMO")));
        assert_eq!(endpoint_of_channel("Local/200@queue-test-00000001;2"), Some(("Local", "200@queue-test")));
        assert_eq!(endpoint_of_channel("PJSIP/trunk-loop-00000004"), Some(("PJSIP", "trunk-loop")));
        assert_eq!(endpoint_of_channel("none"), None);
        assert_eq!(endpoint_of_channel("PJSIP/103"), None);
        assert_eq!(endpoint_of_channel("PJSIP/103-DEMO-xyz"), None);
    }

    #[test]
    fn endpoints_are_number_dash_tenant() {
        assert_eq!(tenant_of_endpoint("103-DEMO"), Some("DEMO"));
        assert_eq!(number_of_endpoint("103-DEMO"), Some("103"));
        assert_eq!(tenant_of_endpoint("104-DEMO"), Some("DEMO"));
        // Capture 38's trunk is no tenant's.
        assert_eq!(tenant_of_endpoint("trunk-loop"), None);
        assert_eq!(number_of_endpoint("trunk-loop"), None);
        assert_eq!(tenant_of_endpoint("103"), None);
        assert_eq!(tenant_of_endpoint("103-"), None);
        assert_eq!(tenant_of_endpoint("103-DE MO"), None);
    }

    #[test]
    fn channel_tenant_rules_in_order() {
        // Rule 1 (captures 47-50).
        assert_eq!(tenant_of_channel("PJSIP/103-DEMO-00000003", "", "", "DEMO").as_deref(), Some("DEMO"));
        // Rule 0: the channel's Tenantid wins, also for Local channels of the generated dialplan.
        assert_eq!(
            tenant_of_channel("Local/3901@pbxgw-internal-00000002;2", "ACME", "", "pbxgw-internal").as_deref(),
            Some("ACME")
        );
        assert_eq!(tenant_of_channel("PJSIP/trunk-00000001", "ACME", "", "from-trunk").as_deref(), Some("ACME"));
        assert_eq!(tenant_of_channel("Local/3901@pbxgw-internal-00000002;2", "", "", "pbxgw-internal"), None);
        assert_eq!(tenant_of_channel("PJSIP/103-DEMO-00000003", "not a code", "", "x").as_deref(), Some("DEMO"));
        assert_eq!(tenant_of_channel("PJSIP/103-DEMO-00000003", "", "OTHER", "x").as_deref(), Some("DEMO"));
        // Rule 2: account codes `<TENANT>` or `<x>-<TENANT>`.
        assert_eq!(tenant_of_channel("PJSIP/trunk-loop-00000004", "", "ACME", "from-trunk").as_deref(), Some("ACME"));
        assert_eq!(tenant_of_channel("Local/100@test-00000002;1", "", "fixture-acct", "test").as_deref(), Some("acct"));
        // Rule 3 (capture 48).
        assert_eq!(tenant_of_channel("Local/103@DEMO-00000000;1", "", "", "DEMO").as_deref(), Some("DEMO"));
        assert_eq!(tenant_of_channel("Local/200@queue-test-00000001;2", "", "", "queue-test"), None);
        // Rule 4.
        assert_eq!(tenant_of_channel("PJSIP/trunk-loop-00000004", "", "", "from-trunk"), None);
        assert_eq!(tenant_of_channel("PJSIP/trunk-loop-00000004", "", "", "DEMO"), None);
    }

    #[test]
    fn devices_from_the_captures() {
        assert_eq!(tenant_of_device("PJSIP/103-DEMO"), Some("DEMO"));
        assert_eq!(tenant_of_device("Custom:103-DEMO"), Some("DEMO"));
        assert_eq!(tenant_of_device("Local/103@DEMO"), Some("DEMO"));
        assert_eq!(tenant_of_device("Local/201@agents/n"), Some("agents"));
        assert_eq!(tenant_of_device_endpoint("Local/201@agents/n"), None);
        assert_eq!(tenant_of_device("Queue:support_avail"), None);
        assert_eq!(tenant_of_device("Queue:support_pause_Local/202@agents/n"), None);
        assert_eq!(tenant_of_device("MWI:102@DEMO"), None);
        assert_eq!(tenant_of_device("PJSIP/trunk-loop"), None);
    }
}
