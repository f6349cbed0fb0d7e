"""A compound file's features checked one by one: code, name, the optional community, the 三方 attributes and the
geometry (read, CRS and --fix repair as the boundary import does them, geo.territory.boundary_features).

The checks against the database and the rest of the file are in compound_import."""

import re
from dataclasses import dataclass

from shapely import MultiPolygon

from geo.core.crs import Crs
from geo.core.i18n import Msg, msg
from geo.territory.boundary_features import check_geometry, label, text_of
from geo.territory.boundary_files import RawFeature

CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
# Canonical property → the keys a file may use for it (Chinese or English).
KEYS = {
    "code": ("code", "编码", "小区编码"),
    "name": ("name", "名称", "小区名称"),
    "community": ("community", "community_code", "社区代码", "社区编码"),
    "property_company": ("property_company", "property_c", "物业", "物业服务企业", "物业公司"),
    "owners_committee": ("owners_committee", "owners_com", "业委会", "业主委员会"),
    "red_property": ("red_property", "red_proper", "红色物业"),
}
YES_NO = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


@dataclass
class CompoundCandidate:
    """A compound feature that passed the per-feature checks, in WGS84."""

    number: int
    code: str
    name: str
    community: str | None
    property_company: str | None
    owners_committee: str | None
    red_property: bool
    geom: MultiPolygon

    @property
    def where(self) -> Msg:
        """How messages name this feature."""
        return label(self.number, self.code)


def canonical(props: dict) -> dict:
    """The feature's properties under their canonical names (the first key present wins)."""
    lowered = {str(k).strip().lower(): v for k, v in props.items()}
    return {column: next((lowered[k.lower()] for k in keys if text_of(lowered.get(k.lower()))), None)
            for column, keys in KEYS.items()}


def _red_property(value, where: Msg, problems: list[Msg]) -> bool | None:
    """红色物业 as a boolean (是/否, true/false, 1/0); None after recording an unknown value."""
    given = text_of(value)
    if given is None:
        return False
    found = YES_NO.get(given.lower())
    if found is None:
        problems.append(msg("{where}: 红色物业 {value!r} is not one of 是/否, true/false, 1/0", where=where, value=given))
    return found


def _attributes(raw: RawFeature, problems: list[Msg]) -> dict | None:
    """The canonical attributes of a feature, or None after recording what is wrong."""
    props = canonical(raw.properties)
    code, name = text_of(props["code"]), text_of(props["name"])
    where = label(raw.number, code)
    if not code or not name:
        missing = "、".join(k for k, v in (("编码 code", code), ("名称 name", name)) if not v)
        problems.append(msg("{where}: missing {fields}", where=where, fields=missing))
        return None
    if not CODE.match(code):
        problems.append(msg("{where}: a compound code is 1 to 32 letters, digits, _ or -", where=where))
        return None
    red = _red_property(props["red_property"], where, problems)
    if red is None:
        return None
    return {"code": code, "name": name, "community": text_of(props["community"]), "red_property": red,
            "property_company": text_of(props["property_company"]),
            "owners_committee": text_of(props["owners_committee"])}


def prepare(features: list[RawFeature], crs: Crs, fix: bool) -> tuple[list[CompoundCandidate], list[Msg], list[Msg]]:
    """Per-feature checks: candidates, problems and repairs; a code twice in the file is refused."""
    problems: list[Msg] = []
    fixes: list[Msg] = []
    candidates: list[CompoundCandidate] = []
    first_seen: dict[str, int] = {}
    for raw in features:
        attrs = _attributes(raw, problems)
        geom = check_geometry(raw, attrs["code"] if attrs else text_of(canonical(raw.properties)["code"]), crs, fix,
                              problems, fixes)
        if not attrs or geom is None:
            continue
        if attrs["code"] in first_seen:
            problems.append(msg("{where}: duplicate code, also feature #{first}", where=label(raw.number, attrs["code"]),
                                first=first_seen[attrs["code"]]))
            continue
        first_seen[attrs["code"]] = raw.number
        candidates.append(CompoundCandidate(raw.number, geom=geom, **attrs))
    return candidates, problems, fixes
