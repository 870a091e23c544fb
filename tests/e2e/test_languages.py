"""The desk in each shipped language: switch in the header, mark a claim, give a verdict.

Each run signs in, switches the interface language with the header's chooser, marks a claim by
selecting words of an article written in that language, and records a verdict on a claim the
machine has checked. The translated labels are asserted in the page's text, and a screenshot is
taken of the review page (FACTDESK_UPDATE_DOCS=1 keeps the Arabic one as docs/desk-arabic.png).
The Arabic run also checks that pages lay out right to left and that a mouse selection in
right-to-left text makes a claim of exactly the selected words.
"""

import os

import pytest

from annotations import services
from tests import paths
from tests.e2e.conftest import sign_in
from tests.e2e.test_annotating import JS_HELPERS
from tests.factories import PASSWORD, UserFactory
from tests.texts import utf16_units as _units
from verification.checks.services import claim_submit
from verification.tasks import check_run_execute_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = paths.ROOT / "docs"

# Per language: the article, the words to mark with the mouse, the claim checked beforehand
# (its words and its source), and labels the page must show in that language.
DESKS = {
    "es": {
        "text": "El alcalde dijo el lunes que el puente costó 56 millones de euros. "
        "Las obras empezaron en 2019 y terminaron dos años tarde.",
        "select": "el puente costó 56 millones de euros",
        "checked": "Las obras empezaron en 2019",
        "source": "Según la auditoría, las obras del puente empezaron en 2019.",
        "create": "Crear afirmación con la selección",
        "created": "creada como borrador",
        "take": "Tomar esta afirmación",
        "verdict": "Veredicto actual",
        "language": "Idioma",
    },
    "fr": {
        "text": "Le maire a déclaré lundi que le pont avait coûté 56 millions d’euros. "
        "Les travaux ont commencé en 2019 et fini avec deux ans de retard.",
        "select": "le pont avait coûté 56 millions d’euros",
        "checked": "Les travaux ont commencé en 2019",
        "source": "Selon l’audit, les travaux du pont ont commencé en 2019.",
        "create": "Créer une affirmation depuis la sélection",
        "created": "créée en brouillon",
        "take": "Prendre cette affirmation",
        "verdict": "Verdict actuel",
        "language": "Langue",
    },
    "de": {
        "text": "Der Bürgermeister sagte am Montag, die Brücke habe 56 Millionen Euro gekostet. "
        "Die Arbeiten begannen 2019 und endeten zwei Jahre zu spät.",
        "select": "die Brücke habe 56 Millionen Euro gekostet",
        "checked": "Die Arbeiten begannen 2019",
        "source": "Laut Prüfbericht begannen die Arbeiten an der Brücke 2019.",
        "create": "Behauptung aus Auswahl anlegen",
        "created": "als Entwurf angelegt",
        "take": "Diese Behauptung übernehmen",
        "verdict": "Aktuelles Urteil",
        "language": "Sprache",
    },
    "pt-br": {
        "text": "O prefeito disse na segunda-feira que a ponte custou 56 milhões de reais. "
        "As obras começaram em 2019 e terminaram dois anos atrasadas.",
        "select": "a ponte custou 56 milhões de reais",
        "checked": "As obras começaram em 2019",
        "source": "Segundo a auditoria, as obras da ponte começaram em 2019.",
        "create": "Criar alegação a partir da seleção",
        "created": "criada como rascunho",
        "take": "Pegar esta alegação",
        "verdict": "Veredito atual",
        "language": "Idioma",
    },
    "ar": {
        "text": "قال رئيس البلدية يوم الاثنين إن الجسر كلّف 56 مليون يورو. "
        "وبدأت الأشغال عام 2019 وانتهت متأخرة عامين.",
        "select": "الجسر كلّف 56 مليون يورو",
        "checked": "وبدأت الأشغال عام 2019",
        "source": "بحسب تقرير التدقيق، بدأت أشغال الجسر عام 2019.",
        "create": "إنشاء ادعاء من التحديد",
        "created": "كمسودة",
        "take": "خذ هذا الادعاء",
        "verdict": "الحكم الحالي",
        "language": "اللغة",
    },
}


@pytest.fixture
def desk(request, roles):
    """An article in the language, and one of its claims checked by the machine, before the
    browser opens (the ORM is off-limits while Playwright runs)."""
    language = request.param
    data = DESKS[language]
    user = UserFactory(username=f"desk-{language}", groups=["annotator", "reviewer"])
    colleague = UserFactory(username=f"colleague-{language}", groups=["annotator"])
    article = services.article_create(title=data["select"], text=data["text"], user=colleague)
    checked = services.claim_create(article=article, user=colleague, exact=data["checked"])
    services.source_add_text(claim=checked, title="Audit", text=data["source"], user=colleague)
    run = claim_submit(claim=checked, user=colleague)
    check_run_execute_task.run(str(run.run_id))
    return language, data, user.username, article.pk, checked.pk


def _drag_select(page, start: int, end: int) -> None:
    """Press on the first character and release on the last, wherever the script puts them."""
    first = page.evaluate(f"window.fdCharBox({start}, 1)")
    last = page.evaluate(f"window.fdCharBox({end - 1}, 1)")
    # Right to left, a character starts at its right edge.
    rtl = (
        page.evaluate("getComputedStyle(document.getElementById('fd-article-text')).direction")
        == "rtl"
    )
    page.mouse.move(
        first["right"] - 1 if rtl else first["left"] + 1, (first["top"] + first["bottom"]) / 2
    )
    page.mouse.down()
    page.mouse.move(
        last["left"] + 1 if rtl else last["right"] - 1,
        (last["top"] + last["bottom"]) / 2,
        steps=8,
    )
    page.mouse.up()


@pytest.mark.parametrize("desk", sorted(DESKS), indirect=True)
def test_a_person_works_the_desk_in_their_language(live_server, desk, browser_page, tmp_path):
    from playwright.sync_api import expect

    language, data, username, article_id, checked_id = desk
    page = browser_page
    base = live_server.url
    sign_in(page, base, username, PASSWORD)

    # Switch the interface language in the header.
    page.select_option("#fd-language-select", language)
    page.click("#fd-language-submit")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("label[for=fd-language-select]")).to_have_text(data["language"])

    # Mark a claim by selecting its words in the article.
    page.goto(f"{base}/admin/annotations/article/{article_id}/change/")
    page.wait_for_selector("#fd-article-text")
    page.evaluate(JS_HELPERS)
    expect(page.locator("#fd-create-claim")).to_have_text(data["create"])
    text = data["text"]
    start = _units(text[: text.index(data["select"])])
    if language == "ar":
        # With the mouse, in right-to-left text (tests/e2e/test_annotating.py drags left to right).
        _drag_select(page, start, start + _units(data["select"]))
    else:
        page.evaluate(f"window.fdSelect({start}, {start + _units(data['select'])})")
    expect(page.locator("#fd-selection-status")).to_contain_text(data["select"])
    page.click("#fd-create-claim")
    expect(page.locator("#id_quote mark.fd-selected")).to_have_text(data["select"])
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text(data["created"])
    expect(page.locator("mark.fd-mark")).to_have_count(2)

    if language == "ar":
        # Right to left: the page, and the article's text read from its Arabic words.
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        assert (
            page.evaluate("getComputedStyle(document.getElementById('fd-article-text')).direction")
            == "rtl"
        )
        # The claim popover opens under the highlight, also right to left, inside the window.
        page.locator("mark.fd-mark").first.click()
        expect(page.locator("#fd-popover")).to_be_visible()
        assert page.evaluate("document.getElementById('fd-popover').dir") == "rtl"
        box = page.locator("#fd-popover").bounding_box()
        width = page.evaluate("document.documentElement.clientWidth")
        assert box["x"] >= 0 and box["x"] + box["width"] <= width

    # Review the claim the machine checked: take it, give a verdict.
    page.goto(f"{base}/admin/annotations/claim/{checked_id}/review/")
    expect(page.locator("#fd-take")).to_have_text(data["take"])
    page.click("#fd-take")
    page.check("input[name=verdict][value=true]")
    page.fill("#fd-rationale", data["source"])
    page.click("#fd-record-verdict")
    page.goto(f"{base}/admin/annotations/claim/{checked_id}/review/")
    expect(page.locator("#fd-latest-verdict")).to_contain_text(data["verdict"])
    if language == "ar":
        assert page.evaluate("document.documentElement.dir") == "rtl"

    keep = language == "ar" and os.environ.get("FACTDESK_UPDATE_DOCS") == "1"
    shot = (DOCS if keep else tmp_path) / ("desk-arabic.png" if keep else f"desk-{language}.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
