"""The embedded PostGIS cluster: a private PostgreSQL instance the project owns, on a free loopback port.

PostgreSQL refuses to run as root, so when we are root every server command runs as the
`postgres` system user (created by Debian's postgresql-common) and the data directory belongs to it.
"""

import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from geo.core.errors import ClusterError
from geo.core.private_files import write_private

SERVER_USER = "postgres"
# The service's own role: it owns its database's schema and nothing else, and is no superuser, so a flaw in the
# service cannot read the server's files, run programs or reach other databases. Only the cluster itself (init,
# extensions, databases, replicas) uses the superuser.
SERVICE_ROLE = "wangge"
REDACT = re.compile(r"(password=)\S+")


def find_bindir() -> Path:
    """The newest PostgreSQL bin directory whose share directory has PostGIS."""
    override = os.environ.get("WANGGE_PG_BINDIR")
    if override:
        return Path(override)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for bindir in reversed(candidates):
        version = Path(bindir).parent.name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return Path(bindir)
    raise ClusterError(
        "No PostgreSQL with PostGIS found. Install it with "
        "`apt-get install postgresql-15-postgis-3` (make setup does this as root), "
        "or point DATABASE_URL at an existing PostGIS."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    """Whether something already listens on 127.0.0.1:port."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _as_root() -> bool:
    return os.geteuid() == 0


def _run(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
    """Run a server command, as the postgres user when we are root."""
    if _as_root():
        args = ["runuser", "-u", SERVER_USER, "--", *args]
    proc = subprocess.run(args, capture_output=True, text=True)
    if check and proc.returncode != 0:  # never a password in the message: a conninfo may be among the arguments
        raise ClusterError(REDACT.sub(r"\1***", f"{' '.join(args)} failed:\n{proc.stdout}{proc.stderr}"))
    return proc


def _server_can_reach(path: Path) -> bool:
    """Whether the postgres user can enter `path` (every ancestor needs search permission)."""
    if not _as_root():
        return True
    return _run(["test", "-x", str(path)], check=False).returncode == 0


@dataclass
class Cluster:
    """A PostgreSQL cluster whose state (port, password, data directory) is kept in `home`."""

    home: Path
    fast: bool = False  # fsync off: for throwaway test clusters only

    @property
    def state_file(self) -> Path:
        return self.home / "cluster.json"

    def state(self) -> dict:
        """The saved state; empty when the cluster was never initialised."""
        if not self.state_file.exists():
            return {}
        return json.loads(self.state_file.read_text())

    def _save(self, state: dict) -> None:
        write_private(self.state_file, json.dumps(state, indent=2))  # it holds the passwords

    def _choose_data_dir(self) -> Path:
        """`home/pgdata`, or a directory under /var/tmp when the postgres user cannot reach `home`."""
        self.home.mkdir(parents=True, exist_ok=True)
        if _server_can_reach(self.home):
            return self.home / "pgdata"
        digest = hashlib.sha1(str(self.home.resolve()).encode()).hexdigest()[:12]
        outside = Path("/var/tmp") / f"wangge-{digest}"
        outside.mkdir(mode=0o755, exist_ok=True)
        return outside / "pgdata"

    @property
    def data_dir(self) -> Path:
        return Path(self.state()["data_dir"])

    def initialised(self) -> bool:
        st = self.state()
        return bool(st) and (Path(st["data_dir"]) / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the cluster with a random superuser password and loopback-only access."""
        bindir = find_bindir()
        data_dir = self._choose_data_dir()
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(mode=0o700, parents=True)
        password = secrets.token_hex(16)
        with tempfile.NamedTemporaryFile("w", delete=False, dir=data_dir.parent, prefix="pw") as f:
            f.write(password + "\n")
        pwfile = Path(f.name)
        try:
            if _as_root():
                shutil.chown(data_dir, SERVER_USER, SERVER_USER)
                shutil.chown(pwfile, SERVER_USER, SERVER_USER)
            _run([str(bindir / "initdb"), "-D", str(data_dir), "-U", "postgres", f"--pwfile={pwfile}",
                  "-E", "UTF8", "--no-locale", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256"])
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_conf(data_dir)
        self._save({"data_dir": str(data_dir), "bindir": str(bindir), "port": free_port(), "password": password,
                    "service_password": secrets.token_hex(16)})

    def init_replica(self, primary: "Cluster") -> None:
        """Make this cluster a streaming replica of the running `primary` (pg_basebackup -R), on its own port."""
        source = primary.state()
        bindir = Path(source["bindir"])
        data_dir = self._choose_data_dir()
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(mode=0o700, parents=True)
        if _as_root():
            shutil.chown(data_dir, SERVER_USER, SERVER_USER)
        conninfo = f"host=127.0.0.1 port={source['port']} user=postgres password={source['password']}"
        _run([str(bindir / "pg_basebackup"), "-D", str(data_dir), "-d", conninfo, "-R", "-X", "stream", "-c", "fast"])
        self._save({"data_dir": str(data_dir), "bindir": str(bindir), "port": free_port(),
                    "password": source["password"], "service_password": source["service_password"],
                    "replica_of": source["port"]})

    def _write_conf(self, data_dir: Path) -> None:
        lines = [
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",  # no socket in /var/run: we may not own it
            "max_connections = 100",
            "shared_buffers = 256MB",
            "logging_collector = on",
            "log_directory = 'log'",
        ]
        if self.fast:
            lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        conf = "\n# wangge\n" + "\n".join(lines) + "\n"
        with open(data_dir / "postgresql.conf", "a") as f:
            f.write(conf)

    def running(self) -> bool:
        """Whether the server of this cluster is up."""
        if not self.initialised():
            return False
        st = self.state()
        proc = _run([str(Path(st["bindir"]) / "pg_ctl"), "status", "-D", st["data_dir"]], check=False)
        return proc.returncode == 0

    def start(self) -> None:
        """Initialise when needed and start the server; a no-op when it already runs."""
        if not self.initialised():
            self.init()
        if self.running():
            return
        st = self.state()
        if port_in_use(st["port"]):
            st["port"] = free_port()
            self._save(st)
        _run([str(Path(st["bindir"]) / "pg_ctl"), "start", "-w", "-t", "60", "-D", st["data_dir"],
              "-o", f"-p {st['port']}", "-l", str(Path(st["data_dir"]) / "startup.log")])
        if "replica_of" not in st:  # a replica is read-only: the role comes to it from its primary
            self._ensure_service_role()

    def _ensure_service_role(self) -> None:
        """The service's role with the password of the state (made for clusters from before it had one)."""
        st = self.state()
        if "service_password" not in st:
            st["service_password"] = secrets.token_hex(16)
            self._save(st)
        with self._admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (SERVICE_ROLE,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                                 "PASSWORD {}").format(sql.Identifier(SERVICE_ROLE), sql.Literal(st["service_password"])))

    def stop(self) -> None:
        """Stop the server if it runs."""
        if self.running():
            st = self.state()
            _run([str(Path(st["bindir"]) / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", st["data_dir"]])

    def destroy(self) -> None:
        """Stop the server and delete its data (for throwaway clusters)."""
        if not self.state():
            return
        self.stop()
        data_dir = self.data_dir
        shutil.rmtree(data_dir, ignore_errors=True)
        if data_dir.parent != self.home:  # the /var/tmp fallback: remove our folder too
            shutil.rmtree(data_dir.parent, ignore_errors=True)
        self.state_file.unlink(missing_ok=True)

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of a database in this cluster, as the service's role."""
        st = self.state()
        if not st:
            raise ClusterError("The embedded cluster is not initialised: run `wangge db start`.")
        return f"postgresql+psycopg://{SERVICE_ROLE}:{st['service_password']}@127.0.0.1:{st['port']}/{dbname}"

    def admin_url(self, dbname: str) -> str:
        """SQLAlchemy URL of a database in this cluster as its superuser: for the cluster's own chores (and tests
        that pause a replica), never for the service."""
        st = self.state()
        return f"postgresql+psycopg://postgres:{st['password']}@127.0.0.1:{st['port']}/{dbname}"

    def _admin(self, dbname: str = "postgres") -> psycopg.Connection:
        st = self.state()
        return psycopg.connect(host="127.0.0.1", port=st["port"], user="postgres", password=st["password"],
                               dbname=dbname, autocommit=True)

    def ensure_database(self, dbname: str) -> None:
        """Create `dbname` when it does not exist, owned by the service's role, with PostGIS (which only a
        superuser may install); a database from before the service role is handed over to it."""
        with self._admin() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            verb = "ALTER DATABASE {} OWNER TO {}" if exists else "CREATE DATABASE {} OWNER {}"
            conn.execute(sql.SQL(verb).format(sql.Identifier(dbname), sql.Identifier(SERVICE_ROLE)))
        with self._admin(dbname) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(SERVICE_ROLE)))
            conn.execute(HAND_OVER.replace("{role}", SERVICE_ROLE))

    def drop_database(self, dbname: str) -> None:
        """Drop `dbname` if it exists, disconnecting its sessions."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


# The tables, views, sequences and functions of `public` that are not PostGIS's own (extension members) and
# belong to someone else (the superuser, before the service role existed) become the service role's.
HAND_OVER = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS name, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                  WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> '{role}'::regrole
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                             AND d.deptype IN ('e', 'a', 'i'))  -- PostGIS's, or a sequence its table brings along
           ORDER BY c.relkind = 'S'
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO {role}', r.kind, r.name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.proowner <> '{role}'::regrole
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                             AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO {role}', r.name);
  END LOOP;
END $$"""
