"""Security headers on every response: no sniffing, no framing, no referrer to other sites, and a Content-Security-Policy.

HTML pages get the strict policy: scripts only from this origin (the pages inline none; their config is a JSON
block, which is data, not script), no plugins, no <base>, no framing, forms posting only here, images from here and
the configured basemap's tile hosts, requests only to this origin.

`style-src 'self'` without 'unsafe-inline': Leaflet and its plugins position and colour through element.style
(the CSSOM), which CSP does not govern, and our pages set no style attribute and no <style> element, so inline styles
need not be allowed (tests/security/test_pages_browser.py fails on any violation).

Everything else (JSON, tiles, images, scripts) gets `default-src 'none'`: a response opened as a document runs
nothing. FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN and start them with an inline script (they
hold no user data); they get their own policy that allows exactly that, so they work as before wherever the CDN is
reachable (this offline machine cannot reach it).

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
UNCACHED = ("/api/", "/open311/", "/maps/")  # per caller, often personal: never stored
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'"
CDN = "https://cdn.jsdelivr.net"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")  # FastAPI's defaults, which api/main.py keeps
DOCS = "; ".join((
    "default-src 'self'", f"script-src 'self' 'unsafe-inline' {CDN}", "worker-src 'self' blob:",
    f"style-src 'self' 'unsafe-inline' {CDN} https://fonts.googleapis.com", "font-src 'self' https://fonts.gstatic.com",
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly https://validator.swagger.io",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"))


@lru_cache
def page_policy(basemap_name: str, key: str | None) -> str:
    """The CSP of our HTML pages on this basemap."""
    images = " ".join(["'self'", "data:", "blob:", *tile_origins(basemap(basemap_name, key))])
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self'", f"img-src {images}", "connect-src 'self'",
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
