"""/healthz, /readyz and /metrics, and the request id every response carries."""

import json
import logging

import pytest

from project.logging import JsonFormatter, RequestIdFilter, request_id_var
from project.metrics import failure_reason_kind
from tests.desk import desk_build


def test_healthz_answers_without_touching_the_database(client):
    # No database fixture: a query here would raise "Database access not allowed".
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


@pytest.mark.django_db
def test_readyz_names_the_missing_broker_and_answers_503(client, settings, tmp_path):
    # A broker URL where nothing listens: the test process has no broker of its own.
    settings.CELERY_BROKER_URL = f"redis+socket://{tmp_path / 'none.sock'}"
    from project.health import broker_client

    broker_client.cache_clear()
    try:
        response = client.get("/readyz")
    finally:
        broker_client.cache_clear()
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["migrations"] == {"ok": True}
    assert checks["broker"]["ok"] is False
    assert checks["worker"] == {"ok": False, "detail": "no broker"}
    assert response.json()["ready"] is False


@pytest.mark.django_db
def test_metrics_are_not_found_from_an_address_off_the_allow_list(client, settings):
    settings.FACTDESK_METRICS_ALLOW = ["127.0.0.1"]
    settings.FACTDESK_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


@pytest.mark.django_db
def test_metrics_open_to_the_token_and_count_claims_by_status(client, settings, roles):
    settings.FACTDESK_METRICS_ALLOW = []
    settings.FACTDESK_METRICS_TOKEN = "s3cret-scrape-token"
    desk_build()
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.get("/api/v1/facts/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert 'factdesk_claims{status="published"} 1.0' in lines
    assert 'factdesk_claims{status="needs_review"} 1.0' in lines
    assert 'factdesk_claims{status="draft"} 1.0' in lines
    assert any(
        line.startswith('factdesk_http_requests_total{method="GET",status="200",view="fact-list"}')
        for line in lines
    )
    assert any(line.startswith("factdesk_review_oldest_waiting_seconds ") for line in lines)
    assert 'factdesk_webhook_deliveries{status="pending"} 0.0' in lines
    assert "factdesk_library_factchecks 0.0" in lines


@pytest.mark.django_db
def test_metrics_allow_a_network_on_the_allow_list(client, settings):
    settings.FACTDESK_METRICS_ALLOW = ["10.1.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_every_response_has_a_request_id_and_a_sane_given_one_is_kept(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="a b\r\nSet-Cookie: x")["X-Request-ID"]
    assert forged != "a b\r\nSet-Cookie: x" and len(forged) == 32


def test_json_log_lines_carry_the_request_id_and_the_extras():
    record = logging.LogRecord("factdesk.request", logging.INFO, __file__, 1, "GET /x", (), None)
    record.status = 200
    token = request_id_var.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (line["request_id"], line["status"], line["message"]) == ("req-42", 200, "GET /x")
    assert line["time"].endswith("Z")


def test_source_failure_reasons_fall_into_a_few_kinds():
    assert failure_reason_kind("The connection timed out after 10 s.") == "timeout"
    assert failure_reason_kind("Refused: 10.0.0.1 is a private address.") == "refused_address"
    assert failure_reason_kind("Something odd happened.") == "other"
