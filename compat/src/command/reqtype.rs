//! The reqtype discriminator (CONTRACT §1): one variant per request family, so the gateway's
//! dispatch is an exhaustive match instead of string comparisons.

/// A known legacy request family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReqType {
    /// INFO with its `info` sub-types.
    Info,
    /// MANAGEDB object/action calls (§2).
    ManageDb,
    /// Web user credential check.
    CheckAuth,
    /// One-time web login tokens.
    AuthToken,
    /// WebRTC credentials for an extension.
    GetWebRtcAuth,
    /// User groups.
    UserGroup,
    /// Tenant settings get/set.
    Setting,
    /// Do-not-disturb.
    Dnd,
    /// Busy lamp field states.
    Blfs,
    /// Flow (day/night) list.
    Flows,
    /// Flow state change.
    SetFlow,
    /// Virtual extensions.
    VirtualExt,
    /// SIP peers.
    Peers,
    /// Alias of PEERS (§6 Q16).
    ChanSipPeers,
    /// Peer counts per node.
    CountPeers,
    /// Unregister a device.
    Unregister,
    /// Reboot a device.
    Reboot,
    /// Queue membership.
    Queue,
    /// Agent pause/unpause.
    Agent,
    /// Queue statistics reset.
    QueueReset,
    /// Media file audio.
    MediaFile,
    /// Voicemail boxes and messages.
    Voicemail,
    /// Fax send/list/download.
    Fax,
    /// Phonebook names.
    Phonebooks,
    /// Phonebook entries.
    Phonebook,
    /// CDR field get/update.
    Cdr,
    /// Response path reports.
    ResponsePath,
    /// Originate a call.
    Dial,
    /// Hang up a channel.
    Hangup,
    /// Blind transfer.
    Transfer,
    /// Attended transfer.
    AtxTransfer,
    /// One channel's attributes.
    Channel,
    /// Channel list.
    Channels,
    /// Channel counts per node.
    CountChannels,
    /// Active call count.
    CountCalls,
    /// Current calls of an extension.
    GetCurrentCalls,
    /// Campaign control.
    Campaign,
    /// Send an SMS.
    Sms,
    /// Tenant balance change.
    Balance,
    /// Licence days left.
    LicenseDays,
    /// The HELP page.
    Help,
}

impl ReqType {
    /// Every reqtype, in §1 order; for HELP listings and exhaustive tests.
    pub const ALL: &'static [ReqType] = &[
        ReqType::CheckAuth,
        ReqType::AuthToken,
        ReqType::GetWebRtcAuth,
        ReqType::UserGroup,
        ReqType::Setting,
        ReqType::Info,
        ReqType::Dnd,
        ReqType::Blfs,
        ReqType::Flows,
        ReqType::SetFlow,
        ReqType::VirtualExt,
        ReqType::Peers,
        ReqType::ChanSipPeers,
        ReqType::CountPeers,
        ReqType::Unregister,
        ReqType::Reboot,
        ReqType::Queue,
        ReqType::Agent,
        ReqType::QueueReset,
        ReqType::ManageDb,
        ReqType::MediaFile,
        ReqType::Voicemail,
        ReqType::Fax,
        ReqType::Phonebooks,
        ReqType::Phonebook,
        ReqType::Cdr,
        ReqType::ResponsePath,
        ReqType::Dial,
        ReqType::Hangup,
        ReqType::Transfer,
        ReqType::AtxTransfer,
        ReqType::Channel,
        ReqType::Channels,
        ReqType::CountChannels,
        ReqType::CountCalls,
        ReqType::GetCurrentCalls,
        ReqType::Campaign,
        ReqType::Sms,
        ReqType::Balance,
        ReqType::LicenseDays,
        ReqType::Help,
    ];

    /// Recognises a reqtype in any letter case; surrounding blanks are not forgiven.
    pub fn parse(s: &str) -> Option<ReqType> {
        ReqType::ALL.iter().copied().find(|reqtype| reqtype.as_str().eq_ignore_ascii_case(s))
    }

    /// The canonical wire spelling; responses and logs never echo the caller's spelling (§0.3).
    pub fn as_str(self) -> &'static str {
        match self {
            ReqType::Info => "INFO",
            ReqType::ManageDb => "MANAGEDB",
            ReqType::CheckAuth => "CHECKAUTH",
            ReqType::AuthToken => "AUTHTOKEN",
            ReqType::GetWebRtcAuth => "GETWEBRTCAUTH",
            ReqType::UserGroup => "USERGROUP",
            ReqType::Setting => "SETTING",
            ReqType::Dnd => "DND",
            ReqType::Blfs => "BLFS",
            ReqType::Flows => "FLOWS",
            ReqType::SetFlow => "SETFLOW",
            ReqType::VirtualExt => "VIRTUALEXT",
            ReqType::Peers => "PEERS",
            ReqType::ChanSipPeers => "CHANSIPPEERS",
            ReqType::CountPeers => "COUNTPEERS",
            ReqType::Unregister => "UNREGISTER",
            ReqType::Reboot => "REBOOT",
            ReqType::Queue => "QUEUE",
            ReqType::Agent => "AGENT",
            ReqType::QueueReset => "QUEUERESET",
            ReqType::MediaFile => "MEDIAFILE",
            ReqType::Voicemail => "VOICEMAIL",
            ReqType::Fax => "FAX",
            ReqType::Phonebooks => "PHONEBOOKS",
            ReqType::Phonebook => "PHONEBOOK",
            ReqType::Cdr => "CDR",
            ReqType::ResponsePath => "RESPONSEPATH",
            ReqType::Dial => "DIAL",
            ReqType::Hangup => "HANGUP",
            ReqType::Transfer => "TRANSFER",
            ReqType::AtxTransfer => "ATXTRANSFER",
            ReqType::Channel => "CHANNEL",
            ReqType::Channels => "CHANNELS",
            ReqType::CountChannels => "COUNTCHANNELS",
            ReqType::CountCalls => "COUNTCALLS",
            ReqType::GetCurrentCalls => "GETCURRENTCALLS",
            ReqType::Campaign => "CAMPAIGN",
            ReqType::Sms => "SMS",
            ReqType::Balance => "BALANCE",
            ReqType::LicenseDays => "LICENSEDAYS",
            ReqType::Help => "HELP",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_forty_one_reqtypes_round_trip() {
        assert_eq!(ReqType::ALL.len(), 41);
        for reqtype in ReqType::ALL {
            assert_eq!(ReqType::parse(reqtype.as_str()), Some(*reqtype));
            let lower = reqtype.as_str().to_lowercase();
            assert_eq!(ReqType::parse(&lower), Some(*reqtype));
            assert_eq!(reqtype.as_str(), reqtype.as_str().to_uppercase());
        }
        let mut names: Vec<&str> = ReqType::ALL.iter().map(|r| r.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 41);
    }

    #[test]
    fn unknown_or_padded_reqtypes_are_not_recognised() {
        assert_eq!(ReqType::parse("ManageDb"), Some(ReqType::ManageDb));
        assert_eq!(ReqType::parse(" INFO"), None);
        assert_eq!(ReqType::parse("INFO "), None);
        assert_eq!(ReqType::parse(""), None);
        assert_eq!(ReqType::parse("DROP"), None);
    }
}
