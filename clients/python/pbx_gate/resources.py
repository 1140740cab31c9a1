"""The provisioned objects of this program's share walked by crud.walk: what to create and how to change
each. Names carry the `py-` prefix and the run's tag so they never meet the seeded data or another run's."""

from __future__ import annotations

from pbx_gateway_client.models import (
    CallerIdBlacklistEntryCreate,
    CallerIdBlacklistEntryPatch,
    CallerIdRuleCreate,
    CallerIdRulePatch,
    CampaignCreate,
    CampaignCreateCampaignType,
    CampaignPatch,
    CustomDestinationCreate,
    CustomDestinationPatch,
    CustomDestinationTypeCreate,
    CustomDestinationTypePatch,
    DisaCreate,
    DisaPatch,
    PagingGroupCreate,
    PagingGroupPatch,
    ProviderCreate,
    ProviderCreateTech,
    ProviderPatch,
    ResponsePathCreate,
    ResponsePathPatch,
    RouteCreate,
    RoutePatch,
    RoutingProfileCreate,
    RoutingProfileCreateType,
    RoutingProfilePatch,
    SipRegistrationCreate,
    SipRegistrationPatch,
    SpecialDestinationCreate,
    SpecialDestinationPatch,
)

from .crud import Resource


def tenant_resources(run: str, digits: str, tenant: str) -> list[Resource]:
    """Objects of a tenant, walked with the tenant's read-write key."""
    scope = {"code": tenant}
    return [
        Resource(
            "paging_groups", "paging_group", "paging_groups",
            make=lambda i: PagingGroupCreate(name=f"py-page-{run}-{i}", number=f"86{digits}{i}", duplex=True),
            patch=PagingGroupPatch(name=f"py-page-{run}-renamed", duplex=False),
            invalid_patch=PagingGroupPatch(name=""), invalid_field="name", scope=scope,
        ),
        Resource(
            "disas", "disa", "disas",
            make=lambda i: DisaCreate(name=f"py-disa-{run}-{i}", pin="4321", caller_id=f"py {i}"),
            patch=DisaPatch(caller_id="py changed", pin="9876"),
            invalid_patch=DisaPatch(pin="12ab"), invalid_field="pin", scope=scope, write_only=("pin",),
        ),
        Resource(
            "response_paths", "response_path", "response_paths",
            make=lambda i: ResponsePathCreate(name=f"py-rp-{run}-{i}", description=f"survey {i}"),
            patch=ResponsePathPatch(description="changed by the python gate"),
            invalid_patch=ResponsePathPatch(name=""), invalid_field="name", scope=scope,
        ),
        Resource(
            "custom_destinations", "custom_destination", "custom_destinations",
            # type 1 is the seeded DIAL type (param1: the dial string).
            make=lambda i: CustomDestinationCreate(name=f"py-cd-{run}-{i}", type_id=1, param1=f"PJSIP/py{i}"),
            patch=CustomDestinationPatch(param1="PJSIP/changed", param2="30"),
            invalid_patch=CustomDestinationPatch(name=""), invalid_field="name", scope=scope,
        ),
        Resource(
            "caller_id_rules", "callerid_rule", "callerid_rules",
            make=lambda i: CallerIdRuleCreate(name=f"py-cid-{run}-{i}", match_pattern=f"0049{i}", prefix="0",
                                              strip=4, new_name=f"Germany {i}"),
            patch=CallerIdRulePatch(prefix="00", strip=2),
            invalid_patch=CallerIdRulePatch(name=""), invalid_field="name", scope=scope,
        ),
        Resource(
            "caller_id_blacklist", "callerid_blacklist_entry", "callerid_blacklist",
            make=lambda i: CallerIdBlacklistEntryCreate(number=f"0300{digits}{i}", description=f"py {run} {i}"),
            patch=CallerIdBlacklistEntryPatch(description="spam, says the python gate"),
            invalid_patch=CallerIdBlacklistEntryPatch(number=""), invalid_field="number", scope=scope,
        ),
        Resource(
            "campaigns", "campaign", "campaigns",
            make=lambda i: CampaignCreate(name=f"py-camp-{run}-{i}", campaign_type=CampaignCreateCampaignType.ONDEMAND,
                                          max_channels=2),
            patch=CampaignPatch(name=f"py-camp-{run}-renamed", max_channels=3),
            invalid_patch=CampaignPatch(name=""), invalid_field="name", scope=scope,
        ),
    ]


def catalogue_resources(run: str) -> list[Resource]:
    """Admin catalogues without DELETE: one object each (the seeded entries make the second page)."""
    return [
        Resource(
            "custom_destination_types", "custom_destination_type", "custom_destination_types",
            make=lambda i: CustomDestinationTypeCreate(name=f"py-cdt-{run}-{i}", description="py type",
                                                       param1_label="Target"),
            patch=CustomDestinationTypePatch(description="changed by the python gate", param2_label="Timeout"),
            invalid_patch=CustomDestinationTypePatch(name=""), invalid_field="name", deletable=False, count=1,
        ),
        Resource(
            "special_destinations", "special_destination", "special_destinations",
            make=lambda i: SpecialDestinationCreate(name=f"py-sd-{run}-{i}", description="py special"),
            patch=SpecialDestinationPatch(description="changed by the python gate"),
            invalid_patch=SpecialDestinationPatch(name=""), invalid_field="name", deletable=False, count=1,
        ),
    ]


def trunk_resources(run: str, digits: str) -> list[Resource]:
    """Providers, SIP registrations and routing profiles (admin)."""
    return [
        Resource(
            "providers", "provider", "providers",
            make=lambda i: ProviderCreate(peer_name=f"py-prov-{run}-{i}", name=f"Carrier {i}",
                                          tech=ProviderCreateTech.PJSIP, host=f"sip{i}.example.com", port=5060,
                                          username=f"py{i}", secret="trunk-secret-1"),
            patch=ProviderPatch(host="sip.example.net", port=5080, secret="trunk-secret-2"),
            invalid_patch=ProviderPatch(peer_name=""), invalid_field="peer_name", write_only=("secret",),
        ),
        Resource(
            "providers", "sip_registration", "sip_registrations",
            make=lambda i: SipRegistrationCreate(username=f"py-reg-{run}-{i}", secret="reg-secret-1",
                                                 host="sip.example.com", port=5060, extension=f"55{digits}{i}"),
            patch=SipRegistrationPatch(host="sip.example.net", secret="reg-secret-2"),
            invalid_patch=SipRegistrationPatch(username=""), invalid_field="username", write_only=("secret",),
            derived=("registration",),
        ),
        Resource(
            "routing_profiles", "routing_profile", "routing_profiles",
            make=lambda i: RoutingProfileCreate(name=f"py-rprof-{run}-{i}", type_=RoutingProfileCreateType.VOICE),
            patch=RoutingProfilePatch(name=f"py-rprof-{run}-renamed"),
            invalid_patch=RoutingProfilePatch(name=""), invalid_field="name",
        ),
    ]


def route_resource(run: str, profile_id: int, provider_id: int, other_provider_id: int) -> Resource:
    """Routes need a routing profile and a provider, made by the caller."""
    return Resource(
        "routes", "route", "routes",
        make=lambda i: RouteCreate(routing_profile_id=profile_id, regex=f"^9{i}[0-9]+$", provider_id=provider_id,
                                   name=f"py-route-{run}-{i}", emergency_route=False, use_pin=False),
        patch=RoutePatch(regex="^0[0-9]+$", provider_id=other_provider_id, emergency_route=True),
        invalid_patch=RoutePatch(regex=""), invalid_field="regex",
    )
