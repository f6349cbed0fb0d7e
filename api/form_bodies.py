"""Form bodies as clients really send them: raw UTF-8 (or a declared GBK) made into the percent-escapes Starlette reads.

Starlette decodes an urlencoded body as Latin-1 and only then un-escapes it, so a GeoReport client that posts
`description=路灯不亮` unescaped (many do, with or without `charset=utf-8`) was stored as `è·¯ç¯ä¸äº®`. Here every
byte above 0x7F is written as %XX of the text's UTF-8, which Starlette decodes as meant; `=`, `&`, `+` and existing
escapes are left alone.
"""

import codecs

ESCAPED = {byte: f"%{byte:02X}".encode() for byte in range(0x80, 0x100)}


def charset_of(content_type: str) -> str:
    """The declared charset of a form body (UTF-8 unless named)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"').lower()
    return "utf-8"


def utf8_escaped(body: bytes, content_type: str) -> bytes:
    """The body with its non-ASCII text as percent-escaped UTF-8; ValueError when it is not text in its charset."""
    if body.isascii():
        return body
    charset = charset_of(content_type)
    try:
        codecs.lookup(charset)
        text = body.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ValueError(charset) from exc
    return b"".join(ESCAPED.get(byte, bytes((byte,))) for byte in text.encode("utf-8"))
