"""Real processes for the durability tests: a uvicorn server that can be killed and started again, and the
PostgreSQL postmaster with its children killed by SIGKILL as a crash would."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from geo.core.cluster import Cluster, free_port

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """`uvicorn api.main:app` over DATABASE_URL `url`, on a port it keeps across restarts."""

    def __init__(self, url: str, home: Path, **env: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": url, "WANGGE_HOME": str(home), "WANGGE_TICK_SECONDS": "0", **env}
        self.proc: subprocess.Popen | None = None

    def start(self, log_file: Path | None = None, log_level: str = "warning") -> None:
        """Start the server (its log to `log_file`) and wait until it answers its health check."""
        out = log_file.open("a") if log_file else None
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(self.port),
                                      "--log-level", log_level], env=self.env, cwd=ROOT, stdout=out, stderr=out)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not come up")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, as a crash or the OOM killer would."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        """Stop gracefully (end of test)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def kill_postgres(cluster: Cluster) -> None:
    """SIGKILL the postmaster and every server process under it; the next start runs crash recovery."""
    pid_file = cluster.data_dir / "postmaster.pid"
    pid = int(pid_file.read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    victims = [pid, *map(int, children)]
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # The dead postmaster is a zombie until init reaps it, and pg_ctl takes a zombie's pid for a running server.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{v}").exists() for v in victims):
        time.sleep(0.1)
    if Path(f"/proc/{pid}").exists():  # an init that never reaps: the lock file names a dead server, as after a crash
        pid_file.unlink()
