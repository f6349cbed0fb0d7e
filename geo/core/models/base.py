"""The declarative base, and the version counters in-memory copies are keyed by."""

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(m.value) for m in enum)})"


class Base(DeclarativeBase):
    pass


class DataVersion(Base):
    """A version per kind of data, raised inside every transaction that changes it (for in-memory copies)."""

    __tablename__ = "data_versions"
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")
