"""Residents sign in by phone: the resident role, their accounts (phone sealed, linked to a household when the
phone is on file) and the sign-in codes sent to phones (only keyed hashes kept).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ROLES = ("admin", "command_center", "street_staff", "community_staff", "grid_worker", "planner", "department",
         "party_staff")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", _in("role", (*ROLES, "resident")))
    op.drop_constraint("ck_users_scope", "users")
    op.create_check_constraint("ck_users_scope", "users", "role IN ('admin', 'resident') OR scope_code IS NOT NULL")
    op.create_table(
        "resident_accounts",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=False),
        sa.Column("phone_hmac", sa.LargeBinary(), nullable=False, unique=True),
        sa.Column("resident_id", sa.BigInteger(), sa.ForeignKey("residents.id", ondelete="SET NULL")),
        sa.Column("household_id", sa.BigInteger(), sa.ForeignKey("households.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_table(
        "resident_codes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("phone_hmac", sa.LargeBinary(), nullable=False),
        sa.Column("code_hmac", sa.LargeBinary(), nullable=False),
        sa.Column("address_hmac", sa.LargeBinary()),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_resident_codes_phone", "resident_codes", ["phone_hmac", "sent_at"])
    op.create_index("ix_resident_codes_address", "resident_codes", ["address_hmac", "sent_at"])


def downgrade() -> None:
    op.drop_table("resident_codes")
    op.drop_table("resident_accounts")
    op.execute("DELETE FROM users WHERE role = 'resident'")
    op.drop_constraint("ck_users_scope", "users")
    op.create_check_constraint("ck_users_scope", "users", "role = 'admin' OR scope_code IS NOT NULL")
    op.drop_constraint("ck_users_role", "users")
    op.create_check_constraint("ck_users_role", "users", _in("role", ROLES))
