"""An annotator marks a claim with the mouse in the admin, and it survives edits of the text.

Data is created before the browser opens: Django's ORM must not run while Playwright's loop is.
Everything after that is checked through the page, as the annotator sees it.
"""

import os

import pytest

from annotations import services
from annotations.models import ClaimStatus
from tests import paths
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, UserFactory
from tests.texts import utf16_units as _units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = paths.ROOT / "docs"
XSS = "<img src=x onerror=alert(1)>"
PHRASE = "said 🚀 the bridge opened"
TEXT = (
    f"Le maire a déclaré: «le coût est de 56 millions». Reader comment: {XSS}\r\n\r\n"
    "قال الوزير إن الجسر جاهز 👍🏽. The minister "
    f"{PHRASE} in 2023, two years late.\r\n\r\n"
    "Critics said it cost 58 million."
)

# Map UTF-16 offsets in the text element to (text node, offset) and measure characters on screen.
JS_HELPERS = """
window.fdPoint = (offset) => {
  const root = document.getElementById("fd-article-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (offset <= node.data.length) return [node, offset];
    offset -= node.data.length;
  }
  throw new Error("offset outside the text");
};
window.fdCharBox = (offset, length) => {
  const [node, at] = window.fdPoint(offset);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + length);
  const box = range.getBoundingClientRect();
  return {left: box.left, right: box.right, top: box.top, bottom: box.bottom};
};
window.fdSelect = (start, end) => {
  const range = document.createRange();
  range.setStart(...window.fdPoint(start));
  range.setEnd(...window.fdPoint(end));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
};
window.fdCovered = (id) => Array.from(
  document.querySelectorAll("#fd-article-text mark.fd-mark")
).filter((mark) => mark.dataset.claims.split(" ").includes(String(id)))
  .map((mark) => mark.textContent).join("");
window.fdClaimId = (text) => Object.entries(
  JSON.parse(document.getElementById("fd-claims-data").textContent)
).find(([, claim]) => claim.text === text)[0];
true;  // Playwright calls a script whose value is a function: end on a plain value.
"""


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#fd-article-text")
    page.evaluate(JS_HELPERS)


def _save_text(page, text: str) -> None:
    page.fill("#id_text", text)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    page.evaluate(JS_HELPERS)


@pytest.fixture
def annotated_article(roles):
    user = UserFactory(username="annie", groups=["annotator"])
    article = services.article_create(title=f"Bridge {XSS}", text=TEXT, user=user)
    services.claim_create(article=article, user=user, exact="56 millions", kind="statistic")
    return article


def test_an_annotator_marks_a_phrase_with_emoji_and_it_survives_edits(
    live_server, annotated_article, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    article_url = f"{live_server.url}/admin/annotations/article/{annotated_article.pk}/change/"
    text = annotated_article.text
    sign_in(page, live_server.url, "annie", PASSWORD)
    _open(page, article_url)

    # Stored markup is shown as characters: no element made from it, no script run.
    assert page.locator("#fd-article-text").text_content() == text
    assert page.locator("#fd-article-text img").count() == 0
    expect(page.locator("#fd-article-text")).to_contain_text(XSS)
    expect(page.locator(".breadcrumbs")).to_contain_text(XSS)

    # Select the phrase with the mouse: press before its first character, release after its last.
    start = _units(text[: text.index(PHRASE)])
    end = start + _units(PHRASE)
    first = page.evaluate(f"window.fdCharBox({start}, 1)")
    last = page.evaluate(f"window.fdCharBox({end - 1}, 1)")
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=8)
    page.mouse.up()
    expect(page.locator("#fd-selection-status")).to_contain_text(f"“{PHRASE}”")
    page.click("#fd-create-claim")

    # The claim form shows exactly the selected words, read-only; it is filled by keyboard.
    expect(page.locator("#id_quote mark.fd-selected")).to_have_text(PHRASE)
    page.locator("#id_text").fill("The bridge opened in 2023.")
    page.locator("#id_speaker").fill("The minister")
    page.locator("#id_kind").select_option("event")
    page.locator("#id_tag_names").fill("infrastructure")
    page.locator("#id_tag_names").press("Enter")

    # Back on the article, after a reload: the highlight covers exactly the phrase.
    expect(page.locator(".messagelist")).to_contain_text("created as a draft")
    page.reload()
    page.evaluate(JS_HELPERS)
    claim_id = page.evaluate("window.fdClaimId('The bridge opened in 2023.')")
    assert page.evaluate(f"window.fdCovered({claim_id})") == PHRASE

    # Hovering the highlight shows the claim, its speaker, status and a link to it.
    page.locator(f'#fd-article-text mark[data-claims~="{claim_id}"]').first.hover()
    popover = page.locator("#fd-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("The bridge opened in 2023.")
    expect(popover).to_contain_text("speaker: The minister")
    expect(popover).to_contain_text("Draft")
    expect(popover.get_by_role("link", name="Open claim")).to_have_attribute(
        "href", f"/admin/annotations/claim/{claim_id}/change/"
    )

    # The claim's page holds the code point positions of the phrase.
    page.goto(f"{live_server.url}/admin/annotations/claim/{claim_id}/change/")
    expect(page.locator(".field-quote_exact .readonly")).to_have_text(PHRASE)
    expect(page.locator(".field-position_start .readonly")).to_have_text(str(text.index(PHRASE)))

    # Edit the text so the phrase moves: it is re-anchored and still highlighted exactly.
    _open(page, article_url)
    moved_text = "A new first paragraph, with 😀 emoji.\n\n" + text
    _save_text(page, moved_text)
    expect(page.locator(".messagelist")).to_contain_text("2 moved")
    assert page.evaluate(f"window.fdCovered({claim_id})") == PHRASE

    # Delete the phrase: the claim is orphaned and listed with its quote.
    _save_text(page, moved_text.replace(PHRASE + " ", ""))
    expect(page.locator(".messagelist")).to_contain_text("1 orphaned")
    assert page.evaluate(f"window.fdCovered({claim_id})") == ""
    orphans = page.locator("#fd-orphaned")
    expect(orphans).to_contain_text("The bridge opened in 2023.")
    expect(orphans).to_contain_text(PHRASE)

    assert dialogs == []


def test_the_create_button_is_reached_by_keyboard_and_refuses_an_empty_selection(
    live_server, annotated_article, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    text = annotated_article.text
    sign_in(page, live_server.url, "annie", PASSWORD)
    _open(page, f"{live_server.url}/admin/annotations/article/{annotated_article.pk}/change/")

    page.focus("#fd-article-text")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#fd-create-claim")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#fd-selection-status")).to_contain_text("Select the words")

    # A selection across two paragraphs, right-to-left words and an emoji with a modifier.
    phrase = text[text.index("Reader comment") : text.index("👍🏽") + len("👍🏽")]
    start = _units(text[: text.index(phrase)])
    page.evaluate(f"window.fdSelect({start}, {start + _units(phrase)})")
    page.focus("#fd-create-claim")
    page.keyboard.press("Enter")
    expect(page.locator("#id_quote mark.fd-selected")).to_have_text(phrase)
    page.locator("#id_speaker").fill("Reader")
    page.locator("#id_speaker").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("created as a draft")
    page.evaluate(JS_HELPERS)
    claim_id = page.evaluate("(quote) => window.fdClaimId(quote)", phrase)
    assert page.evaluate(f"window.fdCovered({claim_id})") == phrase


@pytest.fixture
def demo_desk(tmp_path):
    from verification.demo.loader import SEED_TITLE, demo_load

    report = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    from annotations.models import Article

    seed = Article.objects.get(title=SEED_TITLE)
    user = seed.created_by
    claims = list(seed.claims.order_by("position_start"))
    services.claim_create(
        article=seed, user=user, exact="56-year-old", kind="statistic", text="He is 56 years old."
    )
    services.claim_create(
        article=seed,
        user=user,
        exact="North Korea voted against",
        text="North Korea voted against the resolution.",
    )
    path = {
        1: [ClaimStatus.SUBMITTED],
        2: [ClaimStatus.SUBMITTED, ClaimStatus.CHECKING, ClaimStatus.NEEDS_REVIEW],
        3: [
            ClaimStatus.SUBMITTED,
            ClaimStatus.CHECKING,
            ClaimStatus.NEEDS_REVIEW,
            ClaimStatus.IN_REVIEW,
            ClaimStatus.REVIEWED,
            ClaimStatus.PUBLISHED,
        ],
    }
    for index, steps in path.items():
        for status in steps:
            services.claim_transition(claim=claims[index], to_status=status, actor=user)
    return seed, dict(report["accounts"])


def test_screenshot_of_an_annotated_article(live_server, demo_desk, browser_page, tmp_path):
    """Shows nested claims with their popover; FACTDESK_UPDATE_DOCS=1 refreshes docs/'s copy."""
    from playwright.sync_api import expect

    seed, accounts = demo_desk
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1000})
    sign_in(page, live_server.url, "demo", accounts["demo"])
    _open(page, f"{live_server.url}/admin/annotations/article/{seed.pk}/change/")
    page.locator(".fd-annotate").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.fd-annotate').scrollIntoView()")
    mark = page.locator("#fd-article-text mark[data-depth='2']").first
    mark.hover()
    expect(page.locator("#fd-popover")).to_be_visible()
    expect(page.locator("#fd-popover article")).to_have_count(2)
    target = DOCS if os.environ.get("FACTDESK_UPDATE_DOCS") == "1" else tmp_path
    target.mkdir(exist_ok=True)
    page.screenshot(path=str(target / "annotated-article.png"))
    assert (target / "annotated-article.png").stat().st_size > 10_000


@pytest.fixture
def demo_follow_up(tmp_path):
    from annotations.models import Article
    from verification.demo.loader import FOLLOW_UP_TITLE, demo_load

    report = demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    return Article.objects.get(title=FOLLOW_UP_TITLE), dict(report["accounts"])


def test_a_drag_across_a_claim_selects_what_was_dragged_over_without_opening_its_popover(
    live_server, demo_follow_up, browser_page
):
    """At this width the claim ends a line and the drag ends on the next, under its popover."""
    from playwright.sync_api import expect

    article, accounts = demo_follow_up
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server.url, "demo", accounts["demo"])
    _open(page, f"{live_server.url}/admin/annotations/article/{article.pk}/change/")
    page.evaluate("document.getElementById('fd-article-text').scrollIntoView()")
    text = article.text
    end_words = "arms-for-food deal"
    dragged = text[text.index("munitions from") : text.index(end_words) + len(end_words)]
    start = _units(text[: text.index(dragged)])
    end = start + _units(dragged)
    first = page.evaluate(f"window.fdCharBox({start}, 1)")
    last = page.evaluate(f"window.fdCharBox({end - 1}, 1)")
    popover = page.locator("#fd-popover")

    # Pointing at the claim shows it; pressing the button to select puts it away.
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    expect(popover).to_be_visible()
    page.mouse.down()
    expect(popover).to_be_hidden()
    x, y = first["left"] + 1, (first["top"] + first["bottom"]) / 2
    to_x, to_y = last["right"] - 1, (last["top"] + last["bottom"]) / 2
    for step in range(1, 21):
        page.mouse.move(x + (to_x - x) * step / 20, y + (to_y - y) * step / 20)
        assert popover.is_hidden(), f"the popover opened at step {step} of the drag"
    page.mouse.up()

    expect(page.locator("#fd-selection-status")).to_have_text(
        f"Selected {len(dragged)} characters: “{dragged}”."
    )
