"""The demo desk loads without duplicates, every claim exactly on its quote."""

import pytest

from annotations.models import Article, Claim, ClaimStatus, Source
from verification.demo.loader import FOLLOW_UP_CLAIMS, SEED_CLAIMS, demo_load

pytestmark = pytest.mark.django_db


def test_demo_load_marks_every_claim_exactly_on_its_quote(tmp_path):
    report = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    assert report["articles"] == 2
    assert report["claims"] == len(SEED_CLAIMS) + len(FOLLOW_UP_CLAIMS)
    for claim in Claim.objects.select_related("article"):
        assert claim.article.text[claim.position_start : claim.position_end] == claim.quote_exact
        assert claim.article.text[: claim.position_start].endswith(claim.quote_prefix)


def test_loading_the_demo_twice_duplicates_nothing(tmp_path):
    first = demo_load(password_file=tmp_path / "accounts.txt", submit=True)
    second = demo_load(password_file=tmp_path / "accounts.txt", submit=True)
    assert (second["articles"], second["claims"], second["submitted"]) == (0, 0, 0)
    assert first["accounts"] == second["accounts"]
    assert Article.objects.count() == 2
    assert Claim.objects.count() == len(SEED_CLAIMS) + len(FOLLOW_UP_CLAIMS)
    assert Source.objects.count() == 1
    assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == len(FOLLOW_UP_CLAIMS)


def test_demo_follow_up_is_labelled_as_written_for_the_demo(tmp_path):
    demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    follow_up = Article.objects.get(publisher="Factdesk demo")
    assert follow_up.text.startswith("WRITTEN FOR THE FACTDESK DEMO.")
