"""Security headers on every response: no sniffing, no framing, no referrer to other sites, and a Content-Security-Policy.

HTML pages get the strict policy: scripts only from this origin (the pages inline none; their config is a JSON
block, which is data, not script), no plugins, no <base>, no framing, forms posting only here, images from here and
the configured basemap's tile hosts, requests only to this origin.

`style-src 'self'` without 'unsafe-inline': Leaflet and its plugins position and colour through element.style
(the CSSOM), which CSP does not govern, and our pages set no style attribute and no <style> element, so inline styles
need not be allowed (tests/security/test_pages_browser.py fails on any violation).

Everything else (JSON, tiles, images, scripts) gets `default-src 'none'`: a response opened as a document runs
nothing. The API's documentation (/docs, /redoc: api/api_docs.py) runs vendored Swagger UI and ReDoc from this origin
too; they style themselves with <style> elements and ReDoc searches in a blob: worker, so their policy allows
exactly that and nothing from elsewhere.

Answers of the API, Open311 and the pages hold personal data or are made for one caller: `Cache-Control: no-store`
keeps them out of every cache (the browser's disk, a proxy's), unless the route chose its own (tiles and density
images: `private, max-age`, aggregates only). Static files stay cacheable.
"""

from functools import lru_cache

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.core.settings import get_settings
from maps.basemaps import basemap, tile_origins

ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
UNCACHED = ("/api/", "/open311/", "/maps/", "/m/", "/r/")  # per caller, often personal: never stored
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")  # api/api_docs.py
DOCS = "; ".join((
    "default-src 'self'", "script-src 'self'", "worker-src 'self' blob:", "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:", "img-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "frame-ancestors 'none'", "form-action 'self'"))


@lru_cache
def page_policy(basemap_name: str, key: str | None) -> str:
    """The CSP of our HTML pages on this basemap."""
    images = " ".join(["'self'", "data:", "blob:", *tile_origins(basemap(basemap_name, key))])
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self'", f"img-src {images}", "connect-src 'self'",
        "worker-src 'self'", "manifest-src 'self'",
        "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"))


def policy(path: str, content_type: str) -> str:
    """The CSP of a response at `path` of this type."""
    if not content_type.startswith("text/html"):
        return NOT_A_PAGE
    if path in DOCS_PATHS:
        return DOCS
    settings = get_settings()
    return page_policy(settings.basemap, settings.tianditu_key)


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above to every HTTP response (a CSP a route set itself is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy(scope["path"], headers.get("content-type", "")))
                if scope["path"].startswith(UNCACHED):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
