"""The claim pages show published facts that already checked the same words."""

import pytest

from annotations import services as annotation_services
from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from tests.texts import utf16_units as units
from verification.facts.services import fact_publish
from verification.review.services import review_record

pytestmark = pytest.mark.django_db

CHECKED = "The harbour bridge in Valmora cost 58 million euros"


@pytest.fixture
def published_fact(annotator, reviewer, publisher):
    article = ArticleFactory(text=f"Report. {CHECKED}. More later.")
    claim = claim_create(article=article, user=annotator, exact=CHECKED)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
    return fact_publish(claim=claim, publisher=publisher)


def test_the_claim_add_page_from_a_selection_names_the_fact_already_checked(
    client, annotator, published_fact
):
    text = "Mayor: the harbour bridge in Valmora cost 58 million euros, they say."
    article = annotation_services.article_create(title="Follow-up", text=text, user=annotator)
    start = text.index("the harbour")
    end = text.index(", they")
    client.force_login(annotator)
    page = client.get(
        f"/admin/annotations/claim/add/?article={article.pk}&start={units(text[:start])}"
        f"&end={units(text[:end])}&text_version={article.text_version}"
    ).content.decode()
    assert 'id="fd-already-checked"' in page
    assert "False</span> — The harbour bridge in Valmora cost 58 million euros" in page
    assert f"/admin/annotations/claim/{published_fact.claim_id}/review/" in page
    assert "% match" in page


def test_the_claim_change_page_shows_the_match_but_not_its_own_fact(
    client, annotator, published_fact
):
    article = ArticleFactory(text="Again: the harbour bridge in Valmora cost 58 million euros.")
    claim = claim_create(
        article=article, user=annotator, exact="the harbour bridge in Valmora cost 58 million euros"
    )
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/claim/{claim.pk}/change/").content.decode()
    assert f"fact {published_fact.pk})" in page
    own = client.get(f"/admin/annotations/claim/{published_fact.claim_id}/change/")
    assert 'id="fd-already-checked"' not in own.content.decode()


def test_unrelated_claims_show_no_already_checked_box(client, annotator, published_fact):
    article = ArticleFactory(text="Tuition fees at Orlin university rose by 12 percent.")
    claim = claim_create(article=article, user=annotator, exact="Tuition fees at Orlin university")
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/claim/{claim.pk}/change/").content.decode()
    assert 'id="fd-already-checked"' not in page
