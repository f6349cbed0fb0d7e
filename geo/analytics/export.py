"""League tables as CSV (UTF-8 with BOM, so Excel in China opens it right) or XLSX, with headers in Chinese or English."""

from collections.abc import Callable

from geo.core import spreadsheet
from geo.core.errors import InvalidInput
from geo.core.i18n import msg

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HEADERS = {
    "rank": ("排名", "Rank"), "code": ("编码", "Code"), "name": ("名称", "Name"), "parent_code": ("上级编码", "Parent"),
    "cases": ("案件数", "Cases"), "response_rate": ("响应率", "Response rate"),
    "resolution_rate": ("解决率", "Resolution rate"), "satisfaction_rate": ("满意率", "Satisfaction rate"),
    "on_time_rate": ("按期结案率", "On-time closure"), "rework_rate": ("返工率", "Rework rate"),
    "return_rate": ("回退率", "Return rate"), "avg_handling_hours": ("平均处置时长（小时）", "Avg handling (h)"),
    "cases_change": ("案件数变化", "Cases change"), "resolution_rate_change": ("解决率变化", "Resolution change"),
    "on_time_rate_change": ("按期结案率变化", "On-time change"),
    "satisfaction_rate_change": ("满意率变化", "Satisfaction change"), "workers": ("网格员数", "Grid workers"),
    "open_now": ("当前未结", "Open now"), "cases_per_worker": ("人均案件", "Cases per worker"),
    "open_per_worker": ("人均未结", "Open per worker"), "id": ("人员编号", "Staff id"), "grid": ("网格", "Grid"),
    "duty": ("职务", "Duty"), "assigned": ("派遣数", "Assigned"), "closed": ("办结数", "Finished"),
    "on_time": ("按时办结数", "Finished on time"), "missed": ("超时数", "Missed deadlines"),
    "deadline_misses": ("超时次数", "Deadlines missed"), "missed_cases": ("超时案件数", "Cases with a miss"),
    "held": ("承办时限数", "Own deadlines"), "held_missed": ("承办超时数", "Own deadlines missed"),
    "own_on_time_rate": ("承办按时率", "Own on-time rate"),
}


def check_format(fmt: str) -> str:
    """InvalidInput unless `fmt` is csv or xlsx."""
    if fmt not in FORMATS:
        raise InvalidInput(msg("format must be one of {formats}", formats=", ".join(FORMATS)))
    return fmt


def table_bytes(rows: list[dict], fmt: str, lang: str = "zh", title: str = "league",
                progress: Callable[[int], None] = lambda n: None) -> bytes:
    """`rows` (dicts with the same keys) as a CSV or XLSX file; `progress(n)` after every n rows written."""
    columns = list(rows[0]) if rows else ["code", "name"]
    header = [HEADERS.get(c, (c, c))[0 if lang == "zh" else 1] for c in columns]
    lines = ([row.get(c) for c in columns] for row in rows)
    return spreadsheet.table_bytes(header, lines, check_format(fmt), title, progress)
