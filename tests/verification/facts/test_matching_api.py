"""`POST /api/v1/facts/match/`: the published facts nearest to a text, through the term index."""

import pytest
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import claim_create, claim_transition
from tests.factories import ArticleFactory
from verification.facts import matching
from verification.facts.services import fact_publish, fact_retract
from verification.models import FactTerm
from verification.review.services import review_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/facts/match/"
CLAIMS = [
    ("The harbour bridge in Valmora cost 58 million euros", "Ines Duarte"),
    ("Unemployment in Kestrel county doubled between 2019 and 2023", "Tom Ashby"),
    ("The new hospital wing in Valmora opened two years late", "Ines Duarte"),
    ("Tuition fees at Orlin university rose by 12 percent this autumn", "Mara Lind"),
    ("Diesel imports from Norvania fell to their lowest level since 1998", "Piet Hols"),
    ("Café owners in Zürich paid 3 percent more rent than in Genève", "Élodie Brun"),
]


@pytest.fixture
def publish(annotator, reviewer, publisher):
    """Publish a fact whose claim is `text` (quoted verbatim from its own article)."""

    def publish_one(text: str, speaker: str = ""):
        article = ArticleFactory(text=f"Report. {text}. More later.")
        claim = claim_create(article=article, user=annotator, exact=text, speaker=speaker)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
        return fact_publish(claim=claim, publisher=publisher)

    return publish_one


@pytest.fixture
def desk(publish):
    return [publish(text, speaker) for text, speaker in CLAIMS]


def _match(text: str, **extra):
    return APIClient().post(URL, {"text": text, **extra}, format="json")


def _results(text: str, **extra) -> list[dict]:
    response = _match(text, **extra)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_reworded_claim_finds_its_fact_first(desk):
    results = _results("Is it true the Valmora harbour crossing was priced at fifty-eight million?")
    assert results[0]["id"] == desk[0].pk
    assert results[0]["claim"] == CLAIMS[0][0]
    assert {"valmora", "harbour", "58", "million"} <= set(results[0]["shared_terms"])


def test_words_in_another_order_with_words_dropped_still_find_the_fact(desk):
    results = _results("between 2019 and 2023 unemployment Kestrel doubled?")
    assert results[0]["id"] == desk[1].pk


def test_the_speaker_is_matched_too(desk):
    results = _results("What did Mara Lind say about Orlin tuition?")
    assert results[0]["id"] == desk[3].pk


def test_unrelated_text_finds_nothing_or_scores_low(desk):
    assert _results("Penguins migrate across the frozen archipelago every winter") == []
    weak = _results("The cost of living keeps rising everywhere")
    assert all(result["score"] < 0.3 for result in weak)


def test_a_match_sharing_only_a_common_word_is_left_out_unless_asked_for(desk):
    assert _results("A million people visited the fair") == []
    weak = _results("A million people visited the fair", min_score=0)
    assert [r["id"] for r in weak] == [desk[0].pk]
    assert weak[0]["shared_terms"] == ["million"]
    assert weak[0]["score"] < matching.MIN_SCORE


def test_min_score_sets_the_floor(desk):
    text = "Is it true the Valmora harbour crossing was priced at fifty-eight million?"
    score = _results(text)[0]["score"]
    assert [r["id"] for r in _results(text, min_score=score)] == [desk[0].pk]
    assert _results(text, min_score=min(score + 0.01, 1)) == []


def test_scores_are_between_0_and_1_and_best_first(desk):
    results = _results(CLAIMS[0][0] + " " + CLAIMS[2][0], limit=10, min_score=0)
    scores = [result["score"] for result in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert _results(f"{CLAIMS[5][0]} {CLAIMS[5][1]}")[0]["score"] > 0.9


def test_the_limit_is_respected(publish):
    facts = [publish(f"Valmora council approved budget number {n} in March") for n in range(7)]
    assert len(_results("Valmora council budget March", limit=3)) == 3
    assert len(_results("Valmora council budget March")) == 5
    assert {r["id"] for r in _results("Valmora council budget", limit=50)} == {f.pk for f in facts}


def test_equal_scores_come_in_a_fixed_order(publish):
    facts = [publish(f"Orlin harbour dredging phase {n} approved") for n in ("one", "two", "three")]
    first = _results("Orlin harbour dredging")
    assert [r["id"] for r in first] == [f.pk for f in facts]
    assert _results("Orlin harbour dredging") == first


def test_retracted_facts_are_not_matched(desk, publisher):
    fact_retract(fact=desk[4], user=publisher, reason="Wrong country.")
    assert _results("Norvania diesel imports lowest since 1998") == []
    assert not FactTerm.objects.filter(fact=desk[4]).exists()


def test_a_fact_published_again_is_indexed_once(desk, publisher, reviewer):
    rows = sorted(FactTerm.objects.filter(fact=desk[4]).values_list("term", "count"))
    claim = desk[4].claim
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=reviewer)
    review_record(claim=claim, reviewer=reviewer, verdict="true", rationale="Checked.")
    fact_publish(claim=claim, publisher=publisher)
    assert sorted(FactTerm.objects.filter(fact=desk[4]).values_list("term", "count")) == rows
    assert [r["id"] for r in _results("Norvania diesel imports lowest since 1998")] == [desk[4].pk]


def test_unicode_words_match_and_odd_scripts_give_an_empty_result(desk):
    assert _results("rent in ZÜRICH cafés versus Genève")[0]["id"] == desk[5].pk
    assert _results("🙂🙂 ⟨⟩ ⁂") == []
    assert _results("שלום עולם مرحبا 你好世界") == []


def test_text_made_only_of_stopwords_finds_nothing(desk):
    assert _results("it was the one that they said would be") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": "bridge\x00cost"}, "text"),
        ({"text": "bridge", "limit": 0}, "limit"),
        ({"text": "bridge", "limit": 51}, "limit"),
        ({"text": "bridge", "limit": "many"}, "limit"),
        ({"text": "bridge", "min_score": -0.1}, "min_score"),
        ({"text": "bridge", "min_score": 1.5}, "min_score"),
        ({"text": "bridge", "min_score": "high"}, "min_score"),
        ({"text": ["bridge"]}, "text"),
        ({"text": 5}, "text"),
        ({"text": 5.5}, "text"),
        ({"text": True}, "text"),
    ],
)
def test_bad_requests_get_a_400_naming_the_field(desk, body, field):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_number_for_text_is_refused_as_not_a_string(desk):
    response = APIClient().post(URL, {"text": 5}, format="json")
    assert response.status_code == 400
    assert response.json() == {"text": ["Must be a string."]}


def test_a_lone_surrogate_is_refused_not_a_server_error(desk):
    response = APIClient().post(
        URL, b'{"text": "bridge \\ud800 cost"}', content_type="application/json"
    )
    assert response.status_code == 400


def test_the_longest_allowed_text_is_answered(desk):
    words = " ".join(f"word{n} valmora" for n in range(2_000))[:20_000]
    results = _results(words, min_score=0)
    assert results[0]["id"] in {desk[0].pk, desk[2].pk}
    assert all(0 < r["score"] < 0.2 for r in results)


def test_a_query_of_common_words_looks_at_the_newest_facts(publish, monkeypatch):
    facts = [publish(f"Valmora budget vote number {n} was delayed") for n in range(1, 6)]
    monkeypatch.setattr(matching, "POSTINGS_BUDGET", 2)
    ids = [r["id"] for r in _results("Valmora budget delayed", limit=10)]
    assert sorted(ids) == sorted(f.pk for f in facts[-2:])


def test_numbers_written_as_words_are_indexed_as_digits():
    assert matching.terms("fifty-eight weapons, three hundred and five boats, 7 days") == {
        "58": 1,
        "weapon": 1,
        "305": 1,
        "boat": 1,
        "7": 1,
        "day": 1,
    }


def test_bulk_indexing_writes_the_same_rows_as_publishing(desk):
    before = sorted(FactTerm.objects.values_list("fact_id", "term", "count"))
    FactTerm.objects.all().delete()
    matching.fact_index_many(desk)
    assert sorted(FactTerm.objects.values_list("fact_id", "term", "count")) == before


def test_an_empty_desk_matches_nothing():
    assert _results("The harbour bridge cost 58 million euros") == []
