"""Residents, masked as the reader's role requires."""

from pydantic import BaseModel, Field


class Household(BaseModel):
    """The household a resident belongs to."""

    id: int
    door: str | None


class Building(BaseModel):
    """The building the household lives in."""

    id: int
    name: str | None
    address: str | None


class Resident(BaseModel):
    """A resident: ID numbers and phones masked unless asked whole (and recorded), names cut to the surname for
    roles that may not read full names; `special_groups` only for roles that may see them."""

    id: int
    name: str
    id_number: str | None = Field(description="110***********123X unless unmasked")
    phone: str | None = Field(description="138****1234 unless unmasked")
    gender: str | None
    residence: str = Field(description="registered (户籍), or another residence status")
    birth_year: int | None
    household: Household
    building: Building
    grid_code: str | None
    special_groups: list[str] | None = Field(default=None, description="Absent for roles without read_special_groups")


class Residents(BaseModel):
    """A page of residents by id, with how many matched in all."""

    total: int
    items: list[Resident]
