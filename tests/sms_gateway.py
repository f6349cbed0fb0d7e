"""A stand-in 政务短信平台 on localhost for the webhook SMS sender (geo/residents/sms.py): a real HTTP server that
keeps every request it gets and answers with `status`."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer


class Gateway(BaseHTTPRequestHandler):
    """Keeps each request's headers and body; answers `status` (400 for a phone in `refused`)."""

    received: list = []
    status = 200
    refused: set = set()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(400 if json.loads(body)["phone"] in self.refused else self.status)
        self.end_headers()

    def log_message(self, *args):
        pass

    @classmethod
    def last_code(cls) -> str:
        """The 6-digit code of the last text received."""
        sent = json.loads(cls.received[-1][1])["text"]
        return sent.split("验证码为 ")[1][:6] if "验证码为 " in sent else sent.split("code is ")[1][:6]


@contextmanager
def running_gateway():
    """(the Gateway class, its URL) while a server runs on a free port."""
    Gateway.received, Gateway.status, Gateway.refused = [], 200, set()
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Gateway, f"http://127.0.0.1:{server.server_port}/sms"
    finally:
        server.shutdown()
