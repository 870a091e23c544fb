"""Claims, titles and sources are shortened between words in messages and lists, never mid-word."""

import pytest
from django.template import Context, Template

from annotations import services
from annotations.models import Claim
from annotations.text import shorten
from tests import paths

LONG_CLAIM = (
    "The audit office found that the bridge over the river cost fifty-eight million euros, "
    "two million more than the council said."
)


@pytest.mark.parametrize(
    ("text", "limit", "short"),
    [
        ("The bridge cost 56 million euros.", 80, "The bridge cost 56 million euros."),
        ("The bridge cost\n\n56   million euros.", 80, "The bridge cost 56 million euros."),
        ("The bridge cost 56 million euros.", 20, "The bridge cost 56…"),
        ("The bridge cost, they said, 56 million.", 17, "The bridge cost…"),
        ("https://example.org/reports/2024/bridge-audit", 20, "https://example.org…"),
    ],
)
def test_text_is_cut_between_words_with_an_ellipsis(text, limit, short):
    assert shorten(text, limit) == short
    assert len(short) <= limit


def test_the_claim_created_message_ends_on_a_whole_word(client, annotator):
    article = services.article_create(title="Bridge", text=LONG_CLAIM, user=annotator)
    client.force_login(annotator)
    response = client.post(
        "/admin/annotations/claim/add/",
        {"article": article.pk, "quote": LONG_CLAIM, "text": "", "kind": "statistic"},
        follow=True,
    )
    claim = Claim.objects.get()
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(
        "Claim “The audit office found that the bridge over the river cost fifty-eight million…” "
        "created as a draft"
    )
    # Django's own messages ("The claim “…” was changed") and the claim pickers use the same.
    assert str(claim) == (
        "The audit office found that the bridge over the river cost fifty-eight million…"
    )


def test_the_shorten_template_filter_cuts_between_words():
    page = Template("{% load text_tags %}{{ claim|shorten:20 }}|{{ address|shorten:20 }}")
    context = {
        "claim": "The bridge cost 56 million euros.",
        "address": "https://example.org/reports/2024/bridge-audit",
    }
    assert page.render(Context(context)) == "The bridge cost 56…|https://example.org…"


def test_no_template_cuts_text_mid_word_with_truncatechars():
    root = paths.ROOT
    templates = [
        path
        for folder in ("annotations", "verification", "project/templates")
        for path in (root / folder).rglob("*.html")
    ]
    assert templates
    assert [str(p) for p in templates if "truncatechars" in p.read_text()] == []
