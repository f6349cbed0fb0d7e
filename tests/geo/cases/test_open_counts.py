"""Open and overdue cases per grid, kept by triggers: always what counting the cases would say."""

from sqlalchemy import text

from tests.city import A1, A2, B1

COUNTED = """
SELECT grid_code, count(*) FILTER (WHERE status = ANY(:open)), count(*) FILTER (WHERE status = ANY(:open) AND overdue)
FROM cases WHERE grid_code IS NOT NULL GROUP BY grid_code"""
OPEN = ["intake", "registered", "dispatched", "handling", "reported", "verified", "returned", "suspended"]


def kept(session) -> dict:
    return {g: (o, d) for g, o, d in session.execute(text("SELECT * FROM grid_open_counts")) if o or d}


def counted(session) -> dict:
    return {g: (o, d) for g, o, d in session.execute(text(COUNTED), {"open": OPEN}) if o or d}


def add(session, grid: str, status: str, overdue: bool = False) -> int:
    return session.execute(text("INSERT INTO cases (category, status, overdue, grid_code, geom) VALUES "
                                "('env_garbage', :s, :o, :g, ST_SetSRID(ST_MakePoint(116.41, 39.95), 4326)) RETURNING id"),
                           {"s": status, "o": overdue, "g": grid}).scalar()


def test_counts_follow_every_kind_of_change(session, city):
    ids = [add(session, A1, "dispatched"), add(session, A1, "handling", overdue=True), add(session, A2, "closed"),
           add(session, B1, "registered")]
    assert kept(session) == counted(session) == {A1: (2, 1), B1: (1, 0)}
    steps = [
        ("UPDATE cases SET status = 'closed' WHERE id = :a", {"a": ids[0]}),                 # closed
        ("UPDATE cases SET status = 'returned' WHERE id = :a", {"a": ids[2]}),               # reopened
        ("UPDATE cases SET overdue = true WHERE grid_code = :g", {"g": B1}),                  # tick marks overdue
        ("UPDATE cases SET grid_code = :g WHERE id = :a", {"g": A2, "a": ids[1]}),           # rerouted to A2
        ("DELETE FROM cases WHERE id = :a", {"a": ids[3]}),
        ("UPDATE cases SET status = 'merged' WHERE grid_code IN (:g, :h)", {"g": A1, "h": A2}),
    ]
    for statement, params in steps:
        session.execute(text(statement), params)
        assert kept(session) == counted(session), statement
    assert kept(session) == {}


def test_counts_are_what_tiles_colour_by(session, city):
    add(session, A1, "dispatched", overdue=True)
    row = session.execute(text("SELECT open_cases, overdue_cases FROM grid_open_counts WHERE grid_code = :g"),
                          {"g": A1}).one()
    assert tuple(row) == (1, 1)
