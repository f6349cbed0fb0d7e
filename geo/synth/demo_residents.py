"""Residents in the demo: three registered residents of the gridworker's grid sign in by phone; their reports stand
at every stage of the loop (受理 to 评价, a 不满意 waiting for its 回访, one reopened); their community's needs stand
at every stage of the 三单制; a volunteer and two members hold points, and the 积分超市 has stock.

Everything goes through the real domain code (reports.submit, the workflow, the need steps, the awards), so the
demo shows what the code does, at times spread over the last days.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from geo.access import crypto
from geo.access.actor import SYSTEM, actor_for
from geo.cases.escalation import tick
from geo.cases.workflow import StepInput, transition
from geo.core.models import User
from geo.core.time import china_today
from geo.residents import need_steps, needs, points, points_ledger, reports
from geo.residents.signin import new_account

# (topic, description, the office's steps, then the resident's own, days ago)
REPORTS = (
    ("garbage", "单元门口的垃圾桶满了两天没人清", (), (), 0.1),
    ("alley_dirty", "楼道里堆了旧家具，挡住了消防通道", ("register", "dispatch"), (), 0.5),
    ("streetlight", "小区东门的路灯不亮，晚上很黑", ("register", "dispatch", "accept"), (), 1.5),
    ("garbage", "垃圾分类点的厨余桶破了，汁水流了一地", ("register", "dispatch", "accept", "report", "verify", "close"),
     (), 3),
    ("alley_dirty", "楼下的共享单车乱停，堵住了人行道",
     ("register", "dispatch", "accept", "report", "verify", "close"), (("rate", "satisfied"),), 6),
    ("streetlight", "健身器材的螺丝松了，老人用着不安全",
     ("register", "dispatch", "accept", "report", "verify", "close"), (("rate", "dissatisfied"),), 4),
    ("garbage", "化粪池盖板松动，又有异味了",
     ("register", "dispatch", "accept", "report", "verify", "close"), (("reopen", None),), 5),
)
REPLY = "已到现场处理完毕，感谢您的反映"
HANDLER_STEPS = ("accept", "report")
# (title, kind, steps as (action, who)); who: resident (the one it is for), volunteer, member, staff
NEEDS = (
    ("帮独居的老人每周买一次菜", "personal", ()),
    ("单元楼道里装一个扶手", "public", (("order", "staff"),)),
    ("陪行动不便的老人去医院复查", "personal", (("order", "staff"), ("claim", "volunteer"))),
    ("修好小区凉亭的长椅", "public", (("order", "staff"), ("claim", "member"), ("complete", "staff"))),
    ("给孩子辅导一次数学作业", "personal", (("order", "staff"), ("claim", "volunteer"), ("complete", "volunteer"),
                                      ("confirm", "resident"))),
    ("清理楼顶堆放的杂物", "public", (("order", "staff"), ("claim", "member"), ("complete", "staff"),
                                 ("confirm", "resident"))),
    ("帮忙修理漏水的水龙头", "personal", (("order", "staff"), ("claim", "volunteer"), ("complete", "volunteer"),
                                    ("confirm", "resident"))),
    ("在小区里养一群鸽子", "public", (("decline", "staff"),)),
    ("借一把轮椅用一周", "personal", (("cancel", "resident"),)),
)
# What the orders published of the personal needs: nobody named, no door
PUBLISHED = {"陪行动不便的老人去医院复查": "陪一位老人去医院复查", "给孩子辅导一次数学作业": "给一名小学生辅导数学作业",
             "帮忙修理漏水的水龙头": "帮一户居民修理漏水的水龙头"}
SHOP = (("洗衣液一瓶", 30, 20), ("环保购物袋", 5, 50), ("理发一次", 40, 10), ("大米五公斤", 80, 5))


def add_resident_story(session: Session, community: str, grid: str, now: datetime) -> list[str]:
    """The demo's resident accounts with their reports, the community's needs and points; their phones."""
    people = session.execute(text(
        "SELECT r.phone_enc, b.id AS building, ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat "
        "FROM residents r "
        "JOIN households h ON h.id = r.household_id JOIN buildings b ON b.id = h.building_id "
        "WHERE b.grid_code = :grid AND r.phone_enc IS NOT NULL AND b.compound_id IS NOT NULL "
        "ORDER BY r.id LIMIT 3"), {"grid": grid}).mappings().all()
    if len(people) < 3:
        return []
    phones = [crypto.reveal(p["phone_enc"]) for p in people]
    accounts = [_account(session, phone) for phone in phones]
    for (topic, description, steps, own, days), resident in zip(REPORTS, [0, 0, 0, 0, 0, 1, 1]):
        _report(session, accounts[resident], people[resident], topic, description, steps, own, now - timedelta(days=days))
    _needs(session, community, accounts, now)
    _shop(session, community, accounts[2])
    made = session.execute(text("UPDATE cases SET synthetic = true WHERE created_by = ANY(:users) RETURNING id"),
                           {"users": [a.user_id for a in accounts]}).scalars().all()
    tick(session, now, only=list(made))  # the round, for these cases: passed deadlines are marked now
    session.execute(text("UPDATE users SET synthetic = true WHERE id = ANY(:users)"),
                    {"users": [a.user_id for a in accounts]})
    for table in ("needs", "point_holders", "points_items"):  # fixed names: the demo's rows of its community
        session.execute(text(f"UPDATE {table} SET synthetic = true WHERE community_code = :c"), {"c": community})
    return phones


def _account(session: Session, phone: str):
    """A resident's account for the phone, linked to their household by the register's hash."""
    user_id = new_account(session, phone, crypto.lookup(phone))
    return actor_for(session, session.scalar(select(User).where(User.id == user_id)))


def _report(session, actor, person, topic, description, steps, own, at: datetime) -> None:
    """One report through the real intake and workflow, its steps an hour apart."""
    report = reports.NewReport(topic, person["lon"] + 0.0002, person["lat"], description)
    case_id, _ = reports.submit(session, actor, report, now=at)
    version = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar()
    for i, action in enumerate(steps, start=1):
        note = REPLY if action == "report" else None
        version = transition(session, case_id, action, version, _doer(session, case_id, action), StepInput(note=note),
                             now=at + timedelta(hours=i))
    for action, rating in own:
        note = "问题还在，请再看看" if action == "reopen" else None
        transition(session, case_id, action, version, actor, StepInput(rating=rating, note=note),
                   now=at + timedelta(hours=len(steps) + 2))


def _doer(session: Session, case_id: int, action: str):
    """Who takes the step: the assigned worker accepts and reports, the command center does the rest."""
    if action not in HANDLER_STEPS:
        return _login(session, "command")
    user = session.execute(text("SELECT s.user_id FROM cases c JOIN staff s ON s.id = c.assignee_id WHERE c.id = :id"),
                           {"id": case_id}).scalar()
    return actor_for(session, session.get(User, user)) if user else SYSTEM


def _needs(session: Session, community: str, accounts: list, now: datetime) -> None:
    """The community's needs, each taken through its steps by the demo's party staff, volunteer and members."""
    organiser = _login(session, "community")
    party = _login(session, "party")
    org = session.execute(text(
        "SELECT code FROM party_orgs WHERE area_code = :c AND level IN ('community_committee', 'community_branch') "
        "ORDER BY id LIMIT 1"), {"c": community}).scalar()
    member = session.execute(text(
        "SELECT m.id FROM party_members m JOIN party_orgs o ON o.id = m.org_id WHERE o.area_code = :c ORDER BY m.id "
        "LIMIT 1"), {"c": community}).scalar()
    resident, volunteer = accounts[0], accounts[2]
    for i, (title, kind, steps) in enumerate(NEEDS):
        at = now - timedelta(days=len(NEEDS) - i)
        need_id = needs.raise_need(session, resident, needs.NewNeed(title, kind), now=at)
        who = {"resident": resident, "volunteer": volunteer, "member": party, "staff": organiser}
        for n, (action, by) in enumerate(steps, start=1):
            version = session.execute(text("SELECT version FROM needs WHERE id = :id"), {"id": need_id}).scalar()
            step = need_steps.NeedStep(org=org, due_on=china_today() + timedelta(days=7), note="不符合居民需求的受理范围",
                                       title=PUBLISHED.get(title, title),
                                       member_id=member if by == "member" else None, proof="已按约定完成，居民在场确认",
                                       rating="satisfied" if n % 2 else "basically_satisfied")
            need_steps.transition(session, who[by], need_id, action, version, step, now=at + timedelta(hours=6 * n))
    staff = _login(session, "community")
    for i, award in enumerate(points.awards(session, staff)):
        if i < 2:
            points.decide(session, staff, award["id"], True, audited=False)


def _shop(session: Session, community: str, volunteer) -> None:
    """The community's 积分超市, one redemption by the volunteer, who agreed to be on the honours board."""
    for name, cost, stock in SHOP:
        points_ledger.add_item(session, _login(session, "community"), community, name, cost, stock)
    cheapest = session.execute(text("SELECT id FROM points_items WHERE community_code = :c ORDER BY cost LIMIT 1"),
                               {"c": community}).scalar()
    holder = session.execute(text("SELECT id FROM point_holders WHERE user_id = :u"), {"u": volunteer.user_id}).scalar()
    if holder is not None:
        points_ledger.redeem(session, volunteer, cheapest, audited=False)
        points_ledger.set_consent(session, volunteer, True, "热心邻居")


def _login(session: Session, username: str):
    """A demo staff account as the domain sees it."""
    return actor_for(session, session.scalar(select(User).where(User.username == username)))
