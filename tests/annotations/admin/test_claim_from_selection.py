"""Annotators create claims in the admin from a browser selection (UTF-16 offsets) or a quote."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations import services
from annotations.models import AnchorState, Claim, Source, SourceKind
from tests.factories import ArticleFactory
from tests.texts import utf16_units as units

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/annotations/claim/add/"
# Emoji (two UTF-16 units each, one with a skin-tone modifier), accents, right-to-left words and
# CRLF line breaks before and inside the phrase, so code points and UTF-16 units diverge.
TEXT = (
    "Le maire 😀 a déclaré: «le pont a coûté 56 millions».\r\n\r\n"
    "قال الوزير إن 👍🏽 الجسر جاهز. The minister said 🚀 the bridge opened in 2023.\r\n"
    "Critics disagreed."
)


def selection(article, phrase: str) -> tuple[int, int]:
    start = article.text.index(phrase)
    return units(article.text[:start]), units(article.text[: start + len(phrase)])


@pytest.fixture
def article(annotator):
    return services.article_create(title="Bridge", text=TEXT, user=annotator)


def post_selection(client, article, start, end, **extra):
    data = {
        "article": article.pk,
        "start": start,
        "end": end,
        "text_version": article.text_version,
        "text": "",
        "speaker": "",
        "kind": "statistic",
        "tag_names": "",
        "source_url": "",
        "source_title": "",
        "source_text": "",
    }
    data.update(extra)
    return client.post(ADD_URL, data)


def test_a_claim_from_utf16_offsets_lands_on_exactly_the_selected_code_points(
    client, annotator, article
):
    phrase = "👍🏽 الجسر جاهز. The minister said 🚀 the bridge"
    start, end = selection(article, phrase)
    assert (start, end) != (article.text.index(phrase), article.text.index(phrase) + len(phrase))
    client.force_login(annotator)

    response = post_selection(
        client,
        article,
        start,
        end,
        text="The bridge is ready.",
        speaker="The minister",
        tag_names="Infrastructure, Bridges 2023",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/annotations/article/{article.pk}/change/"
    claim = Claim.objects.get()
    assert claim.position_start == article.text.index(phrase)
    assert claim.position_end == claim.position_start + len(phrase)
    assert claim.quote_exact == phrase
    assert article.text[claim.position_start : claim.position_end] == phrase
    assert (claim.text, claim.speaker, claim.kind) == (
        "The bridge is ready.",
        "The minister",
        "statistic",
    )
    assert sorted(claim.tags.values_list("name", flat=True)) == ["bridges-2023", "infrastructure"]
    assert claim.created_by == annotator
    assert claim.anchor_state == AnchorState.ANCHORED


def test_a_selection_across_paragraphs_that_had_crlf_is_kept_with_its_line_breaks(
    client, annotator, article
):
    phrase = "56 millions».\n\nقال الوزير"
    client.force_login(annotator)
    post_selection(client, article, *selection(article, phrase))
    claim = Claim.objects.get()
    assert claim.quote_exact == phrase
    assert claim.text == phrase


def test_the_add_form_shows_the_selected_words_read_only_with_their_context(
    client, annotator, article
):
    phrase = "le pont a coûté 56 millions"
    start, end = selection(article, phrase)
    client.force_login(annotator)

    page = client.get(
        ADD_URL, {"article": article.pk, "start": start, "end": end, "text_version": 1}
    ).content.decode()

    assert f'<mark class="fd-selected">{phrase}</mark>' in page
    assert "Le maire 😀 a déclaré: «" in page
    assert 'name="quote"' not in page  # nothing to type: the quote is the selection
    assert f'name="start" value="{start}"' in page
    assert f'name="article" value="{article.pk}"' in page


def test_the_selected_words_context_is_cut_between_words_with_an_ellipsis(client, annotator):
    article = services.article_create(
        title="Budget",
        text="The bridge opened on Monday, according to the transport minister, who spoke at "
        "noon. It cost 56 million euros. The project budget is 310 million euros over ten years.",
        user=annotator,
    )
    start, end = selection(article, "It cost 56")
    client.force_login(annotator)

    page = client.get(ADD_URL, {"article": article.pk, "start": start, "end": end}).content.decode()

    before, after = re.findall(r'<span class="fd-context">(.*?)</span>', page, re.DOTALL)
    assert before == "…minister, who spoke at noon. "
    assert after == " million euros. The project…"


def test_the_selected_words_context_has_no_ellipsis_where_the_article_begins_or_ends(
    client, annotator, article
):
    client.force_login(annotator)
    start, end = selection(article, "le pont a coûté 56 millions")

    page = client.get(ADD_URL, {"article": article.pk, "start": start, "end": end}).content.decode()

    before, _ = re.findall(r'<span class="fd-context">(.*?)</span>', page, re.DOTALL)
    assert before == "Le maire 😀 a déclaré: «"


def test_an_offset_that_splits_an_emoji_is_refused_with_a_form_error_and_creates_nothing(
    client, annotator, article
):
    emoji_at = units(article.text[: article.text.index("😀")])
    client.force_login(annotator)

    response = post_selection(client, article, emoji_at + 1, emoji_at + 10)

    assert response.status_code == 200
    page = response.content.decode()
    assert "splits a surrogate pair" in page
    assert "select whole characters" in page
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 100_000, "outside the text"),
        (-1, 4, "outside the text"),
        (9, 9, "The selection is empty"),
        (12, 3, "The selection is empty"),
        ("x", 3, "whole number"),
    ],
)
def test_bad_offsets_are_refused_with_a_clear_error(
    client, annotator, article, start, end, message
):
    client.force_login(annotator)
    response = post_selection(client, article, start, end)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Claim.objects.count() == 0


def test_a_selection_made_before_the_text_changed_is_refused(client, annotator, article):
    start, end = selection(article, "Critics disagreed")
    services.article_update_text(article=article, text="Intro.\n\n" + article.text, user=annotator)
    client.force_login(annotator)

    response = post_selection(client, article, start, end, text_version=1)

    assert "The article text changed after you selected" in response.content.decode()
    assert Claim.objects.count() == 0


def test_sources_given_on_the_form_are_attached_through_the_services(client, annotator, article):
    client.force_login(annotator)
    upload = SimpleUploadedFile("report.txt", b"The bridge opened in 2023.", "text/plain")

    post_selection(
        client,
        article,
        *selection(article, "the bridge opened in 2023"),
        source_url="https://example.org/report",
        source_title="Ministry report",
        source_text="The bridge opened in May 2023.",
        source_file=upload,
    )

    claim = Claim.objects.get()
    sources = {s.kind: s for s in claim.sources.all()}
    assert set(sources) == {SourceKind.URL, SourceKind.TEXT, SourceKind.FILE}
    assert sources[SourceKind.URL].url == "https://example.org/report"
    assert sources[SourceKind.TEXT].text == "The bridge opened in May 2023."
    assert sources[SourceKind.TEXT].title == "Ministry report"
    assert sources[SourceKind.FILE].file.read() == b"The bridge opened in 2023."


def test_sources_given_on_the_form_are_queued_for_archiving_as_in_the_api(
    client, annotator, article, django_capture_on_commit_callbacks
):
    client.force_login(annotator)
    with django_capture_on_commit_callbacks() as callbacks:
        post_selection(
            client,
            article,
            *selection(article, "the bridge opened in 2023"),
            source_url="https://example.org/report",
            source_title="Ministry report",
        )

    source = Claim.objects.get().sources.get()
    assert source.url == "https://example.org/report"
    assert len(callbacks) == 1  # the fetch of the new source, sent once the claim is saved


def test_pasted_source_text_without_a_title_is_refused_and_nothing_is_created(
    client, annotator, article
):
    client.force_login(annotator)
    response = post_selection(
        client, article, *selection(article, "Critics disagreed"), source_text="Some text"
    )
    assert "Give the pasted source a title." in response.content.decode()
    assert (Claim.objects.count(), Source.objects.count()) == (0, 0)


def test_a_typed_quote_still_creates_a_claim(client, annotator, article):
    client.force_login(annotator)
    response = client.post(
        ADD_URL,
        {"article": article.pk, "quote": "Critics disagreed", "text": "", "kind": "other"},
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert article.text[claim.position_start : claim.position_end] == "Critics disagreed"


def test_a_typed_quote_not_in_the_article_is_refused(client, annotator, article):
    client.force_login(annotator)
    response = client.post(
        ADD_URL, {"article": article.pk, "quote": "Nobody said this", "kind": "other"}
    )
    assert "These words are not in the article" in response.content.decode()
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("persona", ["reviewer", "publisher", "outsider"])
def test_people_without_the_annotator_role_cannot_create_claims(request, client, persona):
    user = request.getfixturevalue(persona)
    article = ArticleFactory()
    client.force_login(user)

    assert client.get(ADD_URL, {"article": article.pk, "start": 0, "end": 3}).status_code == 403
    response = post_selection(client, article, 0, 3)

    assert response.status_code == 403
    assert Claim.objects.count() == 0


def test_creating_a_claim_needs_the_csrf_token(annotator, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(annotator)
    response = post_selection(client, article, 0, 5)
    assert response.status_code == 403
    assert Claim.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client, article):
    response = post_selection(client, article, 0, 5)
    assert response.status_code == 302
    assert re.search(r"/admin/login/", response["Location"])
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "address 169.254.169.254 is a cloud metadata address",
        ),
        ("http://127.0.0.1:8000/admin/", "address 127.0.0.1 is internal"),
        ("http://localhost/report", "localhost is a local host name"),
    ],
)
def test_a_source_address_that_would_never_be_fetched_is_refused_on_the_form(
    client, annotator, article, url, reason
):
    client.force_login(annotator)
    response = post_selection(
        client, article, *selection(article, "Critics disagreed"), source_url=url
    )
    page = response.content.decode()
    assert f"This address cannot be a source: {reason}." in page
    assert (Claim.objects.count(), Source.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ("start={split}&end={end}", "splits a surrogate pair"),
        ("start=500&end=100", "UTF-16 offset 500"),
        ("start=-5&end=3", "UTF-16 offset -5"),
        ("start=4&end=4", "The selection is empty"),
    ],
)
def test_an_unusable_selection_says_why_when_the_page_opens(
    client, annotator, article, params, reason
):
    emoji = units(article.text[: article.text.index("😀")])
    query = params.format(split=emoji + 1, end=emoji + 8)
    client.force_login(annotator)

    page = client.get(
        f"{ADD_URL}?article={article.pk}&{query}&text_version={article.text_version}"
    ).content.decode()

    assert reason in page
    assert "see the error above" not in page
    assert "The quote is exactly what you selected" not in page


def test_a_selection_in_an_unknown_article_says_so_when_the_page_opens(client, annotator):
    client.force_login(annotator)

    page = client.get(f"{ADD_URL}?article=9999&start=1&end=4").content.decode()

    assert "There is no article 9999" in page


def test_a_selection_from_an_older_text_is_not_previewed_on_the_new_words(
    client, annotator, article
):
    start, end = selection(article, "Critics disagreed")
    services.article_update_text(article=article, text="Intro.\n\n" + article.text, user=annotator)
    client.force_login(annotator)

    page = client.get(
        f"{ADD_URL}?article={article.pk}&start={start}&end={end}&text_version=1"
    ).content.decode()

    assert "The article text changed after you selected the words (version 1, now 2)" in page
    assert 'class="fd-selected"' not in page
    assert "The quote is exactly what you selected" not in page
