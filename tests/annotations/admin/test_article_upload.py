"""Articles are created in the admin from pasted text or an uploaded .txt, .html or .pdf file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Article
from annotations.uploads import html_to_text
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/annotations/article/add/"


def post_article(client, *, title="", text="", upload=None):
    data = {
        "title": title,
        "text": text,
        "url": "",
        "publisher": "",
        "published_at_0": "",
        "published_at_1": "",
    }
    if upload is not None:
        data["upload"] = upload
    return client.post(ADD_URL, data)


def test_pasted_text_becomes_canonical_text(client, annotator):
    client.force_login(annotator)
    response = post_article(client, title="Pasted", text="Cafe\u0301 line one\r\nline two")
    assert response.status_code == 302
    assert Article.objects.get().text == "Café line one\nline two"


def test_an_uploaded_text_file_becomes_the_article_in_canonical_form(client, annotator):
    body = "\ufeffLe cafe\u0301 a ouvert 😀.\r\n\r\nالجملة الثانية.\r\n".encode()
    client.force_login(annotator)

    response = post_article(
        client, upload=SimpleUploadedFile("cafe_opening.txt", body, "text/plain")
    )

    assert response.status_code == 302
    article = Article.objects.get()
    # Canonical form only (no mark, NFC, "\n"): the file's last line break is kept as written.
    assert article.text == "Le café a ouvert 😀.\n\nالجملة الثانية.\n"
    assert article.title == "cafe opening"
    assert article.created_by == annotator


def test_an_uploaded_html_file_becomes_plain_text_paragraphs(client, annotator):
    body = b"""<!doctype html><html><head><meta charset="utf-8"><title>Bridge &amp; road</title>
    <style>p { color: red }</style><script>alert("x")</script></head>
    <body><h1>The bridge</h1><p>The mayor said
       it cost <b>56</b>&nbsp;million &lt;euros&gt;.</p>
    <div>Line one<br>line two</div><img src=x onerror=alert(1)><p>Caf\xc3\xa9 \xf0\x9f\x98\x80</p>
    </body></html>"""
    client.force_login(annotator)

    post_article(client, upload=SimpleUploadedFile("page.html", body, "text/html"))

    article = Article.objects.get()
    assert article.title == "Bridge & road"
    assert article.text == (
        "The bridge\n\nThe mayor said it cost 56 million <euros>.\n\nLine one\nline two\n\nCafé 😀"
    )


def test_an_uploaded_pdf_becomes_the_article_text(client, annotator):
    body = make_pdf(
        [["The mayor said the bridge", "cost 56 million."], ["Page two."]], title="Budget report"
    )
    client.force_login(annotator)

    post_article(client, upload=SimpleUploadedFile("report.pdf", body, "application/pdf"))

    article = Article.objects.get()
    assert article.title == "Budget report"
    assert "cost 56 million." in article.text
    assert "\n\nPage two." in article.text


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("notes.docx", b"PK\x03\x04", "Upload a .txt, .html or .pdf file"),
        ("latin.txt", "caf\xe9".encode("latin-1"), "not UTF-8"),
        # A UTF-16 mark in front of bytes that are not UTF-16 (this was a server error).
        ("marked.txt", b"\xff\xfe\x00\x00latin1 caf\xe9", "mark, but the bytes after it are not"),
        ("marked.html", b"\xff\xfeH\x00i\x00!", "mark, but the bytes after it are not"),
        ("program.txt", bytes(range(256)) * 40, "cannot be read"),
        ("empty.html", b"<html><script>x</script></html>", "No text was found"),
        ("broken.pdf", b"%PDF-1.4 not really", "The PDF could not be read"),
    ],
)
def test_unusable_uploads_are_refused_with_the_reason(client, annotator, name, body, message):
    client.force_login(annotator)
    response = post_article(client, upload=SimpleUploadedFile(name, body))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_pasting_and_uploading_at_once_is_refused(client, annotator):
    client.force_login(annotator)
    response = post_article(
        client, title="Both", text="Pasted.", upload=SimpleUploadedFile("a.txt", b"Uploaded.")
    )
    assert "not both" in response.content.decode()
    assert Article.objects.count() == 0


def test_neither_text_nor_file_is_refused(client, annotator):
    client.force_login(annotator)
    response = post_article(client, title="Nothing")
    assert "Paste the article text or upload a file." in response.content.decode()
    assert Article.objects.count() == 0


def test_a_reviewer_cannot_create_articles(client, reviewer):
    client.force_login(reviewer)
    response = post_article(client, title="No", text="Not allowed.")
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_html_in_pre_blocks_keeps_its_line_breaks():
    title, text = html_to_text("<pre>a  b\n  c</pre><p> x </p>")
    assert (title, text) == ("", "a  b\n  c\n\nx")


def test_control_characters_in_an_upload_are_dropped(client, annotator):
    client.force_login(annotator)
    body = b"<html><body><p>Turnout\x00 was 56%.\x07</p></body></html>"
    post_article(client, upload=SimpleUploadedFile("page.html", body, "text/html"))
    assert Article.objects.get().text == "Turnout was 56%."


def test_the_add_page_says_the_url_field_fetches_nothing(client, annotator):
    client.force_login(annotator)
    page = client.get(ADD_URL).content.decode()
    assert "nothing is fetched from it" in page


def test_a_url_without_text_points_to_import_from_a_web_address(client, annotator):
    client.force_login(annotator)
    data = {"title": "", "text": "", "url": "https://news.example/bridge", "publisher": ""}
    response = client.post(ADD_URL, {**data, "published_at_0": "", "published_at_1": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="/admin/annotations/article/import/">Import from a web address</a>' in page
    assert "The article needs a title." not in page
    assert not Article.objects.exists()
