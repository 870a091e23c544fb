"""The source admin shows snapshots and retries failed fetches through the service."""

import pytest

from annotations.models import Source, SourceKind, SourceState
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from verification.archive import source_archive

pytestmark = pytest.mark.django_db


def _failed_source() -> Source:
    return Source.objects.create(
        kind=SourceKind.URL,
        url="https://example.org/gone",
        state=SourceState.FAILED,
        failure_reason="not found (HTTP 404)",
    )


def test_an_annotator_retries_a_failed_source_from_the_admin(
    client, annotator, django_capture_on_commit_callbacks
):
    source = _failed_source()
    client.force_login(annotator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/annotations/source/",
            {"action": "retry_fetch", "_selected_action": [source.pk]},
            follow=True,
        )
    assert "1 source(s) queued for another fetch." in response.content.decode()
    source.refresh_from_db()
    assert (source.state, source.failure_reason) == (SourceState.PENDING, "")
    assert len(callbacks) == 1


def test_a_reviewer_cannot_retry_sources(client, reviewer):
    source = _failed_source()
    client.force_login(reviewer)
    client.post(
        "/admin/annotations/source/", {"action": "retry_fetch", "_selected_action": [source.pk]}
    )
    source.refresh_from_db()
    assert source.state == SourceState.FAILED


def test_the_source_page_lists_its_snapshots(client, annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source = source_add_text(
        claim=claim, title="Minutes", text="Work began in 2021.", user=annotator
    )
    snapshot = source_archive(source=source)
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/source/{source.pk}/change/").content.decode()
    assert snapshot.sha256 in page
