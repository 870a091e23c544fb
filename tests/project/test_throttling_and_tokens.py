"""The API's throttles answer 429 with Retry-After; tokens are made and revoked by commands."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

pytestmark = pytest.mark.django_db


def test_match_requests_beyond_the_rate_get_429_with_retry_after(roles, monkeypatch):
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"match": "2/min"})
    client = APIClient()
    statuses = [
        client.post("/api/v1/facts/match/", {"text": "bridge"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = client.post("/api/v1/facts/match/", {"text": "bridge"}, format="json")
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    cache.clear()


def test_a_token_is_created_and_revoked_with_management_commands(annotator, capsys):
    call_command("drf_create_token", annotator.username)
    key = Token.objects.get(user=annotator).key
    assert key in capsys.readouterr().out
    call_command("revoke_token", annotator.username)
    assert not Token.objects.filter(user=annotator).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/claims/").status_code == 401
