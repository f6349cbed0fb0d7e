"""Accounts and the audit log."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import Role


class User(Base):
    """An account: a role and the area code it may see."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    scope_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"))
    display_name: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)  # for role department: its code (geo.cases.departments)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # raised to revoke every token issued before (geo.access.accounts.revoke_tokens)
    token_version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="ck_users_role"),
        CheckConstraint("role IN ('admin', 'resident') OR scope_code IS NOT NULL", name="ck_users_scope"),
        CheckConstraint("(role = 'department') = (department IS NOT NULL)", name="ck_users_department"),
    )


class AuditEntry(Base):
    """One audited deed; `hash` chains it to the entry before (geo/access/audit.py), and the table refuses changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    object: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONB)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor", "id"),
        Index("ix_audit_log_action", "action", "id"),
    )


class ResidentAccount(Base):
    """A resident's account (role resident): the phone it signs in with, and the household that phone is on file for."""

    __tablename__ = "resident_accounts"
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    phone_enc: Mapped[bytes] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    resident_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("residents.id", ondelete="SET NULL"))
    household_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("households.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ResidentCode(Base):
    """A sign-in code sent to a phone: only its keyed hash is kept, with its expiry and the tries spent on it."""

    __tablename__ = "resident_codes"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    phone_hmac: Mapped[bytes] = mapped_column(LargeBinary)
    code_hmac: Mapped[bytes] = mapped_column(LargeBinary)
    address_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tries: Mapped[int] = mapped_column(Integer, server_default="0")
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("ix_resident_codes_phone", "phone_hmac", "sent_at"),
        Index("ix_resident_codes_address", "address_hmac", "sent_at"),
    )


class ResidentNotice(Base):
    """A text sent to the resident who reported a case, for one event of its history (sent once)."""

    __tablename__ = "resident_notices"
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResidentNoticeMark(Base):
    """The last case event the notice round has read (one row)."""

    __tablename__ = "resident_notice_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (CheckConstraint("id = 1", name="ck_resident_notice_marks_one"),)


class Open311Client(Base):
    """A GeoReport client allowed to post requests: its name and its api_key's keyed hash (the key is shown once)."""

    __tablename__ = "open311_clients"
    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    key_hmac: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportQueryCode(Base):
    """The 查询码 of an anonymous report: only its keyed hash, for the one case it opens."""

    __tablename__ = "report_query_codes"
    case_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    code_hmac: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
