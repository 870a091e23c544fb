"""Bulk exports of facts and the filters of the facts list."""

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from annotations.services import article_update_text
from tests.desk import desk_build
from verification.models import Fact

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_jsonl_export_has_one_parsable_line_per_fact(roles):
    desk_build(facts=7)
    response = APIClient().get("/api/v1/facts/export.jsonl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    records = [json.loads(line) for line in _body(response).splitlines()]
    assert len(records) == 7
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert {r["verdict"] for r in records} == {"false"}


def test_the_csv_export_neutralises_spreadsheet_formulas(roles, annotator):
    ids = desk_build()
    from annotations.models import Claim

    Claim.objects.filter(fact__id=ids.fact).update(text='=HYPERLINK("http://evil")')
    response = APIClient().get("/api/v1/facts/export.csv")
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert len(rows) == 1
    assert rows[0]["claim"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("article", "abc"),
        ("verdict", "sort-of"),
        ("published_after", "yesterday"),
        ("source_domain", "exa mple.org/../"),
    ],
)
def test_a_malformed_fact_filter_is_a_400_naming_it(roles, param, value):
    response = APIClient().get("/api/v1/facts/", {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_fact_filters_narrow_the_list(roles):
    ids = desk_build(facts=3)
    client = APIClient()
    assert len(client.get("/api/v1/facts/", {"verdict": "false"}).json()["results"]) == 3
    assert client.get("/api/v1/facts/", {"verdict": "true"}).json()["results"] == []
    assert len(client.get("/api/v1/facts/", {"article": ids.article}).json()["results"]) == 3
    assert len(client.get("/api/v1/facts/", {"q": "two years late"}).json()["results"]) == 1


def test_both_exports_say_when_a_fact_changed_and_whether_it_is_under_review(roles, annotator):
    ids = desk_build()
    fact = Fact.objects.select_related("claim__article").get(pk=ids.fact)
    article_update_text(article=fact.claim.article, text="A wholly new text.", user=annotator)
    fact.refresh_from_db()
    client = APIClient()
    (record,) = [
        json.loads(line) for line in _body(client.get("/api/v1/facts/export.jsonl")).splitlines()
    ]
    assert record["under_review"] is True
    assert record["updated_at"] == fact.updated_at.isoformat()
    (row,) = csv.DictReader(io.StringIO(_body(client.get("/api/v1/facts/export.csv"))))
    assert (row["under_review"], row["updated_at"]) == ("true", fact.updated_at.isoformat())
    assert row["status"] == "published"
