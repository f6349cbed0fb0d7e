"""The public results on a real server with WANGGE_PUBLIC=true over the street demo: the pages in Chromium at 390 px
and on a desktop (screenshots in test-artifacts/), and the public requests read with `georeport`, a GeoReport v2
client from PyPI, in JSON and XML."""

import pytest
import requests
from georeport import GeoReport

from geo.synth import seed_demo
from tests.e2e.conftest import ARTIFACTS, filled_database, serve
from tests.maps.test_chinese_everywhere import SEEN, code_words

COMMUNITY = "620302001003"  # 龙首社区, the demo's busiest


@pytest.fixture(scope="module")
def public_server(cluster, tmp_path_factory):
    """The street demo (without its year of patrols) served with the public results on."""
    workdir = tmp_path_factory.mktemp("public-demo")
    url = filled_database(cluster, "wangge_e2e_public",
                          lambda s: seed_demo(s, "620302", "street", 1, workdir=workdir, field_work=False))
    with serve(url, tmp_path_factory.mktemp("public-home"), WANGGE_PUBLIC="true") as base:
        yield base


@pytest.fixture
def open311(public_server):
    return public_server + "/open311/v2"


@pytest.mark.parametrize("width, height", [(390, 844), (1440, 900)])
def test_the_public_pages_fit_and_run_nothing(browser, public_server, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(public_server + "/public/")
        assert page.locator("h1").inner_text() == "居务公开 · 办理结果"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert set(code_words(page.evaluate(SEEN))) <= {"English"}
        page.screenshot(path=str(ARTIFACTS / f"public-index-{width}.png"), full_page=True)
        page.click(f'a[href="/public/{COMMUNITY}"]')
        page.wait_for_url(f"**/public/{COMMUNITY}")
        assert page.locator("h1").inner_text() == "龙首社区"
        assert page.locator("li.case").count() == 30 and page.locator("p.reply").count() > 0
        assert "按期结案率" in page.content() and "满意率" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert set(code_words(page.evaluate(SEEN))) <= {"English"}  # the switch to English names itself so
        page.screenshot(path=str(ARTIFACTS / f"public-community-{width}.png"), full_page=True)
        page.click("a[rel=next]")
        assert page.locator("li.case").count() > 0
    finally:
        context.close()
    assert refused == []


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_client_reads_the_public_requests(open311, output_format):
    client = GeoReport(open311, jurisdiction="wangge.example", output_format=output_format)
    listed = client.get_service_requests(status="closed", service_code="env_garbage")
    assert listed and all(r["status"] == "closed" and r["service_code"] == "env_garbage" for r in listed)
    assert {"service_request_id", "requested_datetime", "address", "lat", "long"} <= set(listed[0])
    assert not {"agency_responsible", "first_name", "phone", "email"} & set(listed[0])
    replied = next(r for r in listed if r.get("status_notes"))
    one = client.get_service_request(replied["service_request_id"])
    assert one["status_notes"] == replied["status_notes"] and one["address"].endswith("网格")
    assert len(str(one["lat"]).split(".")[1]) <= 4  # a cell's centre, never the point


def test_a_client_asks_for_requests_by_id(open311):
    client = GeoReport(open311)
    first = client.get_service_requests()[:2]
    ids = ",".join(r["service_request_id"] for r in first)
    assert [r["service_request_id"] for r in client.get_service_requests(service_request_id=ids)] == ids.split(",")


def test_a_missing_request_is_404(open311):
    with pytest.raises(requests.HTTPError) as refused:
        GeoReport(open311).get_service_request("999999999")
    assert refused.value.response.status_code == 404
