"""ClaimReview and JSON-LD details: escaped markup, organisation speakers, the first publication
date, no private URL."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim
from tests.desk import desk_build, fact_words_edit

pytestmark = pytest.mark.django_db


def test_json_ld_escapes_markup_so_it_can_sit_in_a_script_element(api_as, roles):
    import json

    from verification.models import Fact, Review

    ids = desk_build()
    rationale = "Minutes say 58 </script><script>alert(1)</script> & more"
    Review.objects.filter(pk=Fact.objects.get(pk=ids.fact).review_id).update(rationale=rationale)
    for path in (f"/api/v1/facts/{ids.fact}/claimreview/", f"/api/v1/facts/{ids.fact}/annotation/"):
        response = api_as().get(path, HTTP_ACCEPT="application/ld+json")
        assert response.status_code == 200
        body = response.content
        assert b"<" not in body and b">" not in body and b"&" not in body
        assert rationale in json.dumps(json.loads(body), ensure_ascii=False)


@pytest.mark.parametrize(
    ("speaker", "kind"),
    [
        ("Regional Insurance Federation", "Organization"),
        ("Ministry of Defence", "Organization"),
        ("Acme Ltd", "Organization"),
        ("Dmitry Peskov", "Person"),
        ("Bankole Adeyemi", "Person"),
    ],
)
def test_claimreview_types_an_organisation_speaker_as_an_organization(api_as, roles, speaker, kind):
    ids = desk_build()
    Claim.objects.filter(fact__id=ids.fact).update(speaker=speaker)
    document = api_as().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    assert document["itemReviewed"]["author"] == {"@type": kind, "name": speaker}


def test_republishing_keeps_the_first_publication_date(api_as, roles, annotator, publisher):
    from verification.facts.services import fact_publish
    from verification.models import Fact
    from verification.review.services import queue_take_next, review_record

    ids = desk_build()
    first = Fact.objects.get(pk=ids.fact)
    claim = fact_words_edit(api_as, annotator, ids, "two yeers late")
    assert claim.status == "needs_review"
    reviewer = claim.reviews.get().reviewer
    queue_take_next(reviewer=reviewer)
    review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="Still no.")
    fact_publish(claim=claim, publisher=publisher)
    fact = api_as().get(f"/api/v1/facts/{ids.fact}/").json()
    assert fact["published_at"] == first.published_at.isoformat().replace("+00:00", "Z")
    assert fact["updated_at"] > fact["published_at"]
    document = api_as().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    assert document["datePublished"] == first.published_at.date().isoformat()
    assert document["dateModified"] == Fact.objects.get(pk=ids.fact).updated_at.date().isoformat()


def test_claimreview_names_no_private_url_for_an_article_without_one(roles):
    ids = desk_build()
    document = APIClient().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    appearance = document["itemReviewed"]["appearance"]
    assert "url" not in appearance
    assert appearance["headline"]
