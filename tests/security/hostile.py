"""A hostile city: script-injection payloads in every text that reaches a map page, put in through the real ways in.

Boundaries through the real importer (geo.territory.boundary_import.import_boundaries), staff and buildings through the roster
importer, categories through their data file, cases, reports, notes, attachments and plans through the API.
"""

import csv
import io
import json
from pathlib import Path
from tempfile import mkdtemp

from shapely.geometry import shape

from geo.cases.categories import CATEGORIES_CSV
from geo.people.rosters.importer import import_roster
from geo.territory.boundary_import import import_boundaries
from tests.city import A1, A2, LAYERS, collection, feature

# Each breaks out of a different context: an element, a <script> block, a quoted attribute.
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
SVG = '"><svg onload=alert(1)>'
HOSTILE = SVG + SCRIPT + IMG
SHORT = "</script>" + IMG  # for fields of at most 50 characters (reporter names)
PAYLOADS = (IMG, SCRIPT, SVG)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def hostile(name: str) -> str:
    """A name with every payload after it: the page must show all of it, as text."""
    return name + HOSTILE


def import_hostile_city(session) -> None:
    """The test city (tests/city.py) with payloads in every district, street, community and grid name."""
    folder = Path(mkdtemp(prefix="hostile-city-"))
    for level, features in LAYERS.items():
        renamed = [feature(f["properties"]["code"], hostile(f["properties"]["name"]), shape(f["geometry"]),
                           **{k: v for k, v in f["properties"].items() if k not in ("code", "name")})
                   for f in features]
        path = folder / f"{level}.geojson"
        path.write_text(json.dumps(collection(*renamed), ensure_ascii=False))
        import_boundaries(session, path, level)


def import_hostile_rosters(session) -> None:
    """Staff of A1 and A2 (a leader and a full-time worker each) and four buildings, all with hostile names."""
    folder = Path(mkdtemp(prefix="hostile-rosters-"))
    staff = [("name", "phone", "duty", "area")] + [
        (hostile(f"{who}{grid[-1]}"), f"1380000000{i}", duty, grid)
        for i, (who, duty, grid) in enumerate([("组长", "网格长", A1), ("网格员", "专职网格员", A1),
                                                ("组长", "网格长", A2), ("网格员", "专职网格员", A2)])]
    buildings = [("name", "lon", "lat")] + [(hostile(name), lon, lat) for name, lon, lat in (
        ("甲一北楼", 116.41, 39.955), ("甲一南楼", 116.415, 39.935), ("甲二北楼", 116.43, 39.957),
        ("甲二南楼", 116.43, 39.935))]
    for kind, rows in (("staff", staff), ("buildings", buildings)):
        path = folder / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        report = import_roster(session, path, kind, all_or_nothing=True)
        assert report.created == len(rows) - 1, report


def hostile_categories_csv(folder: Path) -> Path:
    """data/categories.csv with a payload after every category's names (admins edit that file)."""
    rows = list(csv.DictReader(io.StringIO(CATEGORIES_CSV.read_text(encoding="utf-8"))))
    for row in rows:
        row["name_zh"] += SHORT
        row["name_en"] += SHORT
    path = folder / "categories.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def open311_client_key(session, name: str = "hostile-client") -> str:
    """An Open311 client's api_key (issued as `wangge keys open311` does), for posting requests."""
    from geo.access import open311_clients
    return open311_clients.issue(session, name)


def report_hostile_cases(client, headers: dict, open311_key: str) -> dict:
    """Cases with payloads in every field, through the API as its clients send them; returns their ids.

    `client` is an httpx or TestClient; `headers` authorise an admin; `open311_key` is an Open311 client's key
    (`open311_client_key`), sent as the api_key query parameter.
    """
    body = {"category": "env_garbage", "lon": 116.41, "lat": 39.95, "description": hostile("描述"),
            "address": hostile("地址"), "reporter": {"name": "上报人" + SHORT, "phone": "13900000000"}}
    r = client.post("/api/v1/cases", json=body, headers=headers)
    assert r.status_code == 201, r.text
    case = r.json()
    for action, note in (("accept", None), ("report", hostile("处置说明"))):
        r = client.post(f"/api/v1/cases/{case['id']}/transitions", headers=headers,
                        json={"action": action, "version": case["version"], "note": note})
        assert r.status_code == 200, r.text
        case = r.json()
    r = client.post(f"/api/v1/cases/{case['id']}/attachments", headers=headers,
                    # a stored name keeps only its last path component (geo.core.uploads.staging): no "/" in this one
                    files={"file": ("照片" + SVG + IMG + ".png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    r = client.post("/open311/v2/requests.json", params={"api_key": open311_key}, data={
        "service_code": "env_garbage", "lat": "39.945", "long": "116.425",
        "description": hostile("市民反映"), "address_string": hostile("门牌"), "first_name": "居民" + SHORT,
        "phone": "13700000000"})
    assert r.status_code == 201, r.text
    return {"case": case["id"], "open311": int(r.json()[0]["service_request_id"])}
