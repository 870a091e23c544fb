"""Every way of adding or changing a source goes through source_save: one fetch queued, after
commit, and the same permission checks (API, claim admin, source admin)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from annotations.models import Source, SourceKind, SourceState
from annotations.services import claim_create
from tests.factories import ArticleFactory
from tests.verification.admin_pages import add_source
from verification import enqueue
from verification.sources.services import source_save

pytestmark = pytest.mark.django_db

ARTICLE = "The mayor said the bridge cost 56 million euros. Critics disagreed."


class Broker:
    """Stands in for the Celery broker (the one thing that leaves the machine); records sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list]] = []

    def send_task(self, name, args=(), **options) -> None:
        self.sent.append((name, list(args)))

    def fetches(self) -> list[int]:
        return [args[0] for name, args in self.sent if name == enqueue.SOURCE_FETCH]


@pytest.fixture
def broker(monkeypatch) -> Broker:
    recording = Broker()
    monkeypatch.setattr(enqueue, "current_app", recording)
    return recording


@pytest.fixture
def article():
    return ArticleFactory(text=ARTICLE)


@pytest.fixture
def claim(annotator, article):
    return claim_create(article=article, user=annotator, exact="the bridge cost 56")


def test_a_source_added_through_the_api_is_fetched_once_after_commit(
    annotator, claim, broker, django_capture_on_commit_callbacks
):
    api = APIClient()
    api.force_authenticate(annotator)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/claims/{claim.pk}/sources/", {"url": "https://example.org/r"}, format="json"
        )
        assert broker.sent == []  # nothing before the transaction commits

    assert response.status_code == 201, response.content
    assert broker.fetches() == [response.json()["id"]]


def test_a_source_given_with_a_new_claim_in_the_admin_is_fetched_once(
    client, annotator, article, broker, django_capture_on_commit_callbacks
):
    client.force_login(annotator)
    start = ARTICLE.index("Critics")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/annotations/claim/add/",
            {
                "article": article.pk,
                "start": start,
                "end": start + len("Critics disagreed"),
                "text_version": article.text_version,
                "text": "",
                "speaker": "",
                "kind": "statistic",
                "tag_names": "",
                "source_url": "https://example.org/critics",
                "source_title": "",
                "source_text": "",
            },
        )

    assert response.status_code == 302, response.content.decode()
    source = Source.objects.get()
    assert source.url == "https://example.org/critics"
    assert broker.fetches() == [source.pk]


def test_a_source_added_in_the_source_admin_is_fetched_once_with_every_claim_attached(
    client, annotator, article, claim, broker, django_capture_on_commit_callbacks
):
    other = claim_create(article=article, user=annotator, exact="Critics disagreed")
    client.force_login(annotator)
    with django_capture_on_commit_callbacks(execute=True):
        response = add_source(
            client, {"title": "Minutes", "text": "It cost 58.", "claims": [claim.pk, other.pk]}
        )

    assert response.status_code == 302, response.content.decode()
    source = Source.objects.get()
    assert (source.kind, source.created_by) == (SourceKind.TEXT, annotator)
    assert set(source.claims.values_list("pk", flat=True)) == {claim.pk, other.pk}
    assert broker.fetches() == [source.pk]


def _change(client, source, **data):
    form = client.get(f"/admin/annotations/source/{source.pk}/change/")
    management = {}
    for inline in form.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    fields = {"kind": source.kind, "title": source.title, "url": source.url, "text": source.text}
    claims = list(source.claims.values_list("pk", flat=True))
    return client.post(
        f"/admin/annotations/source/{source.pk}/change/",
        {**fields, "claims": claims, **management, **data},
    )


def test_a_new_address_in_the_source_admin_is_fetched_again_and_a_new_title_is_not(
    client, annotator, claim, broker, django_capture_on_commit_callbacks
):
    source = Source.objects.create(
        kind=SourceKind.URL,
        url="https://example.org/old",
        state=SourceState.FAILED,
        failure_reason="not found (HTTP 404)",
    )
    source.claims.add(claim)
    client.force_login(annotator)

    with django_capture_on_commit_callbacks(execute=True):
        renamed = _change(client, source, title="Audit")
    assert renamed.status_code == 302, renamed.content.decode()
    assert broker.fetches() == []

    with django_capture_on_commit_callbacks(execute=True):
        moved = _change(client, source, title="Audit", url="https://example.org/new")
    assert moved.status_code == 302, moved.content.decode()
    source.refresh_from_db()
    assert (source.url, source.title, source.state, source.failure_reason) == (
        "https://example.org/new",
        "Audit",
        SourceState.PENDING,
        "",
    )
    assert broker.fetches() == [source.pk]


def test_a_source_changed_to_an_internal_address_is_refused_by_the_service(annotator, claim):
    source = Source.objects.create(kind=SourceKind.URL, url="https://example.org/r")

    with pytest.raises(ValidationError, match="internal"):
        source_save(claims=[claim], user=annotator, source=source, url="http://10.0.0.5/admin")

    source.refresh_from_db()
    assert source.url == "https://example.org/r"


def test_people_without_the_source_permissions_can_neither_add_nor_change(
    client, reviewer, claim, broker, django_capture_on_commit_callbacks
):
    source = Source.objects.create(kind=SourceKind.URL, url="https://example.org/r")
    api = APIClient()
    api.force_authenticate(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        refused = api.post(
            f"/api/v1/claims/{claim.pk}/sources/", {"url": "https://example.org/x"}, format="json"
        )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied, match="permission to add sources"):
        source_save(claims=[claim], user=reviewer, url="https://example.org/z")
    with pytest.raises(PermissionDenied, match="permission to change sources"):
        source_save(claims=[claim], user=reviewer, source=source, url="https://example.org/y")
    client.force_login(reviewer)
    assert client.get("/admin/annotations/source/add/").status_code == 403
    source.refresh_from_db()
    assert source.url == "https://example.org/r"
    assert Source.objects.count() == 1 and broker.fetches() == []
