"""Stored files (case and visit photos) as responses: shown inline under their stored type, never sniffed, kept
only in the caller's own cache, in a sandbox where nothing in them can run."""

from urllib.parse import quote

from fastapi import Response

from api.schemas.common import files

FILE_RESPONSE = files("image/jpeg", "image/png", "image/webp", "application/pdf",
                      description="The file as it was uploaded")


def file_response(content: bytes, content_type: str, filename: str) -> Response:
    """The file inline, named in UTF-8 (RFC 6266), private to the caller."""
    return Response(content, media_type=content_type, headers={
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})
