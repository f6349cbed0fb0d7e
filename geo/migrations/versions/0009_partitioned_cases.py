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

Also `data_versions`: a version per kind of data (areas, staff, users), raised inside the writing transaction,
so a reader that sees a version also sees the data of that version. The change counters of 0004 are
sequences, which move before the writer commits; in-memory copies that must never be stale (the grid
index of geo/territory/grid_index.py, the accounts behind tokens) are keyed by these instead.

And `grid_open_counts`: open and overdue cases per grid, kept by a statement trigger on cases (one upsert
per statement, grids in code order so concurrent statements lock them in one order), so map tiles colour
grids without counting the open cases of a city for every tile.

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


VERSIONED = {"areas": ["area_records"], "staff": ["staff", "staff_assignments"], "users": ["users"]}


OPEN = ("intake", "registered", "dispatched", "handling", "reported", "verified", "returned", "suspended")

OPEN_COUNTS = """
CREATE FUNCTION wangge_open_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT grid_code, status, overdue, 1 AS n FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT grid_code, status, overdue, -1 AS n FROM old_rows'
        ELSE 'SELECT grid_code, status, overdue, 1 AS n FROM new_rows '
             'UNION ALL SELECT grid_code, status, overdue, -1 FROM old_rows' END;
BEGIN
    EXECUTE format($sql$
        INSERT INTO grid_open_counts AS g (grid_code, open_cases, overdue_cases)
        SELECT grid_code, sum(n), sum(n * overdue::int) FROM (%s) c
        WHERE grid_code IS NOT NULL AND status = ANY(%L::text[])
        GROUP BY grid_code HAVING sum(n) <> 0 OR sum(n * overdue::int) <> 0 ORDER BY grid_code
        ON CONFLICT (grid_code) DO UPDATE SET open_cases = g.open_cases + excluded.open_cases,
                                              overdue_cases = g.overdue_cases + excluded.overdue_cases
        $sql$, changes, TG_ARGV[0]);
    RETURN NULL;
END $$;
"""


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
    _open_counts()


def _open_counts() -> None:
    """Open and overdue cases per grid, filled from the cases there are and kept by triggers from now on."""
    op.execute("CREATE TABLE grid_open_counts (grid_code varchar(15) PRIMARY KEY, open_cases integer NOT NULL DEFAULT 0, "
               "overdue_cases integer NOT NULL DEFAULT 0)")
    # tiles sum the grids of an area by code prefix: byte-wise ranges need the pattern operator class
    op.execute("CREATE INDEX ix_grid_open_counts_open ON grid_open_counts (grid_code varchar_pattern_ops) "
               "WHERE open_cases > 0")
    op.execute(OPEN_COUNTS)
    statuses = "{" + ",".join(OPEN) + "}"
    op.execute(f"INSERT INTO grid_open_counts SELECT grid_code, count(*), count(*) FILTER (WHERE overdue) FROM cases "
               f"WHERE grid_code IS NOT NULL AND status = ANY('{statuses}') GROUP BY grid_code")
    for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                          ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
        op.execute(f"CREATE TRIGGER cases_open_counts_{event.lower()} AFTER {event} ON cases REFERENCING {tables} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION wangge_open_counts('{statuses}')")
    op.execute("CREATE FUNCTION wangge_open_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN TRUNCATE grid_open_counts; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER cases_open_counts_truncate AFTER TRUNCATE ON cases "
               "FOR EACH STATEMENT EXECUTE FUNCTION wangge_open_counts_truncate()")


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
    op.execute("DROP TABLE grid_open_counts")
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
    for function in ("wangge_case_partition(date)", "wangge_case_exists()", "wangge_case_removed()",
                     "wangge_open_counts()", "wangge_open_counts_truncate()"):
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
