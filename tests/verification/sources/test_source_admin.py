"""The source admin shows snapshots and retries failed fetches through the service."""

import pytest

from annotations.models import Source, SourceKind, SourceState
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from verification.sources.archive import source_archive

pytestmark = pytest.mark.django_db


def _published_claim(annotator, reviewer, publisher):
    from annotations.models import ClaimStatus
    from annotations.services import claim_transition
    from verification.facts.services import fact_publish
    from verification.review.services import review_record

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="the bridge cost 56")
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
    fact_publish(claim=claim, publisher=publisher)
    return claim


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
    assert "1 source queued for another fetch." in response.content.decode()
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


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"url": "https://example.org/report"}, "url"),
        ({"title": "Minutes", "text": "It cost 56 million."}, "text"),
    ],
)
def test_a_source_added_from_a_claim_takes_its_kind_from_what_was_filled_in(
    client, annotator, data, kind
):
    from tests.verification.admin_pages import add_source

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="the bridge cost 56")
    client.force_login(annotator)
    form = client.get(f"/admin/annotations/source/add/?claims={claim.pk}").content.decode()
    assert f'<option value="{claim.pk}" selected>' in form

    response = add_source(client, {**data, "claims": claim.pk}, f"?claims={claim.pk}")

    assert response.status_code == 302, response.content.decode()
    assert claim.sources.get().kind == kind


def test_a_source_with_nothing_filled_in_asks_for_an_address_a_file_or_text(client, annotator):
    from tests.verification.admin_pages import add_source

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="the bridge cost 56")
    client.force_login(annotator)

    response = add_source(client, {"title": "Nothing", "claims": claim.pk})

    assert "Give a web address, a file or pasted text." in response.content.decode()


def test_published_claims_offer_no_add_a_source(client, annotator, reviewer, publisher):
    claim = _published_claim(annotator, reviewer, publisher)
    client.force_login(annotator)

    page = client.get(f"/admin/annotations/claim/{claim.pk}/change/").content.decode()

    assert f"/admin/annotations/source/add/?claims={claim.pk}" not in page
    assert "Check again" not in page


def test_the_source_form_takes_one_of_address_file_or_text(client, annotator):
    from tests.verification.admin_pages import add_source

    claim = claim_create(article=ArticleFactory(), user=annotator, exact="the bridge cost 56")
    client.force_login(annotator)

    response = add_source(
        client,
        {"title": "Both", "url": "https://e.org/r", "text": "It cost 56.", "claims": claim.pk},
    )

    assert "Give one of a web address, a file or pasted text, not several" in (
        response.content.decode()
    )
    assert not claim.sources.exists()


def test_the_source_form_attaches_no_source_to_a_published_claim(
    client, annotator, reviewer, publisher
):
    from tests.verification.admin_pages import add_source

    claim = _published_claim(annotator, reviewer, publisher)
    client.force_login(annotator)

    response = add_source(client, {"title": "Late", "text": "It cost 57.", "claims": claim.pk})

    assert f"Claim {claim.pk}: This claim is published" in response.content.decode()
    assert not claim.sources.exists()
