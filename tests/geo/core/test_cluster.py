"""The embedded cluster: init, start, status, stop, restart on its saved port, as root or not."""

import os
from pathlib import Path

import psycopg

from geo.core.cluster import Cluster


def test_lifecycle(tmp_path):
    cluster = Cluster(tmp_path / "home", fast=True)
    assert not cluster.running()
    cluster.start()
    try:
        assert cluster.running()
        cluster.ensure_database("lifecycle")
        url = cluster.url("lifecycle").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
            assert conn.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
                                ).fetchone() == ("wangge", False)
        cluster.stop()
        assert not cluster.running()
        cluster.start()  # a second start reuses the data and the password
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert (cluster.state_file.stat().st_mode & 0o777) == 0o600
    finally:
        cluster.destroy()
    assert not cluster.state_file.exists()


def test_data_outside_an_unreachable_home(tmp_path):
    """As root, a home the postgres user cannot enter (a 700 folder) puts the data under /var/tmp."""
    home = tmp_path / "private" / "home"
    home.mkdir(parents=True)
    (tmp_path / "private").chmod(0o700)
    cluster = Cluster(home, fast=True)
    cluster.start()
    try:
        outside = cluster.data_dir.parent
        assert cluster.running()
        assert (outside.parent == Path("/var/tmp")) == (os.geteuid() == 0)
    finally:
        cluster.destroy()
    assert outside == home or not outside.exists()


def test_refuses_passwordless_connections(tmp_path):
    cluster = Cluster(tmp_path / "home", fast=True)
    cluster.start()
    try:
        st = cluster.state()
        try:
            psycopg.connect(host="127.0.0.1", port=st["port"], user="postgres", password="wrong", dbname="postgres")
        except psycopg.OperationalError as exc:
            assert "password authentication failed" in str(exc)
        else:
            raise AssertionError("a wrong password was accepted")
    finally:
        cluster.destroy()


def test_the_service_role_owns_its_database_and_nothing_more(tmp_path):
    """The service connects as `wangge`: no superuser, owner of its schema; a database made before the role
    existed (tables of the superuser's) is handed over to it, PostGIS's own objects excepted."""
    cluster = Cluster(tmp_path / "home", fast=True)
    cluster.start()
    try:
        st = cluster.state()
        admin = dict(host="127.0.0.1", port=st["port"], user="postgres", password=st["password"], autocommit=True)
        with psycopg.connect(**admin, dbname="postgres") as conn:
            conn.execute("CREATE DATABASE old")
        with psycopg.connect(**admin, dbname="old") as conn:
            conn.execute("CREATE EXTENSION postgis")
            conn.execute("CREATE TABLE cases (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)")
            conn.execute("CREATE VIEW open_cases AS SELECT * FROM cases")
            conn.execute("CREATE FUNCTION two() RETURNS int LANGUAGE sql AS 'SELECT 2'")
        cluster.ensure_database("old")
        with psycopg.connect(cluster.url("old").replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
            owners = dict(conn.execute("SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
                                       "WHERE c.relname IN ('cases', 'open_cases', 'cases_id_seq', 'spatial_ref_sys')"))
            assert owners == {"cases": "wangge", "open_cases": "wangge", "cases_id_seq": "wangge",
                              "spatial_ref_sys": "postgres"}
            conn.execute("INSERT INTO cases (note) VALUES ('x')")
            assert conn.execute("SELECT two()").fetchone() == (2,)
            for forbidden in ("COPY cases FROM '/etc/passwd'", "CREATE DATABASE other", "ALTER ROLE wangge SUPERUSER",
                              "SELECT pg_read_file('postgresql.conf')"):
                try:
                    conn.execute(forbidden)
                except psycopg.errors.InsufficientPrivilege:
                    pass
                else:
                    raise AssertionError(f"the service role may {forbidden}")
    finally:
        cluster.destroy()
