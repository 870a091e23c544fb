"""A reviewer gives back a claim taken from the queue through the API."""

import pytest

from annotations.models import Claim, ClaimStatus
from tests.desk import desk_build
from verification.models import ReviewLease

pytestmark = pytest.mark.django_db


def test_a_reviewer_releases_a_taken_claim_and_another_reviewer_gets_it(
    api_as, roles, reviewer, second_reviewer
):
    ids = desk_build()
    taken = api_as(reviewer).post("/api/v1/queue/next/")
    assert taken.status_code == 200
    assert taken.json()["id"] == ids.waiting

    released = api_as(reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert released.status_code == 204
    assert not ReviewLease.objects.exists()
    assert Claim.objects.get(pk=ids.waiting).status == ClaimStatus.NEEDS_REVIEW
    assert api_as(second_reviewer).post("/api/v1/queue/next/").json()["id"] == ids.waiting


def test_releasing_someone_elses_claim_is_a_403_naming_the_holder(
    api_as, roles, reviewer, second_reviewer
):
    ids = desk_build()
    api_as(reviewer).post("/api/v1/queue/next/")

    response = api_as(second_reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("rita holds this claim until")
    assert ReviewLease.objects.get().reviewer == reviewer


def test_releasing_a_claim_nobody_took_is_a_409(api_as, roles, reviewer):
    ids = desk_build()

    response = api_as(reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert response.status_code == 409
    assert "You do not hold this claim" in response.json()["detail"]
    assert Claim.objects.get(pk=ids.waiting).status == ClaimStatus.NEEDS_REVIEW
