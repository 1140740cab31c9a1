"""Entry point: `python -m pbx_gate` with the generated package on sys.path and the gate's environment
(PBXGW_BASE_URL, PBXGW_ADMIN_KEY, PBXGW_TENANT, PBXGW_TENANT_KEY, PBXGW_CALLED_OUT). Runs every section even
when one fails, prints each verdict, exits 1 when any expectation failed."""

from __future__ import annotations

import os
import secrets
import sys
import time
import traceback

from pbx_gateway_client import AuthenticatedClient, Client

from . import crud, sections
from .check import Failure
from .recorder import Recorder
from .resources import catalogue_resources, tenant_resources, trunk_resources


def main() -> int:
    env = os.environ
    base_url = env["PBXGW_BASE_URL"]
    recorder = Recorder(env["PBXGW_CALLED_OUT"])
    # X-API-Key, as the README's examples; `raise_on_unexpected_status` turns a status the operation does not
    # declare into a failure instead of a silent None.
    def client(key: str, *, strict: bool = True) -> AuthenticatedClient:
        return AuthenticatedClient(base_url=base_url, token=key, prefix="", auth_header_name="X-API-Key",
                                   raise_on_unexpected_status=strict, timeout=30.0,
                                   httpx_args=recorder.httpx_args())

    run = secrets.token_hex(3)
    ctx = sections.Context(
        tenant=env["PBXGW_TENANT"],
        tenant_client=client(env["PBXGW_TENANT_KEY"]),
        admin_client=client(env["PBXGW_ADMIN_KEY"]),
        anonymous=Client(base_url=base_url, raise_on_unexpected_status=True, httpx_args=recorder.httpx_args()),
        lenient_tenant_client=client(env["PBXGW_TENANT_KEY"], strict=False),
        run=run,
        digits=f"{int(run, 16) % 1000:03d}",
    )

    steps = [("tenant and extension", lambda: sections.own_tenant_and_extension(ctx)),
             ("no credential", lambda: sections.unauthenticated(ctx))]
    for resource in tenant_resources(ctx.run, ctx.digits, ctx.tenant):
        steps.append((resource.plural, lambda r=resource: crud.walk(r, ctx.tenant_client)))
    for resource in catalogue_resources(ctx.run) + trunk_resources(ctx.run, ctx.digits):
        steps.append((resource.plural, lambda r=resource: crud.walk(r, ctx.admin_client)))
    steps += [
        ("routes", lambda: sections.routes(ctx)),
        ("virtual extensions", lambda: sections.virtual_extensions(ctx)),
        ("settings", lambda: sections.settings(ctx)),
        ("balance", lambda: sections.balance(ctx)),
        ("live (no PBX)", lambda: sections.live(ctx)),
        ("campaign actions", lambda: sections.campaign_actions(ctx)),
        ("cdrs", lambda: sections.cdrs(ctx)),
        ("cdr templates", lambda: sections.cdr_templates(ctx)),
        ("recordings", lambda: sections.recordings(ctx)),
        ("faxes", lambda: sections.faxes(ctx)),
        ("reports", lambda: sections.reports(ctx)),
        # Last: it reads the audit entries the steps above wrote.
        ("audit", lambda: sections.audit(ctx)),
    ]

    failures = 0
    started = time.monotonic()
    for name, step in steps:
        try:
            step()
            print(f"  ok    {name}")
        except Failure as failure:
            failures += 1
            print(f"  FAIL  {name}: {failure}")
        except Exception:  # a crash in one step must not hide the verdicts of the others
            failures += 1
            print(f"  FAIL  {name}: unexpected error\n{traceback.format_exc(limit=6)}")
    print(f"python client: {len(steps) - failures} of {len(steps)} steps passed, {recorder.count} requests, "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
