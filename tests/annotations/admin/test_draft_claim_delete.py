"""The admin's delete follows the claim delete rule: drafts only, by their creator or a reviewer."""

import pytest

from annotations.models import Claim, ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(annotator):
    return claim_create(article=ArticleFactory(), user=annotator, exact="Critics said")


def test_a_reviewer_may_delete_a_draft_in_the_admin_but_a_publisher_may_not(
    client, draft, reviewer, publisher
):
    client.force_login(publisher)
    assert (
        client.post(f"/admin/annotations/claim/{draft.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.force_login(reviewer)
    assert (
        client.post(f"/admin/annotations/claim/{draft.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Claim.objects.filter(pk=draft.pk).exists()


def test_the_admin_offers_delete_on_a_draft_to_its_annotator_and_deletes_it(
    client, draft, annotator
):
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/claim/{draft.pk}/change/")
    assert f"/admin/annotations/claim/{draft.pk}/delete/" in page.content.decode()

    response = client.post(f"/admin/annotations/claim/{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.filter(pk=draft.pk).exists()


def test_the_admin_refuses_to_delete_a_submitted_claim(client, draft, annotator):
    claim_transition(claim=draft, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    client.force_login(annotator)
    page = client.get(f"/admin/annotations/claim/{draft.pk}/change/")
    assert f"/admin/annotations/claim/{draft.pk}/delete/" not in page.content.decode()

    response = client.post(f"/admin/annotations/claim/{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Claim.objects.filter(pk=draft.pk).exists()


def test_the_admin_bulk_delete_takes_drafts_only(client, draft, annotator):
    submitted = claim_create(article=draft.article, user=annotator, exact="the bridge cost")
    claim_transition(claim=submitted, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    client.force_login(annotator)
    action = {"action": "delete_selected", "post": "yes", "_selected_action": [draft.pk]}

    client.post("/admin/annotations/claim/", action)
    refused = client.post(
        "/admin/annotations/claim/", action | {"_selected_action": [submitted.pk]}
    )

    assert not Claim.objects.filter(pk=draft.pk).exists()
    assert Claim.objects.filter(pk=submitted.pk).exists()
    assert refused.status_code == 403
