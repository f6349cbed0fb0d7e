"""The departments in the demo: 城管 and 公安 accounts for the district, cases 城管 leads, and 吹哨报到 in the first
street — one report-in made in time, one still awaited, one missed — all through the real intake and workflow."""

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from geo.access.actor import actor_for
from geo.cases.escalation import tick
from geo.cases.intake import NewCase, create_case
from geo.cases.workflow import StepInput, transition, visible_case
from geo.core.models import Role, User

LOGINS = (("chengguan", "城管", "城管执法队员"), ("gongan", "公安", "社区民警"))
LED = ("order_illegal_building", "order_illegal_building", "order_illegal_building")
# (hours ago, department, hours later it reported in, or None)
WHISTLES = ((5.0, "公安", 0.5), (30.0, "公安", None), (0.5, "城管", None))


def add_department_story(session: Session, district: str, street: str, password_hash: str, now: datetime) -> list:
    """The department logins, as (username, role, scope) rows for the summary, after their cases are made."""
    for username, department, name in LOGINS:
        session.execute(text("INSERT INTO users (username, password_hash, role, scope_code, department, display_name, "
                             "synthetic) VALUES (:u, :p, 'department', :d, :dept, :n, true) "
                             "ON CONFLICT (username) DO NOTHING"),
                        {"u": username, "p": password_hash, "d": district, "dept": department, "n": name})
    command, street_staff = _actor(session, "command"), _actor(session, "street")
    points = session.execute(text(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM areas WHERE level = 'grid' "
        "AND kind = 'ordinary' AND code LIKE :street ORDER BY code LIMIT 6) x"), {"street": street[:9] + "%"}).all()
    made = [create_case(session, NewCase(category, lon=x, lat=y, channel="hotline", description=_DESCRIPTIONS[i],
                                         reporter_name=_CALLERS[i], reporter_phone=f"1390931{i:04d}"),
                        command, now=now - timedelta(hours=2 + 20 * i))[0]
            for i, (category, (x, y)) in enumerate(zip(LED, points))]
    # cases still being handled in time (a worker's overdue case stays theirs) whose last step came before the first
    # whistle, so their histories stay in order
    open_cases = session.execute(text(
        "SELECT c.id FROM cases c WHERE c.status IN ('dispatched', 'handling') AND c.grid_code LIKE :street "
        "AND c.synthetic AND c.handler_level = 'grid' AND c.assignee_id IS NOT NULL AND c.due_at > :now "
        "AND (SELECT max(at) FROM case_events e WHERE e.case_id = c.id) < :before ORDER BY c.id DESC LIMIT :n"),
        {"street": street[:9] + "%", "n": len(WHISTLES), "now": now, "before": now - timedelta(hours=max(w[0] for w in WHISTLES))})
    for case_id, (ago, department, answered) in zip(open_cases.scalars().all(), WHISTLES):
        _step(session, case_id, "whistle", street_staff, now - timedelta(hours=ago), department=department,
              note="占道经营屡劝不改，请派员到场" if department == "公安" else "违规搭建，请执法到场")
        if answered is not None:
            _step(session, case_id, "report_in", _actor(session, "gongan"),
                  now - timedelta(hours=ago - answered), note="民警已到场处置")
        made.append(case_id)
    session.execute(text("UPDATE cases SET synthetic = true WHERE id = ANY(:ids)"), {"ids": made})
    tick(session, now, only=made)  # the round, for these cases: passed deadlines and report-ins are marked now
    return [(username, Role.department.value, district) for username, _, _ in LOGINS]


_DESCRIPTIONS = ("小区楼顶私搭彩钢房", "临街商铺违规外扩搭建", "绿地内私建棚屋")
_CALLERS = ("王先生", "李女士", "赵先生")


def _actor(session: Session, username: str):
    """The demo account as the workflow sees it."""
    return actor_for(session, session.scalar(select(User).where(User.username == username)))


def _step(session: Session, case_id: int, action: str, actor, at: datetime, **fields) -> None:
    """One step through the real workflow, at `at`."""
    version = visible_case(session, case_id, actor)["version"]
    transition(session, case_id, action, version, actor, StepInput(**fields), now=at)
