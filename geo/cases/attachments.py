"""Case and visit attachments: type, size and content checked, stored once per content under WANGGE_HOME/attachments.

The file is stored under its SHA-256, never under the name it came with; that name is kept only to be
shown (its last component, without control characters, at most 100 characters).
"""

import hashlib
from typing import BinaryIO

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.core.errors import InvalidInput, NotFound
from geo.core.i18n import Msg, msg
from geo.core.private_files import write_private
from geo.core.settings import get_settings
from geo.core.uploads.staging import display_name

# Accepted types and what their content must look like: (offset, magic bytes) pairs, all of which must match.
ACCEPTED = {"image/jpeg": ((0, b"\xff\xd8\xff"),), "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
            "image/webp": ((0, b"RIFF"), (8, b"WEBP")), "application/pdf": ((0, b"%PDF-"),)}


def _looks_like(content: bytes, content_type: str) -> bool:
    """Whether the content starts with the magic bytes of its content type."""
    return all(content[offset:offset + len(magic)] == magic for offset, magic in ACCEPTED[content_type])


def checked_file(filename: str | None, content_type: str, content: bytes | BinaryIO,
                 accepted: tuple[str, ...] = tuple(ACCEPTED), what: Msg | None = None,
                 kinds: Msg | None = None) -> tuple[str, bytes]:
    """The shown name and content of an upload whose type is one of `accepted`, within the size limit and whose
    content starts with its type's magic bytes (a stream is read no further than the limit)."""
    name = display_name(filename, "upload")
    what, kinds = what or msg("attachment"), kinds or msg("JPEG, PNG, WebP or PDF")
    if content_type not in accepted:
        raise InvalidInput(msg("{what} {name}: {type} is not accepted; use {kinds}", what=what, name=name,
                               type=content_type[:100] or "?", kinds=kinds))
    limit = get_settings().attachments_max_bytes
    if not isinstance(content, bytes):
        content = content.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(msg("{what} {name} is larger than {limit} bytes", what=what, name=name, limit=limit))
    if not _looks_like(content, content_type):
        raise InvalidInput(msg("{what} {name}: the content is not a {type} file", what=what, name=name,
                               type=content_type))
    return name, content


def store_file(content: bytes) -> str:
    """Keep the content once under its SHA-256 in WANGGE_HOME/attachments; returns the digest."""
    digest = hashlib.sha256(content).hexdigest()
    folder = get_settings().home / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        write_private(path, content)  # photos of people and homes: the service's own user only
    return digest


PHOTOS = ("image/jpeg", "image/png", "image/webp")
# The tables that hold files and the column naming their owner; names of this module only, never from a request.
OWNERS = {"case_attachments": "case_id", "visit_attachments": "visit_id"}


def store_attachment(session: Session, case_id: int, filename: str | None, content_type: str,
                     content: bytes | BinaryIO) -> dict:
    """Check and store one file (bytes, or a stream read no further than the limit); returns its record."""
    return add_file(session, "case_attachments", case_id, filename, content_type, content)[0]


def add_file(session: Session, table: str, owner_id: int, filename: str | None, content_type: str,
             content: bytes | BinaryIO, accepted: tuple[str, ...] = tuple(ACCEPTED),
             kinds: Msg | None = None) -> tuple[dict, bool]:
    """The record of this file on its case or visit, and whether it is new: the same content sent again (a retry
    from a phone on a bad line) returns the first record instead of a copy."""
    column = OWNERS[table]
    name, content = checked_file(filename, content_type, content, accepted, kinds=kinds)
    digest = hashlib.sha256(content).hexdigest()
    # one upload at a time per owner: two racing copies of one file must not both find "not there yet"
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:table), CAST(:owner AS integer))"),
                    {"table": table, "owner": owner_id % 2**31})
    columns = "id, filename, content_type, size, uploaded_at"
    existing = session.execute(text(f"SELECT {columns} FROM {table} WHERE {column} = :owner AND sha256 = :sha256 "
                                     "ORDER BY id LIMIT 1"), {"owner": owner_id, "sha256": digest}).mappings().first()
    if existing:
        return dict(existing), False
    held = session.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = :owner"), {"owner": owner_id}).scalar()
    if held >= get_settings().attachments_per_case:
        raise InvalidInput(msg("case {id} already holds {count} files, the most one case may hold", id=owner_id,
                               count=held) if column == "case_id" else
                           msg("visit {id} already holds {count} photos, the most one visit may hold", id=owner_id,
                               count=held))
    store_file(content)
    row = session.execute(text(f"INSERT INTO {table} ({column}, filename, content_type, size, sha256) "
                               f"VALUES (:owner, :filename, :content_type, :size, :sha256) RETURNING {columns}"),
                          {"owner": owner_id, "filename": name, "content_type": content_type, "size": len(content),
                           "sha256": digest})
    return dict(row.mappings().one()), True


def stored_file(session: Session, table: str, owner_id: int, file_id: int) -> tuple[bytes, str, str]:
    """The content, type and shown name of one file of this case or visit (the caller checked the owner is
    visible); NotFound for a file of another owner, so ids cannot be walked across cases."""
    row = session.execute(text(f"SELECT filename, content_type, sha256 FROM {table} WHERE id = :id "
                               f"AND {OWNERS[table]} = :owner"), {"id": file_id, "owner": owner_id}).first()
    path = get_settings().home / "attachments" / row.sha256 if row else None
    if row is None or not path.exists():
        raise NotFound(msg("no file {id} on case or visit {owner}", id=file_id, owner=owner_id))
    return path.read_bytes(), row.content_type, row.filename
