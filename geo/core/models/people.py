"""Households, residents, staff and their assignments."""

from datetime import date

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.models.base import Base, _in
from geo.core.models.enums import Duty


class Household(Base):
    """A household (户) living in a building."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    door: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("uq_households_building_door", "building_id", "door", unique=True),)


class Resident(Base):
    """A resident (居民), member of a household."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    # Sealed by geo/access/crypto.py; *_hmac finds a value without opening anything.
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary)
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    residence: Mapped[str] = mapped_column(String(12), server_default="registered")
    special_groups: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    __table_args__ = (
        CheckConstraint("residence IN ('registered', 'floating')", name="ck_residents_residence"),
        Index("ix_residents_id_number_hmac", "id_number_hmac", unique=True),
        Index("ix_residents_phone_hmac", "phone_hmac"),
    )


class Staff(Base):
    """A person who works in the grids: grid leader, grid worker, building head, community or street staff."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hmac: Mapped[bytes | None] = mapped_column(LargeBinary, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default="false")


class StaffAssignment(Base):
    """A staff member's duty in an area or a building over a period."""

    __tablename__ = "staff_assignments"
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    duty: Mapped[str] = mapped_column(String(24))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("area_records.code"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date, server_default=func.current_date())
    end_date: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint(_in("duty", Duty), name="ck_staff_assignments_duty"),
        CheckConstraint("area_code IS NOT NULL OR building_id IS NOT NULL", name="ck_staff_assignments_target"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ck_staff_assignments_period"),
    )
