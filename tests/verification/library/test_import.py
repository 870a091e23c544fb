"""`manage.py import_claimreviews`: upsert by url, bad records reported and skipped."""

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from tests.local_site import send
from verification.library import encoding
from verification.library.models import FactCheck

pytestmark = pytest.mark.django_db


def _review(n: int, claim: str | None = None, **extra) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example.org/{n}",
        "claimReviewed": claim or f"Claim number {n} about the Valmora harbour",
        "author": {"@type": "Organization", "name": "Checks Weekly"},
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1},
        **extra,
    }


def _import(*sources) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_claimreviews", *map(str, sources), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "checks.jsonl"
    path.write_text("\n".join(json.dumps(_review(n)) for n in range(5)) + "\n")
    return path


def test_a_jsonl_file_is_imported_with_its_vectors(jsonl, word_encoder):
    code, out, err = _import(jsonl)
    assert code == 0, err
    assert out.startswith("5 created, 0 updated, 0 unchanged, 0 refused")
    factcheck = FactCheck.objects.get(url="https://checks.example.org/3")
    assert factcheck.claim_reviewed == "Claim number 3 about the Valmora harbour"
    assert (factcheck.rating_name, factcheck.rating_value) == ("False", 1.0)
    assert factcheck.publisher_name == "Checks Weekly"
    stored = encoding.from_bytes(factcheck.embedding)
    expected = word_encoder.encode([factcheck.claim_reviewed])[0]
    assert np.allclose(stored, expected)
    assert factcheck.embedding_model == "test-words"
    assert factcheck.indexed_at is not None


def test_importing_the_same_file_twice_changes_nothing(jsonl):
    _import(jsonl)
    before = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    code, out, _ = _import(jsonl)
    assert code == 0
    assert out.startswith("0 created, 0 updated, 5 unchanged, 0 refused")
    after = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    assert after == before


def test_a_changed_record_is_updated_in_place_and_a_new_claim_gets_a_new_vector(jsonl, tmp_path):
    _import(jsonl)
    original = FactCheck.objects.get(url="https://checks.example.org/1")
    changed = tmp_path / "changed.jsonl"
    changed.write_text(
        json.dumps(_review(1, "Tuition fees at Orlin rose by 12 percent"))
        + "\n"
        + json.dumps(_review(2, headline="A new headline"))
        + "\n"
    )
    code, out, _ = _import(changed)
    assert code == 0
    assert out.startswith("0 created, 2 updated, 0 unchanged")
    reworded = FactCheck.objects.get(url="https://checks.example.org/1")
    assert reworded.pk == original.pk
    assert reworded.embedding != original.embedding
    assert reworded.indexed_at > original.indexed_at
    retitled = FactCheck.objects.get(url="https://checks.example.org/2")
    assert retitled.headline == "A new headline"
    assert FactCheck.objects.count() == 5


def test_bad_records_are_reported_with_their_line_and_the_good_ones_imported(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(_review(1)),
                "not json at all",
                json.dumps({**_review(2), "url": ""}),
                json.dumps({**_review(3), "claimReviewed": ""}),
                json.dumps(_review(4, "x" * 70_000)),
                json.dumps(_review(5)),
            ]
        )
    )
    code, out, err = _import(path)
    assert code == 1
    assert out.startswith("2 created, 0 updated, 0 unchanged, 4 refused")
    assert f"{path}: line 2: not JSON: Expecting value at column 1 (skipped)" in err
    assert f"{path}: line 3: no url (skipped)" in err
    assert f"{path}: line 4: no claim (claimReviewed is missing or empty) (skipped)" in err
    assert f"{path}: line 5: record too large: over 64 KiB (skipped)" in err
    assert sorted(FactCheck.objects.values_list("url", flat=True)) == [
        "https://checks.example.org/1",
        "https://checks.example.org/5",
    ]


def test_a_json_ld_datafeed_file_is_imported(tmp_path):
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [{"@type": "DataFeedItem", "item": [_review(n)]} for n in range(3)],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    code, out, _ = _import(path)
    assert code == 0
    assert FactCheck.objects.count() == 3


def test_an_address_is_fetched_through_the_safe_fetcher(site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True
    body = json.dumps([_review(7), _review(8)]).encode()
    site.route("/feed.json")(lambda handler: send(handler, 200, body, "application/ld+json"))
    code, out, err = _import(site.url("/feed.json"))
    assert code == 0, err
    assert FactCheck.objects.count() == 2


def test_an_internal_address_is_refused_by_default(site):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="refused"):
        _import(site.url("/feed.json"))
    assert site.requests == []


def test_without_embedding_the_vectors_are_left_to_a_worker(jsonl):
    code, _, _ = _import(jsonl, "--no-embed")
    assert code == 0
    assert FactCheck.objects.filter(embedding__isnull=True).count() == 5
    from verification.library import services

    assert services.factchecks_embed_missing() == 5
    assert services.factchecks_embed_missing() == 0
    assert not FactCheck.objects.filter(indexed_at__isnull=True).exists()
