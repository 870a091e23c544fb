"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that checks what it is sent.

It verifies signatures with its own few lines (the README's), independent of the sender's code,
and remembers each webhook-id it accepted, as the Standard Webhooks spec asks receivers to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """Standard Webhooks verification, as a receiver writes it."""
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    for candidate in headers["webhook-signature"].split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(base64.b64decode(signature), expected):
            return True
    return False


class Receiver:
    """Answers each POST with the next scripted (status, body), then 200; records everything."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.script: deque[tuple[int, bytes]] = deque()
        self.requests: list[dict] = []  # every POST: headers, body, signature_ok
        self.accepted: dict[str, dict] = {}  # webhook-id -> parsed body, first copy only
        self.duplicates = 0
        self.lock = threading.Lock()
        self.hold = threading.Event()  # set by a test to make the next request wait
        self.holding = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if receiver.hold.is_set():
                    receiver.hold.clear()
                    receiver.holding.set()
                    receiver.release.wait(60)
                status, answer = receiver.answer(headers, body)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host_port}{path}"

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self.lock:
            ok = bool(self.secret) and verify(self.secret, headers, body)
            self.requests.append({"headers": headers, "body": body, "signature_ok": ok})
            if self.script:
                return self.script.popleft()
            if not ok:
                return 401, b"bad signature"
            msg_id = headers["webhook-id"]
            if msg_id in self.accepted:
                self.duplicates += 1
            else:
                self.accepted[msg_id] = json.loads(body)
            return 200, b"ok"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
