"""gunicorn settings for the web: `gunicorn -c python:project.gunicorn_conf project.wsgi`.

Read from the environment like the Django settings (see docs/deploy.md):
FACTDESK_ADDRESS (host:port, or unix:/path), FACTDESK_WEB_WORKERS, FACTDESK_WEB_THREADS,
FACTDESK_WEB_TIMEOUT_SECONDS. SIGTERM stops gracefully: no new connections, requests in
flight finish (up to graceful_timeout), then the workers exit.
"""

import os
import shutil
from pathlib import Path

from project.env import env_int, env_str

_BASE_DIR = Path(__file__).resolve().parent.parent
_DATA_DIR = Path(env_str("FACTDESK_DATA_DIR", str(_BASE_DIR / "var"))).resolve()

bind = [env_str("FACTDESK_ADDRESS", "127.0.0.1:8000")]
# Threads, not only processes: most of a request is waiting on the database, and each process
# holds a copy of the app (and the matching model). Two processes of four threads suit two cores.
workers = env_int("FACTDESK_WEB_WORKERS", 2, minimum=1)
threads = env_int("FACTDESK_WEB_THREADS", 4, minimum=1)
worker_class = "gthread"
timeout = env_int("FACTDESK_WEB_TIMEOUT_SECONDS", 60, minimum=5)
graceful_timeout = 20
keepalive = 5
# One line per request comes from project.metrics' middleware (with the request id).
accesslog = None
errorlog = "-"
# The control socket's default is one path per user ($HOME/.gunicorn): two desks on one machine
# would fight over it, and nothing here uses it.
control_socket_disable = True
# Trust X-Forwarded-* only from the reverse proxy on this machine.
forwarded_allow_ips = env_str("FACTDESK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Prometheus counters from every worker process are summed at scrape time from files here
# (prometheus_client's multiprocess mode); it must be set before prometheus_client is imported.
_METRICS_DIR = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_DATA_DIR / "prometheus-web"))
)


def on_starting(server) -> None:
    # Values of a previous run would be summed with this one's.
    shutil.rmtree(_METRICS_DIR, ignore_errors=True)
    _METRICS_DIR.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
