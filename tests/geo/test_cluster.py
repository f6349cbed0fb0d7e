"""The embedded cluster: init, start, status, stop, restart on its saved port, as root or not."""

import os
from pathlib import Path

import psycopg

from geo.cluster import Cluster


def test_lifecycle(tmp_path):
    cluster = Cluster(tmp_path / "home", fast=True)
    assert not cluster.running()
    cluster.start()
    try:
        assert cluster.running()
        cluster.ensure_database("lifecycle")
        url = cluster.url("lifecycle").replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(url) as conn:
            conn.execute("CREATE EXTENSION postgis")
            assert conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
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
