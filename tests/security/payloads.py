"""The files of the security review's attacks, built for real, and the helpers that prove them live.

`plain_gdal` runs pyogrio in a fresh interpreter that never imports geo (so GDAL as it was before
geo.core.gdal_env): a payload that leaks there and is refused by the service shows the fix, not a dud.
"""

import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box, mapping

from tests.city import A1, COMM_A

CODE = A1
SQUARE = "POLYGON((116.40 39.93,116.42 39.93,116.42 39.96,116.40 39.96,116.40 39.93))"


def vrt(source: str) -> str:
    """An OGR VRT whose one grid is named by the first line of `source` (read as a header-less CSV)."""
    return f"""<OGRVRTDataSource>
  <OGRVRTLayer name="grids">
    <SrcDataSource>{source}</SrcDataSource>
    <OpenOptions><OOI key="HEADERS">NO</OOI></OpenOptions>
    <SrcSQL>SELECT field_1 AS name, '{CODE}' AS code, '{SQUARE}' AS wkt FROM "{Path(source).stem}"</SrcSQL>
    <GeometryField encoding="WKT" field="wkt"/>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


def plain_gdal(path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """Read `path` with pyogrio in an interpreter without geo's hardening; prints the features' properties."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GDAL", "CPL_", "OGR", "PROJ_NETWORK"))}
    code = ("import sys, pyogrio; meta, _, _, cols = pyogrio.raw.read(sys.argv[1]); "
            "print([dict(zip(meta['fields'], row)) for row in zip(*cols)])")
    return subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd="/")


def zipped(members: dict[str, bytes], name: str | None = None) -> bytes:
    """A zip holding `members` (names as given: ZipInfo keeps them verbatim)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(zipfile.ZipInfo(member), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def grids_frame(count: int = 2) -> gpd.GeoDataFrame:
    """`count` grids of community A side by side, north half (codes …001 on; past 999 they are no longer valid)."""
    codes = [f"{COMM_A}{i:03d}" for i in range(1, count + 1)]
    cells = [box(116.40 + 0.04 * i / count, 39.93, 116.40 + 0.04 * (i + 1) / count, 39.96) for i in range(count)]
    return gpd.GeoDataFrame({"code": codes, "name": [f"网格{i}" for i in range(count)]}, geometry=cells,
                            crs="EPSG:4326")


def whole_community(count: int, segment: float) -> bytes:
    """A valid plan of community A in `count` strips (at most 999), edges densified every `segment` degrees."""
    features = [{"type": "Feature", "properties": {"code": f"{COMM_A}{i + 1:03d}", "name": f"网格{i + 1}"},
                 "geometry": mapping(box(116.40 + 0.04 * i / count, 39.90, 116.40 + 0.04 * (i + 1) / count, 39.96)
                                     .segmentize(segment))} for i in range(count)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def shapefile_parts(folder: Path, count: int = 2) -> dict[str, bytes]:
    """The parts of a real Shapefile of `count` grids: suffix → bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    grids_frame(count).to_file(folder / "grids.shp")
    return {p.suffix: p.read_bytes() for p in folder.iterdir()}


def geojson(count: int = 2, segment: float | None = None) -> bytes:
    """A FeatureCollection of `count` grids of community A; `segment` (degrees) densifies their edges."""
    frame = grids_frame(count)
    features = [{"type": "Feature", "properties": {"code": code, "name": name},
                 "geometry": mapping(geom.segmentize(segment) if segment else geom)}
                for code, name, geom in zip(frame["code"], frame["name"], frame.geometry)]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def geopackage_with(path: Path, *statements: str) -> Path:
    """A GeoPackage written by GDAL, then altered with sqlite3 (writable_schema: what a crafted file can hold)."""
    grids_frame().to_file(path, layer="grids", driver="GPKG")
    db = sqlite3.connect(path)
    db.execute("PRAGMA writable_schema = ON")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    return path


def virtual_ogr_row(source: str, table: str = "leak", create: str = "CREATE VIRTUAL TABLE") -> str:
    """The sqlite_master row of a VirtualOGR table over `source` (sqlite3 itself cannot create one); `create` may
    disguise its SQL text (a comment for a space)."""
    sql = f"{create} {table} USING VirtualOGR('{source}')".replace("'", "''")
    return (f"INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) "
            f"VALUES ('table', '{table}', '{table}', 0, '{sql}')")


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it (and answers nothing)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def url(self, path: str = "secret.csv") -> str:
        return f"/vsicurl/http://127.0.0.1:{self.port}/{path}"

    def close(self):
        self._stop = True
        self._thread.join(2)
        self.sock.close()


def stubborn(seconds: float = 600) -> None:
    """A reader that ignores SIGTERM and never returns, like the /vsicurl/ read that hung the API."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(seconds)
