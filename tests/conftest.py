"""Shared fixtures: personas for the role matrix, and the rule for tests needing real services.

A test marked `postgres`, `redis` or `browser` runs when that service is reachable and is
skipped with a one-line reason otherwise, unless FACTDESK_REQUIRE_SERVICES=1 (as in CI), where a
missing service fails the test instead.
"""

import ipaddress
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from functools import cache

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory, UserFactory
from tests.local_site import LocalSite, running
from tests.texts import ARTICLE_TEXT

CHROMIUM = os.environ.get("FACTDESK_CHROMIUM", "/usr/bin/chromium")


def _require_services() -> bool:
    return os.environ.get("FACTDESK_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


@cache
def _redis_problem() -> str | None:
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at REDIS_URL does not answer: {error}"
    return None


@cache
def _postgres_problem() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL is not a PostgreSQL database"
    return None


@cache
def _browser_problem() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    return None


_CHECKS = {"redis": _redis_problem, "postgres": _postgres_problem, "browser": _browser_problem}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, check in _CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        problem = check()
        if problem is None:
            continue
        if _require_services():
            pytest.fail(f"FACTDESK_REQUIRE_SERVICES=1 but {problem}", pytrace=False)
        pytest.skip(problem)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test users' passwords cheaply; the production hasher is the slow one by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Start and leave each test in the default language: a request activates the reader's
    language in the thread (as it does for every request in production), and services called
    directly afterwards would otherwise speak it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def roles(db):
    from annotations.core.roles import roles_ensure

    roles_ensure()


@pytest.fixture
def annotator(roles):
    return UserFactory(username="annie", groups=["annotator"])


@pytest.fixture
def reviewer(roles):
    return UserFactory(username="rita", groups=["reviewer"])


@pytest.fixture
def second_reviewer(roles):
    return UserFactory(username="rob", groups=["reviewer"])


@pytest.fixture
def publisher(roles):
    return UserFactory(username="paul", groups=["publisher"])


@pytest.fixture
def reviewer_publisher(roles):
    return UserFactory(username="vera", groups=["reviewer", "publisher"])


@pytest.fixture
def outsider(roles):
    return UserFactory(username="otto", groups=[])


@pytest.fixture
def waiting_claim(annotator):
    """A claim submitted and waiting in the review queue (status needs_review), with no check."""
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    return claim


@pytest.fixture
def api_as() -> Callable[..., APIClient]:
    """Make an API client signed in as the given user (anonymous without one)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def api_token_as() -> Callable[..., APIClient]:
    """Make an API client that sends the given user's token, as an API consumer does."""

    def client_for(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def article_id(annotator, api_token_as) -> int:
    """An article (tests/texts.py: ARTICLE_TEXT) made through the API by the annotator."""
    response = api_token_as(annotator).post(
        "/api/v1/articles/", {"title": "Arms deal", "text": ARTICLE_TEXT}, format="json"
    )
    assert response.status_code == 201, response.data
    return response.data["id"]


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """A real HTTP server on 127.0.0.1 whose routes a test sets."""
    with running(LocalSite()) as local:
        yield local


@pytest.fixture(autouse=True)
def connect_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every outgoing connect and stop any that would leave the machine.

    If the SSRF guard regressed, a test asking for 10.0.0.5 must fail here, before a packet is
    sent, rather than probe someone else's network.
    """
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: object) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            real_connect(sock, address)
            return
        host = str(address[0])
        attempts.append(host)
        try:
            ip = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            raise AssertionError(f"test connected to a name, not an address: {host}") from None
        if not (ip.is_loopback or ip.is_unspecified):
            raise AssertionError(f"test tried to connect off the machine, to {host}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempts
