//! Destination tags (`TAG-ID`, CONTRACT §3.1) and the lists that own them (`typesrc`, §3.2).
//!
//! A tag names what a call does next; its id is the primary key of the object it points at. This
//! module only knows the syntax and, per tag, *which kind* of object the id names; whether that
//! object exists in the caller's tenant is the service's business (`service::destinations`).

use std::fmt;

use super::InvalidValue;

/// What the id of a tag points at: every tag names a stored object of the tenant (or a catalogue
/// row), except the few whose id must be `0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `ex_id` of an extension.
    Extension,
    /// `me_id` of a media file.
    MediaFile,
    /// `co_id` of a condition.
    Condition,
    /// Mailbox row id of a voicemail box.
    Voicemail,
    /// `iv_id` of an IVR.
    Ivr,
    /// `hl_id` of a hunt list.
    HuntList,
    /// `cr_id` of a conference room.
    Conference,
    /// `qu_id` of a queue.
    Queue,
    /// `cu_id` of a custom destination.
    Custom,
    /// `di_id` of a DID.
    Did,
    /// `mu_id` of a music-on-hold class.
    MusicOnHold,
    /// `fl_id` of a flow.
    Flow,
    /// `rh_id` of a response path definition.
    ResponsePath,
    /// `pb_id` of a phonebook.
    Phonebook,
    /// Nothing: the id must be `0`.
    None,
    /// `da_id` of a DISA.
    Disa,
    /// `pg_id` of a paging group.
    PagingGroup,
    /// `sp_id` of a built-in special destination.
    Special,
    /// `cm_id` of a caller-id rule.
    CallerIdMod,
    /// `ca_id` of a campaign.
    Campaign,
}

/// Whether a tag changes the call and falls through, or hands the call over (§3.1 "Kind").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Modifier (M): changes the call, then the next entry runs.
    Modifier,
    /// Terminal: hands the call over; the next entry runs only if this one fails or times out.
    Terminal,
}

macro_rules! destination_kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal, $target:expr, $flow:ident; )*) => {
        /// The 52 destination tag names of CONTRACT §3.1.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DestinationKind {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl DestinationKind {
            /// Every tag, in the order of §3.1.
            pub const ALL: &'static [DestinationKind] = &[ $( DestinationKind::$variant, )* ];

            /// The canonical (upper-case) name.
            pub const fn as_str(self) -> &'static str {
                match self { $( DestinationKind::$variant => $name, )* }
            }

            /// What the id points at.
            pub const fn target(self) -> Target {
                match self { $( DestinationKind::$variant => $target, )* }
            }

            /// Modifier or terminal.
            pub const fn flow(self) -> Flow {
                match self { $( DestinationKind::$variant => Flow::$flow, )* }
            }
        }
    };
}

const CAMPAIGN: Target = Target::Campaign;
const PHONEBOOK: Target = Target::Phonebook;

destination_kinds! {
    /// Ring an extension.
    Ext = "EXT", Target::Extension, Terminal;
    /// Deliver an SMS to an extension.
    Sms = "SMS", Target::Extension, Terminal;
    /// Play a media file.
    Playback = "PLAYBACK", Target::MediaFile, Modifier;
    /// Let the caller re-record a media file (with intro prompt).
    Rerecord = "RERECORD", Target::MediaFile, Terminal;
    /// Re-record a media file, no intro prompt.
    RerecordSilent = "RERECORDSILENT", Target::MediaFile, Terminal;
    /// Empty a media file's audio.
    ClearRecording = "CLEARRECORDING", Target::MediaFile, Modifier;
    /// Jump to a condition.
    Condition = "CONDITION", Target::Condition, Terminal;
    /// Leave a message in a mailbox (input alias `VOICMEAIL`).
    Voicemail = "VOICEMAIL", Target::Voicemail, Terminal;
    /// The mailbox whose number equals the dialled one.
    SameNumberVm = "SAMENUMBERVM", Target::None, Terminal;
    /// Enter an IVR menu.
    Ivr = "IVR", Target::Ivr, Terminal;
    /// Enter a DISA.
    Disa = "DISA", Target::Disa, Terminal;
    /// Page a paging group.
    Paging = "PAGING", Target::PagingGroup, Terminal;
    /// Ring a hunt list.
    HuntList = "HUNTLIST", Target::HuntList, Terminal;
    /// Follow a flow (day/night switch).
    Flow = "FLOW", Target::Flow, Terminal;
    /// Park the call; only the tenant's default parking lot (`0`) exists.
    Park = "PARK", Target::None, Terminal;
    /// Run a built-in special destination.
    Special = "SPECIAL", Target::Special, Terminal;
    /// Join a conference.
    MeetMe = "MEETME", Target::Conference, Terminal;
    /// Enter a queue.
    Queue = "QUEUE", Target::Queue, Terminal;
    /// Zero a queue's statistics.
    ResetQueueStats = "RESETQUEUESTATS", Target::Queue, Modifier;
    /// Start a campaign.
    StartCampaign = "STARTCAMPAIGN", CAMPAIGN, Modifier;
    /// Stop a campaign.
    StopCampaign = "STOPCAMPAIGN", CAMPAIGN, Modifier;
    /// Pause a campaign.
    PauseCampaign = "PAUSECAMPAIGN", CAMPAIGN, Modifier;
    /// Resume a campaign.
    UnpauseCampaign = "UNPAUSECAMPAIGN", CAMPAIGN, Modifier;
    /// Requeue a campaign's unanswered numbers.
    RedialNotAnsweredCampaign = "REDIALNOTANSWEREDCAMPAIGN", CAMPAIGN, Modifier;
    /// Drop the called number from a campaign.
    RemoveFromCampaign = "REMOVEFROMCAMPAIGN", CAMPAIGN, Modifier;
    /// Drop the caller's number from a campaign.
    RemoveCallerFromCampaign = "REMOVECALLERFROMCAMPAIGN", CAMPAIGN, Modifier;
    /// Add the caller's last outbound number to a campaign.
    AddLatestDialedOutToCampaign = "ADDLATESTDIALEDOUTTOCAMPAIGN", CAMPAIGN, Modifier;
    /// Add the caller's last inbound number to a campaign.
    AddLatestDialedInToCampaign = "ADDLATESTDIALEDINTOCAMPAIGN", CAMPAIGN, Modifier;
    /// Put the called number on the do-not-call list; only the default list (`0`) exists.
    AddToDncList = "ADDTODNCLIST", Target::None, Modifier;
    /// Log the calling extension into a queue.
    LoginQueue = "LOGINQUEUE", Target::Queue, Terminal;
    /// Log the calling extension out of a queue.
    LogoutQueue = "LOGOUTQUEUE", Target::Queue, Terminal;
    /// Flip the caller's queue login.
    ToggleLoginQueue = "TOGGLELOGINQUEUE", Target::Queue, Terminal;
    /// Log in as an "additional destinations" agent.
    LoginAdQueue = "LOGINADQUEUE", Target::Queue, Terminal;
    /// Flip the caller's "additional destinations" login.
    ToggleLoginAdQueue = "TOGGLELOGINADQUEUE", Target::Queue, Terminal;
    /// Pause the caller as agent.
    PauseQueue = "PAUSEQUEUE", Target::Queue, Terminal;
    /// Resume the caller as agent.
    UnpauseQueue = "UNPAUSEQUEUE", Target::Queue, Terminal;
    /// Flip the caller's pause.
    TogglePauseQueue = "TOGGLEPAUSEQUEUE", Target::Queue, Terminal;
    /// Pause every agent of a queue.
    PauseAllAgentsInQueue = "PAUSEALLAGENTSINQUEUE", Target::Queue, Terminal;
    /// Resume every agent of a queue.
    UnpauseAllAgentsInQueue = "UNPAUSEALLAGENTSINQUEUE", Target::Queue, Terminal;
    /// Log every agent out of a queue.
    LogoutAllAgentsFromQueue = "LOGOUTALLAGENTSFROMQUEUE", Target::Queue, Terminal;
    /// Use a custom destination.
    Custom = "CUSTOM", Target::Custom, Terminal;
    /// Route on a phonebook match (regex entries).
    Phonebook = "PHONEBOOK", PHONEBOOK, Terminal;
    /// Route on a phonebook match (literal entries).
    ExactPhonebook = "EXACTPHONEBOOK", PHONEBOOK, Terminal;
    /// Set the caller-id name from a phonebook.
    ClidNameByPhonebook = "CLIDNAMEBYPHONEBOOK", PHONEBOOK, Modifier;
    /// Rewrite the caller id by a rule.
    CallerIdMod = "CALLERIDMOD", Target::CallerIdMod, Modifier;
    /// Set a DID's unconditional forward.
    SetUnconditionalDid = "SETUNCONDITIONALDID", Target::Did, Terminal;
    /// Switch a DID's unconditional forward on.
    EnableUnconditionalDid = "ENABLEUNCONDITIONALDID", Target::Did, Terminal;
    /// Switch a DID's unconditional forward off.
    DisableUnconditionalDid = "DISABLEUNCONDITIONALDID", Target::Did, Terminal;
    /// Flip a DID's unconditional forward.
    ToggleUnconditionalDid = "TOGGLEUNCONDITIONALDID", Target::Did, Terminal;
    /// Choose the hold music class.
    MusicOnHold = "MUSICONHOLD", Target::MusicOnHold, Modifier;
    /// Ring an extension while the caller hears hold music.
    RingMusicOnHold = "RINGMUSICONHOLD", Target::Extension, Terminal;
    /// Start recording a response path.
    ResponsePath = "RESPONSEPATH", Target::ResponsePath, Modifier;
}

/// Input-only spellings: accepted, never emitted.
const KIND_ALIASES: &[(&str, DestinationKind)] = &[("VOICMEAIL", DestinationKind::Voicemail)];

impl DestinationKind {
    /// The tag named `name`, case-insensitively, aliases included.
    pub fn parse(name: &str) -> Option<DestinationKind> {
        DestinationKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
            .or_else(|| KIND_ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(name)).map(|(_, k)| *k))
    }

    /// Every tag whose id points at `target` (for "who still uses this object?").
    pub fn pointing_at(target: Target) -> Vec<DestinationKind> {
        DestinationKind::ALL.iter().copied().filter(|kind| kind.target() == target).collect()
    }
}

impl fmt::Display for DestinationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One destination: a tag and the id of its target. Displayed canonically (`EXT-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DestinationTag {
    /// The tag name.
    pub kind: DestinationKind,
    /// The target's primary key (`0` for tags without a target); never negative.
    pub id: i64,
}

impl DestinationTag {
    /// Parses `TAG-ID`: split at the first hyphen, tag case-insensitive, id a non-negative decimal
    /// integer. Surrounding whitespace is ignored. Existence of the target is not checked here.
    pub fn parse(raw: &str) -> Result<DestinationTag, InvalidValue> {
        let invalid = || InvalidValue::new("destination", "must be TAG-ID with a known tag and a numeric id");
        let (name, id) = raw.trim().split_once('-').ok_or_else(invalid)?;
        let kind = DestinationKind::parse(name).ok_or_else(invalid)?;
        if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let id: i64 = id.parse().map_err(|_| invalid())?;
        Ok(DestinationTag { kind, id })
    }
}

impl fmt::Display for DestinationTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.kind.as_str(), self.id)
    }
}

/// The list a destination belongs to (`typesrc`, CONTRACT §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeSrc {
    /// A DID's inbound routing.
    Did,
    /// A condition's "true" branch.
    Condition,
    /// A condition's "false" branch.
    NotCondition,
    /// An IVR's own prompt list.
    Ivr,
    /// IVR key press `0`-`9` (the digit).
    IvrDigit(u8),
    /// IVR key `*`.
    IvrStar,
    /// IVR key `#`.
    IvrHash,
    /// IVR: no input.
    IvrTimeout,
    /// IVR: wrong input.
    IvrInvalid,
    /// Hunt list members in ring order.
    HuntList,
}

impl TypeSrc {
    /// Every list of an IVR, in display order (`IVR`, `IVR_0` … `IVR_9`, `IVR_STAR`, `IVR_HASH`,
    /// `IVR_TIMEOUT`, `IVR_INVALID`).
    pub const IVR_LISTS: [TypeSrc; 15] = [
        TypeSrc::Ivr,
        TypeSrc::IvrDigit(0),
        TypeSrc::IvrDigit(1),
        TypeSrc::IvrDigit(2),
        TypeSrc::IvrDigit(3),
        TypeSrc::IvrDigit(4),
        TypeSrc::IvrDigit(5),
        TypeSrc::IvrDigit(6),
        TypeSrc::IvrDigit(7),
        TypeSrc::IvrDigit(8),
        TypeSrc::IvrDigit(9),
        TypeSrc::IvrStar,
        TypeSrc::IvrHash,
        TypeSrc::IvrTimeout,
        TypeSrc::IvrInvalid,
    ];

    /// The names of [`TypeSrc::IVR_LISTS`], in the same order (what the REST path takes).
    pub const IVR_LIST_NAMES: [&'static str; 15] = {
        let mut names = [""; 15];
        let mut i = 0;
        while i < names.len() {
            names[i] = TypeSrc::IVR_LISTS[i].as_str();
            i += 1;
        }
        names
    };

    /// Every list of a condition: the true branch, then the false one.
    pub const CONDITION_LISTS: [TypeSrc; 2] = [TypeSrc::Condition, TypeSrc::NotCondition];

    /// Parses a `typesrc` value, case-insensitively.
    pub fn parse(raw: &str) -> Option<TypeSrc> {
        let upper = raw.trim().to_ascii_uppercase();
        match upper.as_str() {
            "DID" => Some(TypeSrc::Did),
            "CONDITION" => Some(TypeSrc::Condition),
            "NOTCONDITION" => Some(TypeSrc::NotCondition),
            "IVR" => Some(TypeSrc::Ivr),
            "IVR_STAR" => Some(TypeSrc::IvrStar),
            "IVR_HASH" => Some(TypeSrc::IvrHash),
            "IVR_TIMEOUT" => Some(TypeSrc::IvrTimeout),
            "IVR_INVALID" => Some(TypeSrc::IvrInvalid),
            "HUNTLIST" => Some(TypeSrc::HuntList),
            other => match other.strip_prefix("IVR_").map(str::as_bytes) {
                Some([digit]) if digit.is_ascii_digit() => Some(TypeSrc::IvrDigit(digit - b'0')),
                _ => None,
            },
        }
    }

    /// The canonical (upper-case) name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            TypeSrc::Did => "DID",
            TypeSrc::Condition => "CONDITION",
            TypeSrc::NotCondition => "NOTCONDITION",
            TypeSrc::Ivr => "IVR",
            TypeSrc::IvrDigit(d) if (d as usize) < IVR_DIGITS.len() => IVR_DIGITS[d as usize],
            TypeSrc::IvrDigit(_) => "IVR_0",
            TypeSrc::IvrStar => "IVR_STAR",
            TypeSrc::IvrHash => "IVR_HASH",
            TypeSrc::IvrTimeout => "IVR_TIMEOUT",
            TypeSrc::IvrInvalid => "IVR_INVALID",
            TypeSrc::HuntList => "HUNTLIST",
        }
    }

    /// The object that owns the list (`typeidsrc` is its id): a DID, condition, IVR or hunt list.
    pub fn owner(self) -> Target {
        match self {
            TypeSrc::Did => Target::Did,
            TypeSrc::Condition | TypeSrc::NotCondition => Target::Condition,
            TypeSrc::HuntList => Target::HuntList,
            TypeSrc::Ivr
            | TypeSrc::IvrDigit(_)
            | TypeSrc::IvrStar
            | TypeSrc::IvrHash
            | TypeSrc::IvrTimeout
            | TypeSrc::IvrInvalid => Target::Ivr,
        }
    }

    /// Every list owned by an object of kind `owner` (empty when such objects own none).
    pub fn owned_by(owner: Target) -> &'static [TypeSrc] {
        match owner {
            Target::Did => &[TypeSrc::Did],
            Target::Condition => &TypeSrc::CONDITION_LISTS,
            Target::Ivr => &TypeSrc::IVR_LISTS,
            Target::HuntList => &[TypeSrc::HuntList],
            _ => &[],
        }
    }
}

const IVR_DIGITS: [&str; 10] =
    ["IVR_0", "IVR_1", "IVR_2", "IVR_3", "IVR_4", "IVR_5", "IVR_6", "IVR_7", "IVR_8", "IVR_9"];

impl fmt::Display for TypeSrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn there_are_52_distinct_tags() {
        assert_eq!(DestinationKind::ALL.len(), 52);
        let mut names: Vec<&str> = DestinationKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 52);
    }

    #[test]
    fn every_tag_parses_in_any_case_and_renders_canonically() {
        for kind in DestinationKind::ALL {
            for spelling in [kind.as_str().to_string(), kind.as_str().to_ascii_lowercase()] {
                let tag = DestinationTag::parse(&format!("{spelling}-7")).unwrap();
                assert_eq!(tag, DestinationTag { kind: *kind, id: 7 });
                assert_eq!(tag.to_string(), format!("{}-7", kind.as_str()));
            }
        }
        assert_eq!(DestinationTag::parse("Ext-0").unwrap().to_string(), "EXT-0");
        assert_eq!(DestinationTag::parse("  queue-12 ").unwrap().to_string(), "QUEUE-12");
        assert_eq!(DestinationTag::parse("EXT-007").unwrap().to_string(), "EXT-7");
    }

    #[test]
    fn aliases_and_both_campaign_pause_names() {
        let tag = DestinationTag::parse("VOICMEAIL-3").unwrap();
        assert_eq!(tag.kind, DestinationKind::Voicemail);
        assert_eq!(tag.to_string(), "VOICEMAIL-3");
        assert_eq!(DestinationTag::parse("voicmeail-3").unwrap().kind, DestinationKind::Voicemail);
        assert_eq!(DestinationTag::parse("PAUSECAMPAIGN-1").unwrap().kind, DestinationKind::PauseCampaign);
        assert_eq!(DestinationTag::parse("UNPAUSECAMPAIGN-1").unwrap().kind, DestinationKind::UnpauseCampaign);
    }

    #[test]
    fn bad_inputs_are_refused() {
        for raw in [
            "EXT",
            "EXT-",
            "EXT-abc",
            "-5",
            "FOO-1",
            "EXT--1",
            "",
            "-",
            "EXT-1.5",
            "EXT-+1",
            "EXT- 1",
            "EXT-1 2",
            "EXT-99999999999999999999",
            "EXT_1",
            "VOICEMAIL",
        ] {
            assert!(DestinationTag::parse(raw).is_err(), "{raw:?} must be refused");
        }
    }

    #[test]
    fn split_is_at_the_first_hyphen() {
        // "EXT-1-2": tag EXT, id "1-2" → not a number.
        assert!(DestinationTag::parse("EXT-1-2").is_err());
    }

    #[test]
    fn targets_and_flows_follow_the_contract_table() {
        use DestinationKind as K;
        assert_eq!(K::Ext.target(), Target::Extension);
        assert_eq!(K::Sms.target(), Target::Extension);
        assert_eq!(K::RingMusicOnHold.target(), Target::Extension);
        assert_eq!(K::Playback.target(), Target::MediaFile);
        assert_eq!(K::Playback.flow(), Flow::Modifier);
        assert_eq!(K::Rerecord.flow(), Flow::Terminal);
        assert_eq!(K::MeetMe.target(), Target::Conference);
        assert_eq!(K::SetUnconditionalDid.target(), Target::Did);
        assert_eq!(K::MusicOnHold.target(), Target::MusicOnHold);
        assert_eq!(K::SameNumberVm.target(), Target::None);
        assert_eq!(K::Park.target(), Target::None);
        assert_eq!(K::AddToDncList.target(), Target::None);
        assert_eq!(K::Disa.target(), Target::Disa);
        assert_eq!(K::StopCampaign.target(), Target::Campaign);
        assert_eq!(K::pointing_at(Target::MediaFile).len(), 4);
        assert_eq!(K::pointing_at(Target::Queue).len(), 13);
        let modifiers = K::ALL.iter().filter(|k| k.flow() == Flow::Modifier).count();
        assert_eq!(modifiers, 17);
    }

    #[test]
    fn typesrc_parses_case_insensitively_and_knows_its_owner() {
        assert_eq!(TypeSrc::parse("did"), Some(TypeSrc::Did));
        assert_eq!(TypeSrc::parse("Ivr_1"), Some(TypeSrc::IvrDigit(1)));
        assert_eq!(TypeSrc::parse("IVR_STAR"), Some(TypeSrc::IvrStar));
        assert_eq!(TypeSrc::parse("notcondition"), Some(TypeSrc::NotCondition));
        for bad in ["", "IVR_", "IVR_10", "IVR_A", "EXT", "IVR-1", "DIDS"] {
            assert_eq!(TypeSrc::parse(bad), None, "{bad:?}");
        }
        for list in TypeSrc::IVR_LISTS {
            assert_eq!(TypeSrc::parse(list.as_str()), Some(list));
            assert_eq!(list.owner(), Target::Ivr);
        }
        assert_eq!(TypeSrc::IvrDigit(9).as_str(), "IVR_9");
        assert_eq!(TypeSrc::HuntList.owner(), Target::HuntList);
        assert_eq!(TypeSrc::NotCondition.owner(), Target::Condition);
        assert_eq!(TypeSrc::owned_by(Target::Condition), &TypeSrc::CONDITION_LISTS);
        assert!(TypeSrc::owned_by(Target::Extension).is_empty());
    }
}
