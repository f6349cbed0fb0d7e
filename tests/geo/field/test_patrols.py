"""Patrols: who may start one and in which grid, positions (time, place, accuracy, idempotency, length), check-ins,
finishing, and the cases found on the way."""

from datetime import UTC, datetime, timedelta

import pytest
from pyproj import Geod
from sqlalchemy import select, text

from geo.access.accounts import create_user
from geo.access.actor import actor_for
from geo.access.crypto import seal
from geo.cases.intake import NewCase
from geo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from geo.core.models import User
from geo.core.settings import get_settings
from geo.field import patrols
from tests.city import A1, A2, A3, COMM_B, PASSWORD
from tests.field_city import CHECKPOINTS, build_field_city

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
GEOD = Geod(ellps="WGS84")
TRACK = [(116.401, 39.95), (116.402, 39.95), (116.403, 39.95)]  # in A1, 0.001° of longitude apart
# By hand: along the parallel 39.95° N of the WGS84 ellipsoid, N = a / sqrt(1 - e² sin² φ) = 6 386 957 m, and
# 0.001° of longitude is N cos φ · 0.001 · π/180 = 85.457 m; the geodesic between is a hair shorter: 2 × 85.456 m.
TRACK_M = GEOD.line_length([x for x, _ in TRACK], [y for _, y in TRACK])


@pytest.fixture
def field(session):
    return build_field_city(session)


def actor(session, name):
    return actor_for(session, session.scalars(select(User).where(User.username == name)).one())


def person(session, name, role, scope, duty):
    """An account with a staff record on duty in `scope`."""
    user = create_user(session, username=name, password=PASSWORD, role=role, scope_code=scope)
    staff = session.execute(text("INSERT INTO staff (name, phone_enc, user_id) VALUES (:n, :p, :u) RETURNING id"),
                            {"n": name, "p": seal("13800000001"), "u": user.id}).scalar()
    session.execute(text("INSERT INTO staff_assignments (staff_id, duty, area_code, start_date) "
                         "VALUES (:s, :d, :a, '2020-01-01')"), {"s": staff, "d": duty, "a": scope})
    return actor(session, name)


def fixes(coords, start=NOW, step=15, accuracy=5.0):
    """Positions `step` seconds apart from `start` on."""
    return [{"t": start + timedelta(seconds=step * (i + 1)), "lon": x, "lat": y, "accuracy": accuracy}
            for i, (x, y) in enumerate(coords)]


def started(session, who="w1", **kw):
    return patrols.start_patrol(session, actor(session, who), now=NOW, **kw)[0]


def test_the_length_is_by_hand():
    assert TRACK_M == pytest.approx(170.912, abs=0.001)


def test_a_worker_patrols_their_own_grid_one_patrol_at_a_time(session, field):
    patrol = started(session, idempotency_key="k1")
    assert (patrol["grid"]["code"], patrol["staff"]["id"], patrol["finished_at"]) == (A1, field["w1"], None)
    assert patrol["started_at"] == NOW.isoformat() and patrol["points"] == 0 and patrol["length_m"] == 0
    again, created = patrols.start_patrol(session, actor(session, "w1"), idempotency_key="k1", now=NOW)
    assert (again["id"], created) == (patrol["id"], False)
    with pytest.raises(Conflict, match=f"patrol {patrol['id']} is still open") as refused:
        patrols.start_patrol(session, actor(session, "w1"), idempotency_key="k2", now=NOW)
    assert refused.value.extra == {"patrol_id": patrol["id"]}
    assert patrols.current(session, actor(session, "w1"))["id"] == patrol["id"]
    assert patrols.current(session, actor(session, "w2")) is None
    assert started(session, "w2")["grid"]["code"] == A1  # another worker may patrol at the same time


def test_a_start_is_checked_like_a_position(session, field):
    w1 = actor(session, "w1")
    for kw, words in (({"started_at": NOW + timedelta(minutes=6)}, "started_at: .* more than 5 minutes in the future"),
                      ({"started_at": NOW - timedelta(hours=25)}, "before a day ago"),
                      ({"started_at": NOW.replace(tzinfo=None)}, "no UTC offset"),
                      ({"lon": 116.4}, "both lon and lat"), ({"lon": 10.0, "lat": 39.9}, "outside the service area")):
        with pytest.raises(InvalidInput, match=words):
            patrols.start_patrol(session, w1, now=NOW, **kw)


def test_the_length_is_measured_on_the_spheroid_whatever_order_batches_arrive_in(session, field):
    patrol = started(session)
    w1, batch = actor(session, "w1"), fixes(TRACK)
    last = patrols.record_points(session, w1, patrol["id"], batch[2:], now=NOW)
    assert (last["accepted"], last["patrol"]["points"], last["patrol"]["length_m"]) == (1, 1, 0)
    first = patrols.record_points(session, w1, patrol["id"], batch[:2], now=NOW)
    assert (first["accepted"], first["duplicates"], first["patrol"]["points"]) == (2, 0, 3)
    assert first["patrol"]["length_m"] == pytest.approx(TRACK_M, abs=0.05)
    stored = session.execute(text("SELECT length_m FROM patrols WHERE id = :id"), {"id": patrol["id"]}).scalar()
    assert stored == pytest.approx(TRACK_M, abs=0.001)
    again = patrols.record_points(session, w1, patrol["id"], batch + batch[:1], now=NOW)
    assert (again["accepted"], again["duplicates"], again["patrol"]["points"]) == (0, 4, 3)


def test_inaccurate_fixes_are_kept_but_left_out_of_the_length(session, field):
    patrol = started(session)
    batch = fixes(TRACK) + fixes([(116.41, 39.955)], start=NOW + timedelta(minutes=1), accuracy=150) \
        + fixes([(116.403, 39.95)], start=NOW + timedelta(minutes=2), accuracy=100)  # 100 m counts: it is not over
    done = patrols.record_points(session, actor(session, "w1"), patrol["id"], batch, now=NOW)
    assert done["patrol"]["points"] == 5 and done["patrol"]["length_m"] == pytest.approx(TRACK_M, abs=0.05)


@pytest.mark.parametrize("change, words", [
    ({"t": NOW - timedelta(seconds=1)}, "point 1: .* is before the patrol's start"),
    ({"t": NOW + timedelta(minutes=5, seconds=1)}, "point 1: .* more than 5 minutes in the future"),
    ({"lon": 0.0, "lat": 0.0}, r"point 1: \(0.0, 0.0\) lies outside the service area"),
    ({"accuracy": -1.0}, "point 1: accuracy -1.0 is negative"),
    ({"t": NOW.replace(tzinfo=None) + timedelta(seconds=5)}, "point 1: .* no UTC offset"),
])
def test_a_bad_position_refuses_the_batch_naming_it(session, field, change, words):
    patrol = started(session)
    batch = fixes(TRACK)
    batch[1] |= change
    with pytest.raises(InvalidInput, match=words):
        patrols.record_points(session, actor(session, "w1"), patrol["id"], batch, now=NOW)
    assert session.execute(text("SELECT count(*) FROM patrol_points")).scalar() == 0


def test_five_minutes_ahead_is_still_taken(session, field):
    patrol = started(session)
    batch = [{"t": NOW + timedelta(minutes=5), "lon": 116.401, "lat": 39.95, "accuracy": 0.0}]
    assert patrols.record_points(session, actor(session, "w1"), patrol["id"], batch, now=NOW)["accepted"] == 1


def test_batches_are_capped(session, field, monkeypatch):
    monkeypatch.setattr(get_settings(), "patrol_batch_points", 2)
    patrol = started(session)
    with pytest.raises(InvalidInput, match="at most 2 positions .* this one 3"):
        patrols.record_points(session, actor(session, "w1"), patrol["id"], fixes(TRACK), now=NOW)


def test_field_work_needs_a_staff_record_and_the_right(session, field):
    create_user(session, username="root", password=PASSWORD, role="admin", scope_code=None)
    with pytest.raises(Forbidden, match="account root has no staff record"):
        patrols.start_patrol(session, actor(session, "root"), now=NOW)
    assert patrols.current(session, actor(session, "root")) is None
    for role in ("department", "planner", "street_staff"):
        create_user(session, username=f"x-{role}", password=PASSWORD, role=role, scope_code="110105",
                    department="城管" if role == "department" else None)
        with pytest.raises(Forbidden, match=f"role {role} may not"):
            patrols.start_patrol(session, actor(session, f"x-{role}"), now=NOW)


def test_community_staff_patrol_the_grid_where_they_start(session, field):
    comm = actor(session, "comm")
    patrol = patrols.start_patrol(session, comm, lon=116.43, lat=39.95, now=NOW)[0]
    assert patrol["grid"]["code"] == A2
    patrols.finish_patrol(session, comm, patrol["id"], now=NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=2)
    patrol = patrols.start_patrol(session, comm, now=later)[0]
    assert patrol["grid"] is None  # no position yet: the first one decides
    done = patrols.record_points(session, comm, patrol["id"], fixes([(116.41, 39.92), (116.43, 39.92)], start=later),
                                 now=later)
    assert done["patrol"]["grid"]["code"] == A3
    patrols.finish_patrol(session, comm, patrol["id"], now=later + timedelta(minutes=1))
    with pytest.raises(Forbidden, match="outside your area"):
        patrols.start_patrol(session, comm, lon=116.45, lat=39.95, now=later + timedelta(minutes=2))


def test_only_the_patrols_own_worker_writes_to_it(session, field):
    patrol = started(session)
    other_b = person(session, "commB", "community_staff", COMM_B, "community_staff")
    for who in (actor(session, "w2"), actor(session, "wb"), other_b):
        with pytest.raises(NotFound, match=f"you have no patrol {patrol['id']}"):
            patrols.record_points(session, who, patrol["id"], fixes(TRACK), now=NOW)
        with pytest.raises(NotFound):
            patrols.check_in(session, who, patrol["id"], field["K1"], 116.402, 39.935, now=NOW)
        with pytest.raises(NotFound):
            patrols.finish_patrol(session, who, patrol["id"], now=NOW)
        with pytest.raises(NotFound):
            patrols.report_case(session, who, patrol["id"], NewCase("env_garbage", lon=116.41, lat=39.95))
    assert session.execute(text("SELECT count(*) FROM patrol_points")).scalar() == 0


def near(name, metres):
    """A position `metres` north of a key point of the field city."""
    point = CHECKPOINTS[name][2]
    lon, lat, _ = GEOD.fwd(point.x, point.y, 0, metres)
    return lon, lat


def test_a_check_in_is_taken_within_30_metres_and_once(session, field):
    patrol, w1 = started(session), actor(session, "w1")
    with pytest.raises(InvalidInput, match="key point .* 消防通道 is 40 m away, farther than the 30 m") as refused:
        patrols.check_in(session, w1, patrol["id"], field["K1"], *near("K1", 40), now=NOW)
    assert refused.value.extra["distance_m"] == pytest.approx(40, abs=0.1)
    checkin, created = patrols.check_in(session, w1, patrol["id"], field["K1"], *near("K1", 25), accuracy=8, now=NOW)
    assert created and checkin["name"] == "消防通道" and checkin["distance_m"] == pytest.approx(25, abs=0.1)
    again, created = patrols.check_in(session, w1, patrol["id"], field["K1"], *near("K1", 5), now=NOW)
    assert (again["id"], created) == (checkin["id"], False)
    listed = patrols.view(session, patrol["id"])["checkins"]
    assert [(c["checkpoint_id"], c["name"]) for c in listed] == [(field["K1"], "消防通道")]
    with pytest.raises(NotFound, match="no key point"):  # B1's, outside w1's scope
        patrols.check_in(session, w1, patrol["id"], field["K4"], 116.45, 39.92, now=NOW)
    session.execute(text("UPDATE checkpoints SET active = false WHERE id = :id"), {"id": field["K2"]})
    with pytest.raises(InvalidInput, match="河堤 has been retired"):
        patrols.check_in(session, w1, patrol["id"], field["K2"], 116.412, 39.955, now=NOW)
    with pytest.raises(InvalidInput, match="the check-in time: .* before the patrol's start"):
        patrols.check_in(session, w1, patrol["id"], field["K3"], 116.404, 39.946, at=NOW - timedelta(1), now=NOW)


def test_a_finished_patrol_takes_nothing_more(session, field):
    patrol, w1 = started(session), actor(session, "w1")
    patrols.record_points(session, w1, patrol["id"], fixes(TRACK), now=NOW)
    with pytest.raises(InvalidInput, match="finished_at: .* is before the patrol's start or its last position"):
        patrols.finish_patrol(session, w1, patrol["id"], NOW + timedelta(seconds=30), now=NOW)
    done = patrols.finish_patrol(session, w1, patrol["id"], NOW + timedelta(minutes=10), now=NOW + timedelta(minutes=10))
    assert done["duration_s"] == 600 and done["finished_at"] == (NOW + timedelta(minutes=10)).isoformat()
    assert patrols.finish_patrol(session, w1, patrol["id"], now=NOW + timedelta(hours=1)) == done
    with pytest.raises(Conflict, match="finished at .* only while a patrol is open"):
        patrols.record_points(session, w1, patrol["id"], fixes([(116.404, 39.95)], start=NOW + timedelta(minutes=9)),
                              now=NOW + timedelta(minutes=10))
    with pytest.raises(Conflict):
        patrols.check_in(session, w1, patrol["id"], field["K1"], 116.402, 39.935, now=NOW + timedelta(minutes=10))
    assert patrols.current(session, w1) is None
    assert started(session, "w1", idempotency_key="next")["id"] != patrol["id"]


def test_a_finding_becomes_a_patrol_case(session, field):
    patrol, w1 = started(session), actor(session, "w1")
    case_id, created = patrols.report_case(session, w1, patrol["id"], NewCase("env_garbage", lon=116.41, lat=39.95,
                                                                              channel="hotline"), "find-1")
    row = session.execute(text("SELECT channel, patrol_id, grid_code FROM cases WHERE id = :id"), {"id": case_id}).one()
    assert created and tuple(row) == ("patrol", patrol["id"], A1)
    assert patrols.report_case(session, w1, patrol["id"], NewCase("env_garbage", lon=116.41, lat=39.95), "find-1") \
        == (case_id, False)
