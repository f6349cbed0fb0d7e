"""The demo city's compounds (小区/院落): one per block of residential buildings, written with COPY before the
buildings so the buildings' trigger derives their compound; a property company for most, an owners' committee
for about 60 %, 红色物业 for about a third; and the compounds' joint meetings (日联、周会、月商、季研、年总).
"""

from datetime import date, timedelta

from shapely.geometry import MultiPolygon

from geo.core.bulk import copy_rows, ewkb, reserve_ids

PROPERTY_COMPANIES = ["金川物业服务有限公司", "鑫源物业管理有限公司", "万家物业服务有限公司", "祥和物业管理有限公司",
                      "安居物业服务有限公司", "龙首物业管理有限公司", "恒泰物业服务有限公司", "嘉园物业管理有限公司"]
MEETING_ATTENDEES = "小区党支部、业主委员会、物业服务企业"
MEETING_OUTCOMES = {"daily": "碰头交流当日问题，楼道杂物已清理", "weekly": "周例会：梳理本周居民诉求，分工跟进",
                    "monthly": "月度协商：研究停车和环境整治事项", "quarterly": "季度研判：分析矛盾纠纷和安全隐患",
                    "yearly": "年度总结：通报全年工作，议定来年重点"}


def compound_row(community_code: str, seq: int, name: str, land_wgs84, rng) -> list:
    """One compounds row for COPY: code, name, community, property company, owners' committee, 红色物业, geom."""
    managed = rng.random() < 0.85
    company = PROPERTY_COMPANIES[rng.integers(len(PROPERTY_COMPANIES))] if managed else None
    committee = f"{name}业主委员会" if rng.random() < 0.6 else None
    red = managed and rng.random() < 0.4  # ≈ a third of all compounds: 0.85 × 0.4
    geom = land_wgs84 if land_wgs84.geom_type == "MultiPolygon" else MultiPolygon([land_wgs84])
    return [f"{community_code}-{seq:03d}", name, community_code, company, committee, red, ewkb(geom), 0.0, True]


def copy_compounds(session, rows: list[list]) -> None:
    """COPY the compounds; their grid and area are derived by the compounds' trigger."""
    ids = reserve_ids(session, "compounds", len(rows))
    copy_rows(session, "compounds", ["id", "code", "name", "community_code", "property_company", "owners_committee",
                                     "red_property", "geom", "area_m2", "synthetic"],
              ([i, *row] for i, row in zip(ids, rows)))


def meeting_days(kind: str, today: date, rng) -> list[date]:
    """The days a compound's joint meeting of `kind` was held: the frequent kinds over the last quarter only."""
    if kind == "daily":  # 日联: most working days of the last quarter
        days = [today - timedelta(days=d) for d in range(1, 91)]
        return [d for d in days if d.weekday() < 5 and rng.random() < 0.8]
    if kind == "weekly":
        return [today - timedelta(days=7 * w + int(rng.integers(0, 3))) for w in range(1, 13)]
    if kind == "monthly":
        return [today - timedelta(days=30 * m + int(rng.integers(0, 10))) for m in range(12)]
    if kind == "quarterly":
        return [today - timedelta(days=91 * q + int(rng.integers(0, 20))) for q in range(4)]
    return [date(today.year - 1, 12, 28)]  # 年总: last year's, held at its end


def add_meetings(session, compounds: list[tuple[int, bool, bool]], today: date, rng) -> int:
    """Joint meetings of the compounds with a branch: 日联 where the property is 红色物业, 周会 where an owners'
    committee sits, 月商/季研/年总 for every one; `compounds` holds (id, red_property, has_committee)."""
    rows = []
    for compound_id, red, committee in compounds:
        kinds = ["monthly", "quarterly", "yearly"] + (["weekly"] if committee else []) + (["daily"] if red else [])
        for kind in kinds:
            rows += [(compound_id, kind, day, MEETING_ATTENDEES, MEETING_OUTCOMES[kind], "demo")
                     for day in meeting_days(kind, today, rng)]
    copy_rows(session, "compound_meetings", ["compound_id", "kind", "held_on", "attendees", "outcome", "recorded_by"],
              rows)
    return len(rows)
