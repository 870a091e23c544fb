"""The second stage of matching: the cross-encoder re-orders the first stage's best, fused by RRF.

Most tests inject a fake re-ranker (verification.library.matching.reranker_factory) so the
fused order is known exactly; one reads the committed artifact on a tiny library.
"""

import logging
import shutil

import pytest
from rest_framework.test import APIClient

from tests.verification.library.records import import_reviews as _import
from tests.verification.library.records import review as _review
from verification.engine.reranker import ARTIFACT_DIR, Reranker, RerankerUnavailable
from verification.library import encoding, matching
from verification.library.matching import library_match

URL = "/api/v1/facts/match/"
QUERY = "Valmora harbour bridge cost 58 million euros"
# With the words stand-in encoder the first stage ranks these by the words they share with QUERY.
CLAIMS = [
    "Valmora harbour bridge cost 58 million euros",
    "Valmora harbour bridge cost 58 million",
    "Valmora harbour bridge cost",
    "Valmora harbour",
]
FIRST_STAGE = [f"https://checks.example.org/{n}" for n in range(4)]


class FakeReranker:
    """Scores a text by the first of `favourites` it contains; remembers what it was asked."""

    def __init__(self, favourites: dict[str, float] | None = None, error: str = "") -> None:
        self.favourites = favourites or {}
        self.error = error
        self.calls: list[tuple[str, list[str]]] = []

    def score(self, query: str, texts: list[str]) -> list[float]:
        self.calls.append((query, list(texts)))
        if self.error:
            raise RerankerUnavailable(self.error)
        return [
            next((value for key, value in self.favourites.items() if key in text), 0.0)
            for text in texts
        ]


@pytest.fixture
def rerank_with(monkeypatch, settings):
    settings.FACTDESK_MATCH_RERANK = True
    monkeypatch.setattr(matching, "_warned", set())

    def use(reranker):
        monkeypatch.setattr(matching, "reranker_factory", lambda: reranker)
        return reranker

    return use


@pytest.fixture
def library():
    _import(*[_review(n, claim) for n, claim in enumerate(CLAIMS)])


def _urls(**extra) -> list[str]:
    return [m.url for m in library_match(QUERY, limit=10, **extra)]


@pytest.mark.django_db
def test_the_fused_order_lifts_the_rerankers_favourite_and_keeps_every_score(
    library, rerank_with, settings
):
    settings.FACTDESK_MATCH_RERANK = False
    first = library_match(QUERY, limit=10)
    assert [m.url for m in first] == FIRST_STAGE
    settings.FACTDESK_MATCH_RERANK = True
    fake = rerank_with(FakeReranker({"Headline 3": 5.0}))
    fused = library_match(QUERY, limit=10)
    # First stage 0 1 2 3, re-ranker 3 0 1 2: by reciprocal rank (k = 60) 0, 3, 1, 2.
    assert [m.url for m in fused] == [FIRST_STAGE[n] for n in (0, 3, 1, 2)]
    assert {m.url: m.score for m in fused} == {m.url: m.score for m in first}
    assert fused[1].score < fused[2].score  # the order is the fused one, not the score's
    assert [m.reranked for m in fused] == [0.0, 5.0, 0.0, 0.0]
    [(query, texts)] = fake.calls
    assert query == QUERY
    # The re-ranker reads what the encoder read: claim reviewed and headline.
    assert texts == [f"{CLAIMS[n]} Headline {n}" for n in range(4)]


@pytest.mark.django_db
def test_min_score_filters_the_fused_order_without_changing_it(library, rerank_with):
    rerank_with(FakeReranker({"Headline 3": 5.0}))
    everything = library_match(QUERY, limit=10)
    assert [m.url for m in everything] == [FIRST_STAGE[n] for n in (0, 3, 1, 2)]
    # A floor at the first stage's second score drops the lifted fourth and the third.
    floor = next(m.score for m in everything if m.url == FIRST_STAGE[1])
    kept = library_match(QUERY, limit=10, min_score=floor)
    assert [m.url for m in kept] == [FIRST_STAGE[0], FIRST_STAGE[1]]
    # The limit cuts the fused order; the re-ranker still read the first stage's best 20.
    assert [m.url for m in library_match(QUERY, limit=2)] == [FIRST_STAGE[0], FIRST_STAGE[3]]


@pytest.mark.django_db
def test_the_reranker_reads_a_desk_facts_claim_text(publish, rerank_with):
    fact = publish("The Valmora harbour bridge cost 58 million euros in the end")
    _import(_review(1, "Valmora harbour bridge cost 58 million euros"))
    fake = rerank_with(FakeReranker({"in the end": 3.0}))
    found = library_match(QUERY, limit=5)
    assert {m.kind for m in found} == {"fact", "factcheck"}
    [(_query, texts)] = fake.calls
    assert "The Valmora harbour bridge cost 58 million euros in the end" in texts
    assert next(m for m in found if m.kind == "fact").pk == fact.pk


@pytest.mark.django_db
def test_the_setting_off_restores_the_first_stage_order_and_skips_the_reranker(
    library, rerank_with, settings
):
    fake = rerank_with(FakeReranker({"Headline 3": 5.0}))
    assert _urls() != FIRST_STAGE
    settings.FACTDESK_MATCH_RERANK = False
    assert _urls() == FIRST_STAGE
    assert len(fake.calls) == 1  # only the first, re-ranked, call


@pytest.mark.django_db
def test_an_unavailable_reranker_leaves_the_first_stage_order_with_one_warning(
    library, rerank_with, caplog
):
    rerank_with(FakeReranker(error="model.int8.onnx missing in /nowhere"))
    with caplog.at_level(logging.WARNING, logger="verification.library.matching"):
        assert _urls() == FIRST_STAGE
        assert _urls() == FIRST_STAGE
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "re-ranker is unavailable (model.int8.onnx missing in /nowhere)" in warnings[0]


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["missing", "broken"])
def test_a_missing_or_broken_artifact_never_fails_the_api(
    library, rerank_with, caplog, tmp_path, damage
):
    artifact = tmp_path / "reranker"
    shutil.copytree(ARTIFACT_DIR, artifact)
    if damage == "missing":
        (artifact / "model.int8.onnx").unlink()
    else:
        (artifact / "model.int8.onnx").write_bytes(b"not an onnx model")
    rerank_with(Reranker(artifact))
    with caplog.at_level(logging.WARNING, logger="verification.library.matching"):
        response = APIClient().post(
            URL, {"text": QUERY, "limit": 10, "min_score": 0}, format="json"
        )
    assert response.status_code == 200
    assert [r["url"] for r in response.json()["results"]] == FIRST_STAGE
    assert "re-ranker is unavailable" in caplog.text
    assert str(artifact) in caplog.text


@pytest.mark.django_db
def test_the_queues_checked_before_mark_does_not_call_the_reranker(rerank_with):
    _import(_review(1, "The Valmora harbour bridge cost 58 million euros"))
    fake = rerank_with(FakeReranker({"Headline": 1.0}))
    marked = matching.claims_checked_before(
        [(7, "The Valmora harbour bridge cost 58 million euros"), (8, "Penguins migrate")]
    )
    assert marked == {7}
    assert fake.calls == []


# A tweet of the claim-matching set's train.jsonl (query 91) and four fact-checks the encoder
# puts close to it; the fact-check it is about (the second) shares few words with it.
TWEET = (
    "There are just too many funny #RevolutionaryWarAirports images. Here are some such as the "
    "famed \u201cBattle of LaGuardia\u201d to onward to JFK!#TrumpParadeFail"
)
NEIGHBOURS = [
    "A photograph shows columns of tanks taking part in President John Kennedy's inaugural parade.",
    "U.S. President Donald Trump said American Revolutionary War troops took over airports.",
    "A plaque displayed on a golf course owned by President Trump commemorates a Civil War "
    "battle that never happened.",
    "The Band of the Grenadier Guards played the 'Imperial March' from 'Star Wars' during U.S. "
    "President Donald Trump's visit to Buckingham Palace.",
]


@pytest.mark.django_db
def test_the_committed_reranker_moves_the_fact_check_a_tweet_is_about_up(
    monkeypatch, rerank_with, settings
):
    monkeypatch.setattr(encoding, "encoder_factory", encoding._default)  # the shipped encoder
    reranker = rerank_with(Reranker())
    assert reranker.available(), "the committed re-ranker artifact must load"
    _import(*[_review(n, claim) for n, claim in enumerate(NEIGHBOURS)])
    gold = "https://checks.example.org/1"
    settings.FACTDESK_MATCH_RERANK = False
    before = [m.url for m in library_match(TWEET, limit=10)]
    settings.FACTDESK_MATCH_RERANK = True
    after = library_match(TWEET, limit=10)
    assert sorted(before) == sorted(m.url for m in after)
    assert max(after, key=lambda m: m.reranked).url == gold
    assert [m.url for m in after].index(gold) < before.index(gold)
