//! Deployment settings of the live PBX: which nodes, how patient, and how the dialplan is laid out.
//! Dialplan names are templates, so a deployment whose contexts or devices are named differently
//! needs no code change.

use std::time::Duration;

use super::ami::ClientOptions;
use super::nodes::NodeConfig;

/// Everything the live-PBX port needs from configuration.
#[derive(Debug, Clone, Default)]
pub struct PbxSettings {
    /// The nodes (`PBXGW_AMI_NODES`); empty = no PBX.
    pub nodes: Vec<NodeConfig>,
    /// Timeouts and reconnect backoff.
    pub client: ClientOptions,
    /// Context and device naming.
    pub dialplan: Dialplan,
}

/// How tenants, extensions and destinations map onto Asterisk names. `{tenant}` is the tenant code,
/// `{number}` the extension number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialplan {
    /// The context a tenant's calls are dialled in (Originate, Redirect, Atxfer). Default `{tenant}`:
    /// MiRTA names each tenant's context after its code.
    pub context: String,
    /// The device of an extension, the first leg of a DIAL. Default `PJSIP/{number}-{tenant}`.
    pub device: String,
    /// How long the source extension may ring before a DIAL gives up, when the call does not say.
    pub ring_timeout: Duration,
}

/// Default of [`Dialplan::context`].
pub const DEFAULT_CONTEXT: &str = "{tenant}";
/// Default of [`Dialplan::device`].
pub const DEFAULT_DEVICE: &str = "PJSIP/{number}-{tenant}";

impl Default for Dialplan {
    fn default() -> Dialplan {
        Dialplan {
            context: DEFAULT_CONTEXT.into(),
            device: DEFAULT_DEVICE.into(),
            ring_timeout: Duration::from_secs(30),
        }
    }
}

impl Dialplan {
    /// The dialplan context of a tenant.
    pub fn context_of(&self, tenant: &str) -> String {
        self.context.replace("{tenant}", tenant)
    }

    /// The device of an extension.
    pub fn device_of(&self, tenant: &str, number: &str) -> String {
        self.device.replace("{tenant}", tenant).replace("{number}", number)
    }
}
