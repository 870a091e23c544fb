"""The article admin page shows the text as text, with claims highlighted and orphans listed."""

import html
import json
import re

import pytest

from annotations import services
from annotations.admin_views import ClaimSpan, highlighted_text
from annotations.models import Claim, ClaimStatus

pytestmark = pytest.mark.django_db

XSS = '<img src=x onerror=alert(1)> and <script>alert("x")</script> & more'


def change_url(article) -> str:
    return f"/admin/annotations/article/{article.pk}/change/"


def text_panel(page: str) -> str:
    """The inner HTML of the article text element."""
    match = re.search(r'<div id="fd-article-text"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert match, "the annotated text panel is missing"
    return match.group(1)


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"</?mark[^>]*>", "", markup))


def test_stored_markup_in_an_article_is_shown_as_literal_characters(client, annotator):
    article = services.article_create(title="XSS <b>title</b>", text=XSS, user=annotator)
    services.claim_create(
        article=article,
        user=annotator,
        exact="<img src=x onerror=alert(1)>",
        text='<script>alert("claim")</script>',
        speaker="<i>who</i>",
    )
    client.force_login(annotator)

    page = client.get(change_url(article)).content.decode()

    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "<i>who</i>" not in page
    panel = text_panel(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel
    assert plain(panel) == XSS
    data = re.search(
        r'<script id="fd-claims-data" type="application/json">(.*?)</script>', page, re.DOTALL
    ).group(1)
    assert "<" not in data
    claim = json.loads(data)
    assert list(claim.values())[0]["text"] == '<script>alert("claim")</script>'


def test_the_text_panel_holds_exactly_the_article_text(client, annotator):
    text = "Ein Satz mit 😀 Emoji.\n\nשלום עולם & <tags>\n\nLast line."
    article = services.article_create(title="Plain", text=text, user=annotator)
    services.claim_create(article=article, user=annotator, exact="😀 Emoji")
    services.claim_create(article=article, user=annotator, exact="עולם & <tags>")
    client.force_login(annotator)

    panel = text_panel(client.get(change_url(article)).content.decode())

    # The browser counts selection offsets in this element, so it must hold the text and nothing
    # else: no added white space, no extra elements with text.
    assert plain(panel) == text


def test_existing_claims_are_highlighted_with_their_status_and_overlaps_stay_visible(
    client, annotator
):
    text = "The mayor said the bridge cost 56 million euros. Critics said it cost 58 million."
    article = services.article_create(title="Bridge", text=text, user=annotator)
    outer = services.claim_create(
        article=article, user=annotator, exact="The mayor said the bridge cost 56 million euros."
    )
    inner = services.claim_create(article=article, user=annotator, exact="56 million")
    overlap = services.claim_create(article=article, user=annotator, exact="euros. Critics said")
    services.claim_transition(claim=inner, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    client.force_login(annotator)

    page = client.get(change_url(article)).content.decode()
    panel = text_panel(page)

    marks = re.findall(
        r'<mark class="([^"]*)" data-claims="([^"]*)" data-depth="(\d)">([^<]*)', panel
    )
    covered = {}
    for _classes, ids, _depth, piece in marks:
        for pk in ids.split():
            covered[int(pk)] = covered.get(int(pk), "") + piece
    assert covered[outer.pk] == outer.quote_exact
    assert covered[inner.pk] == "56 million"
    assert covered[overlap.pk] == "euros. Critics said"
    inner_mark = next(m for m in marks if m[3] == "56 million")
    assert "fd-status-submitted" in inner_mark[0]  # the nested claim shows its own colour
    assert inner_mark[1].split() == [str(inner.pk), str(outer.pk)]
    assert inner_mark[2] == "2"
    assert next(m for m in marks if m[3] == "euros.")[2] == "2"
    for label in ClaimStatus.labels:
        assert str(label) in page  # the legend
    assert "Create claim from selection" in page


def test_editing_the_text_re_anchors_claims_and_lists_the_orphans(client, annotator):
    text = "First paragraph says 40 people came.\n\nSecond paragraph says the 😀 vote passed."
    article = services.article_create(title="Vote", text=text, user=annotator)
    moved = services.claim_create(article=article, user=annotator, exact="the 😀 vote passed")
    lost = services.claim_create(
        article=article, user=annotator, exact="40 people came", text="Forty people came."
    )
    client.force_login(annotator)

    response = client.post(
        change_url(article),
        {
            "title": "Vote",
            "text": "A new lead.\r\n\r\nSecond paragraph says the 😀 vote passed.",
            "url": "",
            "publisher": "",
            "published_at_0": "",
            "published_at_1": "",
            "claims-TOTAL_FORMS": "2",
            "claims-INITIAL_FORMS": "2",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
            "_continue": "1",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Claims re-anchored: 0 kept, 1 moved, 0 approximate (check them), 1 orphaned." in page
    moved.refresh_from_db()
    assert moved.position_start == "A new lead.\n\nSecond paragraph says ".__len__()
    assert covered_text(text_panel(page), moved.pk) == "the 😀 vote passed"
    orphans = re.search(
        r'<div class="fd-attention" id="fd-orphaned">(.*?)</div>', page, re.DOTALL
    ).group(1)
    assert "Forty people came." in orphans
    assert "40 people came" in orphans
    assert f"/admin/annotations/claim/{lost.pk}/change/" in orphans
    assert Claim.objects.count() == 2


def covered_text(panel: str, pk: int) -> str:
    return "".join(
        html.unescape(piece)
        for ids, piece in re.findall(r'data-claims="([^"]*)"[^>]*>([^<]*)', panel)
        if str(pk) in ids.split()
    )


def test_a_reviewer_reads_the_annotated_text_but_gets_no_create_button(client, annotator, reviewer):
    article = services.article_create(title="Read", text="Words to read.", user=annotator)
    services.claim_create(article=article, user=annotator, exact="Words")
    client.force_login(reviewer)

    response = client.get(change_url(article))

    assert response.status_code == 200
    page = response.content.decode()
    assert "fd-article-text" in page
    assert "Create claim from selection" not in page


def test_an_outsider_cannot_open_the_article(client, annotator, outsider):
    article = services.article_create(title="Closed", text="Words.", user=annotator)
    client.force_login(outsider)
    assert client.get(change_url(article)).status_code == 403


def test_the_claim_list_linked_from_the_article_shows_only_its_claims(client, annotator):
    article = services.article_create(title="One", text="Alpha beta gamma.", user=annotator)
    other = services.article_create(title="Two", text="Delta epsilon.", user=annotator)
    services.claim_create(article=article, user=annotator, exact="beta", text="Claim beta")
    services.claim_create(article=other, user=annotator, exact="Delta", text="Claim delta")
    client.force_login(annotator)

    page = client.get(change_url(article)).content.decode()
    link = re.search(r'<a href="([^"]+)">1 claim in this article</a>', page).group(1)
    listing = client.get(html.unescape(link)).content.decode()

    assert "Claim beta" in listing
    assert "Claim delta" not in listing


def test_the_article_page_query_count_does_not_grow_with_claims(
    client, annotator, django_assert_max_num_queries
):
    text = " ".join(f"word{i}" for i in range(400))
    article = services.article_create(title="Many", text=text, user=annotator)
    for i in range(0, 400, 4):
        services.claim_create(article=article, user=annotator, exact=f"word{i} word{i + 1}")
    client.force_login(annotator)
    with django_assert_max_num_queries(20):
        assert client.get(change_url(article)).status_code == 200


def test_highlighting_marks_runs_under_the_same_claims_and_escapes_every_piece():
    text = "a<b>c&d e"
    out = highlighted_text(
        text, [ClaimSpan(1, 0, 5, "draft"), ClaimSpan(2, 2, 6, "published", fuzzy=True)]
    )
    assert out == (
        '<mark class="fd-mark fd-status-draft fd-begins" data-claims="1" data-depth="1">a&lt;'
        "</mark>"
        '<mark class="fd-mark fd-status-published fd-fuzzy fd-begins" data-claims="2 1" '
        'data-depth="2">b&gt;c</mark>'
        '<mark class="fd-mark fd-status-published fd-fuzzy" data-claims="2" data-depth="1">&amp;'
        "</mark>d e"
    )
