"""What is sent is what is stored: text comes back as sent, after NFC and `\\n` line endings only.

Every write path of article, claim and source text is walked: the API (create, read, update),
the admin forms and uploads. The exports, verdicts and retractions: tests/verification/facts.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.forms import ArticleCreateForm, ArticleForm
from annotations.models import Article, Claim, Source
from annotations.uploads import article_text_from_upload
from tests.texts import AWKWARD, canonical

pytestmark = pytest.mark.django_db


def test_an_article_created_through_the_api_keeps_its_leading_and_trailing_whitespace(
    annotator, api_token_as
):
    client = api_token_as(annotator)
    created = client.post("/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json")
    assert created.status_code == 201, created.data
    assert created.data["text"] == canonical(AWKWARD)
    read = client.get(f"/api/v1/articles/{created.data['id']}/")
    assert read.data["text"] == canonical(AWKWARD)
    assert Article.objects.get().text == canonical(AWKWARD)


def test_an_article_updated_through_the_api_keeps_the_text_as_sent(annotator, api_token_as):
    client = api_token_as(annotator)
    created = client.post("/api/v1/articles/", {"title": "Bridge", "text": "Old."}, format="json")
    updated = client.patch(
        f"/api/v1/articles/{created.data['id']}/", {"text": AWKWARD}, format="json"
    )
    assert updated.status_code == 200, updated.data
    assert client.get(f"/api/v1/articles/{created.data['id']}/").data["text"] == canonical(AWKWARD)


def test_a_quote_selector_whose_prefix_holds_the_leading_whitespace_anchors(
    annotator, api_token_as
):
    client = api_token_as(annotator)
    created = client.post("/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json")
    claim = client.post(
        "/api/v1/claims/",
        {
            "article": created.data["id"],
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "The mayor",
                    "prefix": "  \t",
                    "suffix": "\u00a0said the bridge",
                }
            ],
        },
        format="json",
    )
    assert claim.status_code == 201, claim.data
    position = claim.data["selector"][1]
    assert (position["start"], position["end"]) == (3, 12)


def test_a_quote_selector_whose_suffix_holds_the_trailing_whitespace_anchors(
    annotator, api_token_as
):
    client = api_token_as(annotator)
    created = client.post("/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json")
    claim = client.post(
        "/api/v1/claims/",
        {
            "article": created.data["id"],
            "selector": [
                {"type": "TextQuoteSelector", "exact": "agreed 🇺🇦.", "suffix": "\n\t  "}
            ],
        },
        format="json",
    )
    assert claim.status_code == 201, claim.data
    assert claim.data["selector"][0]["suffix"] == "\n\t  "


def test_a_claim_text_and_a_pasted_source_keep_their_whitespace(annotator, api_token_as):
    client = api_token_as(annotator)
    article = client.post(
        "/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json"
    ).data["id"]
    claim = client.post(
        "/api/v1/claims/",
        {
            "article": article,
            "selector": [{"type": "TextQuoteSelector", "exact": "The mayor"}],
            "text": "  The mayor said\u00a0so.\t",
        },
        format="json",
    )
    assert claim.status_code == 201, claim.data
    assert claim.data["text"] == "  The mayor said\u00a0so.\t"
    source = client.post(
        f"/api/v1/claims/{claim.data['id']}/sources/",
        {"title": "Minutes", "text": AWKWARD},
        format="json",
    )
    assert source.status_code == 201, source.data
    assert Source.objects.get().text == canonical(AWKWARD)


def test_a_quote_with_whitespace_around_it_is_stored_as_selected(annotator, api_token_as):
    client = api_token_as(annotator)
    article = client.post(
        "/api/v1/articles/", {"title": "Bridge", "text": AWKWARD}, format="json"
    ).data["id"]
    claim = client.post(
        "/api/v1/claims/",
        {"article": article, "selector": [{"type": "TextPositionSelector", "start": 0, "end": 12}]},
        format="json",
    )
    assert claim.status_code == 201, claim.data
    assert claim.data["selector"][0]["exact"] == "  \tThe mayor"
    assert Claim.objects.get().quote_exact == "  \tThe mayor"


def test_the_admin_article_forms_keep_the_text_as_pasted():
    create = ArticleCreateForm(data={"title": "Bridge", "text": AWKWARD})
    assert create.is_valid(), create.errors
    assert create.cleaned_data["text"] == canonical(AWKWARD)
    change = ArticleForm(data={"title": "Bridge", "text": AWKWARD})
    assert change.is_valid(), change.errors
    assert change.cleaned_data["text"] == canonical(AWKWARD)


def test_a_plain_text_upload_keeps_its_text_as_written():
    written = "\n\n" + AWKWARD + "\n"
    upload = SimpleUploadedFile("bridge.txt", written.encode("utf-8"), "text/plain")
    _title, text = article_text_from_upload(upload)
    assert text == canonical(written)


def test_an_article_added_in_the_admin_keeps_its_text_as_pasted(client, annotator):
    client.force_login(annotator)
    response = client.post(
        "/admin/annotations/article/add/", {"title": "Bridge", "text": AWKWARD, "url": ""}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().text == canonical(AWKWARD)


def test_a_claim_added_in_the_admin_keeps_its_typed_quote_text_and_pasted_source(
    client, annotator
):
    article = Article.objects.create(title="Bridge", text=canonical(AWKWARD))
    client.force_login(annotator)
    response = client.post(
        "/admin/annotations/claim/add/",
        {
            "article": article.pk,
            "quote": "said the bridge cost 58 million euros.\r\n",
            "text": " The bridge cost 58 million.\t",
            "speaker": "",
            "kind": "other",
            "source_title": "Minutes",
            "source_text": AWKWARD,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert claim.quote_exact == "said the bridge cost 58 million euros.\n"
    assert claim.text == " The bridge cost 58 million.\t"
    assert claim.sources.get().text == canonical(AWKWARD)


def test_a_draft_claim_changed_in_the_admin_keeps_its_text_as_written(client, annotator):
    from annotations.services import claim_create

    article = Article.objects.create(title="Bridge", text=canonical(AWKWARD))
    claim = claim_create(article=article, user=annotator, exact="The mayor")
    client.force_login(annotator)
    form = client.get(f"/admin/annotations/claim/{claim.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "text": "  The mayor said so.\r\n",
            "tags": [],
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        }
    )
    response = client.post(f"/admin/annotations/claim/{claim.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert claim.text == "  The mayor said so.\n"
