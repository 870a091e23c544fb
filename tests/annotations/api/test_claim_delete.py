"""A draft claim marked by mistake can be deleted by its creator or a reviewer, nothing later."""

import pytest

from annotations.models import Claim, ClaimStatus, Source
from annotations.services import claim_create, claim_transition, source_add_text
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(annotator):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Critics said")
    source_add_text(claim=claim, title="Minutes", text="Critics said so.", user=annotator)
    return claim


def test_the_annotator_who_marked_a_draft_deletes_it(api_as, draft, annotator):
    response = api_as(annotator).delete(f"/api/v1/claims/{draft.pk}/")

    assert response.status_code == 204
    assert not Claim.objects.filter(pk=draft.pk).exists()
    # Cited by this draft alone, its source would be an orphan: it goes too (another claim's
    # sources stay: tests/annotations/test_claim_delete_guards.py).
    assert not Source.objects.exists()


def test_a_reviewer_deletes_someone_elses_draft(api_as, draft, reviewer):
    assert api_as(reviewer).delete(f"/api/v1/claims/{draft.pk}/").status_code == 204
    assert not Claim.objects.filter(pk=draft.pk).exists()


def test_another_annotator_cannot_delete_a_draft_they_did_not_mark(api_as, draft, roles):
    colleague = UserFactory(username="carl", groups=["annotator"])

    response = api_as(colleague).delete(f"/api/v1/claims/{draft.pk}/")

    assert response.status_code == 403
    assert "annotator who marked this claim, or a reviewer" in response.json()["detail"]
    assert Claim.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("persona", ["publisher", "outsider"])
def test_publishers_and_outsiders_cannot_delete_drafts(api_as, request, draft, persona):
    user = request.getfixturevalue(persona)
    assert api_as(user).delete(f"/api/v1/claims/{draft.pk}/").status_code == 403
    assert Claim.objects.filter(pk=draft.pk).exists()


def test_a_submitted_claim_keeps_its_history_and_is_a_409(api_as, draft, annotator):
    claim_transition(claim=draft, to_status=ClaimStatus.SUBMITTED, actor=annotator)

    response = api_as(annotator).delete(f"/api/v1/claims/{draft.pk}/")

    assert response.status_code == 409
    assert "keeps its history" in response.json()["detail"]
    assert Claim.objects.get(pk=draft.pk).transitions.count() == 1
