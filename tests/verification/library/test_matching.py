"""`POST facts/match/` over the library: desk facts and earlier fact-checks, kept in step."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests import paths
from tests.factories import ArticleFactory
from tests.integration.processes import database_url_of_test_db
from tests.verification.library.records import import_reviews as _import
from tests.verification.library.records import review as _review
from verification.facts.services import fact_retract
from verification.library import vectors
from verification.library.matching import library_match
from verification.library.models import FactVector

URL = "/api/v1/facts/match/"
REPO = paths.ROOT


def _results(text: str, **extra) -> list[dict]:
    response = APIClient().post(URL, {"text": text, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.django_db
def test_desk_facts_and_earlier_fact_checks_come_back_together_each_with_its_kind(publish):
    fact = publish("The harbour bridge in Valmora cost 58 million euros")
    _import(_review(1, "Valmora harbour bridge cost 58 million euros, says mayor", "Mostly false"))
    results = _results("Valmora harbour bridge cost 58 million euros", limit=5)
    assert {r["kind"] for r in results} == {"fact", "factcheck"}
    desk = next(r for r in results if r["kind"] == "fact")
    earlier = next(r for r in results if r["kind"] == "factcheck")
    assert desk["id"] == fact.pk
    assert desk["url"].endswith(f"/api/v1/facts/{fact.pk}/")
    assert (desk["verdict"], desk["publisher"]) == (
        "false",
        django_settings.FACTDESK_ORGANIZATION_NAME,
    )
    assert earlier == {
        "kind": "factcheck",
        "id": None,
        "score": earlier["score"],
        "claim": "Valmora harbour bridge cost 58 million euros, says mayor",
        "matched_text": "Headline 1",
        "shared_terms": [],
        "verdict": "Mostly false",
        "status": "published",
        "publisher": "Checks Weekly",
        "date": "2024-05-01",
        "url": "https://checks.example.org/1",
    }
    assert all(0 < r["score"] <= 1 for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


@pytest.mark.django_db
def test_unrelated_text_matches_nothing_in_the_library():
    _import(_review(1, "Tuition fees at Orlin university rose by 12 percent"))
    assert _results("Penguins migrate across the frozen archipelago every winter") == []


@pytest.mark.django_db
def test_a_retracted_fact_drops_out_of_an_index_loaded_before(publish, publisher):
    fact = publish("Diesel imports from Norvania fell to their lowest level since 1998")
    other = vectors.VectorIndex()  # another process's index, loaded before the retraction
    query = _vector("Norvania diesel imports lowest since 1998")
    assert (vectors.FACT, fact.pk) in [(kind, pk) for kind, pk, _ in other.search(query, limit=5)]
    fact_retract(fact=fact, user=publisher, reason="Wrong country.")
    assert FactVector.objects.get(fact=fact).live is False
    assert [pk for kind, pk, _ in other.search(query, limit=5) if kind == vectors.FACT] == []
    assert _results("Norvania diesel imports lowest since 1998") == []


@pytest.mark.django_db
def test_a_reimported_claim_moves_in_an_index_loaded_before():
    _import(_review(1, "Unemployment in Kestrel county doubled between 2019 and 2023"))
    other = vectors.VectorIndex()
    other.refresh(force=True)
    _import(_review(1, "Tuition fees at Orlin university rose by 12 percent"))
    [(kind, pk, score)] = other.search(_vector("Orlin tuition fees rose 12 percent"), limit=1)
    assert kind == vectors.FACTCHECK
    assert score > 0.5
    assert library_match("Kestrel unemployment doubled", min_score=0.3) == []


def _vector(text: str):
    from verification.library import encoding

    return encoding.encode([text])[0]


@pytest.mark.django_db
def test_the_match_costs_the_same_queries_for_a_small_or_a_larger_library(publish):
    publish("The harbour bridge in Valmora cost 58 million euros")
    _import(*[_review(n, f"Valmora harbour claim number {n}") for n in range(3)])
    _results("Valmora harbour bridge")  # loads this process's index

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _results("Valmora harbour bridge cost", limit=20)
        return len(queries)

    small = count()
    _import(*[_review(n, f"Valmora harbour claim number {n}") for n in range(3, 40)])
    publish("The Valmora harbour ferry cost 12 million euros")
    # The first match after a change also reads the changed vectors: one query per kind.
    assert count() == small + 2
    assert count() == small
    assert small <= 12


@pytest.mark.django_db
@pytest.mark.parametrize("public", [True, False])
def test_matching_follows_the_public_read_setting(settings, public, outsider):
    settings.FACTDESK_PUBLIC_API = public
    _import(_review(1, "Tuition fees at Orlin university rose by 12 percent"))
    anonymous = APIClient().post(URL, {"text": "Orlin tuition"}, format="json")
    assert anonymous.status_code == (200 if public else 401)
    signed_in = APIClient()
    signed_in.force_authenticate(outsider)
    assert signed_in.post(URL, {"text": "Orlin tuition"}, format="json").status_code == 200


CHILD = """
import json, sys
import django
django.setup()
from tests.verification.word_encoder import WordEncoder
from verification.library import encoding, matching
encoding.encoder_factory = WordEncoder
for line in sys.stdin:
    found = matching.library_match(line.strip(), limit=5, min_score=0.3)
    print(json.dumps([[m.kind, m.pk] for m in found]), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_publish_retract_and_reimport(publish, publisher, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS": "0",
        "FACTDESK_DATA_DIR": str(tmp_path),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(text: str) -> list:
        child.stdin.write(text + "\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    try:
        assert ask("Norvania diesel imports") == []  # the child's index is loaded, empty
        fact = publish("Diesel imports from Norvania fell to their lowest level since 1998")
        assert ["fact", fact.pk] in ask("Norvania diesel imports lowest since 1998")
        fact_retract(fact=fact, user=publisher, reason="Wrong country.")
        assert ask("Norvania diesel imports lowest since 1998") == []
        _import(_review(9, "Kestrel county unemployment doubled"))
        assert ask("Kestrel county unemployment doubled")[0][0] == "factcheck"
        _import(_review(9, "Orlin tuition fees rose by 12 percent"))
        assert ask("Kestrel county unemployment doubled") == []
        assert ask("Orlin tuition fees rose by 12 percent")[0][0] == "factcheck"
    finally:
        child.stdin.close()
        child.wait(timeout=30)


@pytest.mark.django_db
def test_a_reworded_claim_sharing_no_words_is_found_by_meaning(monkeypatch):
    from verification.library import encoding

    monkeypatch.setattr(encoding, "encoder_factory", encoding._default)  # the shipped encoder
    _import(
        _review(1, "The COVID-19 vaccine alters human DNA"),
        _review(2, "Tuition fees at Orlin university rose by 12 percent"),
    )
    results = _results("Getting the coronavirus jab changes your genes")
    assert [r["url"] for r in results][:1] == ["https://checks.example.org/1"]
    assert results[0]["score"] >= 0.2  # above the API's default floor
    assert "https://checks.example.org/2" not in [r["url"] for r in results]


@pytest.mark.django_db
def test_a_reviewer_reuses_an_earlier_verdict_as_a_source(client, annotator, reviewer):
    from annotations.models import Source

    _import(_review(1, "The Valmora harbour bridge cost 58 million euros", "Mostly false"))
    article = ArticleFactory(text="Report. The Valmora harbour bridge cost 58 million euros.")
    claim = claim_create(
        article=article, user=annotator, exact="The Valmora harbour bridge cost 58 million euros"
    )
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    reviewer.groups.add(*annotator.groups.all())  # may add sources too
    client.force_login(reviewer)
    page = client.get(f"/admin/annotations/claim/{claim.pk}/review/").content.decode()
    assert 'id="fd-library-matches"' in page
    assert "Mostly false</span> — The Valmora harbour bridge cost 58 million euros" in page
    response = client.post(
        f"/admin/annotations/claim/{claim.pk}/review/reuse/",
        {"url": "https://checks.example.org/1"},
    )
    assert response.status_code == 302
    source = Source.objects.get(claims=claim)
    assert source.url == "https://checks.example.org/1"
    refused = client.post(
        f"/admin/annotations/claim/{claim.pk}/review/reuse/", {"url": "https://evil.example/"}
    )
    assert refused.status_code == 302
    assert Source.objects.filter(claims=claim).count() == 1


@pytest.mark.django_db
def test_the_queue_marks_a_claim_checked_before(client, annotator, reviewer):
    _import(_review(1, "The Valmora harbour bridge cost 58 million euros"))
    marked, plain = [
        claim_create(article=ArticleFactory(text=f"Report. {text}."), user=annotator, exact=text)
        for text in (
            "The Valmora harbour bridge cost 58 million euros",
            "Penguins migrate across the frozen archipelago",
        )
    ]
    for claim in (marked, plain):
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    client.force_login(reviewer)
    page = client.get("/admin/annotations/claim/queue/").content.decode()
    assert page.count("fd-badge-checked-before") == 1
    assert '/review/#fd-library-matches" class="fd-badge fd-badge-checked-before"' in page
    assert f"/claim/{marked.pk}/review/#fd-library-matches" in page
