"""The same words of an article are marked as one live claim, not two."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim, ClaimStatus
from annotations.services import ClaimAlreadyMarked, claim_create, claim_transition
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _post_claim(user, article, selector):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        "/api/v1/claims/", {"article": article.pk, "selector": selector}, format="json"
    )


def test_marking_the_same_words_again_is_a_409_naming_the_claim(annotator):
    article = ArticleFactory()
    first = _post_claim(annotator, article, [{"type": "TextQuoteSelector", "exact": "Critics"}])
    assert first.status_code == 201
    start = article.text.index("Critics")

    again = _post_claim(
        annotator, article, [{"type": "TextPositionSelector", "start": start, "end": start + 7}]
    )

    assert again.status_code == 409
    assert again.json()["detail"].startswith(f"Already marked as claim {first.json()['id']}")
    assert Claim.objects.count() == 1


def test_overlapping_words_and_other_articles_are_not_duplicates(annotator):
    article = ArticleFactory()
    claim_create(article=article, user=annotator, exact="Critics said")
    claim_create(article=article, user=annotator, exact="Critics said it cost")
    claim_create(article=ArticleFactory(), user=annotator, exact="Critics said")
    assert Claim.objects.count() == 3


def test_the_words_of_a_retracted_claim_can_be_marked_again(annotator):
    article = ArticleFactory()
    old = claim_create(article=article, user=annotator, exact="Critics said")
    Claim.objects.filter(pk=old.pk).update(status=ClaimStatus.RETRACTED)

    response = _post_claim(
        annotator, article, [{"type": "TextQuoteSelector", "exact": "Critics said"}]
    )

    assert response.status_code == 201


def test_a_claim_further_along_still_blocks_its_words(annotator):
    article = ArticleFactory()
    old = claim_create(article=article, user=annotator, exact="Critics said")
    claim_transition(claim=old, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    with pytest.raises(ClaimAlreadyMarked) as refused:
        claim_create(article=article, user=annotator, exact="Critics said")
    assert refused.value.claim == old
