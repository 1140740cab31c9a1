"""Schemathesis hooks of scripts/api-gates.sh (schemathesis.toml names this file).

One makes the generated requests those of a real client (a fresh Idempotency-Key, no made-up
cursor), and one says which refusals of schema-valid data are rules no schema states. Nothing else is filtered: every other failure of
every check fails the gate.
"""

import json
import os
import re
import hashlib

import schemathesis


VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    """Runs before every request of every phase (the coverage phase does not go through the
    generation hooks)."""
    # A client makes a new Idempotency-Key for each new request and sends it again only with the
    # same request (README, "Retries"). Generated keys repeat ("0", "00") across different bodies,
    # which the server rightly refuses (422 idempotency_key_reused; tests/it/idempotency.rs tests
    # replays and reuse). So the key is derived from the request itself: a request Schemathesis sends
    # again (a check re-sending a case) is a retry, any other gets a key of its own. A key the
    # schema refuses stays, so the server's refusal of it is still tested.
    if case.headers and VALID_KEY.match(str(case.headers.get("Idempotency-Key", ""))):
        request = [case.method, case.formatted_path, case.query, case.media_type, repr(case.body)]
        digest = hashlib.sha256(json.dumps(request, default=repr, sort_keys=True).encode()).hexdigest()
        case.headers["Idempotency-Key"] = f"st-{digest[:40]}"
    # A cursor is whatever the server put in `next_cursor`; a made-up one is refused (422
    # invalid_cursor), and no schema can list the ones a server issued. Paging with real cursors is
    # tested by the client programs (clients/) and the integration suite.
    if case.query:
        case.query.pop("cursor", None)


# A body naming a row that does not exist (`media_file_id: no mediafile with id 42`): the schema
# says an id is a whole number, only the database knows which ones exist.
UNKNOWN_REFERENCE = re.compile(r"^[\w-]+: (no [\w ]+ with (id|number|name) |unknown tenant )")

# Per operation, the members whose refusals come from rules about other members, stored data or the
# clock, which OpenAPI 3.0 cannot state: member -> the refusal's detail (a regular expression). A
# refusal of any other member, or with another detail, fails the gate.
RULES_NO_SCHEMA_STATES = {
    # `field` and `value` go together (a search names both).
    "GET /v1/tenants/{code}/phonebooks/{name}/entries": {"field": "required with value", "value": "required with field"},
    # Entries' member names are 1-64 letters, digits, `_`, `-` (OpenAPI 3.0 has no `propertyNames`).
    "POST /v1/tenants/{code}/phonebooks/{name}/entries": {"field": "field names must be"},
    # A period's start is not after its end; a date is one of the calendar (the pattern lets
    # 2026-02-30 through).
    "GET /v1/tenants/{code}/faxes": {"from": "must not be after|RFC 3339 time", "to": "RFC 3339 time"},
    "GET /v1/tenants/{code}/response-paths/{id}/results": {"from": "must not be after"},
    "GET /v1/tenants/{code}/queue-logs": {"from": "must not be after"},
    "GET /v1/tenants/{code}/ivr-logs": {"from": "must not be after"},
    "GET /v1/tenants/{code}/sms": {"from": "must not be after"},
    "GET /v1/tenants/{code}/recordings": {"from": "must not be after|RFC 3339 time", "to": "RFC 3339 time"},
    "GET /v1/tenants/{code}/cdrs": {"from": "must not be after"},
    "GET /v1/tenants/{code}/cdrs/export": {"from": "must not be after"},
    "GET /v1/audit": {"since": "must not be after"},
    # Parking lots run upwards.
    "POST /v1/tenants": {"parking_end": "must not be below"},
    "PATCH /v1/tenants/{code}": {"parking_end": "must not be below"},
    # The document is a PDF (by its bytes) and the address one a mailer takes.
    "POST /v1/tenants/{code}/faxes": {"filename": "is not a PDF", "document": "is not a PDF",
                                      "statusemail": "e-mail", "status_email": "e-mail"},
    # A key's expiry lies in the future.
    "POST /v1/tenants/{code}/api-keys": {"expires_at": "must lie in the future"},
    # A new number changes the SIP user name, and the stored digest with it: the secret comes along.
    "PATCH /v1/tenants/{code}/extensions/{id}": {"secret": "changing ex_number changes the SIP username"},
    # A call or message starts from an extension of the tenant, and its account is one.
    "POST /v1/tenants/{code}/calls": {"source": "extension", "account": "extension",
                                      "variables": "names are 1-64 characters"},
    "POST /v1/tenants/{code}/sms": {"source": "extension", "account": "extension", "dest": "required"},
    # A flow change names a state or a value.
    "PUT /v1/tenants/{code}/flows/{id}/state": {"state": "give a state"},
    # Destination tags name objects of the tenant (`EXT-<id>`, ...).
    "PUT /v1/tenants/{code}/dids/{id}/destinations": {"destinations": "Invalid destination"},
    "PUT /v1/tenants/{code}/conditions/{id}/destinations": {"destinations": "Invalid destination"},
    "PUT /v1/tenants/{code}/huntlists/{id}/extensions": {"destinations": "Invalid destination"},
    "PUT /v1/tenants/{code}/ivrs/{id}/destinations/{typesrc}": {"destinations": "Invalid destination"},
    # A schedule row's members mean what the condition's type says (a weekday, a date, a time).
    "PUT /v1/tenants/{code}/conditions/{id}/schedule": {"param1": "row", "param2": "row", "param3": "row"},
    # The uploaded bytes are WAV or MP3 audio.
    "PUT /v1/tenants/{code}/media-files/{id}/audio": {"body": "is not WAV or MP3 audio"},
}


def _fields(response):
    try:
        problem = json.loads(response.content)
    except (ValueError, AttributeError):
        return None
    errors = problem.get("errors") or []
    return [(e.get("field"), e.get("detail", "")) for e in errors] or None


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps a failure unless it is a 422 refusal that only rules above explain."""
    if "positive_data_acceptance" not in getattr(failure, "checks", ()) or response.status_code != 422:
        return True
    fields = _fields(response)
    if not fields:
        return True
    rules = RULES_NO_SCHEMA_STATES.get(f"{case.operation.method.upper()} {case.operation.path}", {})
    explained = all(
        (field in rules and re.search(rules[field], detail)) or UNKNOWN_REFERENCE.match(detail)
        for field, detail in fields
    )
    # GATES_DROPPED (set by api-gates.sh) names a file listing what was dropped, one line each.
    if explained and os.environ.get("GATES_DROPPED"):
        with open(os.environ["GATES_DROPPED"], "a", encoding="utf-8") as out:
            label = f"{case.operation.method.upper()} {case.operation.path}"
            out.write(f"{label}\t{'; '.join(f'{field}: {detail}' for field, detail in fields)[:300]}\n")
    return not explained
