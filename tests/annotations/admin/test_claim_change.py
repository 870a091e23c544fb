"""Changing a claim in the admin: a draft's words can be edited, a submitted claim's cannot."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim
from annotations.services import claim_create
from tests.desk import desk_build
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
