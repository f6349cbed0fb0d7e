"""The demo's party building (issue 19): compounds from the blocks, the four-level tree with units, members at
plausible shares, a year of work, and the gaps the pages should show; reseeding it works, twice."""

import time
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.models import ORG_PARENTS, OrgLevel
from geo.party.compound_coverage import compound_coverage
from geo.synth import seed_demo
from tests.geo.synth.conftest import NOW, q

TODAY = NOW.date()


def one(engine, sql, **params):
    """The single value of a query."""
    return q(engine, sql, **params)[0][0]


def test_every_residential_building_has_its_compound(demo_engine):
    missing, wrong, dedicated = q(demo_engine, """
        SELECT count(*) FILTER (WHERE b.address IS NOT NULL AND b.compound_id IS NULL),
               count(*) FILTER (WHERE p.community_code <> left(b.grid_code, 12) OR p.name <> b.compound),
               count(*) FILTER (WHERE b.address IS NULL AND b.compound_id IS NOT NULL)
        FROM buildings b LEFT JOIN compounds p ON p.id = b.compound_id WHERE b.synthetic""")[0]
    assert (missing, wrong, dedicated) == (0, 0, 0)  # school, hospital and market buildings are in none
    assert one(demo_engine, "SELECT count(*) FROM compounds c WHERE NOT EXISTS "
                            "(SELECT 1 FROM buildings b WHERE b.compound_id = c.id)") == 0
    parks = one(demo_engine, "SELECT count(*) FROM compounds c JOIN areas g ON g.code = c.grid_code "
                             "WHERE g.purpose = 'park'")
    assert parks == 0


def test_compounds_have_their_partners_at_the_stated_shares(demo_engine):
    n, company, committee, red, coded = q(demo_engine, """
        SELECT count(*), avg((property_company IS NOT NULL)::int), avg((owners_committee IS NOT NULL)::int),
               avg(red_property::int), bool_and(code ~ ('^' || community_code || '-[0-9]{3}$')) FROM compounds""")[0]
    assert n > 150 and coded
    assert 0.75 <= company <= 0.95 and 0.5 <= committee <= 0.7 and 0.25 <= red <= 0.42


def test_the_tree_has_four_levels_with_the_right_parents(demo_engine):
    rows = q(demo_engine, "SELECT o.level, p.level FROM party_orgs o LEFT JOIN party_orgs p ON p.id = o.parent_id")
    assert all((parent is None) if not ORG_PARENTS[OrgLevel(level)] else parent in ORG_PARENTS[OrgLevel(level)]
               for level, parent in rows)
    levels = {level for level, _ in rows}
    assert {"street_committee", "compound_branch", "building_group", "unit_org"} <= levels
    assert levels & {"community_committee", "community_branch"} == {"community_committee", "community_branch"}
    (streets, communities, per_community), = q(demo_engine, """
        SELECT (SELECT count(*) = (SELECT count(*) FROM areas WHERE level = 'street') FROM party_orgs
                WHERE level = 'street_committee'),
               (SELECT count(DISTINCT area_code) = (SELECT count(*) FROM areas WHERE level = 'community')
                AND count(*) = count(DISTINCT area_code) FROM party_orgs
                WHERE level IN ('community_committee', 'community_branch')),
               (SELECT array_agg(n) FROM (SELECT count(*) n FROM party_orgs WHERE level = 'unit_org'
                GROUP BY area_code) u)""")
    assert streets and communities and all(2 <= n <= 4 for n in per_community) and len(per_community) == 12


def test_compound_branches_follow_jinniu_and_leave_gaps(demo_engine):
    compounds, branches, uncovered, sizes = q(demo_engine, """
        SELECT (SELECT count(*) FROM compounds), (SELECT count(*) FROM party_orgs WHERE level = 'compound_branch'),
               (SELECT count(*) FROM compounds c WHERE NOT EXISTS (SELECT 1 FROM party_org_compounds oc
                WHERE oc.compound_id = c.id)),
               (SELECT array_agg(n) FROM (SELECT count(*) n FROM party_org_compounds GROUP BY org_id) s)""")[0]
    assert 0.28 <= branches / compounds <= 0.40  # Jinniu: 665 for 2,069
    assert 0.08 <= uncovered / compounds <= 0.18
    assert max(sizes) <= 4 and 1 in sizes and sum(1 for s in sizes if s >= 2) > len(sizes) / 2
    assert one(demo_engine, "SELECT count(*) FROM party_org_compounds GROUP BY compound_id ORDER BY 1 DESC LIMIT 1") == 1


def test_building_groups_sit_in_a_third_of_the_covered_buildings(demo_engine):
    share, inside = q(demo_engine, """
        WITH covered AS (SELECT b.id FROM buildings b JOIN party_org_compounds oc ON oc.compound_id = b.compound_id
                         WHERE EXISTS (SELECT 1 FROM households h WHERE h.building_id = b.id))
        SELECT (SELECT count(*) FROM party_orgs WHERE level = 'building_group')::float / (SELECT count(*) FROM covered),
               (SELECT bool_and(EXISTS (SELECT 1 FROM buildings b JOIN party_org_compounds oc
                        ON oc.compound_id = b.compound_id AND oc.org_id = g.parent_id WHERE b.id = g.building_id))
                FROM party_orgs g WHERE g.level = 'building_group')""")[0]
    assert 0.25 <= share <= 0.42 and inside
    assert one(demo_engine, "SELECT count(*) FROM buildings b WHERE EXISTS (SELECT 1 FROM households h "
                            "WHERE h.building_id = b.id) AND NOT EXISTS (SELECT 1 FROM party_orgs g "
                            "WHERE g.building_id = b.id)") > 0


def test_every_organisation_has_a_secretary_and_each_big_committee_its_parttime_members(demo_engine):
    assert one(demo_engine, "SELECT count(*) FROM party_orgs o WHERE (SELECT count(*) FROM party_org_posts p "
                            "WHERE p.org_id = o.id AND p.post = 'secretary') <> 1") == 0
    assert one(demo_engine, """
        SELECT count(*) FROM party_orgs g JOIN party_org_posts p ON p.org_id = g.id AND p.post = 'secretary'
        JOIN party_members m ON m.id = p.member_id JOIN households h ON h.id = m.household_id
        WHERE g.level = 'building_group' AND h.building_id <> g.building_id""") == 0  # a 组长 lives in the building
    parttime = [r[0] for r in q(demo_engine, """
        SELECT (SELECT count(*) FROM party_org_posts p WHERE p.org_id = o.id AND p.post = 'parttime'
                AND p.unit IS NOT NULL) FROM party_orgs o WHERE o.level IN ('community_committee', 'community_branch')""")]
    assert all(5 <= n <= 12 for n in parttime)


def test_members_at_plausible_shares(demo_engine):
    (adults, residents, in_service, reported, mobile, probationary, total), = q(demo_engine, """
        SELECT (SELECT count(*) FROM residents WHERE birth_date <= :adult),
               count(*) FILTER (WHERE resident_id IS NOT NULL),
               count(*) FILTER (WHERE kind = 'in_service'),
               count(*) FILTER (WHERE kind = 'in_service' AND resident_id IS NOT NULL
                                AND EXISTS (SELECT 1 FROM party_report_ins r WHERE r.member_id = m.id)),
               count(*) FILTER (WHERE kind = 'mobile'), count(*) FILTER (WHERE status = 'probationary'), count(*)
        FROM party_members m""", adult=TODAY - timedelta(days=18 * 366))
    living_in_service = one(demo_engine, "SELECT count(*) FROM party_members WHERE kind = 'in_service' "
                                         "AND resident_id IS NOT NULL")
    assert 0.06 <= residents / adults <= 0.08
    assert 0.15 <= in_service / total <= 0.27 and 0.6 <= reported / living_in_service <= 0.8
    assert 0 < mobile / total <= 0.1 and 0.05 <= probationary / total <= 0.11
    assert one(demo_engine, "SELECT count(*) FROM party_members WHERE kind = 'resident' AND household_id IS NULL "
                            "AND staff_id IS NULL") == 0
    assert one(demo_engine, "SELECT count(*) FROM party_members WHERE phone_hmac IS NULL") == 0
    shares = dict(q(demo_engine, """
        SELECT a.duty, avg((EXISTS (SELECT 1 FROM party_members m WHERE m.staff_id = a.staff_id))::int)
        FROM staff_assignments a WHERE a.duty IN ('grid_leader', 'fulltime_worker') GROUP BY a.duty"""))
    assert 0.35 <= shares["grid_leader"] <= 0.65 and 0.2 <= shares["fulltime_worker"] <= 0.45
    assert one(demo_engine, "SELECT count(*) FROM party_report_ins WHERE pledge = '' OR community_code IS NULL") == 0


def test_contact_households_are_near_and_cover_about_half(demo_engine):
    share, per_member, far = q(demo_engine, """
        SELECT (SELECT count(DISTINCT household_id) FROM party_contacts)::float / (SELECT count(*) FROM households),
               (SELECT array_agg(DISTINCT n) FROM (SELECT count(*) n FROM party_contacts GROUP BY member_id) s),
               (SELECT count(*) FROM party_contacts c JOIN party_members m ON m.id = c.member_id
                JOIN households mh ON mh.id = m.household_id JOIN buildings mb ON mb.id = mh.building_id
                JOIN households h ON h.id = c.household_id JOIN buildings b ON b.id = h.building_id
                WHERE b.compound_id <> mb.compound_id)""")[0]
    assert 0.4 <= share <= 0.6 and far == 0
    assert min(per_member) >= 1 and max(per_member) <= 8


def test_a_year_of_activities_with_idle_branches(demo_engine):
    first, last, monthly = q(demo_engine, """
        SELECT min(held_on), max(held_on), (SELECT avg((n >= 10)::int) FROM (SELECT count(*) FILTER (WHERE a.kind =
               'three_one') n FROM party_orgs o LEFT JOIN party_activities a ON a.org_id = o.id
               WHERE o.level = 'compound_branch' GROUP BY o.id) s) FROM party_activities""")[0]
    assert last <= TODAY and first > TODAY - timedelta(days=366) and monthly >= 0.7
    idle, branches = q(demo_engine, """
        SELECT count(*) FILTER (WHERE recent = 0 AND earlier > 0), count(*) FROM (
            SELECT count(*) FILTER (WHERE a.held_on > :since) recent, count(*) FILTER (WHERE a.held_on <= :since) earlier
            FROM party_orgs o LEFT JOIN party_activities a ON a.org_id = o.id
            WHERE o.level = 'compound_branch' GROUP BY o.id) s""", since=TODAY - timedelta(days=90))[0]
    assert idle >= 1 and 0.04 <= idle / branches <= 0.2
    kinds = {r[0] for r in q(demo_engine, "SELECT DISTINCT kind FROM party_activities")}
    assert {"three_one", "theme_day", "volunteer", "visit"} <= kinds


def test_work_coverage_finds_working_and_idle_compounds(demo_engine):
    with demo_engine.connect() as conn:
        rows = compound_coverage(Session(bind=conn), "620302%", TODAY - timedelta(days=89), TODAY)
    assert any(r["work_covered"] for r in rows)
    assert any(r["org_covered"] and not r["work_covered"] for r in rows)
    assert any(not r["org_covered"] for r in rows)


def test_compound_meetings_keep_their_rhythm(demo_engine):
    rows = dict((k, (n, first)) for k, n, first in q(
        demo_engine, "SELECT kind, count(*), min(held_on) FROM compound_meetings GROUP BY kind"))
    assert set(rows) == {"daily", "weekly", "monthly", "quarterly", "yearly"}
    assert rows["daily"][1] >= TODAY - timedelta(days=92) and rows["weekly"][1] >= TODAY - timedelta(days=92)
    assert sum(n for n, _ in rows.values()) < 30_000


def test_one_community_lacks_a_street_leader(demo_engine):
    covered = dict(q(demo_engine, """
        SELECT c.code, EXISTS (SELECT 1 FROM staff_assignments a WHERE a.duty = 'street_staff'
                               AND a.area_code = c.code) FROM areas c WHERE c.level = 'community'"""))
    assert sum(not v for v in covered.values()) == 1 and sum(covered.values()) == 11


def test_party_login(demo_engine):
    assert q(demo_engine, "SELECT role, scope_code FROM users WHERE username = 'party'") == [
        ("party_staff", "620302001000")]


def test_reseeding_twice_gives_the_same_party(session, tmp_path):
    tally = text("SELECT (SELECT count(*) FROM compounds), (SELECT count(*) FROM party_orgs), "
                 "(SELECT count(*) FROM party_members), (SELECT count(*) FROM party_activities), "
                 "(SELECT count(*) FROM party_contacts), (SELECT count(*) FROM compound_meetings), "
                 "(SELECT md5(string_agg(code || name || level, ',' ORDER BY code)) FROM party_orgs), "
                 "(SELECT md5(string_agg(name || kind || status || coalesce(work_unit, ''), ',' "
                 "ORDER BY name, kind, status, work_unit)) FROM party_members), "
                 "(SELECT md5(string_agg(o.code || a.kind || a.held_on, ',' ORDER BY o.code, a.held_on, a.kind)) "
                 "FROM party_activities a JOIN party_orgs o ON o.id = a.org_id), "
                 "(SELECT count(*) FROM buildings WHERE compound_id IS NULL AND address IS NOT NULL)")
    took, tallies = [], []
    for _ in range(3):  # the first seed, then reseeding twice
        start = time.perf_counter()
        seed_demo(session, "120105", "street", 1, workdir=tmp_path, now=NOW, field_work=False)
        took.append(time.perf_counter() - start)
        tallies.append(tuple(session.execute(tally).one()))
    assert tallies[0] == tallies[1] == tallies[2]  # the same seed, the same party: rows, names and days
    assert min(tallies[0][:6]) > 0 and tallies[0][-1] == 0
    print(f"\nseed_demo 120105 street, three times: {', '.join(f'{t:.1f} s' for t in took)}")
