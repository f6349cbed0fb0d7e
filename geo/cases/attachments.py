"""Case attachments: type and size checked, stored once per content under WANGGE_HOME/attachments."""

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import InvalidInput
from geo.i18n import msg
from geo.private_files import write_private
from geo.settings import get_settings

# Accepted types and the magic bytes their content must start with.
ACCEPTED = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/webp": b"RIFF",
            "application/pdf": b"%PDF-"}


def store_attachment(session: Session, case_id: int, filename: str, content_type: str, content: bytes) -> dict:
    """Check and store one file; returns its record."""
    if content_type not in ACCEPTED:
        raise InvalidInput(msg("attachment {name}: {type} is not accepted; use JPEG, PNG, WebP or PDF",
                               name=filename, type=content_type or "?"))
    limit = get_settings().attachments_max_bytes
    if len(content) > limit:
        raise InvalidInput(msg("attachment {name} is larger than {limit} bytes", name=filename, limit=limit))
    if not content.startswith(ACCEPTED[content_type]):
        raise InvalidInput(msg("attachment {name}: the content is not a {type} file", name=filename, type=content_type))
    digest = hashlib.sha256(content).hexdigest()
    folder = get_settings().home / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        write_private(path, content)  # photos of people and homes: the service's own user only
    row = session.execute(text("INSERT INTO case_attachments (case_id, filename, content_type, size, sha256) "
                               "VALUES (:c, :f, :t, :s, :h) RETURNING id, filename, content_type, size, uploaded_at"),
                          {"c": case_id, "f": filename[:200], "t": content_type, "s": len(content), "h": digest})
    return dict(row.mappings().one())
