"""Articles can be created from a URL, through the same safe fetcher as sources."""

import pytest

from annotations.models import Article

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><title>Council news</title></head><body><nav>Home | About</nav><article>"
    "<h1>Bridge opens two years late</h1><p>The new bridge over the river opened on Monday, "
    "two years later than planned, the council said.</p><p>It cost 58 million euros, "
    "according to the audit office, which criticised the delays.</p></article>"
    "<footer>Copyright the council</footer></body></html>"
)


def test_an_article_is_imported_from_a_page_without_its_boilerplate(
    api_as, site, annotator, settings
):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True

    @site.route("/news")
    def news(handler):
        site.send(handler, 200, PAGE.encode(), "text/html; charset=utf-8")

    response = api_as(annotator).post(
        "/api/v1/articles/import/", {"url": site.url("/news")}, format="json"
    )
    assert response.status_code == 201, response.data
    article = Article.objects.get(pk=response.data["id"])
    assert article.title == "Bridge opens two years late"
    assert article.url == site.url("/news")
    assert "58 million euros" in article.text
    assert "Home | About" not in article.text
    assert "Copyright" not in article.text


def test_an_internal_address_is_refused_with_the_reason_and_nothing_is_created(
    api_as, site, annotator
):
    response = api_as(annotator).post(
        "/api/v1/articles/import/", {"url": site.url("/news")}, format="json"
    )
    assert response.status_code == 400
    assert "refused: address 127.0.0.1 is internal" in str(response.data["url"])
    assert site.connections == 0
    assert not Article.objects.exists()


def test_a_reviewer_cannot_import_articles(api_as, reviewer):
    response = api_as(reviewer).post(
        "/api/v1/articles/import/", {"url": "https://example.org/"}, format="json"
    )
    assert response.status_code == 403


def test_the_admin_imports_an_article_and_shows_a_refusal_as_a_form_error(client, annotator, site):
    client.force_login(annotator)
    listing = client.get("/admin/annotations/article/").content.decode()
    assert "Import from a web address" in listing
    response = client.post("/admin/annotations/article/import/", {"url": site.url("/news")})
    assert response.status_code == 200
    assert "refused: address 127.0.0.1 is internal" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_import_redirects_to_the_new_article(client, annotator, site, settings):
    settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = True

    @site.route("/news")
    def news(handler):
        site.send(handler, 200, PAGE.encode(), "text/html; charset=utf-8")

    client.force_login(annotator)
    response = client.post("/admin/annotations/article/import/", {"url": site.url("/news")})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/annotations/article/{article.pk}/change/"


def test_a_reviewer_cannot_open_the_admin_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/annotations/article/import/").status_code == 403
