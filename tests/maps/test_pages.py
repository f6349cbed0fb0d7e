"""Map pages as HTML: light, nothing inlined, the configured basemap in its datum, Chinese by default."""

import pytest
from pydantic import ValidationError

from geo.scope import EVERYTHING
from geo.settings import Settings, get_settings
from maps.basemaps import basemap
from maps.command_center import command_center


@pytest.fixture
def with_basemap(monkeypatch):
    def choose(name: str, key: str | None = None):
        monkeypatch.setenv("WANGGE_BASEMAP", name)
        if key:
            monkeypatch.setenv("WANGGE_TIANDITU_KEY", key)
        get_settings.cache_clear()
    yield choose
    monkeypatch.delenv("WANGGE_BASEMAP", raising=False)
    monkeypatch.delenv("WANGGE_TIANDITU_KEY", raising=False)
    get_settings.cache_clear()


def test_command_center_is_light_and_inlines_no_geometry(session, city):
    html = command_center(session, EVERYTHING)
    assert len(html.encode()) < 20_000
    assert "coordinates" not in html and "116.4" in html  # only the view's bounds
    assert "/static/command-center.js" in html and "/static/vendor/heat/leaflet-heat.js" in html
    assert "社会治理综合指挥中心" in html and "tile.openstreetmap.org" not in html  # offline by default
    assert "L.CRS.EPSG3857" in html


def test_amap_pages_draw_in_gcj02(session, city, with_basemap):
    with_basemap("amap")
    html = command_center(session, EVERYTHING, "en")
    assert "L.CRS.GCJ02" in html and "webrd0{s}.is.autonavi.com" in html and "Command center" in html


def test_tianditu_needs_its_key(with_basemap):
    with pytest.raises(ValidationError, match="WANGGE_TIANDITU_KEY"):
        Settings(basemap="tianditu")
    chosen = basemap("tianditu", "abc123")
    assert chosen.datum == "wgs84" and chosen.url.endswith("tk=abc123") and "cva" in chosen.overlay_url
    assert basemap("none") is None


def test_heat_period_must_be_offered(client, login, city):
    client.cookies.set("wangge_token", login()["Authorization"].removeprefix("Bearer "))
    r = client.get("/maps/command-center?days=8")
    assert r.status_code == 422 and "7, 30, 90, 365" in r.json()["detail"]
    assert client.get("/maps/command-center?days=90").status_code == 200
