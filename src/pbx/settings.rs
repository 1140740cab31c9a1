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
    /// How campaigns dial.
    pub campaigns: CampaignSettings,
    /// How SMS are addressed.
    pub sms: SmsSettings,
}

/// How the campaign dialer places calls. A campaign number is dialled as
/// `Local/<number>@<tenant context>` (so the tenant's outbound routes, caller id and billing apply)
/// and, once answered, connected to `<exten>@<context>`, where the deployment's dialplan hands the
/// call to the campaign's agents or queue. `{tenant}` is the tenant code, `{campaign}` the campaign
/// id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignSettings {
    /// Context an answered campaign call continues in. Default `{tenant}-campaign`
    /// (`PBXGW_CAMPAIGN_CONTEXT`).
    pub context: String,
    /// Extension an answered campaign call continues at. Default `{campaign}`
    /// (`PBXGW_CAMPAIGN_EXTEN`).
    pub exten: String,
    /// Most new campaign calls per second, all campaigns together (`PBXGW_CAMPAIGN_CALLS_PER_SECOND`).
    pub calls_per_second: u32,
    /// How often the dialer looks for work.
    pub tick: Duration,
    /// An answered call whose hangup was never seen counts as done after this long (it stops
    /// holding one of the campaign's channels).
    pub answered_timeout: Duration,
}

/// Default of [`CampaignSettings::context`].
pub const DEFAULT_CAMPAIGN_CONTEXT: &str = "{tenant}-campaign";
/// Default of [`CampaignSettings::exten`].
pub const DEFAULT_CAMPAIGN_EXTEN: &str = "{campaign}";

impl Default for CampaignSettings {
    fn default() -> CampaignSettings {
        CampaignSettings {
            context: DEFAULT_CAMPAIGN_CONTEXT.into(),
            exten: DEFAULT_CAMPAIGN_EXTEN.into(),
            calls_per_second: 2,
            tick: Duration::from_secs(1),
            answered_timeout: Duration::from_secs(4 * 3600),
        }
    }
}

impl CampaignSettings {
    /// `(context, exten)` an answered call of `campaign` continues at.
    pub fn target(&self, tenant: &str, campaign: i64) -> (String, String) {
        let fill = |template: &str| template.replace("{tenant}", tenant).replace("{campaign}", &campaign.to_string());
        (fill(&self.context), fill(&self.exten))
    }
}

/// How an SMS destination becomes a `MessageSend` `To:`. An extension of the tenant is always
/// `pjsip:<number>-<TENANT>` (its endpoint); other numbers go through `external`, or are refused
/// when it is not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmsSettings {
    /// `To:` template for external numbers, e.g. `pjsip:{number}@sms-trunk` (`{number}`,
    /// `{tenant}`); `None` = external SMS are refused (`PBXGW_SMS_EXTERNAL_TO`).
    pub external: Option<String>,
}

/// How tenants, extensions and destinations map onto Asterisk names. `{tenant}` is the tenant code,
/// `{number}` the extension number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialplan {
    /// The context a tenant's calls are dialled in (Originate, Redirect, Atxfer). Default
    /// `pbxgw-internal`, the context `pbx-gateway pbx-config` generates (the tenant travels on the
    /// channel); a MiRTA-style node with one context per tenant sets `{tenant}`.
    pub context: String,
    /// The device of an extension, the first leg of a DIAL. Default `PJSIP/{number}-{tenant}`.
    pub device: String,
    /// How long the source extension may ring before a DIAL gives up, when the call does not say.
    pub ring_timeout: Duration,
}

/// Default of [`Dialplan::context`].
pub const DEFAULT_CONTEXT: &str = super::node_config::INTERNAL_CONTEXT;
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
