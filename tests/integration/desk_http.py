"""A whole desk (`python -m project.stack run`) in a temporary folder, and an API client for it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests import paths
from tests.integration.processes import free_port

ROOT = paths.ROOT
READY = "Ctrl-C stops everything"
STARTED = re.compile(r"started (.+?) \(pid (\d+)\)")


class Desk:
    """`make run`'s stack on the embedded default, its output in a log file."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.log = data_dir / "stack.log"
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env = base | {
            "FACTDESK_DATA_DIR": str(data_dir),
            "FACTDESK_ADDRESS": f"127.0.0.1:{self.port}",
            "FACTDESK_STANCE_MODEL": "0",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.token = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, seconds: float = 180) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "project.stack", "run"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + seconds
        while READY not in self.output():
            assert self.process.poll() is None, self.output()[-3000:]
            assert time.monotonic() < deadline, "the stack did not start in time"
            time.sleep(0.3)
        assert self.wait_ready(seconds), self.get("/readyz")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self, name: str) -> list[int]:
        return [int(pid) for part, pid in STARTED.findall(self.output()) if part == name]

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        for _, pid in STARTED.findall(self.output()):
            try:
                os.killpg(int(pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return self.process.returncode

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    def sign_in(self, username: str = "demo") -> None:
        out = self.manage("drf_create_token", username)
        self.token = re.search(r"[0-9a-f]{40}", out).group(0)

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ):
        """(status, parsed JSON or text, headers) of one request."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers or {}
        )
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), error.headers
        try:
            content = json.loads(raw) if raw else None
        except ValueError:
            content = raw.decode(errors="replace")
        return status, content, headers

    def get(self, path: str):
        return self.request("GET", path)

    def wait_ready(self, seconds: float = 120) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self.get("/readyz")[0] == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    def claim_with_source(self, words: str) -> int:
        """A new article with one claim on `words` and one pasted source: ready to submit."""
        text = f"The minister said {words} at noon on Tuesday."
        body = {"title": words, "text": text}
        status, article, _ = self.request("POST", "/api/v1/articles/", body)
        assert status == 201, article
        selector = [{"type": "TextQuoteSelector", "exact": words}]
        status, claim, _ = self.request(
            "POST", "/api/v1/claims/", {"article": article["id"], "selector": selector}
        )
        assert status == 201, claim
        status, source, _ = self.request(
            "POST",
            f"/api/v1/claims/{claim['id']}/sources/",
            {"title": "Ministry statement", "text": f"The ministry confirmed that {words}."},
        )
        assert status == 201, source
        return claim["id"]

    def claim_status(self, claim_id: int) -> str:
        return self.get(f"/api/v1/claims/{claim_id}/")[1]["status"]

    def wait_for_status(self, claim_ids: list[int], status: str, seconds: float = 120) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            now = {claim_id: self.claim_status(claim_id) for claim_id in claim_ids}
            if all(value == status for value in now.values()) or time.monotonic() > deadline:
                return now
            time.sleep(1)
