"""The demo city's people, written with COPY: buildings in every block, households in every building, residents
in every household, and the staff (grid leaders and full-time workers per grid, building heads, community and
street staff) with their assignments; every row marked synthetic.
"""

from datetime import date, timedelta

import numpy as np
from sqlalchemy import text

from geo.access import crypto
from geo.core.bulk import copy_rows, ewkb, reserve_ids
from geo.core.models import Duty
from geo.synth.blocks import Block, place_buildings
from geo.synth.demo_areas import PURPOSE_ZH
from geo.synth.demo_compounds import compound_row, copy_compounds
from geo.synth.layout import split_counts
from geo.synth.population import PeopleMaker

COMPOUND_WORDS = (["金", "银", "锦绣", "和谐", "阳光", "翠", "康", "华", "新", "东", "西", "南", "北", "丽", "盛", "福"],
                  ["苑", "园", "小区", "家园", "花园", "新村", "公寓", "雅居", "嘉园", "名邸"])
HOUSEHOLDS_PER_FLOOR = 6  # 3 units × 2 flats


def _compound_name(rng) -> str:
    """A compound's name: two syllables and a suffix such as 苑 or 花园."""
    first, second = COMPOUND_WORDS
    return first[rng.integers(len(first))] + first[rng.integers(len(first))] + second[rng.integers(len(second))]


def add_people(session, streets, names, metric, maker: PeopleMaker, rng, track, party_rng=None) -> None:
    """A compound of every residential block (drawn with `party_rng`, so the people stay as they were),
    buildings in every block, households in every building, residents in every household."""
    buildings, households, compounds = [], [], []
    seq: dict[str, int] = {}
    blocks = [(street, community, block) for street in streets for community in street.communities
              for block in community.blocks]
    for street, community, block in track(blocks, "人口 people", len(blocks)):
        if block.purpose == "park":
            continue
        compound = _compound_name(rng)
        land = block.geom.difference(block.island) if block.island is not None else block.geom
        if party_rng is not None:
            seq[community.code] = seq.get(community.code, 0) + 1
            compounds.append(compound_row(community.code, seq[community.code], compound, metric.to_wgs84(land),
                                          party_rng))
        slabs = place_buildings(block, street.angle, block.island) or [
            land.representative_point().buffer(8, cap_style="square")]  # a small block gets one tower
        slabs = slabs[: max(1, int(np.ceil(block.households / (HOUSEHOLDS_PER_FLOOR * 6))))]
        floors = int(np.clip(np.ceil(block.households / (HOUSEHOLDS_PER_FLOOR * len(slabs))), 3, 33))
        counts = split_counts(block.households, [1] * len(slabs)) if block.households >= len(slabs) else [0] * len(slabs)
        for k, (slab, count) in enumerate(zip(slabs, counts), start=1):
            code = f"{community.code}-{len(buildings) + 1:05d}"
            buildings.append([code, f"{compound}{k}号楼", f"{names[community.code]}{compound}{k}号楼", compound,
                              floors, ewkb(metric.to_wgs84(slab)), True, count])
            for n in range(count):
                households.append([code, _door(n), maker.household()])
        if block.island is not None:
            for k, slab in enumerate(place_buildings(Block(block.island, 0, 0), street.angle)[:3], start=1):
                code = f"{community.code}-{len(buildings) + 1:05d}"
                buildings.append([code, f"{PURPOSE_ZH[block.purpose]}{k}号楼", None, None, 4,
                                  ewkb(metric.to_wgs84(slab)), True, 0])
    copy_compounds(session, compounds)  # first: the buildings' trigger derives their compound
    _copy_people(session, buildings, households)


def _door(n: int) -> str:
    """Flat n of a building: 单元 (unit), floor and flat, e.g. 2单元301."""
    unit, rest = n % 3 + 1, n // 3
    return f"{unit}单元{rest // 2 + 1}{rest % 2 + 1:02d}"


def _copy_people(session, buildings, households) -> None:
    """COPY the buildings, their households and the households' residents (ID numbers and phones sealed)."""
    ids = dict(zip((b[0] for b in buildings), reserve_ids(session, "buildings", len(buildings))))
    copy_rows(session, "buildings", ["id", "code", "name", "address", "compound", "floors", "geom", "synthetic"],
              ([ids[b[0]], *b[:7]] for b in buildings))
    household_ids = reserve_ids(session, "households", len(households))
    copy_rows(session, "households", ["id", "building_id", "door"],
              ([hid, ids[code], door] for hid, (code, door, _) in zip(household_ids, households)))
    copy_rows(session, "residents", ["household_id", "name", "id_number_enc", "id_number_hmac", "phone_enc", "phone_hmac",
                                     "gender", "birth_date", "residence", "special_groups"],
              ([hid, p.name, crypto.seal(p.id_number), crypto.lookup(p.id_number), crypto.seal(p.phone),
                crypto.lookup(p.phone), p.gender, p.birth_date, p.residence, list(map(str, p.special_groups))]
               for hid, (_, _, members) in zip(household_ids, households) for p in members))


def add_staff(session, streets, names, maker: PeopleMaker, rng, today: date) -> list[tuple[int, str, str, str]]:
    """One grid leader and one or two full-time workers per grid, building heads, community and street staff;
    returns (staff id, duty, area code, name) of everyone but the building heads, in the order made."""
    rows = []  # (name, phone, duty, area_code, building_code)
    for street in streets:
        rows += [(*maker.staff_member(), Duty.street_staff, street.code, None) for _ in range(4)]
        for community in street.communities:
            rows.append((*maker.staff_member(), Duty.community_secretary, community.code, None))
            rows += [(*maker.staff_member(), Duty.community_staff, community.code, None) for _ in range(2)]
            for grid in community.grids:
                rows.append((*maker.staff_member(), Duty.grid_leader, grid.code, None))
                if grid.purpose is None:
                    rows += [(*maker.staff_member(), Duty.fulltime_worker, grid.code, None)
                             for _ in range(1 + int(rng.random() < 0.4))]
    heads = session.execute(text("SELECT id FROM buildings WHERE synthetic AND address IS NOT NULL ORDER BY id")).scalars()
    rows += [(*maker.staff_member(), Duty.building_head, None, building_id) for building_id in heads]
    ids = reserve_ids(session, "staff", len(rows))
    copy_rows(session, "staff", ["id", "name", "phone_enc", "phone_hmac", "synthetic"],
              ([i, r[0], crypto.seal(r[1]), crypto.lookup(r[1]), True] for i, r in zip(ids, rows)))
    copy_rows(session, "staff_assignments", ["staff_id", "duty", "area_code", "building_id", "start_date"],
              ([i, str(r[2]), r[3], r[4], today - timedelta(days=int(rng.integers(30, 1500)))] for i, r in zip(ids, rows)))
    return [(i, str(r[2]), r[3], r[0]) for i, r in zip(ids, rows) if r[3] is not None]
