"""Roster sheets are uploads too: an .xlsx is vetted as a zip before openpyxl opens it, its XML parsed by defusedxml,
and every sheet read within the row limit."""

import io
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from geo.core.errors import InvalidInput
from geo.core.settings import get_settings
from geo.people.rosters.importer import import_roster
from geo.people.rosters.sheets import read_sheet

HEADER = ["楼栋名称", "经度", "纬度"]


def workbook(rows: int = 2) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"{i}号楼", 116.41, 39.95])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(xlsx: bytes, rewrite) -> bytes:
    """The workbook with its first sheet's XML replaced by rewrite(xml)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, rewrite(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def save(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_defusedxml_is_what_openpyxl_parses_with():
    assert openpyxl.DEFUSEDXML
    from openpyxl.worksheet import _reader
    assert _reader.iterparse.__module__.startswith("defusedxml")


def test_a_plain_workbook_is_read(tmp_path):
    assert len(read_sheet(save(tmp_path, "b.xlsx", workbook(3)), "buildings").rows) == 3


def test_an_xlsx_zip_bomb_is_refused(tmp_path):
    bomb = with_sheet(workbook(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 * 2**20)))
    assert len(bomb) < 200_000
    with pytest.raises(InvalidInput, match=r"xl/worksheets/sheet1.xml.*packed \d+ to 1, at most 100"):
        read_sheet(save(tmp_path, "bomb.xlsx", bomb), "buildings")


def test_too_many_members_or_a_path_for_a_name(tmp_path):
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as z:
        for i in range(150):
            z.writestr(f"xl/media/{i}.png", b"x")
    with pytest.raises(InvalidInput, match="150 members, at most 100"):
        read_sheet(save(tmp_path, "crowded.xlsx", crowded.getvalue()), "buildings")
    escaping = io.BytesIO()
    with zipfile.ZipFile(escaping, "w") as z:
        z.writestr("../../etc/cron.d/x", b"x")
    with pytest.raises(InvalidInput, match=r"'\.\.' in the path"):
        read_sheet(save(tmp_path, "escape.xlsx", escaping.getvalue()), "buildings")


@pytest.mark.parametrize("doctype,reference", [
    ('<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>', "&d;"),
    ('<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
])
def test_entities_in_the_sheet_are_refused_by_defusedxml(tmp_path, doctype, reference):
    def poison(xml: bytes) -> bytes:
        return doctype.encode() + xml.replace("0号楼".encode(), reference.encode(), 1)

    with pytest.raises(InvalidInput, match="EntitiesForbidden") as refused:
        read_sheet(save(tmp_path, "entities.xlsx", with_sheet(workbook(), poison)), "buildings")
    assert "root:" not in str(refused.value)


def test_a_sheet_claiming_thousands_of_columns(tmp_path):
    huge = with_sheet(workbook(), lambda xml: xml.replace(b'<dimension ref="A1:C3" />', b'<dimension ref="A1:XFD3" />'))
    with pytest.raises(InvalidInput, match="16384 columns, at most 200"):
        read_sheet(save(tmp_path, "wide.xlsx", huge), "buildings")


def test_rows_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("WANGGE_UPLOAD_MAX_ROWS", "3")
    get_settings.cache_clear()
    try:
        with pytest.raises(InvalidInput, match="more than 3 rows"):
            read_sheet(save(tmp_path, "b.xlsx", workbook(5)), "buildings")
        csv = "\n".join([",".join(HEADER)] + ["楼,116.41,39.95"] * 5).encode("gb18030")
        with pytest.raises(InvalidInput, match="more than 3 rows"):
            read_sheet(save(tmp_path, "b.csv", csv), "buildings")
        far = with_sheet(workbook(1), lambda xml: xml.replace(b'ref="A1:C2"', b'ref="A1:C1048576"').replace(
            b'<row r="2"', b'<row r="1048576"').replace(b'2"', b'1048576"'))
        with pytest.raises(InvalidInput, match="more than 3 rows"):  # openpyxl pads the rows in between
            read_sheet(save(tmp_path, "far.xlsx", far), "buildings")
    finally:
        get_settings.cache_clear()


def test_not_a_workbook_and_the_cli_says_so(cli_database, tmp_path):
    fake = save(tmp_path, "b.xlsx", b"<OGRVRTDataSource></OGRVRTDataSource>")
    with pytest.raises(InvalidInput, match="not a readable zip"):
        read_sheet(fake, "buildings")
    result = CliRunner().invoke(cli, ["import", "buildings", str(fake)])
    output = " ".join(result.output.split())  # rich wraps long lines
    assert result.exit_code == 2 and "not a readable zip" in output and "Traceback" not in output


def test_the_importer_goes_through_the_same_reader(session, tmp_path):
    bomb = with_sheet(workbook(), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 * 2**20)))
    with pytest.raises(InvalidInput, match="packed"):
        import_roster(session, save(tmp_path, "bomb.xlsx", bomb), "buildings")
