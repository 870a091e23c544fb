"""Load tools for bench_api.py: a gunicorn it starts and stops, wrk, and a fixed-rate client.

wrk measures the maximum rate (closed loop). For latency at a given load wrk is the wrong tool
(it waits for each answer before sending the next request, so a slow answer hides the requests
that would have queued behind it); `fixed_rate` sends on a schedule and measures each request
from the moment it was due, so a stall shows in the percentiles.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 with `workers` sync workers, stopped (with its workers) on exit."""

    def __init__(self, env: dict[str, str], *, workers: int = 2) -> None:
        self.port = free_port()
        self.command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "project.wsgi:application",
            f"--workers={workers}",
            f"--bind={HOST}:{self.port}",
            # The export streams for longer than the 30 s default, which would kill the worker.
            "--timeout=600",
            "--log-level=warning",
        ]
        self.env = os.environ | env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _ = request("GET", self.port, "/api/v1/facts/?page_size=1")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def workers(self) -> list[int]:
        """The worker pids: the children of the gunicorn master."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)


def memory_kib(pid: int, key: str = "VmRSS") -> int:
    """A /proc/<pid>/status figure in KiB: VmRSS now, or VmHWM, the peak since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


def request(
    method: str, port: int, path: str, body: bytes | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class WrkResult:
    command: str
    requests_per_second: float
    latency_ms: dict[str, float]
    requests: int
    errors: str
    output: str = field(repr=False)
    # Answers that were not 2xx (wrk counts 3xx with them) and socket errors (connect, read,
    # write, timeout): either means the rate is not a rate of served requests.
    non_2xx: int = 0
    socket_errors: int = 0

    @property
    def clean(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == 0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, *, seconds: int, connections: int, threads: int = 2, script: Path | None = None
) -> WrkResult:
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    if script:
        command.append(f"--script={script}")
    command.append(url)
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return wrk_parse(output, shlex.join(command))


def wrk_parse(output: str, command: str) -> WrkResult:
    """Read wrk's report: rate, latency percentiles, and every answer that was not a 2xx."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    total = int(re.search(r"(\d+) requests in", output)[1])
    latency = {
        f"p{p}": float(v) * _UNITS[u]
        for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    errors = "; ".join(
        line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        command,
        rate,
        latency,
        total,
        errors or "none",
        output,
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


@dataclass
class RateResult:
    rate: float
    seconds: float
    sent: int
    statuses: dict[int, int]
    latencies_ms: list[float]

    @property
    def not_2xx(self) -> int:
        """Answers outside 200-299, and requests that got no answer (status 0)."""
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def fixed_rate(
    port: int,
    requests: list[tuple[str, str, bytes | None]],
    *,
    rate: float,
    seconds: float,
    clients: int = 32,
) -> RateResult:
    """Send `rate` requests a second for `seconds`, cycling through `requests`.

    Each latency counts from when the request was due, not from when a client got round to
    sending it (no coordinated omission). Clients keep their connection alive.
    """
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while (index := next(counter)) < total:
            due = start + index / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            method, path, body = requests[index % len(requests)]
            headers = {"Content-Type": "application/json"} if body is not None else {}
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return RateResult(rate, seconds, total, statuses, latencies)
