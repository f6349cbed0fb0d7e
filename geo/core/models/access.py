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
        CheckConstraint("role = 'admin' OR scope_code IS NOT NULL", name="ck_users_scope"),
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
