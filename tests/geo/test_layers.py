"""geo/ is layered: an area imports only from areas below it, never sideways or up (docs/architecture.md)."""

import ast
from pathlib import Path

import geo

GEO = Path(geo.__file__).parent
# Lowest first. Areas on one line are side by side and may not import each other.
LAYERS = [
    {"core"},
    {"access"},
    {"people"},
    {"territory"},
    {"cases"},
    {"planning", "analytics", "party", "field"},
    {"residents"},
    {"synth"},
    {"rounds", "migrations"},
]
RANK = {area: rank for rank, areas in enumerate(LAYERS) for area in areas}


def area_of(module: str) -> str:
    """The area a dotted geo module belongs to: its first name below geo."""
    return module.split(".")[1]


def geo_imports(path: Path) -> set[str]:
    """Every geo module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geo.") and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "geo":
            found.update(f"geo.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("geo."))
    return found


def module_name(path: Path) -> str:
    """geo/cases/intake.py -> geo.cases.intake."""
    parts = path.relative_to(GEO.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_area_has_a_layer():
    areas = {p.name for p in GEO.iterdir() if p.is_dir() and not p.name.startswith("__")}
    areas |= {p.stem for p in GEO.glob("*.py") if p.stem != "__init__"}
    assert areas == set(RANK), "add the new area to LAYERS here and to docs/architecture.md"


def test_no_geo_module_sits_at_the_top_level_but_the_round():
    assert sorted(p.stem for p in GEO.glob("*.py")) == ["__init__", "rounds"]


def test_no_import_points_up_or_sideways():
    wrong = []
    for path in sorted(GEO.rglob("*.py")):
        importer = module_name(path)
        if importer == "geo":
            continue
        for imported in geo_imports(path):
            source, target = area_of(importer), area_of(imported)
            if source != target and RANK[target] >= RANK[source]:
                wrong.append(f"{importer} -> {imported}")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_geo_never_imports_the_web_layer():
    web = [f"{module_name(p)} -> {m}" for p in GEO.rglob("*.py") for m in _top_imports(p)
           if m.split(".")[0] in {"fastapi", "starlette", "api", "cli", "maps", "uvicorn"}]
    assert not web


def _top_imports(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found
