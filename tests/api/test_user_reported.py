"""Regressions found by a new user trying the product."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create
from tests.api.desk import desk_build
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_submitted_claims_wording_cannot_be_changed_in_the_admin(client, roles, annotator):
    ids = desk_build()
    client.force_login(annotator)
    claim = Claim.objects.get(fact__id=ids.fact)
    response = client.post(
        f"/admin/annotations/claim/{claim.pk}/change/",
        {
            "text": "Something nobody reviewed.",
            "speaker": "",
            "kind": "other",
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302  # the form is valid: the wording is simply read-only
    claim.refresh_from_db()
    assert claim.text == "two years late"
    assert APIClient().get(f"/api/v1/facts/{ids.fact}/").json()["claim"] == "two years late"


def test_a_draft_claims_wording_can_still_be_edited(client, annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client.force_login(annotator)
    response = client.post(
        f"/admin/annotations/claim/{claim.pk}/change/",
        {
            "text": "Work on the bridge began in 2019.",
            "speaker": "",
            "kind": "event",
            "transitions-TOTAL_FORMS": 0,
            "transitions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.kind) == ("Work on the bridge began in 2019.", "event")


def test_a_request_body_over_the_limit_is_a_413_in_json(annotator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.post("/api/v1/articles/", {"title": "Big", "text": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert "FACTDESK_MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_a_claim_without_sources_is_refused_at_submit(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.post(f"/api/v1/claims/{claim.pk}/submit/")
    assert response.status_code == 400
    assert "no sources" in str(response.json()["sources"])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_rechecking_a_published_claim_is_a_409_with_a_message(roles, reviewer):
    ids = desk_build()
    client = APIClient()
    client.force_authenticate(reviewer)
    claim = Claim.objects.get(fact__id=ids.fact)
    response = client.post(f"/api/v1/claims/{claim.pk}/checks/")
    assert response.status_code == 409
    assert response.json()["detail"] == "A published claim cannot be re-checked."


def test_claimreview_names_no_private_url_for_an_article_without_one(roles):
    ids = desk_build()
    document = APIClient().get(f"/api/v1/facts/{ids.fact}/claimreview/").json()
    appearance = document["itemReviewed"]["appearance"]
    assert "url" not in appearance
    assert appearance["headline"]
