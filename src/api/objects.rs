//! The REST resources of the provisioned objects (CONTRACT §2.3), grouped so `api::service` registers
//! them in one place. poem-openapi implements `OpenApi` for tuples of up to 16 members, hence the
//! nesting.

use super::{
    callerid_blacklist, callerid_rules, campaigns, conditions, conferences, custom_destination_types,
    custom_destinations, dids, disas, huntlists, ivrs, media_files, music_on_hold, paging_groups, phone_phonebooks,
    phones, providers, queues, response_paths, routes, routing_profiles, sip_registrations, special_destinations,
    voicemail_boxes,
};
use crate::service::Core;

/// Resources under `/v1/tenants/{code}/...`.
pub type TenantObjectApis = (
    queues::QueuesApi,
    dids::DidsApi,
    ivrs::IvrsApi,
    conditions::ConditionsApi,
    huntlists::HuntlistsApi,
    custom_destinations::CustomDestinationsApi,
    conferences::ConferencesApi,
    voicemail_boxes::VoicemailBoxesApi,
    phone_phonebooks::PhonePhonebooksApi,
    phones::PhonesApi,
    media_files::MediaFilesApi,
    music_on_hold::MusicOnHoldApi,
    callerid_blacklist::CallerIdBlacklistApi,
    response_paths::ResponsePathsApi,
    (disas::DisasApi, paging_groups::PagingGroupsApi, callerid_rules::CallerIdRulesApi, campaigns::CampaignsApi),
);

/// Global resources: the custom destination type catalogue and the admin routing objects.
pub type GlobalObjectApis = (
    custom_destination_types::CustomDestinationTypesApi,
    providers::ProvidersApi,
    routing_profiles::RoutingProfilesApi,
    routes::RoutesApi,
    routes::ProfileRoutesApi,
    sip_registrations::SipRegistrationsApi,
    special_destinations::SpecialDestinationsApi,
);

/// Every provisioned-object resource.
pub type ObjectApis = (TenantObjectApis, GlobalObjectApis);

/// Builds every provisioned-object resource over `core`.
pub fn apis(core: &Core) -> ObjectApis {
    let c = || core.clone();
    (
        (
            queues::QueuesApi { core: c() },
            dids::DidsApi { core: c() },
            ivrs::IvrsApi { core: c() },
            conditions::ConditionsApi { core: c() },
            huntlists::HuntlistsApi { core: c() },
            custom_destinations::CustomDestinationsApi { core: c() },
            conferences::ConferencesApi { core: c() },
            voicemail_boxes::VoicemailBoxesApi { core: c() },
            phone_phonebooks::PhonePhonebooksApi { core: c() },
            phones::PhonesApi { core: c() },
            media_files::MediaFilesApi { core: c() },
            music_on_hold::MusicOnHoldApi { core: c() },
            callerid_blacklist::CallerIdBlacklistApi { core: c() },
            response_paths::ResponsePathsApi { core: c() },
            (
                disas::DisasApi { core: c() },
                paging_groups::PagingGroupsApi { core: c() },
                callerid_rules::CallerIdRulesApi { core: c() },
                campaigns::CampaignsApi { core: c() },
            ),
        ),
        (
            custom_destination_types::CustomDestinationTypesApi { core: c() },
            providers::ProvidersApi { core: c() },
            routing_profiles::RoutingProfilesApi { core: c() },
            routes::RoutesApi { core: c() },
            routes::ProfileRoutesApi { core: c() },
            sip_registrations::SipRegistrationsApi { core: c() },
            special_destinations::SpecialDestinationsApi { core: c() },
        ),
    )
}
