"""A reviewer gives back a claim taken from the queue through the API."""

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim, ClaimStatus
from tests.api.desk import desk_build
from verification.models import ReviewLease

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_reviewer_releases_a_taken_claim_and_another_reviewer_gets_it(
    roles, reviewer, second_reviewer
):
    ids = desk_build()
    taken = _client(reviewer).post("/api/v1/queue/next/")
    assert taken.status_code == 200
    assert taken.json()["id"] == ids.waiting

    released = _client(reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert released.status_code == 204
    assert not ReviewLease.objects.exists()
    assert Claim.objects.get(pk=ids.waiting).status == ClaimStatus.NEEDS_REVIEW
    assert _client(second_reviewer).post("/api/v1/queue/next/").json()["id"] == ids.waiting


def test_releasing_someone_elses_claim_is_a_403_naming_the_holder(roles, reviewer, second_reviewer):
    ids = desk_build()
    _client(reviewer).post("/api/v1/queue/next/")

    response = _client(second_reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("rita holds this claim until")
    assert ReviewLease.objects.get().reviewer == reviewer


def test_releasing_a_claim_nobody_took_is_a_409(roles, reviewer):
    ids = desk_build()

    response = _client(reviewer).post(f"/api/v1/claims/{ids.waiting}/release/")

    assert response.status_code == 409
    assert "You do not hold this claim" in response.json()["detail"]
    assert Claim.objects.get(pk=ids.waiting).status == ClaimStatus.NEEDS_REVIEW
