"""The demo's case histories: each case walks the closed loop step by step, as geo/cases/workflow.py would move it.

A case follows a plan (where it stops, whether it is returned, reworked, extended or suspended) and every step
is an event with its time and actor: the grid's worker for handler steps, the command center for operator
steps, `system` for what the system does itself (registering and dispatching at intake, escalating an
overdue case as geo/cases/escalation.py does, one level up to the least busy person there). The case's
columns (dispatch, deadline, counters, assignee, version) are whatever the walk leaves behind, so the KPIs
read the same story as the history.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from geo.cases.categories import Category
from geo.cases.deadlines import due_at
from geo.core.models import CaseStatus as S

OPERATOR = "command"
SYSTEM = "system"
WATCHED = {S.registered, S.dispatched, S.handling, S.returned}  # the statuses the deadline watch looks at
TICK = timedelta(minutes=5)   # the server's round: an overdue case is escalated within one
WAITS = ("self_report", "video_ai")
# Who takes a report in: the worker on patrol, the command center for calls, petitions and referrals, the system for
# the residents' app and the cameras.
INTAKE_BY = {"patrol": "patroller", "self_report": SYSTEM, "video_ai": SYSTEM}
RETURN_NOTES = ("不属于本网格职责范围，请改派", "现场位置不在本网格，请核实后改派", "需职能部门处置，超出网格职权")
REPORT_NOTES = ("已到场处置完毕，现场恢复正常", "已协调物业整改到位", "已联系当事人调解，双方达成一致", "已清理完毕并拍照留存")
REWORK_NOTES = ("现场核查仍未整改到位，请返工", "群众反映问题依旧，请重新处置")
EXTENSION_NOTES = ("需协调相关部门，申请延期", "等待物业配合整改，申请延期")
SUSPEND_NOTES = ("涉及历史遗留问题，待上级协调，暂挂账",)


@dataclass
class Plan:
    """How far a case gets by now and which side paths it takes; `hold_overdue` keeps a passed deadline unescalated
    (a worker's overdue case the round has yet to move up)."""

    stop: str                      # the status it has now (closed/rated: it went all the way)
    returned: bool = False
    reworked: bool = False
    extended: bool = False
    suspended: bool = False
    rating: str | None = None
    hold_overdue: bool = False
    assignee: int | None = None    # a worker's own queue; else any handler of the grid


@dataclass
class Crew:
    """Who may take a grid's case: its handlers (full-time workers, else the leader), the community's staff, usernames."""

    handlers: dict[str, list[int]]
    community: dict[str, list[int]]
    street: dict[str, list[int]]
    usernames: dict[int, str]


@dataclass
class Walk:
    """One case's walk: its events and the columns it leaves."""

    case: dict
    events: list[tuple] = field(default_factory=list)   # (at, actor, action, from, to, note, data)
    holds: list[dict] = field(default_factory=list)     # each handler's turn, as geo/cases/holds.py keeps them


class StopWalk(Exception):
    """The next step would come after now."""


class CaseWalk:
    """Moves one case through the loop, recording events and escalating when a deadline passes in a watched status."""

    def __init__(self, category: Category, grid: str, assignee: int, crew: Crew, rng, now: datetime):
        """A case of `category` in `grid`, to be dispatched to `assignee`."""
        self.category, self.grid, self.crew, self.rng, self.now = category, grid, crew, rng, now
        self.assignee_to_be = assignee
        self.walk = Walk({"status": None, "assignee_id": None, "dispatched_at": None, "due_at": None, "overdue": False,
                          "escalations": 0, "escalated_at": None, "extension_requested": False, "rework_count": 0,
                          "first_due_at": None,
                          "return_count": 0, "rating": None, "resumes_to": None, "closed_at": None, "version": 1,
                          "handler_level": "grid", "handler_area": grid})
        self.hold = False
        self.last = datetime.min.replace(tzinfo=now.tzinfo)

    @property
    def c(self) -> dict:
        return self.walk.case

    def step(self, at: datetime, actor: str, action: str, to: str | None = None, note=None, data=None,
             **changes) -> datetime:
        """Record an action at `at` (after escalating whatever deadline passed before it); returns `at`.
        A step that would fall after now is not taken: the case stays where it is (StopWalk)."""
        if at > self.now:
            raise StopWalk
        self.watch(at)
        if actor in ("worker", "patroller"):
            actor = self.crew.usernames[self.c["assignee_id"] if actor == "worker" else self.assignee_to_be]
        before = self.c["status"]
        self.c.update(changes)
        self.c["status"] = to or before
        if before is not None:
            self.c["version"] += 1
        self.walk.events.append((at, actor, action, before, self.c["status"], note, data or {}))
        self._turn(action, at)
        self.last = at
        return at

    def _turn(self, action: str, at: datetime) -> None:
        """The handlers' turns after a step, as geo/cases/effects.py keeps them."""
        current = self.walk.holds[-1] if self.walk.holds else None
        if action == "dispatch":
            self._end(at, "handed")
            self.walk.holds.append(_hold("dispatch", "grid", self.grid, self.c["assignee_id"], at, self.c["due_at"]))
            self.c["first_due_at"] = self.c["first_due_at"] or self.c["due_at"]
        elif action == "return":
            self._end(at, "returned")
        elif action == "report":
            self._end(at, None)
        elif action == "rework" and current is not None:
            current.update(ended_at=None, outcome="missed" if current["missed"] else None)
        elif action == "approve_extension" and current is not None and not current["missed"]:
            if self.c["first_due_at"] == current["due_at"]:
                self.c["first_due_at"] = self.c["due_at"]
            current["due_at"] = self.c["due_at"]

    def _end(self, at: datetime, outcome: str | None) -> None:
        """End the open turn: met or missed by its deadline, or as `outcome` says."""
        current = self.walk.holds[-1] if self.walk.holds else None
        if current is None or current["ended_at"] is not None:
            return
        late = outcome is None and at > current["due_at"]
        current.update(ended_at=at, missed=current["missed"] or late,
                       outcome=outcome or ("missed" if current["missed"] or late else "met"))

    def watch(self, until: datetime) -> None:
        """Escalate as the round would: a deadline passed in a watched status moves the case one level up."""
        while (self.c["status"] in WATCHED and self.c["due_at"] is not None and not self.hold
               and (self.c["escalated_at"] is None or self.c["escalated_at"] < self.c["due_at"])):
            # the first round after the deadline, or after the case came back under watch (a resumed suspension)
            at = max(self.c["due_at"], self.last) + TICK * float(self.rng.random())
            if at >= until:
                return
            self._escalate(at)

    def _escalate(self, at: datetime) -> None:
        """One escalation at `at`: to the community's least busy staff member, then the street's; none above."""
        level = self.c["handler_level"]
        reason = {"due_at": self.c["due_at"].isoformat(), "from_level": level, "from_area": self.c["handler_area"]}
        up = {"grid": ("community", self.grid[:12], self.crew.community), "community":
              ("street", self.grid[:9] + "000", self.crew.street)}.get(level)
        changes = {"overdue": True, "escalated_at": at, "version": self.c["version"] + 1}
        if up:
            people = up[2].get(up[1]) or [None]
            changes |= {"handler_level": up[0], "handler_area": up[1], "escalations": self.c["escalations"] + 1,
                        "assignee_id": people[int(self.rng.integers(len(people)))], "due_at": due_at(self.category, at)}
            reason |= {"to_level": up[0], "to_area": up[1]}
        self.c.update(changes)
        if self.walk.holds and self.walk.holds[-1]["ended_at"] is None:  # the miss stays on the turn that let it pass
            self.walk.holds[-1].update(missed=True, outcome="missed", ended_at=at if up else None)
        if up:
            self.walk.holds.append(_hold("escalation", up[0], up[1], self.c["assignee_id"], at, self.c["due_at"]))
        note = "overdue: escalated to the next level" if up else "overdue at the top level"
        self.walk.events.append((at, SYSTEM, "escalate", self.c["status"], self.c["status"], note, reason))
        self.last = at

    def dispatch(self, at: datetime, actor: str, assignee: int) -> datetime:
        """Dispatch (or re-dispatch) to `assignee` with a fresh deadline, as workflow.transition does."""
        return self.step(at, actor, "dispatch", S.dispatched, data={"level": "grid", "area": self.grid,
                                                                    "department": None, "assignee_id": assignee},
                         assignee_id=assignee, dispatched_at=at, due_at=due_at(self.category, at), overdue=False,
                         handler_level="grid", handler_area=self.grid)


def _hold(kind: str, level: str, area: str, staff: int | None, started: datetime, due: datetime) -> dict:
    """A new, open turn."""
    return {"kind": kind, "level": level, "area_code": area, "staff_id": staff, "started_at": started, "due_at": due,
            "ended_at": None, "outcome": None, "missed": False}


def _later(at: datetime, rng, hours: float) -> datetime:
    """A moment about `hours` after `at` (exponentially distributed, at least a minute)."""
    return at + timedelta(hours=max(1 / 60, float(rng.exponential(hours))))


def walk(category: Category, channel: str, grid: str, reported: datetime, handling_hours: float, plan: Plan,
         crew: Crew, rng, now: datetime) -> Walk:
    """The history of one case reported at `reported`, squeezed before `now` when it is still open."""
    handlers = crew.handlers[grid]
    w = CaseWalk(category, grid, plan.assignee or handlers[int(rng.integers(len(handlers)))], crew, rng, now)
    w.hold = plan.hold_overdue
    try:
        _steps(w, channel, reported, handling_hours, plan, handlers)
    except StopWalk:
        pass
    return _finish(w, now)


def _steps(w: CaseWalk, channel: str, reported: datetime, handling_hours: float, plan: Plan, handlers) -> None:
    """The steps of the plan, one after the other (each returns early where the plan stops)."""
    rng, now, category = w.rng, w.now, w.category
    span = now - reported
    # An open case's steps are spread over its time so far; a closed one takes its natural handling time.
    scale = min(1.0, span / timedelta(hours=handling_hours * 1.6 + 6)) if plan.stop not in (S.closed, S.rated) else 1.0
    hours = lambda h: h * scale  # noqa: E731
    t = w.step(reported, INTAKE_BY.get(channel, OPERATOR), "intake", S.intake)
    if plan.stop == S.intake:
        return
    registered = _later(t, rng, hours(1.5)) if channel in WAITS else t
    t = w.step(registered, OPERATOR if channel in WAITS else SYSTEM, "register", S.registered)
    if plan.stop == S.registered:
        return
    t = w.dispatch(_later(t, rng, hours(0.3)) if channel in WAITS else t, OPERATOR if channel in WAITS else SYSTEM,
                   w.assignee_to_be)
    if plan.returned:
        t = w.step(_later(t, rng, hours(2)), "worker", "return", S.returned,
                   RETURN_NOTES[int(rng.integers(len(RETURN_NOTES)))], assignee_id=None,
                   return_count=w.c["return_count"] + 1)
        if plan.stop == S.returned:
            return
        t = w.dispatch(_later(t, rng, hours(2)), OPERATOR, handlers[int(rng.integers(len(handlers)))])
    if plan.stop == S.dispatched:
        return
    t = w.step(_later(t, rng, hours(1)), "worker", "accept", S.handling)
    if plan.extended:
        t = w.step(_later(t, rng, hours(2)), "worker", "request_extension", None,
                   EXTENSION_NOTES[int(rng.integers(len(EXTENSION_NOTES)))], extension_requested=True)
        t = w.step(_later(t, rng, hours(1)), OPERATOR, "approve_extension", None, extension_requested=False,
                   overdue=False, due_at=due_at(category, w.c["due_at"]))
    if plan.suspended:
        t = w.step(_later(t, rng, hours(3)), OPERATOR, "suspend", S.suspended,
                   SUSPEND_NOTES[int(rng.integers(len(SUSPEND_NOTES)))], resumes_to=S.handling)
        if plan.stop == S.suspended:
            return
        t = w.step(_later(t, rng, hours(24)), OPERATOR, "resume", S.handling, resumes_to=None)
    if plan.stop == S.handling:
        return
    for attempt in range(2 if plan.reworked else 1):
        t = w.step(t + timedelta(hours=hours(handling_hours) / (1 + attempt)), "worker", "report", S.reported,
                   REPORT_NOTES[int(rng.integers(len(REPORT_NOTES)))])
        if plan.stop == S.reported and attempt == (1 if plan.reworked else 0):
            return
        if plan.reworked and attempt == 0:
            t = w.step(_later(t, rng, hours(2)), OPERATOR, "rework", S.handling,
                       REWORK_NOTES[int(rng.integers(len(REWORK_NOTES)))], rework_count=1)
    t = w.step(_later(t, rng, hours(3)), OPERATOR, "verify", S.verified)
    if plan.stop == S.verified:
        return
    t = _later(t, rng, hours(1))
    w.step(t, OPERATOR, "close", S.closed, closed_at=t)
    if plan.stop == S.rated:
        w.step(_later(t, rng, hours(20)), OPERATOR, "rate", S.rated, rating=plan.rating)


def _finish(w: CaseWalk, now: datetime) -> Walk:
    """Escalations due up to now for a case still open, then the walk."""
    w.watch(now)
    if w.hold and w.c["due_at"] is not None and w.c["due_at"] < now:
        # Red in the worker's own queue: the watch has seen this deadline (escalated_at = due_at), so the server's
        # first round does not move the case up and out of the queue a demo user opens minutes later.
        w.c["overdue"] = True
        w.c["escalated_at"] = w.c["due_at"]
    return w.walk
