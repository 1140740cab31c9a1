//! Declarations of the provisioned objects whose rules are all declarative (CONTRACT §2.3/§2.4):
//! fields, checks, secrets and timestamps. Each is served by the generic code with no object-specific
//! rules; objects that need code of their own have their own module.

use super::objects::Declared;
use crate::domain::object::{Check, FieldDef, ObjectDef, Scope, SecretKind};

/// Queues (CONTRACT §2.4): `qu_name` required; the engine columns carry Asterisk queue semantics.
pub static QUEUE: ObjectDef = ObjectDef {
    name: "queue",
    table: "qu_queues",
    id_column: "qu_id",
    scope: Scope::Tenant { column: "qu_te_id" },
    fields: &[
        FieldDef::text("qu_name").required(),
        FieldDef::text("qu_number").check(Check::Digits),
        FieldDef::text("strategy").check(Check::OneOf(&[
            "RINGALL",
            "LEASTRECENT",
            "FEWESTCALLS",
            "RANDOM",
            "RRMEMORY",
            "RRORDERED",
            "LINEAR",
            "WRANDOM",
        ])),
        FieldDef::text("timeout").check(Check::Integer),
        FieldDef::text("retry").check(Check::Integer),
        FieldDef::text("wrapuptime").check(Check::Integer),
        FieldDef::text("maxlen").check(Check::Integer),
        FieldDef::text("weight").check(Check::Integer),
        FieldDef::text("servicelevel").check(Check::Integer),
        FieldDef::text("musiconhold"),
        FieldDef::text("joinempty"),
        FieldDef::text("leavewhenempty"),
        FieldDef::text("ringinuse"),
        FieldDef::text("announce_frequency").check(Check::Integer),
        FieldDef::managed("qu_created_at"),
        FieldDef::managed("qu_updated_at"),
    ],
    deletable: true,
    created_column: Some("qu_created_at"),
    updated_column: Some("qu_updated_at"),
};

/// Rules of `queue`: the declaration only.
pub static QUEUES: Declared = Declared(&QUEUE);

/// DIDs: inbound numbers; unique across tenants because a number routes to exactly one tenant.
pub static DID: ObjectDef = ObjectDef {
    name: "did",
    table: "di_dids",
    id_column: "di_id",
    scope: Scope::Tenant { column: "di_te_id" },
    fields: &[
        FieldDef::text("di_country").check(Check::Digits),
        FieldDef::text("di_area").check(Check::Digits),
        FieldDef::text("di_number").required().check(Check::Digits),
        FieldDef::text("di_comment"),
        FieldDef::text("di_recording").check(Check::OneOf(&["yes", ""])),
        FieldDef::text("di_fax").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("di_faxstationid"),
        FieldDef::text("di_fax_email"),
        FieldDef::text("di_maxchannels").check(Check::Integer),
        FieldDef::text("di_emailrecording"),
        FieldDef::text("di_smsemail"),
        FieldDef::managed("di_created_at"),
        FieldDef::managed("di_updated_at"),
    ],
    deletable: true,
    created_column: Some("di_created_at"),
    updated_column: Some("di_updated_at"),
};

/// Rules of `did`: the declaration only.
pub static DIDS: Declared = Declared(&DID);

/// IVR menus. `iv_me_id` is kept for legacy rows but unused: prompts are the `IVR` destination list.
pub static IVR: ObjectDef = ObjectDef {
    name: "ivr",
    table: "iv_ivrs",
    id_column: "iv_id",
    scope: Scope::Tenant { column: "iv_te_id" },
    fields: &[
        FieldDef::text("iv_name").required(),
        FieldDef::text("iv_me_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("iv_timeout").check(Check::Integer),
        FieldDef::managed("iv_created_at"),
        FieldDef::managed("iv_updated_at"),
    ],
    deletable: true,
    created_column: Some("iv_created_at"),
    updated_column: Some("iv_updated_at"),
};

/// Rules of `ivr`: the declaration only.
pub static IVRS: Declared = Declared(&IVR);

/// Conditions: week-time or calendar switches; their schedule and branches live in their own tables.
pub static CONDITION: ObjectDef = ObjectDef {
    name: "condition",
    table: "co_conditions",
    id_column: "co_id",
    scope: Scope::Tenant { column: "co_te_id" },
    fields: &[
        FieldDef::text("co_name").required(),
        FieldDef::text("co_type").required().check(Check::OneOf(&["WEEKTIME", "CALENDAR"])),
        FieldDef::managed("co_created_at"),
        FieldDef::managed("co_updated_at"),
    ],
    deletable: true,
    created_column: Some("co_created_at"),
    updated_column: Some("co_updated_at"),
};

/// Rules of `condition`: the declaration only.
pub static CONDITIONS: Declared = Declared(&CONDITION);

/// Hunt lists; the ring order is the `HUNTLIST` destination list.
pub static HUNTLIST: ObjectDef = ObjectDef {
    name: "huntlist",
    table: "hl_huntlists",
    id_column: "hl_id",
    scope: Scope::Tenant { column: "hl_te_id" },
    fields: &[
        FieldDef::text("hl_name").required(),
        FieldDef::text("hl_ringtime").check(Check::Integer),
        FieldDef::managed("hl_created_at"),
        FieldDef::managed("hl_updated_at"),
    ],
    deletable: true,
    created_column: Some("hl_created_at"),
    updated_column: Some("hl_updated_at"),
};

/// Rules of `huntlist`: the declaration only.
pub static HUNTLISTS: Declared = Declared(&HUNTLIST);

/// The catalogue of custom destination types: every principal reads it, only admins change it.
pub static CUSTOMTYPE: ObjectDef = ObjectDef {
    name: "customtypes",
    table: "ct_customtypes",
    id_column: "ct_id",
    scope: Scope::Catalog,
    fields: &[
        FieldDef::text("ct_name").required(),
        FieldDef::text("ct_description"),
        FieldDef::text("ct_param1label"),
        FieldDef::text("ct_param2label"),
        FieldDef::text("ct_param3label"),
        FieldDef::text("ct_param4label"),
        FieldDef::text("ct_param5label"),
    ],
    deletable: false,
    created_column: None,
    updated_column: None,
};

/// Rules of `customtypes`: the declaration only.
pub static CUSTOMTYPES: Declared = Declared(&CUSTOMTYPE);

/// Custom destinations: a type from the catalogue and up to 20 parameters whose meaning the type gives.
pub static CUSTOM: ObjectDef = ObjectDef {
    name: "custom",
    table: "cu_customs",
    id_column: "cu_id",
    scope: Scope::Tenant { column: "cu_te_id" },
    fields: &[
        FieldDef::text("cu_name").required(),
        FieldDef::text("cu_ct_id").required().check(Check::Reference(&CUSTOMTYPE)),
        FieldDef::text("cu_param1"),
        FieldDef::text("cu_param2"),
        FieldDef::text("cu_param3"),
        FieldDef::text("cu_param4"),
        FieldDef::text("cu_param5"),
        FieldDef::text("cu_param6"),
        FieldDef::text("cu_param7"),
        FieldDef::text("cu_param8"),
        FieldDef::text("cu_param9"),
        FieldDef::text("cu_param10"),
        FieldDef::text("cu_param11"),
        FieldDef::text("cu_param12"),
        FieldDef::text("cu_param13"),
        FieldDef::text("cu_param14"),
        FieldDef::text("cu_param15"),
        FieldDef::text("cu_param16"),
        FieldDef::text("cu_param17"),
        FieldDef::text("cu_param18"),
        FieldDef::text("cu_param19"),
        FieldDef::text("cu_param20"),
        FieldDef::managed("cu_created_at"),
        FieldDef::managed("cu_updated_at"),
    ],
    deletable: true,
    created_column: Some("cu_created_at"),
    updated_column: Some("cu_updated_at"),
};

/// Rules of `custom`: the declaration only.
pub static CUSTOMS: Declared = Declared(&CUSTOM);

/// Conference rooms. PINs are kept as given (the PBX compares them) and never shown.
pub static CONFERENCE: ObjectDef = ObjectDef {
    name: "conference",
    table: "cr_conferences",
    id_column: "cr_id",
    scope: Scope::Tenant { column: "cr_te_id" },
    fields: &[
        FieldDef::text("cr_number").required().check(Check::Digits),
        FieldDef::text("cr_name"),
        FieldDef::secret("pin", SecretKind::Stored).check(Check::Digits),
        FieldDef::secret("adminpin", SecretKind::Stored).check(Check::Digits),
        FieldDef::managed("cr_created_at"),
        FieldDef::managed("cr_updated_at"),
    ],
    deletable: true,
    created_column: Some("cr_created_at"),
    updated_column: Some("cr_updated_at"),
};

/// Rules of `conference`: the declaration only.
pub static CONFERENCES: Declared = Declared(&CONFERENCE);

/// Phone-side directories published to handsets.
pub static PHONEPHONEBOOK: ObjectDef = ObjectDef {
    name: "phonephonebook",
    table: "pp_phonephonebooks",
    id_column: "pp_id",
    scope: Scope::Tenant { column: "pp_te_id" },
    fields: &[FieldDef::text("pp_name").required()],
    deletable: true,
    created_column: None,
    updated_column: None,
};

/// Rules of `phonephonebook`: the declaration only.
pub static PHONEPHONEBOOKS: Declared = Declared(&PHONEPHONEBOOK);

/// Provisioned phones, identified by MAC (12 hex digits). The legacy API has no delete for phones.
pub static PHONE: ObjectDef = ObjectDef {
    name: "phone",
    table: "ph_phones",
    id_column: "ph_id",
    scope: Scope::Tenant { column: "ph_te_id" },
    fields: &[
        FieldDef::text("ph_name"),
        FieldDef::text("ph_mac").required().check(Check::Mac),
        FieldDef::text("ph_pm_id").check(Check::ExternalId),
        FieldDef::managed("ph_created_at"),
        FieldDef::managed("ph_updated_at"),
    ],
    deletable: false,
    created_column: Some("ph_created_at"),
    updated_column: Some("ph_updated_at"),
};

/// Rules of `phone`: the declaration only.
pub static PHONES: Declared = Declared(&PHONE);

/// Media files: metadata here; format and size are set by the audio upload.
pub static MEDIAFILE: ObjectDef = ObjectDef {
    name: "mediafile",
    table: "me_mediafiles",
    id_column: "me_id",
    scope: Scope::Tenant { column: "me_te_id" },
    fields: &[
        FieldDef::text("me_name").required(),
        FieldDef::managed("me_format"),
        FieldDef::managed("me_size"),
        FieldDef::managed("me_created_at"),
        FieldDef::managed("me_updated_at"),
    ],
    deletable: true,
    created_column: Some("me_created_at"),
    updated_column: Some("me_updated_at"),
};

/// Rules of `mediafile`: the declaration only.
pub static MEDIAFILES: Declared = Declared(&MEDIAFILE);

/// Music-on-hold classes.
pub static MUSICONHOLD: ObjectDef = ObjectDef {
    name: "musiconhold",
    table: "mu_musiconholds",
    id_column: "mu_id",
    scope: Scope::Tenant { column: "mu_te_id" },
    fields: &[
        FieldDef::text("mu_name").required(),
        FieldDef::text("mu_mode").check(Check::OneOf(&["files", "custom", "mp3", "quietmp3"])),
        FieldDef::managed("mu_created_at"),
        FieldDef::managed("mu_updated_at"),
    ],
    deletable: true,
    created_column: Some("mu_created_at"),
    updated_column: Some("mu_updated_at"),
};

/// Rules of `musiconhold`: the declaration only.
pub static MUSICONHOLDS: Declared = Declared(&MUSICONHOLD);

/// Caller ids refused on inbound calls (a number or a prefix pattern as the PBX matches it).
pub static CALLERIDBLACKLIST: ObjectDef = ObjectDef {
    name: "calleridblacklist",
    table: "cb_calleridblacklists",
    id_column: "cb_id",
    scope: Scope::Tenant { column: "cb_te_id" },
    fields: &[
        FieldDef::text("cb_number").required(),
        FieldDef::text("cb_description"),
        FieldDef::managed("cb_created_at"),
    ],
    deletable: true,
    created_column: Some("cb_created_at"),
    updated_column: None,
};

/// Rules of `calleridblacklist`: the declaration only.
pub static CALLERIDBLACKLISTS: Declared = Declared(&CALLERIDBLACKLIST);

/// Trunk providers (admin). The trunk secret is kept as given (the PBX authenticates with it) and never shown; `allow` is stored verbatim, the PBX validates codecs.
pub static PROVIDER: ObjectDef = ObjectDef {
    name: "provider",
    table: "pr_providers",
    id_column: "pr_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::text("pr_peername").required(),
        FieldDef::text("pr_name"),
        FieldDef::text("pr_tech").check(Check::OneOf(&["SIP", "PJSIP", "IAX2"])),
        FieldDef::flag("pr_userealtime"),
        FieldDef::text("host"),
        FieldDef::text("port").check(Check::Digits),
        FieldDef::text("allow"),
        FieldDef::text("disallow"),
        FieldDef::text("username"),
        FieldDef::secret("secret", SecretKind::Stored),
        FieldDef::text("fromuser"),
        FieldDef::text("fromdomain"),
        FieldDef::text("context"),
        FieldDef::text("qualify"),
        FieldDef::text("nat"),
        FieldDef::text("insecure"),
        FieldDef::managed("pr_created_at"),
        FieldDef::managed("pr_updated_at"),
    ],
    deletable: true,
    created_column: Some("pr_created_at"),
    updated_column: Some("pr_updated_at"),
};

/// Rules of `provider`: the declaration only.
pub static PROVIDERS: Declared = Declared(&PROVIDER);

/// Routing profiles (admin): ordered sets of outbound routes, for voice or SMS.
pub static ROUTINGPROFILE: ObjectDef = ObjectDef {
    name: "routingprofile",
    table: "rp_routingprofiles",
    id_column: "rp_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::text("rp_name").required(),
        FieldDef::text("rp_type").check(Check::OneOf(&["VOICE", "SMS"])),
        FieldDef::managed("rp_created_at"),
    ],
    deletable: true,
    created_column: Some("rp_created_at"),
    updated_column: None,
};

/// Rules of `routingprofile`: the declaration only.
pub static ROUTINGPROFILES: Declared = Declared(&ROUTINGPROFILE);

/// Outbound routes (admin): a dialled-number pattern sent to a provider, within a routing profile.
pub static ROUTE: ObjectDef = ObjectDef {
    name: "route",
    table: "dl_routes",
    id_column: "dl_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::text("dl_rp_id").required().check(Check::Reference(&ROUTINGPROFILE)),
        FieldDef::text("dl_name"),
        FieldDef::text("dl_regex").required(),
        FieldDef::text("dl_pr_id").required().check(Check::Reference(&PROVIDER)),
        FieldDef::flag("dl_emergencyroute"),
        FieldDef::flag("dl_usepin"),
        FieldDef::text("dl_position").check(Check::Integer),
        FieldDef::managed("dl_created_at"),
    ],
    deletable: true,
    created_column: Some("dl_created_at"),
    updated_column: None,
};

/// Rules of `route`: the declaration only.
pub static ROUTES: Declared = Declared(&ROUTE);

/// Flow states (Asterisk device-state words a flow can be in).
pub const FLOW_STATES: &[&str] = &["INUSE", "NOT_INUSE", "UNAVAILABLE", "RINGING"];

/// Flows: day/night switches and variables. Not a MANAGEDB object of the contract, but FLOWS,
/// SETFLOW, INFO FLOW and INFO variable need them to exist; managing them through MANAGEDB `flow` is
/// an extension. The state columns are written by SETFLOW.
pub static FLOW: ObjectDef = ObjectDef {
    name: "flow",
    table: "fl_flows",
    id_column: "fl_id",
    scope: Scope::Tenant { column: "fl_te_id" },
    fields: &[
        FieldDef::text("fl_name").required(),
        FieldDef::text("fl_comment"),
        FieldDef::text("fl_number").required().check(Check::Digits),
        FieldDef::text("fl_value"),
        FieldDef::text("fl_value_for_unavailable"),
        FieldDef::text("fl_value_for_inuse"),
        FieldDef::text("fl_value_for_notinuse"),
        FieldDef::text("fl_value_for_ringing"),
        FieldDef::text("fl_variable_name"),
        FieldDef::text("fl_monitor_type"),
        FieldDef::text("fl_monitor_type_id").check(Check::Reference(&super::extensions::EXTENSION)),
        FieldDef::text("fl_monitor_parameter"),
        FieldDef::text("fl_state").check(Check::OneOf(FLOW_STATES)),
        FieldDef::managed("fl_state_at"),
    ],
    deletable: true,
    created_column: None,
    updated_column: None,
};

/// User groups (admin): sets of tenants and users, linked through USERGROUP / REST. Not a MANAGEDB
/// object of the contract (its USERGROUP reqtype only links); creating groups needs this declaration.
pub static USERGROUP: ObjectDef = ObjectDef {
    name: "usergroup",
    table: "ug_usergroups",
    id_column: "ug_id",
    scope: Scope::Global,
    fields: &[FieldDef::text("ug_name").required(), FieldDef::managed("ug_created_at")],
    deletable: true,
    created_column: Some("ug_created_at"),
    updated_column: None,
};

/// Rules of `usergroup`: the declaration only.
pub static USERGROUPS: Declared = Declared(&USERGROUP);

/// Outbound SIP registrations of providers (admin). The legacy API only lists them; the registration
/// string `user@host[:port][/extension]` is derived without the secret.
pub static SIPREG: ObjectDef = ObjectDef {
    name: "sipregs",
    table: "sr_sipregs",
    id_column: "sr_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::text("sr_pr_id").check(Check::Reference(&PROVIDER)),
        FieldDef::text("sr_username").required(),
        FieldDef::secret("sr_secret", SecretKind::Stored),
        FieldDef::text("sr_host").required(),
        FieldDef::text("sr_port").check(Check::Digits),
        FieldDef::text("sr_extension"),
        FieldDef::managed("sr_created_at"),
    ],
    deletable: true,
    created_column: Some("sr_created_at"),
    updated_column: None,
};

/// Response path definitions: the target of `RESPONSEPATH-<id>` destinations. The recorded results
/// (RESPONSEPATH getlast/getid/list) belong to the reporting issue.
pub static RESPONSEPATH: ObjectDef = ObjectDef {
    name: "responsepath",
    table: "rp_responsepaths",
    id_column: "rh_id",
    scope: Scope::Tenant { column: "rh_te_id" },
    fields: &[
        FieldDef::text("rh_name").required(),
        FieldDef::text("rh_description"),
        FieldDef::managed("rh_created_at"),
    ],
    deletable: true,
    created_column: Some("rh_created_at"),
    updated_column: None,
};

/// Rules of `responsepath`: the declaration only.
pub static RESPONSEPATHS: Declared = Declared(&RESPONSEPATH);

/// DISAs: dial-in system access (target of `DISA-<id>`). The PIN is kept for the PBX, never shown.
pub static DISA: ObjectDef = ObjectDef {
    name: "disa",
    table: "da_disas",
    id_column: "da_id",
    scope: Scope::Tenant { column: "da_te_id" },
    fields: &[
        FieldDef::text("da_name").required(),
        FieldDef::secret("da_pin", SecretKind::Stored).check(Check::Digits),
        FieldDef::text("da_callerid"),
        FieldDef::managed("da_created_at"),
    ],
    deletable: true,
    created_column: Some("da_created_at"),
    updated_column: None,
};

/// Rules of `disa`: the declaration only.
pub static DISAS: Declared = Declared(&DISA);

/// Paging groups (target of `PAGING-<id>`).
pub static PAGINGGROUP: ObjectDef = ObjectDef {
    name: "paginggroup",
    table: "pg_paginggroups",
    id_column: "pg_id",
    scope: Scope::Tenant { column: "pg_te_id" },
    fields: &[
        FieldDef::text("pg_name").required(),
        FieldDef::text("pg_number").check(Check::Digits),
        FieldDef::flag("pg_duplex"),
        FieldDef::managed("pg_created_at"),
    ],
    deletable: true,
    created_column: Some("pg_created_at"),
    updated_column: None,
};

/// Rules of `paginggroup`: the declaration only.
pub static PAGINGGROUPS: Declared = Declared(&PAGINGGROUP);

/// Caller-id rewriting rules (target of `CALLERIDMOD-<id>`).
pub static CALLERIDMOD: ObjectDef = ObjectDef {
    name: "calleridmod",
    table: "cm_calleridmods",
    id_column: "cm_id",
    scope: Scope::Tenant { column: "cm_te_id" },
    fields: &[
        FieldDef::text("cm_name").required(),
        FieldDef::text("cm_match"),
        FieldDef::text("cm_prefix"),
        FieldDef::text("cm_strip").check(Check::Integer),
        FieldDef::text("cm_newname"),
        FieldDef::managed("cm_created_at"),
    ],
    deletable: true,
    created_column: Some("cm_created_at"),
    updated_column: None,
};

/// Rules of `calleridmod`: the declaration only.
pub static CALLERIDMODS: Declared = Declared(&CALLERIDMOD);

/// Campaign states.
pub const CAMPAIGN_STATES: &[&str] = &["STOPPED", "RUNNING", "PAUSED"];

/// Campaigns (targets of the campaign tags). Their actions (start, stop, numbers, dialing) come with
/// the live-PBX issue; the definition lives here so destinations can name it.
pub static CAMPAIGN: ObjectDef = ObjectDef {
    name: "campaign",
    table: "ca_campaigns",
    id_column: "ca_id",
    scope: Scope::Tenant { column: "ca_te_id" },
    fields: &[
        FieldDef::text("ca_name").required(),
        FieldDef::text("ca_type").check(Check::OneOf(&["ONDEMAND", "SCHEDULED"])),
        FieldDef::text("ca_status").check(Check::OneOf(CAMPAIGN_STATES)),
        FieldDef::text("ca_maxchannels").check(Check::Integer),
        FieldDef::managed("ca_created_at"),
    ],
    deletable: true,
    created_column: Some("ca_created_at"),
    updated_column: None,
};

/// Rules of `campaign`: the declaration only.
pub static CAMPAIGNS: Declared = Declared(&CAMPAIGN);

/// Built-in special destinations (target of `SPECIAL-<id>`): a read-only catalogue.
pub static SPECIAL: ObjectDef = ObjectDef {
    name: "special",
    table: "sp_specials",
    id_column: "sp_id",
    scope: Scope::Catalog,
    fields: &[FieldDef::text("sp_name").required(), FieldDef::text("sp_description")],
    deletable: false,
    created_column: None,
    updated_column: None,
};

/// Rules of `special`: the declaration only.
pub static SPECIALS: Declared = Declared(&SPECIAL);
