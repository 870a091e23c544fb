"""The reviewers' and publishers' admin pages: the queue, the review page, the work lists."""

import pytest

from annotations.models import ClaimStatus
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.workflow.conftest import SOURCE_TEXT, finish_with
from verification import services
from verification.models import ReviewLease

pytestmark = pytest.mark.django_db

QUEUE = "/admin/annotations/claim/queue/"


@pytest.fixture
def other_checked_claim(annotator, checked_claim):
    """A second claim waiting in the queue, in another article, behind `checked_claim`."""
    from verification.archive import source_archive

    claim = claim_create(
        article=ArticleFactory(title="Second article"),
        user=annotator,
        exact="the bridge cost 56 million euros",
        text="The bridge cost 56 million euros, again.",
    )
    source = source_add_text(claim=claim, title="Audit report", text=SOURCE_TEXT, user=annotator)
    source_archive(source=source)
    finish_with(services.claim_submit(claim=claim, user=annotator))
    claim.refresh_from_db()
    return claim


def test_take_next_takes_the_next_claim_within_the_queue_filters(
    client, reviewer, checked_claim, other_checked_claim
):
    client.force_login(reviewer)
    page = client.get(f"{QUEUE}?article={other_checked_claim.article_id}").content.decode()
    assert f'<input type="hidden" name="article" value="{other_checked_claim.article_id}">' in page

    response = client.post(QUEUE + "take-next/", {"article": other_checked_claim.article_id})

    assert response.url == f"/admin/annotations/claim/{other_checked_claim.pk}/review/"
    assert ReviewLease.objects.get().claim_id == other_checked_claim.pk
    other_checked_claim.refresh_from_db()
    assert other_checked_claim.status == ClaimStatus.IN_REVIEW


def test_take_next_with_filters_matching_nothing_says_so_and_keeps_the_filters(
    client, reviewer, checked_claim
):
    client.force_login(reviewer)

    response = client.post(QUEUE + "take-next/", {"kind": "quote"}, follow=True)

    assert "No claim waiting for review matches these filters." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?kind=quote")
    assert not ReviewLease.objects.exists()
