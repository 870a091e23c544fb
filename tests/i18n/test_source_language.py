"""Sources' languages: detected on archiving, corrected by a person, passed to the engine;
facts say their language in the API and in ClaimReview (inLanguage)."""

import pytest
from rest_framework.test import APIClient

from annotations.models import ClaimStatus
from annotations.services import (
    article_create,
    claim_create,
    claim_transition,
    source_add_text,
)
from verification.checks.services import check_run_execute, claim_submit
from verification.facts.services import fact_publish
from verification.models import CheckRun, SourceSnapshot
from verification.review.services import review_record
from verification.sources.archive import source_archive

pytestmark = pytest.mark.django_db

ARTICLE = (
    "El Ayuntamiento informó el lunes de que el puente costó 56 millones de euros y de que las "
    "obras empezaron en 2019, dos años más tarde de lo previsto por el alcalde."
)
SOURCE = (
    "Según la auditoría publicada el martes, el puente costó 85 millones de euros. Las obras "
    "empezaron en 2019 y terminaron con dos años de retraso, según el tribunal de cuentas."
)


@pytest.fixture
def spanish_claim(annotator):
    article = article_create(title="El puente", text=ARTICLE, user=annotator)
    return claim_create(
        article=article, user=annotator, exact="el puente costó 56 millones de euros"
    )


def test_an_archived_source_gets_the_language_of_its_text(spanish_claim, annotator):
    source = source_add_text(claim=spanish_claim, title="Auditoría", text=SOURCE, user=annotator)
    assert source_archive(source=source).language == "es"


def test_the_check_reads_the_spanish_claim_without_the_english_only_checks(
    spanish_claim, annotator
):
    source_add_text(claim=spanish_claim, title="Auditoría", text=SOURCE, user=annotator)
    run = claim_submit(claim=spanish_claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    run = CheckRun.objects.get(pk=run.pk)
    findings = list(run.findings.order_by("position").values_list("kind", "outcome", "message"))
    assert findings[0][0] == "language"
    assert "the claim is in Spanish (es), the sources in Spanish (es)" in findings[0][2]
    assert ("number", "conflicts") in {(kind, outcome) for kind, outcome, _ in findings}
    assert not {kind for kind, _, _ in findings} & {"name", "negation", "polarity", "model"}
    assert run.stance == "refutes"
    spanish_claim.refresh_from_db()
    assert spanish_claim.status == ClaimStatus.NEEDS_REVIEW  # to review like any other claim


def test_a_person_corrects_a_snapshots_language_and_nothing_else(client, spanish_claim, annotator):
    source = source_add_text(claim=spanish_claim, title="Auditoría", text=SOURCE, user=annotator)
    snapshot = source_archive(source=source)
    client.force_login(annotator)
    url = f"/admin/verification/sourcesnapshot/{snapshot.pk}/change/"
    page = client.get(url).content.decode()
    assert '<option value="es" selected>' in page
    response = client.post(url, {"language": "gl", "text": "changed", "sha256": "0" * 64})
    assert response.status_code == 302
    stored = SourceSnapshot.objects.get(pk=snapshot.pk)
    assert (stored.language, stored.text, stored.sha256) == ("gl", snapshot.text, snapshot.sha256)


def test_a_published_fact_says_its_language_in_the_api_and_in_claimreview(
    spanish_claim, annotator, reviewer, publisher
):
    claim_transition(claim=spanish_claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=spanish_claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=spanish_claim, reviewer=reviewer, verdict="false", rationale="85 millones.")
    fact = fact_publish(claim=spanish_claim, publisher=publisher)

    listed = APIClient().get("/api/v1/facts/").json()["results"]
    assert [row["article"]["language"] for row in listed] == ["es"]
    assert APIClient().get(f"/api/v1/facts/{fact.pk}/").json()["article"]["language"] == "es"
    document = APIClient().get(f"/api/v1/facts/{fact.pk}/claimreview/").json()
    assert document["inLanguage"] == "es"
    assert document["itemReviewed"]["inLanguage"] == "es"


def test_claimreview_names_the_rating_in_the_articles_language_whatever_the_reader_asks(
    spanish_claim, annotator, reviewer, publisher
):
    claim_transition(claim=spanish_claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
    claim_transition(claim=spanish_claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
    review_record(claim=spanish_claim, reviewer=reviewer, verdict="false", rationale="85 millones.")
    fact = fact_publish(claim=spanish_claim, publisher=publisher)
    for asked in ["en", "fr", "ar"]:
        document = (
            APIClient(headers={"accept-language": asked})
            .get(f"/api/v1/facts/{fact.pk}/claimreview/")
            .json()
        )
        assert document["reviewRating"]["alternateName"] == "Falso"
