"""Importing party members: sealed phones keyed with the name, home, resident and staff links, posts and contacts,
reruns idempotent, every rejection named by row with nothing written (on tests/party_city.py)."""

import csv

import pytest
from sqlalchemy import text

from geo.access import crypto
from geo.core.errors import ImportRejected
from geo.core.i18n import render
from geo.party.member_import import import_members
from tests.party_city import build_party_city

HEADERS = ["姓名", "手机号", "党员身份", "党员类型", "所属组织编码", "工作单位", "入党日期", "居住楼栋编码", "门牌号",
           "职务", "任职组织编码", "兼职单位", "网格职务人员手机号", "联系户"]
STAFF_PHONE = "13811112222"


def sheet(tmp_path, rows, headers=HEADERS):
    path = tmp_path / "members.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([headers, *rows])
    return path


def member(session, name: str) -> dict:
    return session.execute(text("SELECT * FROM party_members WHERE name = :n"), {"n": name}).mappings().one()


def count(session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.fixture
def party(session):
    ids = build_party_city(session)
    session.execute(text("UPDATE staff SET phone_hmac = :h WHERE id = :s"), {"h": crypto.lookup(STAFF_PHONE), "s": ids["w1"]})
    ids["resident"] = session.execute(text("INSERT INTO residents (household_id, name) VALUES (:h, '党员新') RETURNING id"),
                                      {"h": ids["b3_households"][0]}).scalar()
    return ids


GOOD = [
    ["党员新", "137 0000 0001", "正式党员", "居民党员", "BA12", "", "2010-07-01", "T-b3", "101", "委员", "", "", "",
     "T-b3/201、T-b3/301"],
    ["在职甲", "13700000002", "预备", "在职党员", "U1", "某科技公司", "", "", "", "兼职委员", "CA", "某科技公司", "", ""],
    ["流动乙", "13700000003", "正式", "流动党员", "BA3", "", "", "", "", "书记", "", "", STAFF_PHONE, ""],
]


def test_members_with_their_links_posts_and_contacts_and_a_rerun_creates_nothing(session, party, tmp_path):
    path = sheet(tmp_path, GOOD)
    tally = import_members(session, path)
    assert (tally.created, tally.updated, tally.extra) == (3, 0, {"posts": 3, "contacts": 2})
    new = member(session, "党员新")
    assert crypto.reveal(new["phone_enc"]) == "13700000001" and bytes(new["phone_hmac"]) == crypto.lookup("13700000001")
    assert (new["status"], new["kind"], new["household_id"], new["resident_id"]) == \
        ("full", "resident", party["b3_households"][0], party["resident"])
    assert str(new["joined_on"]) == "2010-07-01"
    assert member(session, "流动乙")["staff_id"] == party["w1"]
    assert member(session, "在职甲")["work_unit"] == "某科技公司"
    posts = session.execute(text("SELECT m.name, o.code, p.post, p.unit FROM party_org_posts p JOIN party_members m "
                                 "ON m.id = p.member_id JOIN party_orgs o ON o.id = p.org_id WHERE m.name = ANY(:n) "
                                 "ORDER BY 1"), {"n": [r[0] for r in GOOD]}).all()
    assert [tuple(p) for p in posts] == [("党员新", "BA12", "committee", None), ("在职甲", "CA", "parttime", "某科技公司"),
                                         ("流动乙", "BA3", "secretary", None)]
    before = (count(session, "party_members"), count(session, "party_contacts"), count(session, "party_org_posts"))
    again = import_members(session, path)
    assert (again.created, again.updated) == (0, 3)
    assert (count(session, "party_members"), count(session, "party_contacts"), count(session, "party_org_posts")) == before


def test_english_headers_and_a_dry_run(session, party, tmp_path):
    path = sheet(tmp_path, [["Li", "13700000009", "probationary", "mobile", "BB1"]],
                 headers=["name", "phone", "status", "kind", "org"])
    before = count(session, "party_members")
    assert import_members(session, path, dry_run=True).created == 1 and count(session, "party_members") == before
    assert import_members(session, path).created == 1 and member(session, "Li")["status"] == "probationary"


def bad(name, **cells) -> list:
    row = dict(zip(HEADERS, [name, "13700000010", "正式党员", "居民党员", "BA3"] + [""] * 9))
    row.update(cells)
    return list(row.values())


BAD = [
    (bad("甲", 党员身份="党员"), "无法识别的值"),
    (bad("乙", 党员类型="退休党员"), "无法识别的值"),
    (bad("丙", 所属组织编码="NOPE"), "组织 NOPE 不存在"),
    (bad("丁", 居住楼栋编码="T-zz", 门牌号="101"), "楼栋不存在"),
    (bad("戊", 居住楼栋编码="T-b1", 门牌号="999"), "没有门牌 999"),
    (bad("己", 网格职务人员手机号="13899999999"), "没有网格人员使用此手机号"),
    (bad("庚", 所属组织编码="BA12", 职务="书记"), "已有书记 党员甲"),
    (bad("辛", 手机号="12345"), "手机号 列"),
    (bad("壬", 党员类型="在职党员"), "在职党员必填"),
    (bad("癸", 职务="兼职委员"), "兼职委员必填"),
    (bad("子", 职务="主任"), "无法识别的值"),
    (bad("丑", 联系户="T-b1"), "楼栋编码/门牌号"),
    (bad("寅"), None),
    (bad("寅"), "与第 14 行是同一党员"),
    (bad("卯", 居住楼栋编码="T-b1"), "须同时填写"),
    (bad("辰", 任职组织编码="BA3"), "填写了任职组织或兼职单位时必填"),
]


def test_every_rejection_names_its_row_and_nothing_is_written(session, party, tmp_path):
    before = (count(session, "party_members"), count(session, "party_org_posts"))
    with pytest.raises(ImportRejected) as excinfo:
        import_members(session, sheet(tmp_path, [row for row, _ in BAD]))
    lines = [render(p, "zh") for p in excinfo.value.problems]
    for number, (_, expected) in enumerate(BAD, start=2):
        if expected:
            assert any(line.startswith(f"第 {number} 行") and expected in line for line in lines), \
                (number, expected, "\n".join(lines))
    assert len(lines) == len([e for _, e in BAD if e]), "\n".join(lines)
    assert (count(session, "party_members"), count(session, "party_org_posts")) == before
