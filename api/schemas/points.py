"""积分制: a holder's statement, awards waiting for approval, the points shop and the honours board."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.params import Body


class Holder(BaseModel):
    """Who holds the points."""

    id: int
    name: str | None = Field(description="None for a party member, unless you may see who is a member")
    community: str
    honour_consent: bool
    honour_name: str | None


class Entry(BaseModel):
    """One line of the ledger, with the balance after it."""

    id: int
    points: int
    kind: Literal["earn", "redeem"]
    balance: int
    at: datetime
    rule: str | None = None
    need_id: int | None = None
    activity_id: int | None = None
    item: str | None = None


class PendingAward(BaseModel):
    """Points proposed, waiting for community staff."""

    id: int
    rule: str
    points: int
    need_id: int | None
    activity_id: int | None
    proposed_at: datetime


class Statement(BaseModel):
    """A holder's balance, ledger and pending awards."""

    holder: Holder
    balance: int
    entries: list[Entry]
    pending: list[PendingAward]


class Award(PendingAward):
    """An award as staff decide it."""

    status: Literal["pending", "approved", "rejected"]
    community_code: str
    holder_id: int
    holder_name: str | None = Field(description="None for a party member, unless you may see who is a member; "
                                    "the surname only unless you may read full names")
    decided_by: str | None
    decided_at: datetime | None


class Decision(Body):
    """Approve an award into the ledger, or reject it."""

    approve: bool


class Decided(BaseModel):
    """How an award was decided."""

    id: int
    status: Literal["approved", "rejected"]


class Item(BaseModel):
    """An item of the 积分超市."""

    id: int
    name: str
    cost: int
    stock: int


class ItemIn(Body):
    """A new item on a community's shelf."""

    community: str = Field(max_length=15)
    name: str = Field(min_length=1, max_length=100)
    cost: int = Field(ge=1, le=100_000)
    stock: int = Field(ge=0, le=100_000)


class RedeemIn(Body):
    """Spend points on an item (staff at the counter name the holder)."""

    item_id: int
    holder_id: int | None = None


class Consent(Body):
    """Whether to be shown on the honours board, and by which name."""

    consent: bool
    shown_name: str | None = Field(default=None, max_length=20)


class ConsentOut(BaseModel):
    """The holder's choice."""

    honour_consent: bool
    honour_name: str | None


class Honour(BaseModel):
    """One name on the 光荣榜 (only those who consented)."""

    name: str
    points: int


class Proposed(BaseModel):
    """The awards an activity proposed."""

    award_ids: list[int]
