"""Seeding the demo city: boundaries through the ordinary importer, everything else with COPY.

Every generated row is marked `synthetic`, so seeding again replaces the demo and never touches
imported real data; a real district outline already imported is kept and built upon.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.access.accounts import DEMO_PASSWORD, hash_password
from geo.core.errors import Conflict, InvalidInput
from geo.core.i18n import msg
from geo.core.metric import Metric
from geo.core.models import Level, Role
from geo.core.progress import no_track
from geo.core.settings import PROJECT_ROOT
from geo.synth import layout
from geo.synth.demo_accounts import add_accounts, crew_of
from geo.synth.demo_activities import add_activities, add_compound_meetings
from geo.synth.demo_areas import import_areas
from geo.synth.demo_cases import add_cases
from geo.synth.demo_departments import add_department_story
from geo.synth.demo_field import add_field
from geo.synth.demo_members import add_members
from geo.synth.demo_party import add_five_levels, build_tree, write_tree
from geo.synth.demo_people import add_people, add_staff
from geo.synth.demo_publications import add_publications
from geo.synth.demo_residents import add_resident_story
from geo.synth.population import PeopleMaker
from geo.territory.boundary_import import import_boundaries


@dataclass(frozen=True)
class DemoDistrict:
    name: str
    centre: tuple[float, float]  # WGS84: the urban core the demo city grows around


DISTRICTS = {
    "620302": DemoDistrict("金川区", (102.188, 38.515)),
    "510106": DemoDistrict("金牛区", (104.045, 30.705)),
    "120105": DemoDistrict("河北区", (117.205, 39.160)),
    "330482": DemoDistrict("平湖市", (121.020, 30.700)),
    "511802": DemoDistrict("雨城区", (103.000, 29.985)),
}


@dataclass
class DemoSummary:
    """What the demo holds now, and the logins it made."""

    district: str
    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)
    staff_accounts: int = 0  # staff accounts besides the printed logins (demo_accounts.py), same password
    resident_phones: list[str] = field(default_factory=list)  # residents sign in on /r/ with a texted code


def outline_path(district: str) -> Path:
    """The real outline of a district shipped in data/districts (GCJ-02, as published)."""
    return PROJECT_ROOT / "data" / "districts" / f"{district}.geojson"


def seed_demo(session: Session, district: str = "620302", scale: str = "street", seed: int = 1, *,
              workdir: Path, track=no_track, now: datetime | None = None, field_work: bool = True) -> DemoSummary:
    """Replace the demo with a freshly generated city; the caller commits. `field_work=False` leaves out the
    year of patrols and visits (two thirds of a street's seeding time), for tests that don't read them."""
    if district not in DISTRICTS:
        raise InvalidInput(msg("unknown district {district}; one of {districts}", district=district,
                               districts=", ".join(DISTRICTS)))
    if scale not in layout.SCALES:
        raise InvalidInput(msg("unknown scale {scale}; one of {scales}", scale=scale, scales=", ".join(layout.SCALES)))
    now = now or datetime.now(UTC).replace(microsecond=0)
    _refuse_real_below(session, district)
    clear_demo(session)
    rng = np.random.default_rng(seed)
    metric = Metric(*DISTRICTS[district].centre)
    outline = _district_outline(session, district, track)
    streets = layout.build(metric(outline), layout.SCALES[scale], rng)
    names = import_areas(session, district, streets, metric, workdir, track)
    maker = PeopleMaker(rng, district, now.date())
    party_rng = np.random.default_rng([seed, 19])  # party building draws apart: the rest of the city stays as it was
    if layout.SCALES[scale].people:
        add_people(session, streets, names, metric, maker, rng, track, party_rng)
    staff = add_staff(session, streets, names, maker, rng, now.date())
    if layout.SCALES[scale].people:
        add_party(session, streets, names, staff, now.date(), party_rng)
    crew = crew_of(staff)
    password = hash_password(DEMO_PASSWORD)
    add_accounts(session, staff, crew, password)
    if layout.SCALES[scale].people:
        first = next((i for i, name in crew.usernames.items() if name == "gridworker"), None)
        add_cases(session, streets, names, metric, rng, now, crew, maker, first)
        add_publications(session, now)  # no draws: the rest of the city is the same
        if field_work:  # its own draws, like the party: the rest of the city is the same without it
            add_field(session, streets, metric, np.random.default_rng([seed, 20]), now, track)
    logins = _logins(session, district, names, password)
    phones = []
    if layout.SCALES[scale].people:
        street = next(scope for username, _, scope in logins if username == "street")
        logins += add_department_story(session, district, street, password, now)
        scopes = {username: scope for username, _, scope in logins}
        phones = add_resident_story(session, scopes["community"], scopes["gridworker"], now)
    printed = {username for username, _, _ in logins}
    others = sum(1 for username in crew.usernames.values() if username not in printed)
    return DemoSummary(district, scale, seed, counts(session), logins, others, phones)


def add_party(session: Session, streets, names: dict, staff, today, rng) -> None:
    """The party organisations, their members and a year of their work; compounds were made with the buildings."""
    tree = build_tree(session, streets, names, rng)
    write_tree(session, tree, today, rng)
    roster = add_members(session, tree, staff, names, today, rng)
    add_activities(session, tree, roster, today, rng)
    add_compound_meetings(session, tree, today, rng)
    add_five_levels(session, streets, today)


def _refuse_real_below(session: Session, district: str) -> None:
    """Conflict when the district already holds imported (not synthetic) areas below it."""
    real = session.execute(text("SELECT code FROM areas WHERE code LIKE :in_district AND level <> 'district' "
                                "AND NOT synthetic LIMIT 1"), {"in_district": district + "%"}).scalar()
    if real:
        raise Conflict(msg("district {district} already holds imported areas (e.g. {code}); the demo would mix with "
                           "real data", district=district, code=real))


def clear_demo(session: Session) -> None:
    """Delete every generated row (households and residents go with their buildings)."""
    clear_demo_needs(session)
    # Compounds after the buildings: deleting them first would re-derive every building's compound (SET NULL).
    for statement in ("DELETE FROM party_activities WHERE synthetic", "DELETE FROM party_members WHERE synthetic",
                      "DELETE FROM party_orgs WHERE synthetic",
                      "DELETE FROM cases WHERE synthetic", "DELETE FROM visits WHERE synthetic",
                      "DELETE FROM patrols WHERE synthetic", "DELETE FROM patrol_days WHERE synthetic",
                      "DELETE FROM checkpoints WHERE synthetic", "DELETE FROM staff WHERE synthetic",
                      "DELETE FROM users WHERE synthetic", "DELETE FROM buildings WHERE synthetic",
                      "DELETE FROM compounds WHERE synthetic",
                      "DELETE FROM area_records WHERE synthetic AND level = 'grid'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'community'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'street'",
                      "DELETE FROM area_records WHERE synthetic AND level = 'district'"):
        session.execute(text(statement))


def clear_demo_needs(session: Session) -> None:
    """The demo's needs and points, and whatever was added to them on its areas (else their areas could not go).
    The ledger is append-only; only a holder marked synthetic, under the flag, may lose its lines."""
    demo_areas = "(SELECT code FROM area_records WHERE synthetic)"
    for statement in (f"UPDATE point_holders SET synthetic = true WHERE community_code IN {demo_areas}",
                      "SELECT set_config('wangge.removing_synthetic', 'on', true)",
                      "DELETE FROM point_entries WHERE holder_id IN (SELECT id FROM point_holders WHERE synthetic)",
                      "SELECT set_config('wangge.removing_synthetic', 'off', true)",
                      "DELETE FROM point_awards WHERE holder_id IN (SELECT id FROM point_holders WHERE synthetic)",
                      "DELETE FROM point_holders WHERE synthetic",
                      f"DELETE FROM points_items WHERE synthetic OR community_code IN {demo_areas}",
                      f"DELETE FROM needs WHERE synthetic OR community_code IN {demo_areas}"):
        session.execute(text(statement))


def _district_outline(session: Session, district: str, track):
    """The district in WGS84: the imported one if it exists, else the shipped outline, imported as demo data."""
    wkb = session.execute(text("SELECT ST_AsBinary(geom) FROM areas WHERE code = :district"),
                          {"district": district}).scalar()
    if wkb is None:
        import_boundaries(session, outline_path(district), Level.district, crs="gcj02", code=district,
                          name=DISTRICTS[district].name, track=track, synthetic=True)
        wkb = session.execute(text("SELECT ST_AsBinary(geom) FROM areas WHERE code = :district"),
                              {"district": district}).scalar()
    return shapely.from_wkb(bytes(wkb))


def _logins(session, district: str, names: dict, password: str) -> list[tuple[str, str, str | None]]:
    """One demo account per role, scoped to the first street, community and grid (the staff accounts among them
    were made with the staff, demo_accounts.py)."""
    street = min(c for c in names if len(c) == 12 and c.endswith("000"))
    community = min(c for c in names if len(c) == 12 and not c.endswith("000"))
    grid = session.execute(text("SELECT min(code) FROM areas WHERE code LIKE :in_district AND level = 'grid' "
                                "AND kind = 'ordinary'"), {"in_district": district + "%"}).scalar()
    wanted = [("admin", Role.admin, None), ("command", Role.command_center, district),
              ("street", Role.street_staff, street), ("community", Role.community_staff, community),
              ("gridworker", Role.grid_worker, grid), ("planner", Role.planner, district),
              ("party", Role.party_staff, street)]
    taken = set(session.execute(text("SELECT username FROM users")).scalars())
    for username, role, scope in wanted:
        if username not in taken:
            session.execute(text("INSERT INTO users (username, password_hash, role, scope_code, synthetic) "
                                 "VALUES (:username, :password_hash, :role, :scope_code, true)"),
                            {"username": username, "password_hash": password, "role": role.value, "scope_code": scope})
    return [(u, r.value, s) for u, r, s in wanted]


def counts(session: Session) -> dict[str, int]:
    """How many of each thing the database holds (demo and real alike)."""
    row = session.execute(text("""
        SELECT (SELECT count(*) FROM areas WHERE level = 'street'), (SELECT count(*) FROM areas WHERE level = 'community'),
               (SELECT count(*) FROM areas WHERE level = 'grid'),
               (SELECT count(*) FROM areas WHERE level = 'grid' AND kind = 'dedicated'),
               (SELECT count(*) FROM buildings), (SELECT count(*) FROM households), (SELECT count(*) FROM residents),
               (SELECT count(*) FROM staff), (SELECT count(*) FROM cases), (SELECT count(*) FROM compounds),
               (SELECT count(*) FROM party_orgs), (SELECT count(*) FROM party_members),
               (SELECT count(*) FROM party_activities), (SELECT count(*) FROM compound_meetings),
               (SELECT count(*) FROM visits), (SELECT count(*) FROM patrols)""")).one()
    keys = ("streets", "communities", "grids", "dedicated_grids", "buildings", "households", "residents", "staff", "cases",
            "compounds", "party_orgs", "party_members", "party_activities", "compound_meetings", "visits", "patrols")
    return dict(zip(keys, row))
