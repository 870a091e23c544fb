"""The exports say who chose each evidence passage, as the API does (`chosen_by`)."""

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from verification.facts.services import fact_publish
from verification.review.services import evidence_add, review_record

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_both_exports_say_which_passages_a_reviewer_chose(checked_claim, reviewer, publisher):  # noqa: F811
    run = checked_claim.check_runs.get()
    machine = run.evidence.order_by("rank").first()
    snapshot = machine.snapshot
    evidence_add(claim=checked_claim, snapshot=snapshot, start=0, end=10, user=reviewer)
    review_record(claim=checked_claim, reviewer=reviewer, verdict="false", rationale="Audit.")
    fact_publish(claim=checked_claim, publisher=publisher)
    client = APIClient()

    (record,) = [
        json.loads(line) for line in _body(client.get("/api/v1/facts/export.jsonl")).splitlines()
    ]
    chosen = [(e["start"], e["end"], e["chosen_by"]) for e in record["evidence"]]
    (row,) = csv.DictReader(io.StringIO(_body(client.get("/api/v1/facts/export.csv"))))

    assert chosen[0] == (0, 10, "reviewer")
    assert {who for _, _, who in chosen[1:]} == {"machine"}
    assert (machine.start, machine.end, "machine") in chosen
    assert row["evidence_chosen_by"] == " ".join(who for _, _, who in chosen)
