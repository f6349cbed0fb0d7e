"""The embedded cluster: init, start, status, stop, restart on its saved port, as root or not."""

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
