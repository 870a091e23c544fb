"""The demo desk ships a few earlier fact-checks, so its claims find one in the library."""

import pytest
from django.contrib.auth import get_user_model

from annotations.models import Claim
from verification.demo.loader import FOLLOW_UP_TITLE, SEED_TITLE, demo_load
from verification.library import encoding
from verification.library.models import FactCheck

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(library_index_fresh):
    """The real encoder, an empty index and no snapshot (not the one under var/)."""


def test_the_demo_loads_its_fact_checks_with_vectors_once(tmp_path):
    first = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    stored = list(FactCheck.objects.all())
    assert first["factchecks"] == len(stored)
    assert 5 <= len(stored) <= 8
    for factcheck in stored:
        assert factcheck.url.startswith("https://factcheck.example.org/demo/")
        assert factcheck.headline.startswith("DEMO (written for Factdesk, not a real fact-check)")
        assert "written for Factdesk" in factcheck.publisher_name
        assert factcheck.rating_name
        assert factcheck.embedding_model == encoding.model_name()
        assert len(encoding.from_bytes(factcheck.embedding)) == encoding.DIMENSIONS
    before = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    second = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    assert second["factchecks"] == 0
    after = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    assert after == before


@pytest.mark.parametrize(
    ("article", "quote", "expected"),
    [
        (FOLLOW_UP_TITLE, "over three dozen kinds of weapons", "arms-for-food-three-dozen"),
        (FOLLOW_UP_TITLE, "a 65-year-old Slovakian man", "arms-broker-age"),
        (SEED_TITLE, "North Korea voted against a U.N. resolution", "un-vote-north-korea"),
    ],
)
def test_a_demo_claim_page_shows_an_earlier_fact_check(client, tmp_path, article, quote, expected):
    demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    claim = Claim.objects.get(article__title=article, quote_exact__contains=quote)
    client.force_login(get_user_model().objects.get(username="demo"))
    page = client.get(f"/admin/annotations/claim/{claim.pk}/change/").content.decode()
    assert 'id="fd-already-checked"' in page
    assert f"https://factcheck.example.org/demo/{expected}" in page
