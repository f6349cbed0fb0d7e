"""Personal data at rest: ID numbers and phones sealed (AES-256-GCM) with a keyed hash for exact lookup.

residents.id_number/phone, staff.phone and case_reporters.phone become <name>_enc (the sealed value)
and <name>_hmac (geo/access/crypto.py). Existing values are sealed on the way up with the key of the
settings, and opened again on the way down.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from geo.access import crypto

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SEALED = {"residents": ("id_number", "phone"), "staff": ("phone",), "case_reporters": ("phone",)}


def upgrade() -> None:
    conn = op.get_bind()
    for table, columns in SEALED.items():
        for column in columns:
            op.add_column(table, sa.Column(f"{column}_enc", sa.LargeBinary(), nullable=True))
            op.add_column(table, sa.Column(f"{column}_hmac", sa.LargeBinary(), nullable=True))
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
        for row in rows:
            values = {"id": row[0]} | {k: v for i, c in enumerate(columns, 1)
                                       for k, v in ((f"{c}_enc", crypto.seal(row[i])), (f"{c}_hmac", crypto.lookup(row[i])))}
            conn.execute(sa.text(f"UPDATE {table} SET " + ", ".join(f"{k} = :{k}" for k in values if k != "id")
                                 + " WHERE id = :id"), values)
    op.drop_index("uq_residents_id_number", table_name="residents")
    for table, columns in SEALED.items():
        for column in columns:
            op.drop_column(table, column)
            op.create_index(f"ix_{table}_{column}_hmac", table, [f"{column}_hmac"], unique=column == "id_number")


def downgrade() -> None:
    conn = op.get_bind()
    for table, columns in SEALED.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}_hmac", table_name=table)
            op.add_column(table, sa.Column(column, sa.String(18 if column == "id_number" else 20), nullable=True))
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(c + '_enc' for c in columns)} FROM {table}")).all()
        for row in rows:
            conn.execute(sa.text(f"UPDATE {table} SET " + ", ".join(f"{c} = :{c}" for c in columns) + " WHERE id = :id"),
                         {"id": row[0]} | {c: crypto.reveal(row[i]) for i, c in enumerate(columns, 1)})
        for column in columns:
            op.drop_column(table, f"{column}_enc")
            op.drop_column(table, f"{column}_hmac")
    op.create_index("uq_residents_id_number", "residents", ["id_number"], unique=True)
