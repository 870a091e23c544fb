"""Prometheus metrics at /metrics, and the middleware that times and logs every request.

Two kinds of figures:
- Requests (count by view, method and status; latency by view and method) are counted in the
  web processes. Under gunicorn each worker process writes its own file under
  PROMETHEUS_MULTIPROC_DIR (set in project/gunicorn_conf.py) and a scrape sums them.
- The desk's state (claims by status, the oldest claim waiting for review, check runs by
  outcome with their durations, failed sources by reason, the broker's queue length) is read
  from the database and the broker at scrape time, so it is right whichever machine ran the
  workers and survives restarts. It costs a handful of aggregate queries per scrape.

/metrics is closed by default: it answers `Authorization: Bearer <FACTDESK_METRICS_TOKEN>` or a
client address in FACTDESK_METRICS_ALLOW (addresses or networks), and 404 to anyone else.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from datetime import timedelta

import redis
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from project.logging import request_id_new, request_id_var

request_logger = logging.getLogger("factdesk.request")

REQUESTS = Counter(
    "factdesk_http_requests_total",
    "HTTP requests answered, by view, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "factdesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by view and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RUN_DURATION_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
# Only the methods HTTP defines become label values; anything else is counted as "other".
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def request_middleware(get_response):
    """Give the request an id, time it, count it, and log one line about it."""

    def middleware(request):
        request_id = request_id_new(request.headers.get("X-Request-ID"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = get_response(request)
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            # The route's name, not the path: bounded label values (ids are not in it).
            view = (match.view_name or match._func_path) if match else "unmatched"
            method = request.method if request.method in _METHODS else "other"
            REQUESTS.labels(view, method, str(response.status_code)).inc()
            LATENCY.labels(view, method).observe(elapsed)
            request_logger.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "view": view,
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(token)

    return middleware


# --- The desk's state, read at scrape time --------------------------------------------------

# A failed source's reason is free text; these words sort it into a few label values.
_FAILURE_REASONS = (
    ("refused_address", ("not allowed", "refused", "private", "loopback", "blocked")),
    ("timeout", ("timed out", "timeout", "deadline")),
    ("too_large", ("too large", "over the limit", "bytes")),
    ("content_type", ("content type", "content-type", "not text", "not a text")),
    ("http_status", ("http ", "status", "404", "410", "403", "500")),
    ("connection", ("connect", "resolve", "dns", "name or service", "ssl", "tls")),
)


def failure_reason_kind(reason: str) -> str:
    lowered = reason.lower()
    for kind, words in _FAILURE_REASONS:
        if any(word in lowered for word in words):
            return kind
    return "other"


class DeskCollector:
    """Claims, check runs, sources and the broker queue, as they are now."""

    def collect(self):
        try:
            yield from self._from_database()
        except DatabaseError as error:
            logging.getLogger(__name__).warning("Metrics: database unavailable: %s", error)
        yield from self._from_broker()

    def _from_database(self):
        from annotations.models import Claim, ClaimStatus, Source, SourceState
        from verification.models import CheckRun, CheckRunStatus

        claims = GaugeMetricFamily(
            "factdesk_claims", "Claims by lifecycle status.", labels=["status"]
        )
        counts = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
        for status in ClaimStatus.values:
            claims.add_metric([status], counts.get(status, 0))
        yield claims

        oldest = Claim.objects.filter(status=ClaimStatus.NEEDS_REVIEW).aggregate(
            at=Min("status_changed_at")
        )["at"]
        yield GaugeMetricFamily(
            "factdesk_review_oldest_waiting_seconds",
            "Age of the oldest claim waiting for review (0 when none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )

        runs = GaugeMetricFamily(
            "factdesk_check_runs", "Check runs by status (their outcome once finished).",
            labels=["status"],
        )
        run_counts = dict(CheckRun.objects.values_list("status").annotate(n=Count("id")))
        for status in CheckRunStatus.values:
            runs.add_metric([status], run_counts.get(status, 0))
        yield runs
        yield self._run_durations(CheckRun, CheckRunStatus)

        failures = GaugeMetricFamily(
            "factdesk_source_fetch_failures",
            "Sources whose last fetch failed, by kind of reason.",
            labels=["reason"],
        )
        by_kind: dict[str, int] = {}
        failed = Source.objects.filter(state=SourceState.FAILED)
        for reason, n in failed.values_list("failure_reason").annotate(n=Count("id")):
            kind = failure_reason_kind(reason)
            by_kind[kind] = by_kind.get(kind, 0) + n
        for kind, n in sorted(by_kind.items()):
            failures.add_metric([kind], n)
        yield failures
        yield from self._imports_and_webhooks()

    def _imports_and_webhooks(self):
        from verification.library.models import FactCheck
        from verification.webhooks.models import Delivery, DeliveryStatus

        deliveries = GaugeMetricFamily(
            "factdesk_webhook_deliveries",
            "Webhook deliveries by status (failed: every try used).",
            labels=["status"],
        )
        counts = dict(Delivery.objects.values_list("status").annotate(n=Count("id")))
        for status in DeliveryStatus.values:
            deliveries.add_metric([status], counts.get(status, 0))
        yield deliveries
        yield GaugeMetricFamily(
            "factdesk_library_factchecks",
            "Fact-checks of other outlets imported into the matching library.",
            value=FactCheck.objects.count(),
        )
        yield from self._library_snapshot()

    def _library_snapshot(self):
        from verification.library.snapshots import snapshot_status

        status = snapshot_status()
        yield GaugeMetricFamily(
            "factdesk_library_snapshot_vectors",
            "Vectors in the library's HNSW snapshot (0: none, the library is searched exactly).",
            value=status["vectors"],
        )
        yield GaugeMetricFamily(
            "factdesk_library_snapshot_built_timestamp_seconds",
            "When the library's HNSW snapshot was built (Unix time; 0: never).",
            value=status["built_at"],
        )
        checked = GaugeMetricFamily(
            "factdesk_library_snapshot_checked_timestamp_seconds",
            "When beat last looked at the snapshot, labelled with what it did "
            "(built, skipped, failed).",
            labels=["outcome"],
        )
        if status["outcome"]:
            checked.add_metric([status["outcome"]], status["checked_at"])
        yield checked

    def _run_durations(self, CheckRun, CheckRunStatus):  # noqa: N803 - model classes
        histogram = HistogramMetricFamily(
            "factdesk_check_run_duration_seconds",
            "Time from start to finish of finished check runs, by outcome.",
            labels=["outcome"],
        )
        duration = ExpressionWrapper(
            F("finished_at") - F("started_at"), output_field=DurationField()
        )
        finished = CheckRun.objects.filter(
            finished_at__isnull=False, started_at__isnull=False
        ).annotate(duration=duration)
        aggregates = {
            f"le_{i}": Count("pk", filter=Q(duration__lte=timedelta(seconds=bound)))
            for i, bound in enumerate(RUN_DURATION_BUCKETS)
        }
        for outcome in (CheckRunStatus.SUCCEEDED, CheckRunStatus.FAILED):
            row = finished.filter(status=outcome).aggregate(
                total=Count("pk"), seconds=Sum("duration"), **aggregates
            )
            buckets = [
                (str(bound), row[f"le_{i}"]) for i, bound in enumerate(RUN_DURATION_BUCKETS)
            ]
            buckets.append(("+Inf", row["total"]))
            total_seconds = row["seconds"].total_seconds() if row["seconds"] else 0.0
            histogram.add_metric([outcome], buckets, total_seconds)
        return histogram

    def _from_broker(self):
        from project.health import broker_client

        queue = GaugeMetricFamily(
            "factdesk_broker_queue_length",
            "Messages waiting in the broker's queue (not yet taken by a worker).",
            labels=["queue"],
        )
        try:
            client = broker_client()
            # kombu's Redis transport keeps one list per priority step of a queue.
            keys = ["celery"] + [f"celery\x06\x16{step}" for step in (3, 6, 9)]
            queue.add_metric(["celery"], sum(client.llen(key) for key in keys))
        except redis.RedisError as error:
            logging.getLogger(__name__).warning("Metrics: broker unavailable: %s", error)
            return
        yield queue


_DESK = DeskCollector()


def _allowed(request) -> bool:
    token = settings.FACTDESK_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.FACTDESK_METRICS_ALLOW:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics_view(request) -> HttpResponse:
    if not _allowed(request):
        # Not 403: to the world there is nothing here.
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_RegistryProxy())
    registry.register(_DESK)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class _RegistryProxy:
    """This process's own metrics (single-process mode: runserver, tests)."""

    def collect(self):
        yield from REGISTRY.collect()
