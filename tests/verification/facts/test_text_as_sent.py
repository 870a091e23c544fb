"""What is sent is what is stored, on the facts' side: the exports give the claim text and quote
as stored; a verdict's rationale and a retraction reason come back as written."""

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from annotations.models import Claim
from tests.texts import AWKWARD, canonical

pytestmark = pytest.mark.django_db


def test_the_exports_give_the_claim_text_and_quote_as_stored(
    annotator, reviewer, publisher, api_token_as
):
    from annotations.models import ClaimStatus
    from annotations.services import claim_transition
    from verification.facts.services import fact_publish
    from verification.review.services import review_record

    client = api_token_as(annotator)
    article = client.post(
        "/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json"
    ).data["id"]
    claim_id = client.post(
        "/api/v1/claims/",
        {
            "article": article,
            "selector": [{"type": "TextPositionSelector", "start": 0, "end": 12}],
            "text": " The mayor said so.\t",
        },
        format="json",
    ).data["id"]
    claim = Claim.objects.get(pk=claim_id)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=claim, reviewer=reviewer, verdict="true", rationale="Minutes.")
    fact_publish(claim=claim, publisher=publisher)
    lines = b"".join(APIClient().get("/api/v1/facts/export.jsonl").streaming_content)
    (record,) = [json.loads(line) for line in lines.decode().splitlines()]
    assert (record["claim"], record["quote"]) == (" The mayor said so.\t", "  \tThe mayor")
    body = b"".join(APIClient().get("/api/v1/facts/export.csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert (row["claim"], row["quote"]) == (" The mayor said so.\t", "  \tThe mayor")


def test_a_verdicts_rationale_and_a_retraction_reason_are_kept_as_written(
    roles, reviewer, publisher, api_token_as
):
    from tests.desk import desk_build
    from verification.models import Fact, Review

    ids = desk_build()
    rationale = "  The minutes\u00a0say 58.\r\nCafe\u0301 owners agree.\t"
    reviewed = api_token_as(reviewer).post(
        f"/api/v1/claims/{ids.waiting}/review/",
        {"verdict": "false", "rationale": rationale},
        format="json",
    )
    assert reviewed.status_code == 201, reviewed.data
    assert reviewed.data["rationale"] == canonical(rationale)
    assert Review.objects.get(claim_id=ids.waiting).rationale == canonical(rationale)

    reason = " The audit was withdrawn.\r\n"
    retracted = api_token_as(publisher).post(
        f"/api/v1/facts/{ids.fact}/retract/", {"reason": reason}, format="json"
    )
    assert retracted.status_code == 200, retracted.data
    assert Fact.objects.get(pk=ids.fact).retraction_reason == canonical(reason)
