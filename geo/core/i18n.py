"""User-facing messages: Chinese by default, English on request.

Code writes a message once, as an English template with named fields: `msg("{path}: no such file", path=p)`.
A Msg *is* its English text (a str), so logs, tests and exceptions read naturally; `render(lang)`
gives the Chinese from the catalog (catalog.toml, which also holds the pages' words). Fields that are themselves Msgs, or terms such as level
names, are rendered in the same language. tests/geo/core/test_i18n.py checks that every template in
the code has its Chinese here.
"""

import tomllib
from enum import Enum
from pathlib import Path
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"

CATALOG = tomllib.loads((Path(__file__).parent / "catalog.toml").read_text(encoding="utf-8"))
TERMS_ZH: dict[str, str] = CATALOG["terms"]["zh"]
ZH: dict[str, str] = CATALOG["messages"]["zh"]
LABELS: dict[Lang, dict[str, str]] = CATALOG["labels"]


class Msg(str):
    """A message: its English text as a str, plus the template and fields to render it in any language."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, _format(template, params, "en"))
        self.template = template
        self.params = params
        return self

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        """The message in `lang`."""
        template = ZH.get(self.template, self.template) if lang == "zh" else self.template
        return _format(template, self.params, lang)


class Terms(Msg):
    """Codes shown to people (a status, the actions allowed): their labels in Chinese, the codes themselves in
    English, so English messages read as before."""

    def __new__(cls, kind: str, codes: list[str]):
        self = str.__new__(cls, ", ".join(codes) or "-")
        self.template, self.params, self.keys = str(self), {}, [(f"{kind}_{code}", code) for code in codes]
        return self

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        """The labels joined in `lang`."""
        if lang != "zh" or not self.keys:
            return str(self)
        return "、".join(LABELS["zh"].get(key, code) for key, code in self.keys)


def term(kind: str, *codes: str) -> Terms:
    """The page labels `<kind>_<code>` of these codes, for a message (see Terms)."""
    return Terms(kind, list(codes))


def _value(value, lang: Lang):
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, Enum):
        return TERMS_ZH.get(value.value, value.value) if lang == "zh" else value.value
    return value


def _format(template: str, params: dict, lang: Lang) -> str:
    return template.format(**{k: _value(v, lang) for k, v in params.items()})


def msg(template: str, **params) -> Msg:
    """A translatable message (see the module docstring)."""
    return Msg(template, **params)


def render(text: str, lang: Lang = DEFAULT_LANG) -> str:
    """Any message or plain string in `lang` (plain strings stay as they are)."""
    return text.render(lang) if isinstance(text, Msg) else text


def pick_lang(query: str | None, accept_language: str | None, default: Lang = DEFAULT_LANG) -> Lang:
    """`?lang=` wins; else the first of zh/en in Accept-Language; else `default`."""
    if query in LANGS:
        return query
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return default
