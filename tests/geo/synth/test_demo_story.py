"""The demo tells one story: histories behind every status, KPIs that match them, worker queues, hot spots, warnings."""

from datetime import timedelta

from sqlalchemy import text

from geo.access.actor import SYSTEM
from geo.access.crypto import lookup, reveal
from geo.analytics.grid_layers import grid_hotspots
from geo.analytics.warnings import MIN_BASELINE, early_warnings
from geo.analytics.window import window
from geo.cases.kpis import kpis
from geo.core import db
from geo.core.time import CHINA
from geo.rounds import run_round
from tests.conftest import rolled_back
from tests.geo.synth.conftest import NOW, q

HANDLER_STEPS = ("accept", "return", "report", "request_extension")
OPERATOR_STEPS = ("verify", "rework", "close", "rate", "approve_extension", "suspend", "resume")


def test_every_case_has_the_chain_of_events_behind_its_status(demo_engine):
    broken = q(demo_engine, """
        WITH e AS (SELECT e.*, lag(to_status) OVER w AS before, lag(at) OVER w AS before_at,
                          row_number() OVER w AS n, count(*) OVER (PARTITION BY case_id) AS total
                   FROM case_events e WINDOW w AS (PARTITION BY case_id ORDER BY at, id))
        SELECT c.id, c.status, e.action, e.from_status, e.before FROM cases c JOIN e ON e.case_id = c.id
        WHERE (e.n = 1 AND (e.action <> 'intake' OR e.from_status IS NOT NULL OR e.at <> c.reported_at))
           OR (e.n > 1 AND (e.from_status IS DISTINCT FROM e.before OR e.at < e.before_at))
           OR (e.n = e.total AND e.to_status <> c.status)""")
    assert broken == []
    assert q(demo_engine, "SELECT count(*) FROM cases c WHERE NOT EXISTS "
                          "(SELECT 1 FROM case_events e WHERE e.case_id = c.id)")[0][0] == 0
    mismatched = q(demo_engine, """
        SELECT c.id FROM cases c LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE action = 'return') AS returns, count(*) FILTER (WHERE action = 'rework') AS reworks,
                   count(*) FILTER (WHERE action = 'escalate' AND data ? 'to_level') AS moved,
                   -- a resident's 重新办理 opens the case again: back with its handler, no longer closed
                   CASE WHEN max(at) FILTER (WHERE action = 'close')
                             > COALESCE(max(at) FILTER (WHERE action = 'reopen'), '-infinity')
                        THEN max(at) FILTER (WHERE action = 'close') END AS closed,
                   max(at) FILTER (WHERE action IN ('dispatch', 'reopen')) AS dispatched
            FROM case_events WHERE case_id = c.id) e ON true
        WHERE e.returns <> c.return_count OR e.reworks <> c.rework_count OR e.moved <> c.escalations
           OR e.closed IS DISTINCT FROM c.closed_at OR e.dispatched IS DISTINCT FROM c.dispatched_at""")
    assert mismatched == []
    statuses = dict(q(demo_engine, "SELECT status, count(*) FROM cases GROUP BY 1"))
    assert all(statuses[s] >= 30 for s in ("intake", "registered", "dispatched", "handling", "reported", "verified",
                                            "returned", "suspended"))


def test_returns_reworks_and_escalations_carry_their_reasons_and_actors(demo_engine):
    assert q(demo_engine, "SELECT count(*) FROM cases c WHERE status = 'returned' AND NOT EXISTS (SELECT 1 FROM "
                          "case_events e WHERE e.case_id = c.id AND e.action = 'return' AND e.note <> '')")[0][0] == 0
    actors = dict(q(demo_engine, """
        SELECT e.action, array_agg(DISTINCT CASE WHEN u.role IS NOT NULL AND s.id IS NOT NULL THEN 'staff'
                                               WHEN u.role = 'resident' THEN 'resident' ELSE e.actor END)
        FROM case_events e LEFT JOIN users u ON u.username = e.actor LEFT JOIN staff s ON s.user_id = u.id
        GROUP BY 1"""))
    assert all(actors[a] == ["staff"] for a in HANDLER_STEPS)
    assert all(actors[a] == ["command"] for a in OPERATOR_STEPS if a != "rate")
    assert actors["rate"] == ["command", "resident"]  # the demo residents rate their own reports
    assert actors["escalate"] == ["system"]
    # the handler steps are the assignee's own: whoever accepted holds the case unless it was returned or escalated
    assert q(demo_engine, """
        SELECT count(*) FROM cases c JOIN case_events e ON e.case_id = c.id AND e.action = 'accept'
        JOIN users u ON u.username = e.actor JOIN staff s ON s.user_id = u.id
        WHERE c.escalations = 0 AND c.return_count = 0 AND c.assignee_id <> s.id""")[0][0] == 0
    late = q(demo_engine, "SELECT count(*) FROM cases c WHERE status IN ('dispatched', 'handling') AND due_at < :now "
                          "AND escalated_at IS NULL AND NOT overdue", now=NOW)[0][0]
    assert late == 0  # past its deadline: escalated by the system, or (a worker's own queue) marked overdue


def test_the_kpis_read_the_same_story(demo_engine):
    with db.session_factory(demo_engine)() as s:
        k = kpis(s, SYSTEM.scope, NOW - timedelta(days=400), NOW + timedelta(days=1))
    (dispatched, returned, closed, reworked), = q(demo_engine, """
        SELECT count(*) FILTER (WHERE dispatched_at IS NOT NULL),
               count(*) FILTER (WHERE dispatched_at IS NOT NULL AND EXISTS (SELECT 1 FROM case_events e
                                WHERE e.case_id = c.id AND e.action = 'return')),
               count(*) FILTER (WHERE status IN ('closed', 'rated')),
               count(*) FILTER (WHERE status IN ('closed', 'rated') AND EXISTS (SELECT 1 FROM case_events e
                                WHERE e.case_id = c.id AND e.action = 'rework'))
        FROM cases c WHERE status <> 'merged'""")
    assert k["return_rate"] == round(returned / dispatched, 4) and 0.02 < k["return_rate"] < 0.08
    assert k["rework_rate"] == round(reworked / closed, 4) and 0.02 < k["rework_rate"] < 0.1
    assert 0.75 < k["on_time_rate"] < 0.97


def test_reporters_are_sealed_as_intake_seals_them(demo_engine):
    rows = q(demo_engine, "SELECT c.channel, r.name, r.phone_enc, r.phone_hmac, r.reported_at = c.reported_at, "
                          "EXISTS (SELECT 1 FROM resident_accounts a WHERE a.user_id = c.created_by) FROM cases c "
                          "LEFT JOIN case_reporters r ON r.case_id = c.id WHERE c.channel IN ('hotline', 'self_report', "
                          "'petition')")
    # a resident's own report from /r/ names no one: the account's phone is the reporter
    assert rows and all((r[1] or r[5]) and r[4] for r in rows)
    phones = [reveal(r[2]) for r in rows]
    assert all(len(p) == 11 and p[0] == "1" and lookup(p) == bytes(r[3]) for p, r in zip(phones, rows))
    assert q(demo_engine, "SELECT count(*) FROM case_reporters r JOIN cases c ON c.id = r.case_id "
                          "WHERE c.channel NOT IN ('hotline', 'self_report', 'petition')")[0][0] == 0


def test_cases_lie_in_the_grid_postgis_finds_for_them(demo_engine):
    assert q(demo_engine, "SELECT count(*) FROM cases WHERE grid_code IS DISTINCT FROM wangge_grid_at(geom)")[0][0] == 0


QUEUES = """
        SELECT u.username, count(c.id), count(c.id) FILTER (WHERE c.overdue AND c.due_at < :now),
               count(c.id) FILTER (WHERE c.due_at BETWEEN :now AND :now + interval '24 hours')
        FROM users u JOIN staff s ON s.user_id = u.id
        LEFT JOIN cases c ON c.assignee_id = s.id AND c.status NOT IN ('closed', 'rated', 'merged')
        WHERE u.role = 'grid_worker' GROUP BY 1"""


def test_every_grid_worker_login_has_a_queue(demo_engine):
    rows = q(demo_engine, QUEUES, now=NOW)
    queues = {name: (open_, overdue, soon) for name, open_, overdue, soon in rows}
    assert len(queues) > 50
    assert all(open_ >= 2 and overdue >= 1 for open_, overdue, _ in queues.values()), queues
    assert sum(soon >= 1 for _, _, soon in queues.values()) > 0.9 * len(queues)
    open_, overdue, soon = queues["gridworker"]
    assert open_ >= 4 and overdue == 2 and soon >= 1


def test_the_servers_first_round_leaves_the_red_tasks_in_the_queues(demo_engine):
    """`make demo` serves at once, and the server's round runs: the queues' overdue cases stay where they are."""
    with rolled_back(demo_engine) as s:
        run_round(s, NOW + timedelta(minutes=5))
        rows = s.execute(text(QUEUES), {"now": NOW}).all()
    assert all(overdue >= 1 for _, _, overdue, _ in rows), rows


def test_the_default_hot_spot_view_finds_hot_spots(demo_engine):
    # As the command center asks: the last 30 days, cases per 100 households, alpha 0.05, automatic inference.
    with db.session_factory(demo_engine)() as s:
        found = grid_hotspots(s, SYSTEM, window(now=NOW), measure="per_100_households", geometry=False)
    hot = [f for f in found["features"] if f["properties"]["hotspot"] == "hot"]
    assert found["inference"] == "permutation" and len(hot) >= 2


def test_the_warnings_figures_add_up(demo_engine):
    with db.session_factory(demo_engine)() as s:
        found = early_warnings(s, SYSTEM, NOW.astimezone(CHINA).date())
    warnings = found["warnings"]
    assert warnings and warnings[0]["category"] == "dispute_property"
    first = warnings[0]
    assert first["usual"] >= MIN_BASELINE and first["count"] >= 8 and 3 <= first["ratio"] <= 10
    assert f"每周 {first['baseline']:.1f} 件" in first["message"] and f"{first['ratio']} 倍" in first["message"]
    for w in warnings:
        assert w["baseline"] >= MIN_BASELINE
        assert abs(w["count"] - w["baseline"] * w["ratio"]) <= 0.05 * w["baseline"] + 0.05 * w["ratio"] + 1e-9
        assert ("倍" in w["message"]) == (w["usual"] >= MIN_BASELINE)


def test_every_handler_turn_is_there_and_escalations_keep_the_miss(demo_engine):
    no_turn = q(demo_engine, "SELECT count(*) FROM cases c WHERE c.dispatched_at IS NOT NULL AND NOT EXISTS "
                             "(SELECT 1 FROM case_holds h WHERE h.case_id = c.id)")[0][0]
    assert no_turn == 0
    turns = q(demo_engine, """
        SELECT c.id, c.escalations, count(h.*) FILTER (WHERE h.kind = 'escalation') AS up,
               count(h.*) FILTER (WHERE h.missed) AS missed, count(h.*) FILTER (WHERE h.ended_at IS NULL AND h.kind IN ('dispatch', 'escalation', 'lead')) AS open,
               c.return_count, c.first_due_at, min(h.due_at) FILTER (WHERE h.kind = 'dispatch') AS first_turn_due
        FROM cases c JOIN case_holds h ON h.case_id = c.id GROUP BY c.id, c.escalations, c.return_count, c.first_due_at""")
    assert [t for t in turns if t.up != t.escalations][:3] == []
    # a miss per escalation, on the turn that let the deadline pass (a returned case has no turn open: it waits
    # for the operator to re-dispatch it)
    assert [t for t in turns if t.return_count == 0 and t.missed < t.escalations][:3] == []
    assert all(t.open <= 1 for t in turns)
    escalated = [t for t in turns if t.escalations]
    assert escalated and all(t.first_due_at is not None for t in escalated)
    with db.session_factory(demo_engine)() as s:
        figures = kpis(s, SYSTEM.scope, NOW - timedelta(days=400), NOW + timedelta(days=1))
    missed_turns = [t for t in escalated if t.return_count == 0]
    assert figures["deadline_misses"] >= len(missed_turns) and figures["missed_cases"] >= len(missed_turns)
    late_yet_closed = q(demo_engine, "SELECT count(*) FROM cases WHERE escalations > 0 AND closed_at <= due_at "
                                     "AND closed_at > first_due_at")[0][0]
    assert late_yet_closed > 0  # the cases the old KPI counted on time: late against their first deadline


def test_departments_lead_cases_and_answer_whistles_in_the_demo(demo_engine):
    accounts = dict(q(demo_engine, "SELECT username, department FROM users WHERE role = 'department'"))
    assert accounts == {"chengguan": "城管", "gongan": "公安"}
    led = q(demo_engine, "SELECT count(*) FROM case_holds WHERE kind = 'lead' AND department = '城管'")[0][0]
    assert led >= 3
    whistles = q(demo_engine, "SELECT department, outcome, missed FROM case_holds WHERE kind = 'whistle' "
                              "ORDER BY started_at")
    assert whistles == [("公安", None, True), ("公安", "met", False), ("城管", None, False)]
    assert q(demo_engine, "SELECT count(*) FROM cases c WHERE NOT c.synthetic")[0][0] == 0
