"""An annotator picks a source's claim by typing, and tells equal words apart by the article.

Data is created before the browser opens: Django's ORM must not run while Playwright's loop is.
"""

import pytest

from annotations.services import claim_create
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "The minister said the bridge would open in May."


@pytest.fixture
def two_claims_with_the_same_words(roles):
    user = UserFactory(username="annie", groups=["annotator"])
    for title in ("Budget debate", "Transport plan"):
        claim_create(
            article=ArticleFactory(title=title, text=TEXT), user=user, exact="The minister said"
        )
    return user


def test_the_claim_picker_searches_and_names_each_claim_with_its_article(
    live_server, two_claims_with_the_same_words, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    sign_in(page, live_server.url, "annie", PASSWORD)
    page.goto(f"{live_server.url}/admin/annotations/source/add/")
    page.select_option("#id_kind", "text")
    page.fill("#id_title", "Minutes")
    page.fill("#id_text", "The minister said the bridge opens in June.")
    page.click(".field-claims .select2-selection")
    page.keyboard.type("minister")
    options = page.locator(".select2-results__option", has_text="The minister said")
    expect(options).to_have_count(2)
    assert sorted(options.all_inner_texts()) == [
        "The minister said — Budget debate",
        "The minister said — Transport plan",
    ]
    options.filter(has_text="Transport plan").click()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "was added successfully" in page.inner_text(".messagelist")
    page.click("#result_list a:text('Minutes')")
    expect(page.locator("#id_claims option[selected]")).to_have_text(
        ["The minister said — Transport plan"]
    )
