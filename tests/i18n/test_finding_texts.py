"""The machine check's findings read in the reader's language, their quoted words kept as text.

The engine (plain Python, no Django) gives every finding a code and its parameters next to the
English sentence; the desk renders the code's translated template at display time.
"""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from annotations.preferences import user_language_set
from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from verification import engine
from verification.checks import finding_texts
from verification.checks.services import check_run_finish, check_run_start, claim_submit
from verification.engine import messages
from verification.models import Finding, SourceSnapshot
from verification.sources.archive import source_archive

pytestmark = pytest.mark.django_db

SOURCE = "The council met on Monday. The bridge cost 85 million euros, the audit office said."


def test_every_engine_code_has_a_template_that_reads_as_the_engines_in_english():
    assert set(finding_texts.TEMPLATES) == set(messages.TEMPLATES)
    with translation.override("en"):
        for code, template in messages.TEMPLATES.items():
            assert str(finding_texts.TEMPLATES[code]) == template, code
        for kind, words in messages.TERMS.items():
            assert {k: str(v) for k, v in finding_texts.TERMS[kind].items()} == words, kind


def test_the_engine_gives_each_finding_a_code_and_its_data_as_well_as_the_sentence():
    result = engine.crosscheck(
        engine.ClaimInput(text="The bridge cost 56 million euros."),
        [engine.SourceInput(id="1", text=SOURCE)],
    )
    mismatch = next(f for f in result.findings if f.kind == "number")
    assert (mismatch.code, mismatch.params["figure"]) == ("figure.mismatch", "number")
    assert "56" in mismatch.params["claim"] and "85" in mismatch.params["source"]
    assert messages.render(mismatch.code, mismatch.params) == mismatch.message
    for finding in result.findings:
        assert finding.code in messages.TEMPLATES, finding
        with translation.override("en"):
            assert finding_texts.finding_text(finding.code, finding.params, "") == finding.message


@pytest.fixture
def checked(annotator):
    """A claim checked by the real engine, waiting for review."""
    claim = claim_create(
        article=ArticleFactory(text="Officials said the bridge cost 56 million euros last year."),
        user=annotator,
        exact="the bridge cost 56 million euros",
    )
    source = source_add_text(claim=claim, title="Audit", text=SOURCE, user=annotator)
    source_archive(source=source)
    run = claim_submit(claim=claim, user=annotator)
    started = check_run_start(run_id=str(run.run_id))
    snapshot = SourceSnapshot.objects.get(source=source)
    result = engine.crosscheck(
        engine.ClaimInput(text=claim.text),
        [engine.SourceInput(id=str(snapshot.pk), text=snapshot.text)],
    )
    check_run_finish(run=started, result=result, problems=[])
    claim.refresh_from_db()
    return claim


def _review_page(client, reviewer, claim, language: str) -> str:
    user_language_set(user=reviewer, language=language)
    client.force_login(reviewer)
    response = client.get(f"/admin/annotations/claim/{claim.pk}/review/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_spanish_reviewer_reads_the_findings_in_spanish(client, reviewer, checked):
    stored = Finding.objects.get(check_run__claim=checked, kind="number")
    assert stored.message.startswith("number mismatch: the claim says 56")
    page = _review_page(client, reviewer, checked, "es")
    assert "Discrepancia (cifra): la afirmación dice 56" in page
    assert "number mismatch" not in page


def test_the_api_gives_the_findings_in_the_requested_language(api_as, reviewer, checked):
    client = APIClient(headers={"accept-language": "ar"})
    client.force_authenticate(reviewer)
    response = client.get(f"/api/v1/claims/{checked.pk}/checks/")
    assert response.status_code == 200, response.content
    body = response.json()
    run = body[0] if isinstance(body, list) else body["results"][0]
    numbers = [f["message"] for f in run["findings"] if f["kind"] == "number"]
    assert numbers and numbers[0].startswith("عدم تطابق (رقم): يقول الادعاء 56")
    english = api_as(reviewer).get(f"/api/v1/claims/{checked.pk}/checks/").json()
    run = english[0] if isinstance(english, list) else english["results"][0]
    assert any(f["message"].startswith("number mismatch:") for f in run["findings"])


def test_quoted_words_go_into_the_sentence_as_text_never_as_markup(client, reviewer, checked):
    run = checked.check_runs.get()
    words = '<img src=x onerror="alert(1)">Smith'
    made = messages.finding("name", "missing", "name.missing", {"name": words})
    Finding.objects.create(
        check_run=run,
        position=99,
        kind=made.kind,
        outcome=made.outcome,
        message=made.message,
        code=made.code,
        params=made.params,
    )
    page = _review_page(client, reviewer, checked, "es")
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Smith"
    assert f"nombre no encontrado en la fuente: {escaped}" in page
    assert words not in page


def test_a_finding_stored_before_codes_shows_its_english_sentence(client, reviewer, checked):
    run = checked.check_runs.get()
    Finding.objects.create(
        check_run=run, position=98, kind="number", outcome="info", message="an old sentence"
    )
    unknown = Finding.objects.create(
        check_run=run,
        position=97,
        kind="number",
        outcome="info",
        message="from a newer engine",
        code="figure.unheard_of",
        params={"figure": "number"},
    )
    page = _review_page(client, reviewer, checked, "es")
    assert "an old sentence" in page
    assert finding_texts.text_of(unknown) == "from a newer engine"
