"""Where each demo case stands now: most went the whole loop, the newest are open in every state, and every
worker account has a small queue of its own (one due soon, one overdue, one just dispatched).

Side paths at plausible shares: a dispatch returned (回退), a report sent back (返工), an extension (延期), a
suspension (挂账). A worker's queue is made of its grid's newest incidents (not the planted surge), re-timed so that
their deadline falls where the queue needs it.
"""

from datetime import datetime, timedelta

from geo.cases.categories import Category
from geo.cases.deadlines import due_at
from geo.core.models import OPEN_STATUSES
from geo.core.models import CaseStatus as S
from geo.synth.histories import Crew, Plan

OPEN_PER_STATE = 30
SHARES = {"returned": 0.03, "reworked": 0.05, "extended": 0.04, "suspended": 0.015, "rated": 0.6}
RATINGS = (("satisfied", "basically_satisfied", "dissatisfied"), (0.8, 0.15, 0.05))


def plans(incidents: list, crew: Crew, cats: dict[str, Category], rng, now: datetime,
          first_worker: int | None) -> list[Plan]:
    """A plan for each incident (same order); re-times the incidents of the workers' queues."""
    out = [_closed_plan(rng) for _ in incidents]
    taken = _queues(incidents, out, crew, cats, rng, now, first_worker)
    _open_newest(incidents, out, taken)
    return out


def _closed_plan(rng) -> Plan:
    """A case that went the whole loop, with its side paths drawn at SHARES."""
    draw = {k: bool(rng.random() < p) for k, p in SHARES.items()}
    rating = str(rng.choice(RATINGS[0], p=RATINGS[1])) if draw["rated"] else None
    return Plan(S.rated if rating else S.closed, draw["returned"], draw["reworked"], draw["extended"],
                draw["suspended"], rating)


def _open_newest(incidents, out: list[Plan], taken: set[int]) -> None:
    """The newest cases outside the queues: OPEN_PER_STATE in every open state."""
    states = list(OPEN_STATUSES)
    newest = sorted((i for i in range(len(incidents)) if i not in taken), key=lambda i: incidents[i].reported_at,
                    reverse=True)
    for n, i in enumerate(newest[: OPEN_PER_STATE * len(states)]):
        stop = states[n % len(states)]
        out[i] = Plan(stop, returned=stop == S.returned, suspended=stop == S.suspended,
                      reworked=out[i].reworked and stop in (S.reported, S.verified))


# A worker's queue: (status, hours from now to the deadline, hold it overdue): overdue, due soon, dispatched.
QUEUE = ((S.handling, (-30, -2), True), (S.handling, (1, 20), False), (S.dispatched, (24, 96), False))
FIRST_QUEUE = QUEUE + ((S.handling, (-50, -6), True), (S.reported, (2, 48), False))


def _queues(incidents, out: list[Plan], crew: Crew, cats, rng, now: datetime, first_worker: int | None) -> set[int]:
    """Each handler's queue from its grid's recent incidents; the indexes used."""
    newest: dict[str, list[int]] = {}
    for i in sorted(range(len(incidents)), key=lambda i: incidents[i].reported_at, reverse=True):
        if not incidents[i].planted:
            newest.setdefault(incidents[i].grid, []).append(i)
    taken: set[int] = set()
    for grid, workers in crew.handlers.items():
        pool = newest.get(grid, [])
        for worker in workers:
            for status, hours, hold in FIRST_QUEUE if worker == first_worker else QUEUE:
                if not pool:
                    break
                i = pool.pop(0)
                target = now + timedelta(hours=float(rng.uniform(*hours)))
                incidents[i].reported_at = _dispatched_for(cats[incidents[i].category], target, now)
                incidents[i].channel = "patrol"  # found on the worker's round: dispatched at once
                out[i] = Plan(status, hold_overdue=hold, assignee=worker)
                taken.add(i)
    return taken


def _dispatched_for(category: Category, target: datetime, now: datetime) -> datetime:
    """The latest dispatch time (to the second, before now) whose deadline is at or before `target`; for a target
    still to come that no deadline can meet (they jump over nights and whole days), the deadline next after now."""
    low, high = now - timedelta(days=60), now - timedelta(minutes=10)
    if due_at(category, high) <= target:
        return high.replace(microsecond=0)
    found = _bisect(category, low, high, lambda due: due <= target)
    if target > now and due_at(category, found) <= now:
        return _bisect(category, low, high, lambda due: due <= now, latest=False)
    return found


def _bisect(category: Category, low: datetime, high: datetime, early, *, latest: bool = True) -> datetime:
    """The last dispatch time in [low, high] whose deadline satisfies `early` (or the first that does not): due_at
    never decreases with the dispatch time."""
    for _ in range(30):
        middle = low + (high - low) / 2
        low, high = (middle, high) if early(due_at(category, middle)) else (low, middle)
    if latest:
        return low.replace(microsecond=0)
    # Rounded up: the first time past a jump of the deadline, rounded down, would fall back before the jump.
    return (high + timedelta(seconds=1)).replace(microsecond=0) if high.microsecond else high
