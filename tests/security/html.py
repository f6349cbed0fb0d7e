"""Reading a page's HTML the way a browser would: its tags, and whatever in it could run script."""

import re
from html.parser import HTMLParser

CONFIG_BLOCK = {"type": "application/json", "id": "page-config"}
STATIC_SCRIPT = re.compile(r"/static/[\w./-]+\.js")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its <title>."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        if self._in_title:
            self.titles.append("")

    def handle_endtag(self, tag):
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


def runnable(html: str) -> list[str]:
    """What in the page could run script: inline scripts, scripts from elsewhere, event handlers, javascript: URLs."""
    found = []
    for tag, attrs in Tags(html).tags:
        if tag == "script" and attrs != CONFIG_BLOCK and not STATIC_SCRIPT.fullmatch(attrs.get("src") or ""):
            found.append(f"<script {attrs}>")
        found += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        found += [f"<{tag} {name}={value}>" for name, value in attrs.items()
                  if value and value.strip().lower().startswith("javascript:")]
        if tag in ("iframe", "object", "embed", "base", "svg"):
            found.append(f"<{tag}>")
    return found
