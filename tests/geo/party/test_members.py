"""Reading party members in geo/: scope, masking, and an audit entry naming what was read, never for a refusal."""

import pytest
from sqlalchemy import text

from geo.access.actor import Actor
from geo.access.scope import scope_for
from geo.core.errors import Forbidden, NotFound
from geo.core.models import Role
from geo.party import members
from tests.city import A1, COMM_A, COMM_B
from tests.party_city import build_party_city


def actor(session, role: str, scope: str | None) -> Actor:
    return Actor(f"{role}-{scope}", Role(role), scope_for(session, role, scope))


def entries(session) -> list:
    return session.execute(text("SELECT actor, role, object, detail FROM audit_log "
                                "WHERE action = 'read_party_members' ORDER BY id")).all()


def test_scope_by_organisation_or_home(session):
    ids = build_party_city(session)
    a, b = actor(session, "party_staff", COMM_A), actor(session, "party_staff", COMM_B)
    assert [m["id"] for m in members.list_members(session, a)["items"]] == [ids[m] for m in ("m1", "m2", "m3", "m5")]
    assert [m["id"] for m in members.list_members(session, b)["items"]] == [ids["m3"], ids["m4"]]
    grid = actor(session, "party_staff", A1)  # no organisation is a grid's: only members living there
    assert [m["id"] for m in members.list_members(session, grid)["items"]] == [ids["m1"]]
    assert members.list_members(session, a, community=COMM_B)["items"][0]["id"] == ids["m3"]


def test_every_read_is_audited_with_the_ids(session):
    ids = build_party_city(session)
    a = actor(session, "party_staff", COMM_A)
    members.get_member(session, a, ids["m1"])
    members.list_members(session, a, kind="in_service")
    found = entries(session)
    assert [(e.actor, e.role, e.object) for e in found] == [
        (a.username, "party_staff", f"party_members:{ids['m1']}"),
        (a.username, "party_staff", f"party_members:{ids['m2']},{ids['m3']}")]
    assert found[1].detail["ids"] == [ids["m2"], ids["m3"]] and found[1].detail["filters"] == {"kind": "in_service"}


def test_refused_reads_leave_no_entry(session):
    ids = build_party_city(session)
    with pytest.raises(NotFound):
        members.get_member(session, actor(session, "party_staff", COMM_B), ids["m1"])
    with pytest.raises(Forbidden):
        members.list_members(session, actor(session, "community_staff", COMM_A))
    assert entries(session) == []


def test_the_view_masks_the_phone_and_labels_the_codes(session):
    ids = build_party_city(session)
    m4 = members.get_member(session, actor(session, "admin", None), ids["m4"])
    assert m4["phone"] == "139****0000"
    assert (m4["status_label"], m4["kind_label"], m4["grid_role_label"]) == ("预备党员", "居民党员", "专职网格员")
    assert m4["home"]["grid_code"].startswith(COMM_B) and len(m4["contacts"]) == 1
