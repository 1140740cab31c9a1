//! The declaration of every provisioned object (CONTRACT §2.3/§2.4): table, fields, checks,
//! secrets and timestamps. Most objects are served by the declaration alone (they are listed in
//! `declarative!` at the end); the few that need code of their own (tenants, users, extensions,
//! voicemail boxes, flows, SIP registrations) have their rules in the module named after them, and
//! `registry` joins both. Declarations sit here, below every rule module, so any module can name
//! any object without depending on its rules.

use crate::domain::object::{Check, FieldDef, Length, ObjectDef, Scope, SecretKind};
use crate::domain::{ExtensionNumber, TenantCode, Username};

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
        FieldDef::text("fl_monitor_type_id").check(Check::Reference(&super::catalog::EXTENSION)),
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

// Objects with rules of their own (in the module named after them); their declarations live here
// with the others so every module can name any object without depending on its rules.

/// `te_tenants`, in legacy record order.
pub static TENANT: ObjectDef = ObjectDef {
    name: "tenant",
    table: "te_tenants",
    id_column: "te_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::create_only("te_code").length(TenantCode::LENGTH),
        FieldDef::text("te_name").length(Length { min: 1, max: Length::NAME.max }),
        FieldDef::flag("te_disabled"),
        FieldDef::text("te_billingcode"),
        FieldDef::text("te_recordinghost"),
        FieldDef::text("te_recordinguser"),
        FieldDef::secret("te_recordingpassword", SecretKind::Stored),
        FieldDef::text("pk_start"),
        FieldDef::text("pk_end"),
        FieldDef::managed("te_created_at"),
        FieldDef::managed("te_updated_at"),
    ],
    deletable: true,
    created_column: Some("te_created_at"),
    updated_column: Some("te_updated_at"),
};

/// `us_users`, in legacy record order.
pub static USER: ObjectDef = ObjectDef {
    name: "user",
    table: "us_users",
    id_column: "us_id",
    scope: Scope::Global,
    fields: &[
        FieldDef::text("us_username").length(Username::LENGTH),
        FieldDef::secret("us_password", SecretKind::Argon2Legacy).length(Length::USER_PASSWORD),
        FieldDef::text("us_up_id").check(Check::ExternalId),
        FieldDef::text("us_role"),
        FieldDef::flag("us_disabled"),
        FieldDef::managed("us_created_at"),
        FieldDef::managed("us_updated_at"),
    ],
    deletable: true,
    created_column: Some("us_created_at"),
    updated_column: Some("us_updated_at"),
};

/// `ex_extensions`: the full legacy row (CONTRACT §2.6) in legacy order, then the SIP digest and the
/// gateway's `disabled`.
pub static EXTENSION: ObjectDef = ObjectDef {
    name: "extension",
    table: "ex_extensions",
    id_column: "ex_id",
    scope: Scope::Tenant { column: "ex_te_id" },
    fields: &[
        FieldDef::text("ex_name").length(Length::NAME),
        FieldDef::text("ex_tech"),
        FieldDef::text("ex_number").length(ExtensionNumber::LENGTH).required(),
        FieldDef::text("ex_trunk"),
        FieldDef::text("ex_tech_id").check(Check::ExternalId),
        FieldDef::text("ex_cidnum"),
        FieldDef::text("ex_cidname"),
        FieldDef::text("ex_cidusage"),
        FieldDef::text("ex_blockcid"),
        FieldDef::text("ex_prefix"),
        FieldDef::text("ex_mindigitprefix"),
        FieldDef::text("ex_maxdigitprefix"),
        FieldDef::text("ex_fmfmstatus"),
        FieldDef::text("ex_fmfmnumber"),
        FieldDef::text("ex_fmfmdialtimeout"),
        FieldDef::text("ex_fmfmdialmethod"),
        FieldDef::text("ex_fmfmcallerid"),
        FieldDef::text("ex_fmfmnumprefix"),
        FieldDef::text("ex_fmfmnameprefix"),
        FieldDef::text("ex_recording"),
        FieldDef::text("ex_dialtimeout"),
        FieldDef::text("ex_callgroup"),
        FieldDef::text("ex_pickupgroup"),
        FieldDef::text("ex_unconditionalstatus"),
        FieldDef::text("ex_onbusystatus"),
        FieldDef::text("ex_onofflinestatus"),
        FieldDef::text("ex_onnoanswerstatus"),
        FieldDef::text("ex_callallowed"),
        FieldDef::text("ex_destallowregex"),
        FieldDef::text("ex_rp_id").check(Check::Reference(&ROUTINGPROFILE)),
        FieldDef::text("ex_dnd"),
        FieldDef::text("ex_emergencycidnum"),
        FieldDef::secret("ex_webpassword", SecretKind::Argon2).length(Length::PASSWORD),
        FieldDef::secret("ex_token", SecretKind::Stored),
        FieldDef::text("ex_token_validity"),
        FieldDef::text("ex_up_id").check(Check::ExternalId),
        FieldDef::text("ex_userpanel"),
        FieldDef::managed("ex_datecreation"),
        FieldDef::text("ex_emailrecording"),
        FieldDef::text("ex_fmfmconfirm"),
        FieldDef::text("ex_fmfmconfirmmessage_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_minemailrecording"),
        FieldDef::text("ex_branch"),
        FieldDef::text("ex_department"),
        FieldDef::text("ex_autocallerid"),
        FieldDef::text("ex_trunkcidoverride"),
        FieldDef::text("ex_trunkemergencycidoverride"),
        FieldDef::text("ex_cr_id").check(Check::Reference(&CONFERENCE)),
        FieldDef::text("ex_trunkcidsource"),
        FieldDef::text("ex_description"),
        FieldDef::text("ex_fmfmholdmessage_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_notifymissingemail"),
        FieldDef::text("ex_webuseldap"),
        FieldDef::text("ex_webuser"),
        FieldDef::text("ex_txvolume"),
        FieldDef::text("ex_rxvolume"),
        FieldDef::text("ex_mu_id").check(Check::Reference(&MUSICONHOLD)),
        FieldDef::text("ex_faxgateway"),
        FieldDef::text("ex_faxalert"),
        FieldDef::text("ex_trunkdid"),
        FieldDef::text("ex_fmfmdelay"),
        FieldDef::text("ex_includeindbn"),
        FieldDef::text("ex_abusedetection"),
        FieldDef::text("ex_referenceid"),
        FieldDef::text("ex_notes"),
        FieldDef::text("ex_callwaiting"),
        FieldDef::text("ex_costlimits"),
        FieldDef::text("ex_dailycostlimit"),
        FieldDef::text("ex_dailycostlimitdom"),
        FieldDef::text("ex_dailycostlimitint"),
        FieldDef::text("ex_routecostlimit"),
        FieldDef::text("ex_dailycostwarning"),
        FieldDef::text("ex_dailycostwarningdom"),
        FieldDef::text("ex_dailycostwarningint"),
        FieldDef::nullable("ex_lastcostalert"),
        FieldDef::text("ex_cl_id").check(Check::ExternalId),
        FieldDef::text("ex_alertemail"),
        FieldDef::text("ex_includeinpb"),
        FieldDef::text("ex_onconditionstatus"),
        FieldDef::text("ex_oncondition_id").check(Check::Reference(&CONDITION)),
        FieldDef::text("ex_autoanswer"),
        FieldDef::text("ex_autocidname"),
        FieldDef::text("ex_regexprefix"),
        FieldDef::text("ex_fromfilterregex"),
        FieldDef::text("ex_ignoreemptyemergcallerid"),
        FieldDef::text("ex_overridesippermit"),
        FieldDef::text("ex_webrtcsupport"),
        FieldDef::text("ex_blockanonymous"),
        FieldDef::text("ex_dn_me_id").check(Check::Reference(&MEDIAFILE)),
        FieldDef::text("ex_spygroups"),
        FieldDef::text("ex_email"),
        FieldDef::text("ex_inboundblockcid"),
        FieldDef::text("ex_inboundblockcidname"),
        FieldDef::text("ex_applyalwaysrpid"),
        FieldDef::text("ex_mailbox"),
        FieldDef::text("ex_outboundtimeout"),
        FieldDef::text("ex_smscidnum"),
        FieldDef::text("ex_useragentsecurity"),
        FieldDef::text("ex_useragentallowed"),
        FieldDef::text("ex_sms_rp_id").check(Check::Reference(&ROUTINGPROFILE)),
        FieldDef::text("ex_callallowedreason"),
        FieldDef::text("ex_permit"),
        FieldDef::text("ex_permit_fqdn"),
        FieldDef::text("ex_calleridregexsamesms"),
        FieldDef::text("ex_ignoreinternalmissed"),
        FieldDef::text("ex_webphone"),
        FieldDef::text("ex_prefixdefault"),
        FieldDef::text("ex_regexprefixdefault"),
        FieldDef::text("ex_alertwhenoffline"),
        FieldDef::nullable("ex_lastofflinealert"),
        FieldDef::text("ex_emergencynotes"),
        FieldDef::text("ex_parkinglot"),
        FieldDef::text("ex_monthlycostlimit"),
        FieldDef::text("ex_monthlycostlimitdom"),
        FieldDef::text("ex_monthlycostlimitint"),
        FieldDef::text("ex_monthlycostwarning"),
        FieldDef::text("ex_monthlycostwarningdom"),
        FieldDef::text("ex_monthlycostwarningint"),
        FieldDef::text("ex_workinghours"),
        FieldDef::text("ex_enableworkinghours"),
        FieldDef::text("ex_useextcallerid"),
        FieldDef::text("ex_pushnotification"),
        FieldDef::text("ex_ignorequeuemissed"),
        FieldDef::text("ex_fmfmonconditionid").check(Check::Reference(&CONDITION)),
        FieldDef::text("ex_transcript"),
        FieldDef::text("ex_outboundrecordingmessage"),
        FieldDef::text("ex_sw_id").check(Check::ExternalId),
        FieldDef::text("ex_overridecidnum"),
        FieldDef::text("ex_overridecidname"),
        FieldDef::text("ex_privacyrecording"),
        FieldDef::text("ex_userapp"),
        FieldDef::text("ex_ipfilter"),
        FieldDef::text("ex_useipfilter"),
        FieldDef::text("ex_switchboard"),
        FieldDef::text("ex_aisummary"),
        FieldDef::text("ex_aisentiment"),
        FieldDef::text("ex_2fatype"),
        FieldDef::secret("ex_2fa_param1", SecretKind::Stored),
        FieldDef::secret("ex_2fa_param2", SecretKind::Stored),
        FieldDef::secret("ex_2fa_param3", SecretKind::Stored),
        FieldDef::managed("ex_lastchange"),
        FieldDef::text("ex_neverexpire"),
        FieldDef::text("ex_passwordlocked"),
        FieldDef::secret("ex_lockpin", SecretKind::Stored),
        FieldDef::text("ex_pinlocked"),
        FieldDef::secret("ex_md5secret", SecretKind::Derived),
        // The gateway's own: a disabled extension is no PBX endpoint (it cannot register or be
        // called) but keeps its settings, numbers and memberships.
        FieldDef::flag("disabled"),
    ],
    deletable: true,
    created_column: Some("ex_datecreation"),
    updated_column: Some("ex_lastchange"),
};

/// `voicemail`: the mailbox row (id `uniqueid`), tenant link `vm_te_id`.
pub static VOICEMAIL: ObjectDef = ObjectDef {
    name: "voicemail",
    table: "voicemail",
    id_column: "uniqueid",
    scope: Scope::Tenant { column: "vm_te_id" },
    fields: &[
        FieldDef::create_only("context"),
        FieldDef::text("mailbox").required().check(Check::Digits),
        // The mailbox PIN: Asterisk compares it as given, so it is kept, and never shown.
        FieldDef::secret("password", SecretKind::Stored).check(Check::Digits),
        FieldDef::text("fullname"),
        FieldDef::text("email"),
        FieldDef::text("pager"),
        FieldDef::text("attach").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("attachfmt"),
        FieldDef::text("serveremail"),
        FieldDef::text("language"),
        FieldDef::text("tz"),
        FieldDef::text("deletevoicemail").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("saycid").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("sendvoicemail").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("review").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("tempgreetwarn").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("operator").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("envelope").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("sayduration").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("saydurationm").check(Check::Integer),
        FieldDef::text("forcename").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("forcegreetings").check(Check::OneOf(&["yes", "no"])),
        FieldDef::text("callback"),
        FieldDef::text("dialout"),
        FieldDef::text("exitcontext"),
        FieldDef::text("maxmsg").check(Check::Integer),
        FieldDef::text("volgain"),
        FieldDef::text("imapuser").hidden_from_read_only(),
        FieldDef::secret("imappassword", SecretKind::Stored),
        FieldDef::text("imapserver"),
        FieldDef::text("imapport").check(Check::Digits),
        FieldDef::text("imapflags"),
        FieldDef::managed("stamp"),
    ],
    deletable: true,
    created_column: None,
    updated_column: Some("stamp"),
};

/// The phonebook table as a declaration, so destination tags (`PHONEBOOK-<pb_id>` ...) can name and
/// protect phonebooks with the generic lookups. Phonebooks are not a MANAGEDB object: not registered.
pub static PHONEBOOK_TABLE: ObjectDef = ObjectDef {
    name: "phonebook",
    table: "pb_phonebooks",
    id_column: "pb_id",
    scope: Scope::Tenant { column: "pb_te_id" },
    fields: &[FieldDef::text("pb_name"), FieldDef::managed("pb_created_at")],
    deletable: true,
    created_column: None,
    updated_column: None,
};

/// The objects with rules of their own, in the registry's order.
pub static WITH_RULES: &[&ObjectDef] = &[&TENANT, &USER, &EXTENSION, &VOICEMAIL, &FLOW, &SIPREG];

/// Every provisioned object: those with rules of their own, then those the declaration serves.
pub fn all() -> impl Iterator<Item = &'static ObjectDef> {
    WITH_RULES.iter().copied().chain(DECLARATIVE.iter().map(|rules| rules.0))
}

/// An object the declaration alone serves (its `ObjectRules` are in `rules`).
#[derive(Debug)]
pub struct Declared(pub &'static ObjectDef);

/// Declares the rules of the objects the declaration alone serves (`QUEUES` wraps `QUEUE`) and the
/// list of them the registry serves: adding such an object means its declaration above and a line
/// here.
macro_rules! declarative {
    ($($rules:ident = $def:ident),* $(,)?) => {
        $(
            #[doc = concat!("Rules of [`", stringify!($def), "`]: the declaration only.")]
            pub static $rules: Declared = Declared(&$def);
        )*
        /// Every object the declaration alone serves.
        pub static DECLARATIVE: &[&Declared] = &[$(&$rules),*];
    };
}

declarative! {
    QUEUES = QUEUE,
    DIDS = DID,
    IVRS = IVR,
    CONDITIONS = CONDITION,
    HUNTLISTS = HUNTLIST,
    CUSTOMTYPES = CUSTOMTYPE,
    CUSTOMS = CUSTOM,
    CONFERENCES = CONFERENCE,
    PHONEPHONEBOOKS = PHONEPHONEBOOK,
    PHONES = PHONE,
    MEDIAFILES = MEDIAFILE,
    MUSICONHOLDS = MUSICONHOLD,
    CALLERIDBLACKLISTS = CALLERIDBLACKLIST,
    PROVIDERS = PROVIDER,
    ROUTINGPROFILES = ROUTINGPROFILE,
    ROUTES = ROUTE,
    USERGROUPS = USERGROUP,
    RESPONSEPATHS = RESPONSEPATH,
    DISAS = DISA,
    PAGINGGROUPS = PAGINGGROUP,
    CALLERIDMODS = CALLERIDMOD,
    CAMPAIGNS = CAMPAIGN,
    SPECIALS = SPECIAL,
}
