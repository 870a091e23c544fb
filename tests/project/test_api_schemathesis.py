"""Schemathesis drives every operation of the committed schema in-process, authenticated.

No generated request may cause a server error, and every response must match the schema.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from project.wsgi import application
from tests import paths
from tests.desk import desk_build
from tests.factories import UserFactory

ROOT = paths.ROOT
schema = schemathesis.openapi.from_path(ROOT / "schema.yml")
schema.app = application


@pytest.fixture
def keep_test_connection():
    """Stop the WSGI handler closing the test's database connection after each request.

    Django's own test client does the same; schemathesis calls the real WSGI application.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(roles, keep_test_connection) -> str:
    from verification.demo.loader import DESK_ADMIN, desk_admin_ensure

    desk_build()
    desk_admin_ensure()  # the webhook endpoints are the desk admin's
    groups = ["annotator", "reviewer", "publisher", DESK_ADMIN]
    user = UserFactory(username="api-fuzzer", groups=groups)
    return Token.objects.get_or_create(user=user)[0].key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_request_breaks_the_server_or_the_schema(case, token):
    case.call_and_validate(
        base_url="http://localhost",
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
