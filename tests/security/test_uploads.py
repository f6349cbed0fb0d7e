"""Security review, finding 1: uploads read files and URLs. Each attack as it was reported, live against plain
GDAL, and refused now: through the plan upload (as a planner), the CLI and geo's readers."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app as cli
from geo.cases.attachments import store_attachment
from geo.core import gdal_env
from geo.core.errors import InvalidInput
from geo.core.settings import get_settings
from geo.territory.boundary_files import read_boundary_file
from geo.territory.boundary_import import import_boundaries
from tests.city import DISTRICT, LAYERS, collection, write
from tests.security.payloads import (
    Listener,
    geojson,
    geopackage_with,
    plain_gdal,
    shapefile_parts,
    virtual_ogr_row,
    vrt,
    zipped,
)


@pytest.fixture
def secret(tmp_path, monkeypatch):
    """A WANGGE_HOME holding a secret_key file, as development servers have; yields the file and the key."""
    home = tmp_path / "home"
    home.mkdir()
    key = "the-token-signing-key-" + "7" * 24
    (home / "secret_key").write_text(key)
    monkeypatch.setenv("WANGGE_HOME", str(home))
    get_settings.cache_clear()
    yield home / "secret_key", key
    get_settings.cache_clear()


@pytest.fixture
def planner(login, city):
    return login("planner", DISTRICT)


@pytest.fixture
def listener():
    ear = Listener()
    yield ear
    ear.close()


def upload(client, headers, filename: str, content: bytes):
    files = {"file": (filename, content, "application/octet-stream")}
    return client.post("/api/v1/plans", headers=headers, files=files)


def assert_refused(response, *words: str, key: str | None = None):
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert body["code"] in ("invalid_input", "import_rejected"), body
    for word in words:
        assert word in body["detail"], body["detail"]
    assert "Traceback" not in response.text
    if key:
        assert key not in response.text


def test_the_reported_payloads_read_the_key_with_plain_gdal(secret, tmp_path):
    path, key = secret
    payload = vrt(f"CSV:{path}")
    (tmp_path / "leak.vrt").write_text(payload)
    (tmp_path / "leak.gpkg").write_text(payload)
    (tmp_path / "vrt.zip").write_bytes(zipped({"plan.vrt": payload.encode()}))
    (tmp_path / "shp.zip").write_bytes(zipped({"grids.shp": payload.encode()}))
    for name in ("leak.vrt", "leak.gpkg", "vrt.zip", "shp.zip"):
        assert key in plain_gdal(tmp_path / name).stdout, name


def test_a_vrt_in_a_zip_is_refused(client, planner, secret, tmp_path):
    path, key = secret
    r = upload(client, planner, "plan.zip", zipped({"plan.vrt": vrt(f"CSV:{path}").encode()}))
    assert_refused(r, "plan.vrt", "may hold only", key=key)
    parts = shapefile_parts(tmp_path / "shp")
    r = upload(client, planner, "plan.zip", zipped({**{f"grids{k}": v for k, v in parts.items()},
                                                    "grids.vrt": vrt(f"CSV:{path}").encode()}))
    assert_refused(r, "grids.vrt", key=key)


def test_a_shp_member_holding_vrt_xml_is_refused(client, planner, secret, tmp_path):
    path, key = secret
    parts = shapefile_parts(tmp_path / "shp")
    parts[".shp"] = vrt(f"CSV:{path}").encode()
    r = upload(client, planner, "plan.zip", zipped({f"grids{k}": v for k, v in parts.items()}))
    assert_refused(r, "the .shp is not a Shapefile's", key=key)
    r = upload(client, planner, "plan.zip", zipped({"grids.shp": parts[".shp"]}))
    assert_refused(r, ".shx .dbf", "missing", key=key)


@pytest.mark.parametrize("filename,words", [
    ("plan.gpkg", ("named as GeoPackage", "text")), ("plan.geojson", ("not valid JSON",)),
    ("plan.csv", ("no geometry column",)), ("plan.vrt", ("unsupported format",)),
    ("plan.shp", ("unsupported format",))])
def test_a_vrt_under_any_name_is_refused(client, planner, secret, filename, words):
    path, key = secret
    assert_refused(upload(client, planner, filename, vrt(f"CSV:{path}").encode()), *words, key=key)


def test_crafted_geopackages_are_refused(client, planner, secret, tmp_path):
    path, key = secret
    cases = {
        "virtual table, leak": [virtual_ogr_row(f"CSV:{path}")],
        "virtual table, hidden": [virtual_ogr_row(f"CSV:{path}", "hidden", "CREATE/**/VIRTUAL TABLE")],
        "view, v": ["CREATE VIEW v AS SELECT * FROM grids"],
        "column echo of grids is generated": ["ALTER TABLE grids ADD COLUMN echo TEXT GENERATED ALWAYS AS (code)"],
        "application id 0x0": ["PRAGMA application_id = 0"],
        "no feature table": ["DELETE FROM gpkg_contents"],
    }
    for i, (words, statements) in enumerate(cases.items()):
        crafted = geopackage_with(tmp_path / f"crafted{i}.gpkg", *statements)
        assert_refused(upload(client, planner, "plan.gpkg", crafted.read_bytes()), "not a plain GeoPackage", words,
                       key=key)
        with pytest.raises(InvalidInput, match=words):
            read_boundary_file(crafted)


def test_a_plain_geopackage_and_zipped_shapefile_are_read(client, planner, tmp_path):
    plain = geopackage_with(tmp_path / "plain.gpkg")
    assert upload(client, planner, "plan.gpkg", plain.read_bytes()).status_code == 201
    parts = shapefile_parts(tmp_path / "shp")
    folder_zip = zipped({"计划/": b"", **{f"计划/grids{k}": v for k, v in parts.items()},
                         "__MACOSX/计划/._grids.shp": b"\0\5\26\7"})
    r = upload(client, planner, "plan.zip", folder_zip)
    assert r.status_code == 201, r.text


def test_vsicurl_from_any_place_a_path_could_come_from(client, planner, session, listener, tmp_path):
    (tmp_path / "probe.vrt").write_text(vrt(listener.url()))
    plain_gdal(tmp_path / "probe.vrt", timeout=120)
    assert listener.accepted >= 1  # the detector works: plain GDAL goes and fetches
    listener.accepted = 0

    # a file name is never a path: only its last component names the plan, the bytes are read by Python
    r = upload(client, planner, listener.url("plan.geojson"), geojson())
    assert r.status_code == 201, r.text
    assert session.scalar(text("SELECT source FROM plans WHERE id = :p"), {"p": r.json()["id"]}) == "plan.geojson"
    parts = shapefile_parts(tmp_path / "shp")
    assert_refused(upload(client, planner, "plan.zip", zipped({listener.url("grids.shp"): parts[".shp"]})),
                   "an absolute path")
    assert_refused(upload(client, planner, "plan.zip", zipped({"plan.vrt": vrt(listener.url()).encode()})),
                   "may hold only")
    assert_refused(upload(client, planner, "plan.zip", zipped({**{f"g{k}": v for k, v in parts.items()},
                                                               "g.shp": vrt(listener.url()).encode()})), ".shp")
    assert_refused(upload(client, planner, "plan.gpkg", vrt(listener.url()).encode()), "named as GeoPackage")
    crafted = geopackage_with(tmp_path / "curl.gpkg", virtual_ogr_row(listener.url()))
    assert_refused(upload(client, planner, "plan.gpkg", crafted.read_bytes()), "virtual table")
    with pytest.raises(InvalidInput, match="no such file"):
        read_boundary_file(Path(listener.url("plan.geojson")))
    # and GDAL itself, as geo configures it, fetches nothing even when handed a URL
    probe = ("import sys, geo, pyogrio\ntry:\n    pyogrio.read_info(sys.argv[1])\nexcept Exception as e:\n"
             "    print(type(e).__name__)")
    out = subprocess.run([sys.executable, "-c", probe, listener.url("plan.gpkg")], capture_output=True, text=True,
                         timeout=120)
    assert "DataSourceError" in out.stdout, out.stdout + out.stderr
    assert listener.accepted == 0


def nul_named_zip(parts: dict[str, bytes]) -> bytes:
    """A zip with a member named 'grids.shp<NUL>.vrt' (zipfile cuts names at NUL when writing, so patched in)."""
    raw = zipped({"grids.shpZ.vrt": parts[".shp"], "grids.shx": parts[".shx"], "grids.dbf": parts[".dbf"]})
    return raw.replace(b"grids.shpZ.vrt", b"grids.shp\x00.vrt")


@pytest.mark.parametrize("member,reason", [
    ("..", "'..'"), ("../grids.shp", "'..'"), ("a/../../grids.shp", "'..'"), ("/etc/passwd", "absolute"),
    ("/", "absolute"), ("C:\\grids.shp", "absolute"), ("x\\grids.shp", "backslash"),
    ("grids\x01.shp", "control character")])
def test_zip_member_names_that_are_paths(client, planner, tmp_path, member, reason):
    parts = shapefile_parts(tmp_path / "shp")
    archive = zipped({member: parts[".shp"], "grids.shx": parts[".shx"], "grids.dbf": parts[".dbf"]})
    assert_refused(upload(client, planner, "plan.zip", archive), "refused", reason)
    path = tmp_path / "plan.zip"
    path.write_bytes(archive)
    with pytest.raises(InvalidInput, match=reason):
        read_boundary_file(path)


def test_zip_member_with_a_nul_in_its_name(client, planner, tmp_path):
    archive = nul_named_zip(shapefile_parts(tmp_path / "shp"))
    assert "grids.shp\x00.vrt" in zipfile.ZipFile(__import__("io").BytesIO(archive)).infolist()[0].orig_filename
    assert_refused(upload(client, planner, "plan.zip", archive), "NUL")


def test_zip_bombs_and_odd_archives(client, planner, tmp_path, monkeypatch):
    parts = {f"grids{k}": v for k, v in shapefile_parts(tmp_path / "shp").items()}
    bomb = {**parts, "grids.dbf": parts["grids.dbf"] + b" " * (64 * 1024 * 1024)}
    assert len(zipped(bomb)) < 200_000
    assert_refused(upload(client, planner, "plan.zip", zipped(bomb)), "grids.dbf", "to 1, at most 100")
    many = {**parts, **{f"d{i}/": b"" for i in range(120)}}
    assert_refused(upload(client, planner, "plan.zip", zipped(many)), "members, at most 100")
    for extra in ("grids.sbn", "grids.shp.xml", "readme.txt", "other.shp"):
        assert_refused(upload(client, planner, "plan.zip", zipped({**parts, extra: b"x"})), extra)
    assert_refused(upload(client, planner, "plan.zip", zipped({**parts, "sub/more.SHP": parts["grids.shp"]})),
                   "a second .shp")
    assert_refused(upload(client, planner, "plan.zip", zipped({**parts, "GRIDS.shp": b""})), "appears twice")
    assert_refused(upload(client, planner, "plan.zip", b"PK\x03\x04 not really"), "not a readable zip")
    monkeypatch.setenv("WANGGE_UPLOAD_MAX_UNZIPPED_BYTES", "1000")
    get_settings.cache_clear()
    assert_refused(upload(client, planner, "plan.zip", zipped(parts)), "unpacks to more than 1000 bytes")
    get_settings.cache_clear()


def test_gdal_offers_only_the_drivers_we_use():
    assert gdal_env.unexpected_drivers() == set()
    probe = "import geo, pyogrio, os; print(sorted(pyogrio.list_drivers())); print(os.environ['GDAL_SKIP'])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    drivers, skip = out.stdout.splitlines()
    assert drivers == "['ESRI Shapefile', 'GPKG']", out.stderr
    for gone in ("OGR_VRT", "VRT", "CSV", "GeoJSON", "SQLite", "WFS", "OAPIF", "WMS", "HTTP", "XLSX", "MEM"):
        assert gone in skip.split(",")
    assert "Unable to find driver" not in out.stderr  # every name in SKIP exists in this GDAL


def wangge(*args):
    return CliRunner().invoke(cli, list(args))


def test_the_cli_refuses_the_same_and_keeps_folders(cli_database, secret, listener, tmp_path):
    path, key = secret
    for level in list(LAYERS)[:3]:
        assert wangge("import", "boundaries", str(write(tmp_path, f"{level}.geojson", collection(*LAYERS[level]))),
                      "--level", level.value).exit_code == 0
    (tmp_path / "plan.zip").write_bytes(zipped({"plan.vrt": vrt(f"CSV:{path}").encode()}))
    result = wangge("import", "boundaries", str(tmp_path / "plan.zip"), "--level", "grid")
    assert result.exit_code == 2 and "may hold only" in result.output and key not in result.output
    result = wangge("import", "boundaries", listener.url("grids.geojson"), "--level", "grid")
    assert result.exit_code == 2 and "no such file" in result.output
    shapefile_parts(tmp_path / "folder")
    result = wangge("import", "boundaries", str(tmp_path / "folder"), "--level", "grid")
    assert result.exit_code == 0, result.output
    result = wangge("import", "boundaries", str(tmp_path / "folder" / "grids.shp"), "--level", "grid")
    assert result.exit_code == 0 and "2 updated" in result.output, result.output
    assert listener.accepted == 0


def test_import_boundaries_refuses_folders_unless_an_operator_names_them(session, tmp_path):
    shapefile_parts(tmp_path / "folder")
    with pytest.raises(InvalidInput, match="unsupported format"):
        import_boundaries(session, tmp_path / "folder", "grid")


def test_attachments_are_checked_by_their_bytes_and_stored_by_digest(client, login, session, city):
    admin = login("admin")
    case = client.post("/api/v1/cases", headers=admin, json={"category": "env_garbage", "lon": 116.41, "lat": 39.95,
                                                            "description": "x", "channel": "patrol"}).json()

    def attach(filename, content, kind):
        return client.post(f"/api/v1/cases/{case['id']}/attachments", headers=admin,
                           files={"file": (filename, content, kind)})

    wave = b"RIFF\x24\x00\x00\x00WAVEfmt "  # RIFF, but not WebP
    assert_refused(attach("x.webp", wave, "image/webp"), "is not a image/webp file")
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"0" * 32
    r = attach("..\\..\\C:\\evil/../现场.webp", webp, "image/webp")
    assert r.status_code == 201 and r.json()["filename"] == "现场.webp"
    # httpx escapes control characters in a file name; other clients need not
    stored = store_attachment(session, case["id"], "a/\x00现场\x07\u202e.webp", "image/webp", webp)
    assert stored["filename"] == "现场.webp"
    digest = session.scalar(text("SELECT sha256 FROM case_attachments WHERE id = :i"), {"i": r.json()["id"]})
    assert (get_settings().home / "attachments" / digest).read_bytes() == webp
    limit = get_settings().attachments_max_bytes
    assert_refused(attach("big.pdf", b"%PDF-" + b"0" * limit, "application/pdf"), f"larger than {limit} bytes")
