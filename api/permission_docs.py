"""docs/permissions.md, written from the matrix itself: `python -m api.permission_docs > docs/permissions.md`.

tests/api/test_permissions.py fails when the file and the matrix disagree.
"""

from api.main import ROUTERS
from api.permissions import PUBLIC, ROUTES, SIGNED_IN
from geo.access.permissions import MATRIX, MEANING, Permission
from geo.core.models import Role

INTRO = """# Permissions (权限矩阵)

Generated from `geo/access/permissions.py` (the matrix) and `api/permissions.py` (each endpoint's action) by
`python -m api.permission_docs > docs/permissions.md`; a test fails when this file falls behind.

Every request passes one check (`api.permissions.authorize`) before its endpoint runs: the role must
hold the endpoint's action, or the answer is 403 naming the action. An endpoint without an entry is
refused. Within an allowed action a caller sees only their scope (a grid worker their grid, community
staff their community, …; `geo/access/scope.py`), and the case workflow narrows acting further (a grid worker
acts on the cases assigned to them). Personal data is masked by default (`geo/access/privacy.py`).
"""


def markdown() -> str:
    """The whole page."""
    roles = list(Role)
    lines = [INTRO, "## Role × action", "",
             "| action | covers | 涵盖 | " + " | ".join(r.value for r in roles) + " |",
             "|---|---|---|" + "---|" * len(roles)]
    for action in Permission:
        en, zh = MEANING[action]
        marks = " | ".join("✓" if r in MATRIX[action] else "" for r in roles)
        lines.append(f"| `{action.value}` | {en} | {zh} | {marks} |")
    lines += ["", "## Endpoint → action", "", "| method | path | action |", "|---|---|---|"]
    for module, prefix in ROUTERS:
        for route in module.router.routes:
            rule = ROUTES[route.endpoint]
            name = {PUBLIC: "public", SIGNED_IN: "any account"}.get(rule) if isinstance(rule, str) else None
            if name is None:
                name = "`read_case_map` for the cases layer, else `read_boundaries`" if callable(rule) else f"`{rule.value}`"
            lines.append(f"| {', '.join(sorted(route.methods))} | `{prefix}{route.path}` | {name} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
