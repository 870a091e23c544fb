"""A fact's JSON is declared once (FactSerializer) and rendered fast from rows with those fields."""

import json

import pytest
from rest_framework import serializers

from annotations.models import Tag
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification import selectors
from verification.facts.rows import RowSerializer
from verification.facts.serializers import FactSerializer, fact_dicts
from verification.facts.services import fact_publish, fact_retract
from verification.review.services import review_record

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver/api/v1/facts/"


@pytest.fixture
def fact_rows(claim_in_review, annotator, reviewer, publisher, reviewer_publisher):
    """Two facts' rows with their extras: one with evidence, tags and a dated article, one
    retracted without evidence."""
    claim, _snapshot = claim_in_review
    claim.tags.add(Tag.objects.create(name="budget"), Tag.objects.create(name="bridges"))
    article = claim.article
    article.published_at = article.created_at
    article.save()
    review_record(claim=claim, reviewer=reviewer, verdict="mostly_true", rationale="Close.")
    fact_publish(claim=claim, publisher=publisher)

    other = claim_create(article=ArticleFactory(), user=annotator, exact="The mayor said")
    for status, actor in (("submitted", annotator), ("needs_review", None)):
        claim_transition(claim=other, to_status=status, actor=actor)
    review_record(claim=other, reviewer=reviewer, verdict="unverifiable", rationale="Unclear.")
    retracted = fact_publish(claim=other, publisher=publisher)
    fact_retract(fact=retracted, user=reviewer_publisher, reason="Wrong article.\n")

    rows = list(selectors.fact_rows().order_by("id"))
    tags, evidence = selectors.fact_rows_extras(rows)
    return rows, tags, evidence


def test_the_fast_rendering_is_what_drf_renders_from_the_declared_fields(fact_rows, monkeypatch):
    rows, tags, evidence = fact_rows
    fast = fact_dicts(rows, tags=tags, evidence=evidence, base_url=BASE_URL)

    # DRF's own walk over the same declared fields, nested serializers included.
    monkeypatch.setattr(
        RowSerializer, "to_representation", serializers.Serializer.to_representation
    )
    walked = FactSerializer(rows, many=True).data

    assert json.dumps(fast) == json.dumps(walked)
    with_evidence, retracted = fast
    assert [e["rank"] for e in with_evidence["evidence"]] == [1, 2]
    assert with_evidence["tags"] == ["bridges", "budget"]
    assert with_evidence["article"]["published_at"].endswith("Z")
    assert with_evidence["rating_value"] == 4
    assert (retracted["status"], retracted["rating_value"], retracted["evidence"]) == (
        "retracted",
        None,
        [],
    )
    assert retracted["links"]["claimreview"] == f"{BASE_URL}{retracted['id']}/claimreview/"


def test_every_declared_field_is_in_the_json_in_its_order(fact_rows):
    rows, tags, evidence = fact_rows
    fact = fact_dicts(rows, tags=tags, evidence=evidence, base_url=BASE_URL)[0]

    assert list(fact) == list(FactSerializer().fields)
    assert list(fact["article"]) == list(FactSerializer().fields["article"].fields)
    assert list(fact["evidence"][0]) == list(FactSerializer().fields["evidence"].child.fields)


def test_a_field_declared_on_the_serializer_is_rendered_from_its_row_key(fact_rows):
    class FactWithStatus(FactSerializer):
        claim_status = serializers.CharField()

    rows, tags, evidence = fact_rows
    fact_dicts(rows, tags=tags, evidence=evidence, base_url=BASE_URL)

    fact = FactWithStatus.row_renderer()(rows[0])

    assert fact["claim_status"] == "published"
    assert list(fact)[-1] == "claim_status"


def test_a_field_without_a_row_rendering_is_refused_when_the_plan_is_made():
    class WithAmount(RowSerializer):
        amount = serializers.DecimalField(max_digits=5, decimal_places=2)

    class WithDottedSource(RowSerializer):
        title = serializers.CharField(source="article.title")

    with pytest.raises(TypeError, match=r"WithAmount\.amount: DecimalField has no row rendering"):
        WithAmount.row_renderer()
    with pytest.raises(TypeError, match=r"WithDottedSource\.title: source 'article\.title'"):
        WithDottedSource.row_renderer()
