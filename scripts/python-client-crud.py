import sys
sys.path.insert(0, "/tmp/pyclient/client")
from pbx_gateway_client import AuthenticatedClient
from pbx_gateway_client.api.tenants import create_tenant, get_tenant, list_tenants, update_tenant, delete_tenant
from pbx_gateway_client.api.extensions import create_extension, get_extension, list_extensions, update_extension, delete_extension
from pbx_gateway_client.api.queues import create_queue, put_queue_member, list_queue_members, delete_queue_member
from pbx_gateway_client.models import TenantCreate, TenantPatch, ExtensionCreate, ExtensionPatch, Tech, Problem, QueueCreate, QueueMemberSettings

key = open(sys.argv[1]).read().strip()
c = AuthenticatedClient(base_url="http://127.0.0.1:18081", token=key)
t = create_tenant.sync(client=c, body=TenantCreate(code="PYT", name="Python tenant", parking_start=700, parking_end=710))
assert t.code == "PYT", t
assert get_tenant.sync(client=c, code="PYT").name == "Python tenant"
assert update_tenant.sync(client=c, code="PYT", body=TenantPatch(name="Renamed")).name == "Renamed"
# JSON Merge Patch: None is sent as null and empties the member; members left UNSET keep their value.
cleared = update_tenant.sync(client=c, code="PYT", body=TenantPatch(parking_start=None, parking_end=None))
assert (cleared.parking_start, cleared.parking_end, cleared.name) == (None, None, "Renamed"), cleared
assert any(x.code == "PYT" for x in list_tenants.sync(client=c).items)
e = create_extension.sync(client=c, code="PYT", body=ExtensionCreate(number="100", name="Desk", tech=Tech.PJSIP, secret="s3cret-pass"))
assert e.username == "100-PYT", e
assert get_extension.sync(client=c, code="PYT", id=e.id).number == "100"
read = get_extension.sync_detailed(client=c, code="PYT", id=e.id)
tag = read.headers["etag"]
assert update_extension.sync(client=c, code="PYT", id=e.id, body=ExtensionPatch(name="Front"), if_match=tag).name == "Front"
stale = update_extension.sync(client=c, code="PYT", id=e.id, body=ExtensionPatch(name="Late"), if_match=tag)
assert isinstance(stale, Problem) and stale.code == "precondition_failed", stale
page = list_extensions.sync(client=c, code="PYT", number="100")
assert [x.id for x in page.items] == [e.id]
dup = create_extension.sync(client=c, code="PYT", body=ExtensionCreate(number="100"))
assert isinstance(dup, Problem) and dup.code == "conflict", dup
# Queue members, end to end.
q = create_queue.sync(client=c, code="PYT", body=QueueCreate(name="Support", number="9200", strategy="RINGALL", timeout=30))
assert q.name == "Support", q
m = put_queue_member.sync(client=c, code="PYT", id=q.id, extension_id=e.id, body=QueueMemberSettings(penalty=2, paused=True))
assert (m.username, m.penalty, m.paused) == ("100-PYT", 2, True), m
m = put_queue_member.sync(client=c, code="PYT", id=q.id, extension_id=e.id, body=QueueMemberSettings(paused=False))
assert (m.penalty, m.paused) == (2, False), m
assert [x.extension_id for x in list_queue_members.sync(client=c, code="PYT", id=q.id).items] == [e.id]
assert delete_queue_member.sync_detailed(client=c, code="PYT", id=q.id, extension_id=e.id).status_code == 204
assert list_queue_members.sync(client=c, code="PYT", id=q.id).items == []
r = delete_extension.sync_detailed(client=c, code="PYT", id=e.id)
assert r.status_code == 204, r
missing = get_extension.sync(client=c, code="PYT", id=e.id)
assert isinstance(missing, Problem) and missing.code == "not_found", missing
from pbx_gateway_client.api.queues import delete_queue
assert delete_queue.sync_detailed(client=c, code="PYT", id=q.id).status_code == 204
assert delete_tenant.sync_detailed(client=c, code="PYT").status_code == 204
print("generated python client: tenant and extension CRUD and queue members OK")
