"""Every page and error reads in Chinese: no code word (a status, action, role, channel or level as the code
writes it) is ever in front of a person. Pages render in real Chromium, logged in as each role; errors come
from the API as a person's page would get them."""

import re

import httpx
import pytest

from geo.cases.intake import CHANNELS
from geo.cases.workflow import ACTIONS
from geo.core.models import CaseStatus, Level, OrgLevel, Role
from tests.city import A1, PASSWORD
from tests.e2e.conftest import login
from tests.maps.conftest import CASES, PLANS

CODE_WORDS = sorted({*CaseStatus, *ACTIONS, "escalate", "reroute", *Role, *CHANNELS, *Level, "department", *OrgLevel,
                     "org_covered", "work_covered"})
# Whole words only, ASCII boundaries: `grid` is not in `grid_worker`, and 网格dispatched still counts (in Python's
# regexes CJK characters are word characters, so \b would miss it).
FINDER = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, CODE_WORDS)) + r")(?![A-Za-z0-9_])", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
# Nor any other English a library brings (Leaflet's "Zoom in", Leaflet.draw's "Draw a polyline"): words of letters,
# but for units, a key's name, a statistic's and the command line an operator types.
ENGLISH = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z]{2,}(?![A-Za-z0-9_])")
ALLOWED = {"km", "KB", "Shift", "Gi", "FDR", "png", "PDF", "wangge", "calendar", "import"}

# What a person sees: the visible text, the title, the tooltips, placeholders and labels for screen readers, options.
SEEN = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')].flatMap(e =>
      ['title', 'placeholder', 'aria-label', 'alt'].map(a => e.getAttribute(a)).filter(Boolean)),
  ...[...document.querySelectorAll('option')].map(o => o.textContent)].join('\\n')"""

CASE_SAMPLE = ("dispatched", "handling", "escalated", "rated")
ROLES = {  # user → the cases whose pages they open
    "boss": CASE_SAMPLE, "command": CASE_SAMPLE, "street": CASE_SAMPLE, "comm": None, "w1": None, "planner": ("handling",),
}


def code_words(text: str, pages: bool = True) -> list[str]:
    """The code words in a text a person reads and, on a page, any other English word not ALLOWED (an API error
    may name the request's field, `version`, in the words of the request)."""
    english = {m.group(0) for m in ENGLISH.finditer(text)} - ALLOWED if pages else set()
    return sorted({m.group(1) for m in FINDER.finditer(text)} | english)


def test_the_finder_finds_what_it_must_and_only_that():
    assert code_words("状态：dispatched · 角色：grid_worker · Grid") == ["Grid", "dispatched", "grid_worker"]
    assert code_words("网格dispatched") == ["dispatched"]
    assert code_words("reported_at 2026-11-30 已派遣 1 km 现场.png") == []
    assert code_words("放大 Zoom in") == ["Zoom", "in"] and code_words("version：不得小于 1", pages=False) == []
    assert {"merge", "hotline", "planner", "department", "intake"} <= set(CODE_WORDS)


def seen(page) -> str:
    page.wait_for_load_state("networkidle")
    return page.evaluate(SEEN)


def case_page_texts(page, base: str, case_id: int) -> list[str]:
    """The case page's text, and its text with each action's form open."""
    page.goto(f"{base}/maps/cases/{case_id}")
    if page.title().startswith(("未找到", "无权访问")):
        return [seen(page)]
    page.wait_for_function("() => window.wangge && window.wangge.loaded && window.wangge.staff !== null", timeout=20_000)
    texts = [seen(page)]
    for button in page.locator("#action-buttons button").all():
        button.click()
        page.wait_for_selector("form.case-form")
        texts.append(seen(page))
    return texts


def test_the_login_page_reads_in_chinese(page, case_server):
    page.goto(case_server + "/maps/login")
    text = seen(page)
    assert CJK.search(text) and code_words(text) == []


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_reads_in_chinese_for_every_role(page, case_server, username):
    login(page, case_server, username)
    found = {}
    paths = ["/maps/command-center", "/maps/dispatch", f"/maps/grids/{A1}", f"/maps/plans/{PLANS['draft']}",
             "/maps/party", "/maps/needs"]
    for path in paths:
        answer = page.goto(case_server + path)
        assert answer.headers["content-type"].startswith("text/html"), (path, answer.status)  # a page, never JSON
        found[path] = seen(page)
    for purpose in ROLES[username] or CASES:
        for i, text in enumerate(case_page_texts(page, case_server, CASES[purpose])):
            found[f"case {purpose} ({i})"] = text
    assert all(CJK.search(text) for text in found.values())
    english = {where: code_words(text) for where, text in found.items() if code_words(text)}
    assert english == {}, english


def test_a_code_word_on_a_page_is_caught(page, case_server):
    """The check itself: a status slipped into a page is found."""
    login(page, case_server, "comm", f"/maps/cases/{CASES['handling']}")
    page.wait_for_function("() => window.wangge && window.wangge.loaded", timeout=20_000)
    assert code_words(seen(page)) == []
    page.evaluate("document.getElementById('case-description').textContent = '状态 handling'")
    page.evaluate("document.getElementById('case-title').setAttribute('title', 'grid')")
    assert code_words(seen(page)) == ["grid", "handling"]


def token(base: str, username: str) -> dict:
    r = httpx.post(base + "/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def test_api_errors_read_in_chinese(case_server):
    """Errors a person's page may show, asked for in no language: Chinese, the product's default."""
    base, api = case_server, case_server + "/api/v1/cases/"
    w1, w2, comm, planner = (token(base, u) for u in ("w1", "w2", "comm", "planner"))
    handling, closed = CASES["handling"], CASES["closed"]
    version = httpx.get(api + str(handling), headers=w1).json()["version"]
    answers = [  # (status expected, response)
        (422, httpx.post(api + f"{handling}/transitions", json={"action": "report", "version": 0}, headers=w1)),
        (422, httpx.post(api + f"{handling}/transitions", json={"action": "report", "version": version}, headers=w1)),
        (422, httpx.post(api + f"{handling}/transitions", json={"action": "fly", "version": version}, headers=w1)),
        (422, httpx.post(api + f"{closed}/transitions", json={"action": "rate", "version": 1, "rating": "great"},
                         headers=comm)),
        (404, httpx.get(api + "999999", headers=comm)),
        (404, httpx.get(base + "/api/v1/nothing-here", headers=comm)),
        (403, httpx.post(api + f"{CASES['dispatched']}/transitions", json={"action": "accept", "version": 1},
                         headers=w2)),
        (403, httpx.get(base + "/api/v1/cases", headers=planner)),
        (409, httpx.post(api + f"{closed}/transitions", json={"action": "accept", "version": 1}, headers=comm)),
        (409, httpx.post(api + f"{closed}/transitions", json={"action": "rate", "version": 1, "rating": "satisfied"},
                         headers=comm)),
    ]
    for status, r in answers:
        assert r.status_code == status, (r.request.url, r.text)
        body = r.json()
        shown = " ".join([body["detail"], *(body.get("problems") or [])])
        assert CJK.search(shown) and code_words(shown, pages=False) == [], (r.request.url, shown)
