"""Who may call what: every endpoint against anonymous, outsider and each role."""

import pytest
from rest_framework.test import APIClient

from tests.desk import desk_build

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "annotator", "reviewer", "publisher")
EVERYONE = set(PERSONAS)
STAFF = {"annotator", "reviewer", "publisher"}

# (method, path with {placeholders} from Desk, body, personas allowed past authorisation)
MATRIX = [
    ("get", "/api/v1/", None, EVERYONE),
    ("get", "/api/v1/facts/", None, EVERYONE),
    ("get", "/api/v1/facts/{fact}/", None, EVERYONE),
    ("get", "/api/v1/facts/{fact}/claimreview/", None, EVERYONE),
    ("get", "/api/v1/facts/{fact}/annotation/", None, EVERYONE),
    ("post", "/api/v1/facts/match/", {"text": "bridge cost"}, EVERYONE),
    ("get", "/api/v1/facts/export.jsonl", None, EVERYONE),
    ("get", "/api/v1/facts/export.csv", None, EVERYONE),
    ("get", "/api/v1/articles/", None, STAFF),
    ("post", "/api/v1/articles/", {"title": "T", "text": "Some text."}, {"annotator"}),
    ("post", "/api/v1/articles/import/", {"url": "http://10.0.0.5/a"}, {"annotator"}),
    ("get", "/api/v1/articles/{article}/", None, STAFF),
    ("patch", "/api/v1/articles/{article}/", {"title": "New title"}, {"annotator"}),
    ("get", "/api/v1/claims/", None, STAFF),
    (
        "post",
        "/api/v1/claims/",
        {"article": "{article}", "selector": [{"type": "TextQuoteSelector", "exact": "Critics"}]},
        {"annotator"},
    ),
    ("get", "/api/v1/claims/{draft}/", None, STAFF),
    # The desk's draft was marked by another annotator: only a reviewer may delete it.
    ("delete", "/api/v1/claims/{draft}/", None, {"reviewer"}),
    ("get", "/api/v1/claims/{draft}/annotation/", None, STAFF),
    ("get", "/api/v1/claims/{draft}/sources/", None, STAFF),
    (
        "post",
        "/api/v1/claims/{draft}/sources/",
        {"title": "Notes", "text": "Pasted."},
        {"annotator"},
    ),
    ("post", "/api/v1/sources/{source}/retry/", None, {"annotator"}),
    ("get", "/api/v1/snapshots/{snapshot}/", None, STAFF),
    ("post", "/api/v1/claims/{draft}/submit/", None, {"annotator"}),
    ("get", "/api/v1/claims/{waiting}/checks/", None, STAFF),
    ("post", "/api/v1/claims/{waiting}/checks/", None, {"annotator", "reviewer"}),
    ("get", "/api/v1/queue/", None, {"reviewer"}),
    ("post", "/api/v1/queue/next/", None, {"reviewer"}),
    ("post", "/api/v1/claims/{waiting}/release/", None, {"reviewer"}),
    (
        "post",
        "/api/v1/claims/{waiting}/review/",
        {"verdict": "true", "rationale": "Ok."},
        {"reviewer"},
    ),
    ("post", "/api/v1/claims/{reviewed}/publish/", None, {"publisher"}),
    ("post", "/api/v1/facts/{fact}/retract/", {"reason": "Wrong."}, {"publisher"}),
]


def _fill(value, ids: dict):
    if isinstance(value, str):
        return int(value.format(**ids)) if value.startswith("{") else value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), MATRIX, ids=[f"{m.upper()} {p}" for m, p, _, _ in MATRIX]
)
def test_every_endpoint_admits_exactly_its_roles(
    request, persona, method, path, body, allowed, roles, django_capture_on_commit_callbacks
):
    ids = desk_build().__dict__
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(client, method)(path.format(**ids), _fill(body, ids), format="json")
    if persona in allowed:
        assert response.status_code not in (401, 403), (response.status_code, response.content)
        assert response.status_code < 500
    else:
        assert response.status_code in (401, 403), (response.status_code, response.content)


def test_anonymous_reading_can_be_switched_off(settings, roles):
    settings.FACTDESK_PUBLIC_API = False
    ids = desk_build().__dict__
    for path in ("/api/v1/facts/", f"/api/v1/facts/{ids['fact']}/", "/api/v1/facts/export.csv"):
        assert APIClient().get(path).status_code == 401
