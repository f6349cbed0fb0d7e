"""Cases partitioned by month of report (Beijing time), so a megacity's years stay fast.

`cases` becomes a range-partitioned table with one partition per month (`cases_YYYY_MM`) and a
default partition (`cases_other`) that catches any month not created yet, so intake never fails.
`wangge_case_partition(day)` creates a month's partition, moving its rows out of `cases_other`; a table of
that name already filled (by a bulk import, geo/cases/backfill.py) is attached as it is.

PostgreSQL requires the partition key in every unique constraint, so:
- the primary key is (id, reported_at); ids still come from one identity sequence and stay unique;
- foreign keys can no longer point at cases.id: case_events, case_reporters and case_attachments,
  and cases.duplicate_of/merged_into, are checked by statement triggers instead (one anti-join per
  statement, not one probe per row), and a deleted case takes its rows with it as before;
- the idempotency key's uniqueness moves to `case_keys` (created_by, key) → case.

Also `data_versions`: a version per kind of data (areas, staff), raised inside the writing transaction,
so a reader that sees a version also sees the data of that version. The change counters of 0004 are
sequences, which move before the writer commits; in-memory copies that must never be stale (the grid
index of geo/grid_index.py) are keyed by these instead.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CHILDREN = {"case_events": "CASCADE", "case_reporters": "CASCADE", "case_attachments": "CASCADE"}
INDEXES = {"ix_cases_assignee_id": "(assignee_id)", "ix_cases_due_at": "(due_at)",
           "ix_cases_reported_at": "(reported_at)", "ix_cases_geom": "USING gist (geom)",
           "ix_cases_grid_code": "(grid_code)", "ix_cases_status": "(status)",
           "ix_cases_idempotency": "(created_by, idempotency_key)"}

PARTITION_FUNCTION = """
CREATE FUNCTION wangge_case_partition(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', day)::date;
    name text := format('cases_%s', to_char(first, 'YYYY_MM'));
    low timestamptz := first::timestamp AT TIME ZONE 'Asia/Shanghai';
    high timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = 'cases'::regclass AND inhrelid = to_regclass(name)) THEN
        RETURN name;
    END IF;
    -- a bulk load may have filled the table before it is attached: its indexes are then built in one pass each
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I (LIKE cases INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    -- rows that arrived before their month existed wait in the default partition
    EXECUTE format('WITH moved AS (DELETE FROM cases_other WHERE reported_at >= %L AND reported_at < %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', low, high, name);
    EXECUTE format('ALTER TABLE cases ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, low, high);
    RETURN name;
END $$;
"""

COUNT_CHANGE = ("CREATE TRIGGER cases_count_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases "
                "FOR EACH STATEMENT EXECUTE FUNCTION wangge_count_change('wangge_changes_cases')")

CHECKS = """
CREATE FUNCTION wangge_case_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    EXECUTE format('SELECT n.%1$I FROM inserted n WHERE n.%1$I IS NOT NULL '
                   'AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = n.%1$I) LIMIT 1', TG_ARGV[0]) INTO missing;
    IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING MESSAGE = format('%s.%s: case %s does not exist', TG_TABLE_NAME, TG_ARGV[0], missing);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION wangge_case_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM removed);
    UPDATE cases SET merged_into = NULL WHERE merged_into IN (SELECT id FROM removed);
    DELETE FROM case_reporters WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_attachments WHERE case_id IN (SELECT id FROM removed);
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM removed);
    RETURN NULL;
END $$;
"""


VERSIONED = {"areas": ["area_records"], "staff": ["staff", "staff_assignments"]}


def upgrade() -> None:
    _data_versions()
    op.execute("""
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT conname, conrelid::regclass AS tab FROM pg_constraint WHERE confrelid = 'cases'::regclass LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tab, r.conname);
            END LOOP;
        END $$""")
    op.execute("DROP TRIGGER cases_count_change ON cases")
    op.execute("ALTER TABLE cases RENAME TO cases_unpartitioned")
    op.execute("ALTER TABLE cases_unpartitioned ALTER id DROP IDENTITY")
    op.execute("ALTER TABLE cases_unpartitioned RENAME CONSTRAINT cases_pkey TO cases_unpartitioned_pkey")
    op.execute("CREATE TABLE cases (LIKE cases_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
               "PRIMARY KEY (id, reported_at)) PARTITION BY RANGE (reported_at)")
    _copy_foreign_keys("cases_unpartitioned", "cases")
    op.execute("ALTER TABLE cases ALTER id ADD GENERATED BY DEFAULT AS IDENTITY")
    op.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), coalesce(max(id), 0) + 1, false) "
               "FROM cases_unpartitioned")
    op.execute("CREATE TABLE cases_other PARTITION OF cases DEFAULT")
    op.execute(PARTITION_FUNCTION)
    # every month that holds cases, and the next three
    op.execute("""
        WITH beijing AS (SELECT reported_at AT TIME ZONE 'Asia/Shanghai' AS t FROM cases_unpartitioned
                         UNION ALL SELECT now() AT TIME ZONE 'Asia/Shanghai')
        SELECT wangge_case_partition(m::date)
        FROM (SELECT min(t) AS low, max(t) AS high FROM beijing) r,
             generate_series(date_trunc('month', r.low), date_trunc('month', r.high) + interval '3 months',
                             interval '1 month') AS m""")
    op.execute("INSERT INTO cases SELECT * FROM cases_unpartitioned")
    op.execute("DROP TABLE cases_unpartitioned")
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON cases {columns}")
    op.execute("""
        CREATE TABLE case_keys (
            created_by bigint REFERENCES users (id) ON DELETE CASCADE,
            key text NOT NULL,
            case_id bigint,  -- NULL while the report that claimed the key is being written
            CONSTRAINT uq_case_keys UNIQUE NULLS NOT DISTINCT (created_by, key))""")
    op.execute("INSERT INTO case_keys SELECT created_by, idempotency_key, id FROM cases WHERE idempotency_key IS NOT NULL")
    op.execute(CHECKS)
    for table in CHILDREN:
        _check_case_exists(table, "case_id")
    _check_case_exists("cases", "duplicate_of")
    _check_case_exists("cases", "merged_into")
    _check_case_exists("case_keys", "case_id")
    op.execute("CREATE TRIGGER cases_removed AFTER DELETE ON cases REFERENCING OLD TABLE AS removed "
               "FOR EACH STATEMENT EXECUTE FUNCTION wangge_case_removed()")
    op.execute(COUNT_CHANGE)


def _data_versions() -> None:
    """A transactional version per kind of data, raised by every statement that changes it."""
    op.execute("CREATE TABLE data_versions (kind text PRIMARY KEY, version bigint NOT NULL DEFAULT 0)")
    op.execute("""
        CREATE FUNCTION wangge_raise_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_versions SET version = version + 1 WHERE kind = TG_ARGV[0];
            RETURN NULL;
        END $$""")
    for kind, tables in VERSIONED.items():
        op.execute(f"INSERT INTO data_versions (kind) VALUES ('{kind}')")
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_raise_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION wangge_raise_version('{kind}')")


def _check_case_exists(table: str, column: str) -> None:
    """Refuse a statement that leaves `table`.`column` naming a case that does not exist (the foreign key's job)."""
    for event in ("INSERT", "UPDATE"):  # a trigger with transition tables takes one event
        op.execute(f"CREATE TRIGGER {table}_{column}_{event.lower()}_check AFTER {event} ON {table} "
                   f"REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION wangge_case_exists('{column}')")


def _copy_foreign_keys(source: str, target: str) -> None:
    """The foreign keys `source` holds towards other tables, added to `target` under the same names."""
    op.execute(f"""
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                     WHERE conrelid = '{source}'::regclass AND contype = 'f' LOOP
                EXECUTE format('ALTER TABLE {target} ADD CONSTRAINT %I %s', r.conname, r.def);
            END LOOP;
        END $$""")


def downgrade() -> None:
    for tables in VERSIONED.values():
        for table in tables:
            op.execute(f"DROP TRIGGER {table}_raise_version ON {table}")
    op.execute("DROP TABLE data_versions")
    op.execute("DROP FUNCTION wangge_raise_version()")
    op.execute("DROP TABLE case_keys")
    for table in CHILDREN:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER {table}_case_id_{event}_check ON {table}")
    op.execute("ALTER TABLE cases RENAME TO cases_partitioned")
    op.execute("ALTER TABLE cases_partitioned RENAME CONSTRAINT cases_pkey TO cases_partitioned_pkey")
    op.execute("CREATE TABLE cases (LIKE cases_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id))")
    _copy_foreign_keys("cases_partitioned", "cases")
    op.execute("ALTER TABLE cases ALTER id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME cases_id_seq_flat)")
    op.execute("INSERT INTO cases SELECT * FROM cases_partitioned")
    op.execute("SELECT setval('cases_id_seq_flat', coalesce(max(id), 0) + 1, false) FROM cases")
    op.execute("DROP TABLE cases_partitioned")
    op.execute("ALTER SEQUENCE cases_id_seq_flat RENAME TO cases_id_seq")
    for function in ("wangge_case_partition(date)", "wangge_case_exists()", "wangge_case_removed()"):
        op.execute(f"DROP FUNCTION {function}")
    for name, columns in INDEXES.items():
        if name != "ix_cases_idempotency":
            op.execute(f"CREATE INDEX {name} ON cases {columns}")
    op.execute("CREATE UNIQUE INDEX uq_cases_idempotency ON cases (created_by, idempotency_key)")
    for column in ("duplicate_of", "merged_into"):
        op.execute(f"ALTER TABLE cases ADD FOREIGN KEY ({column}) REFERENCES cases (id) ON DELETE SET NULL")
    for table, action in CHILDREN.items():
        op.execute(f"ALTER TABLE {table} ADD FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE {action}")
    op.execute(COUNT_CHANGE)
