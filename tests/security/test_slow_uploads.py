"""Slow senders: a planner holding many plan uploads open, a byte at a time, took every pooled connection (the
permission check had used one and kept it while the body came in), and every other client got 503 after 30 s."""

import socket
import time

import httpx

from tests.conftest import committed_city
from tests.security.processes import Server
from tests.security.test_accounts import log_in

SLOW = 12  # more than the server below has connections (WANGGE_THREADS 4 + 2)


def start_slow_upload(base: str, token: str) -> socket.socket:
    """A plan upload whose headers and first bytes arrive, and then nothing more for now."""
    host, port = base.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)))
    s.sendall((f"POST /api/v1/plans HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
               "Content-Type: multipart/form-data; boundary=BB\r\nContent-Length: 1000000\r\n\r\n"
               "--BB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.geojson\"\r\n\r\n{").encode())
    return s


def test_slow_uploads_hold_no_connection(cluster, tmp_path):
    with committed_city(cluster, "wangge_slow") as engine:
        server = Server(engine.url.render_as_string(hide_password=False), tmp_path, WANGGE_THREADS="4")
        server.start()
        held = []
        try:
            with httpx.Client(base_url=server.base, timeout=30) as c:
                token = log_in(c, "planner").json()["access_token"]
                command = {"Authorization": "Bearer " + log_in(c, "command").json()["access_token"]}
                held = [start_slow_upload(server.base, token) for _ in range(SLOW)]
                time.sleep(1)  # every upload past the permission check, waiting for its body
                start = time.monotonic()
                health = c.get("/api/v1/health")
                cases = c.get("/api/v1/cases", headers=command)
                waited = time.monotonic() - start
        finally:
            for s in held:
                s.close()
            server.stop()
    assert health.status_code == 200 and cases.status_code == 200, (health.text, cases.text)
    assert waited < 10, f"{waited:.1f} s: the pool's 30 s timeout would mean the uploads held the connections"


def _answer(sock) -> str:
    """Everything the server sends until it closes or its error code has come (the headers and the body may arrive
    in separate packets, so one recv is not enough under load)."""
    received = b""
    while b"too_slow" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.decode()


def test_a_body_slower_than_the_limit_is_refused(cluster, tmp_path):
    with committed_city(cluster, "wangge_slow_body") as engine:
        server = Server(engine.url.render_as_string(hide_password=False), tmp_path, WANGGE_BODY_SECONDS="2")
        server.start()
        try:
            with httpx.Client(base_url=server.base, timeout=30) as c:
                token = log_in(c, "planner").json()["access_token"]
            s = start_slow_upload(server.base, token)
            s.settimeout(20)
            start = time.monotonic()
            answer = _answer(s)
            s.close()
        finally:
            server.stop()
    assert answer.startswith("HTTP/1.1 408") and "too_slow" in answer and time.monotonic() - start < 15
