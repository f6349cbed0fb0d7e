"""Coverage figures per area on the party test city (tests/party_city.py: its docstring is the table)."""

from datetime import date

import pytest

from geo.core.errors import InvalidInput
from geo.party.compound_coverage import compound_coverage
from geo.party.coverage import coverage, period
from tests.city import A1, A5, COMM_A, COMM_B, STREET
from tests.party_city import PERIOD, build_party_city


def test_each_community_against_the_table(session):
    build_party_city(session)
    a, b = coverage(session, "110105%", "community", *PERIOD)
    assert (a["code"], b["code"]) == (COMM_A, COMM_B)
    # A: PA1..PA4 = 4 compounds; organised: PA1, PA2 (BA12), PA3 (BA3) = 3; working in PERIOD: PA1, PA2 (BA12 on
    # 2026-10-10) = 2 (BA3's only activity is 2026-05-01, before PERIOD).
    assert (a["compounds"], a["org_covered"], a["org_share"], a["work_covered"], a["work_share"]) == (4, 3, 0.75, 2, 0.5)
    # A's grid leaders: `leader` (A1), who is m1 → 1 of 1; workers: w1, w2 (A1), neither a member → 0 of 2.
    assert (a["leaders"], a["leader_members"], a["leader_member_share"]) == (1, 1, 1.0)
    assert (a["workers"], a["worker_members"], a["worker_member_share"]) == (2, 0, 0.0)
    # A: 18 households; members living there: m1 (b1), m2 (b4) → 2, 2 × 100 / 18 = 11.11; in service: m2, who
    # reported in on 2026-10-01 → 1 of 1; contact households: two of b1 (m1) → 2 / 18.
    assert (a["households"], a["members"], a["members_per_100_households"]) == (18, 2, 11.11)
    assert (a["in_service"], a["reported_in"], a["reported_in_share"]) == (1, 1, 1.0)
    assert (a["contacted"], a["contacted_share"]) == (2, 0.1111)
    # B: PB1, PB2; organised and working: PB1 (BB1, 2026-11-01) → 1 of 2 both.
    assert (b["compounds"], b["org_covered"], b["org_share"], b["work_covered"], b["work_share"]) == (2, 1, 0.5, 1, 0.5)
    # B: no grid leader → share null; worker wb (B1) is m4 → 1 of 1.
    assert (b["leaders"], b["leader_members"], b["leader_member_share"]) == (0, 0, None)
    assert (b["workers"], b["worker_members"], b["worker_member_share"]) == (1, 1, 1.0)
    # B: 9 households; m3, m4 live in b6 → 2 × 100 / 9 = 22.22; in service m3 never reported in → 0 of 1;
    # one contact household of b6 (m4) → 1 / 9.
    assert (b["households"], b["members"], b["members_per_100_households"]) == (9, 2, 22.22)
    assert (b["in_service"], b["reported_in"], b["reported_in_share"]) == (1, 0, 0.0)
    assert (b["contacted"], b["contacted_share"]) == (1, 0.1111)


def test_the_street_adds_both_communities(session):
    build_party_city(session)
    [s] = coverage(session, "110105%", "street", *PERIOD)
    # 4 + 2 compounds, 3 + 1 organised, 2 + 1 working; 1 leader (a member); 2 + 1 workers, 0 + 1 members;
    # 18 + 9 households, 2 + 2 members, 1 + 1 in service of whom 1 reported in, 2 + 1 contact households.
    assert s["code"] == STREET
    assert [s[k] for k in ("compounds", "org_covered", "work_covered", "leaders", "leader_members", "workers",
                           "worker_members", "households", "members", "in_service", "reported_in", "contacted")] == [
        6, 4, 3, 1, 1, 3, 1, 27, 4, 2, 1, 3]
    assert (s["org_share"], s["work_share"], s["members_per_100_households"], s["contacted_share"]) == (
        0.6667, 0.5, 14.81, 0.1111)


def test_grid_level_and_the_empty_denominators(session):
    build_party_city(session)
    rows = {r["code"]: r for r in coverage(session, "110105%", "grid", *PERIOD)}
    assert len(rows) == 7  # A1..A5, B1, B2
    a1 = rows[A1]
    # A1: PA1, PA2, both organised and working (BA12); households b1 3 + b2 2 + b3 4 = 9; m1 lives in b1 →
    # 100 / 9 = 11.11; no in-service member → reported-in share null; contacts: 2 of b1 → 2 / 9.
    assert (a1["compounds"], a1["org_covered"], a1["work_covered"], a1["households"]) == (2, 2, 2, 9)
    assert (a1["members_per_100_households"], a1["reported_in_share"], a1["contacted_share"]) == (11.11, None, 0.2222)
    # A5, the school grid: no compound, no staff, no household: every share is null, not 0.
    a5 = rows[A5]
    assert (a5["compounds"], a5["households"]) == (0, 0)
    assert all(a5[k] is None for k in ("org_share", "work_share", "leader_member_share", "worker_member_share",
                                       "members_per_100_households", "reported_in_share", "contacted_share"))


def test_a_grid_scope_sees_its_grid_only(session):
    build_party_city(session)
    assert [r["code"] for r in coverage(session, f"{A1}%", "grid", *PERIOD)] == [A1]


def test_the_period_defaults_and_its_limits():
    assert period(None, None, today=date(2026, 11, 29)) == PERIOD  # 90 days ending today
    assert period(None, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(InvalidInput):
        period(date(2026, 11, 30), date(2026, 11, 29))
    assert period(date(2023, 1, 1), date(2025, 12, 31))[0] == date(2023, 1, 1)  # three years exactly
    with pytest.raises(InvalidInput):
        period(date(2022, 12, 1), date(2025, 12, 31))


def test_the_counts_are_those_of_each_compound(session):
    build_party_city(session)
    each = compound_coverage(session, "110105%", *PERIOD)
    for row in coverage(session, "110105%", "community", *PERIOD):
        mine = [c for c in each if c["community_code"] == row["code"]]
        assert (row["org_covered"], row["work_covered"]) == (sum(c["org_covered"] for c in mine),
                                                            sum(c["work_covered"] for c in mine))
