"""The admin claim page: its sources, adding one, and the button that submits or re-checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import ClaimStatus, Source, SourceKind
from annotations.services import claim_create, claim_transition, source_add_file, source_add_text
from tests.factories import ArticleFactory
from tests.verification.admin_pages import add_source
from verification.checks.services import check_run_execute, claim_submit
from verification.models import CheckRun
from verification.sources.archive import SourceUnavailable, source_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(annotator):
    return claim_create(
        article=ArticleFactory(), user=annotator, exact="the bridge cost 56 million euros"
    )


def page_of(client, claim) -> str:
    response = client.get(f"/admin/annotations/claim/{claim.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_claim_without_sources_says_so_and_offers_to_add_one(client, annotator, claim):
    client.force_login(annotator)
    page = page_of(client, claim)
    assert "No sources yet" in page
    assert f"/admin/annotations/source/add/?claims={claim.pk}" in page
    assert "Submit for checking" not in page  # it could only be refused


def test_the_page_lists_the_sources_with_their_state_and_failure(client, annotator, claim):
    Source.objects.create(
        kind=SourceKind.URL,
        url="https://example.org/<b>report</b>",
        title="Audit <i>report</i>",
        state="failed",
        failure_reason="not found (HTTP 404)",
    ).claims.add(claim)
    client.force_login(annotator)
    page = page_of(client, claim)
    assert "Audit &lt;i&gt;report&lt;/i&gt;" in page  # user text is never HTML
    assert "not found (HTTP 404)" in page


def test_adding_a_source_from_the_claim_page_comes_back_to_the_claim(client, annotator, claim):
    client.force_login(annotator)
    data = {"kind": "text", "title": "Minutes", "text": "It cost 56 million.", "claims": claim.pk}
    response = add_source(client, data, f"?claims={claim.pk}")
    assert response.status_code == 302
    assert response.url == f"/admin/annotations/claim/{claim.pk}/change/"
    assert claim.sources.get().title == "Minutes"
    # "Save and continue editing" still means the source's own page.
    data["_continue"] = "1"
    again = add_source(client, data, f"?claims={claim.pk}")
    assert again.url.startswith("/admin/annotations/source/")


def test_the_source_page_refuses_an_internal_address(client, annotator, claim):
    client.force_login(annotator)
    data = {"kind": "url", "url": "http://169.254.169.254/latest/", "claims": claim.pk}
    response = add_source(client, data)
    assert response.status_code == 200
    assert "is a cloud metadata address" in response.content.decode()
    assert not Source.objects.exists()


def test_the_button_submits_a_draft_for_checking(
    client, annotator, claim, django_capture_on_commit_callbacks
):
    source_add_text(claim=claim, title="Minutes", text="It cost 56 million.", user=annotator)
    client.force_login(annotator)
    assert "Submit for checking" in page_of(client, claim)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/admin/annotations/claim/{claim.pk}/check/")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert CheckRun.objects.filter(claim=claim).count() == 1


def test_submitting_without_a_source_is_refused_with_the_reason(client, annotator, claim):
    client.force_login(annotator)
    response = client.post(f"/admin/annotations/claim/{claim.pk}/check/", follow=True)
    assert "attach at least one before submitting" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_a_checked_claim_can_be_checked_again_by_a_reviewer_not_by_an_outsider(
    client, annotator, reviewer, outsider, claim, django_capture_on_commit_callbacks
):
    source_add_text(claim=claim, title="Minutes", text="It cost 56 million.", user=annotator)
    claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator, reason="")
    claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None, reason="")
    client.force_login(reviewer)
    assert "Check again" in page_of(client, claim)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/admin/annotations/claim/{claim.pk}/check/")
    assert CheckRun.objects.filter(claim=claim).count() == 1
    client.force_login(outsider)
    response = client.post(f"/admin/annotations/claim/{claim.pk}/check/")
    assert CheckRun.objects.filter(claim=claim).count() == 1
    assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "file"}, "Choose the file to upload."),
        ({"kind": "url"}, "Give the web address."),
        ({"kind": "text", "title": "Minutes"}, "Paste the source&#x27;s text."),
        ({"kind": "text", "text": "It cost 56 million."}, "Give the pasted source a title."),
    ],
)
def test_the_source_page_asks_for_what_the_kind_needs(client, annotator, claim, data, message):
    client.force_login(annotator)
    response = add_source(client, {**data, "claims": claim.pk})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_a_file_source_without_a_file_fails_with_the_reason_and_the_check_goes_on(annotator, claim):
    empty = Source.objects.create(kind=SourceKind.FILE, title="Scan")
    empty.claims.add(claim)
    with pytest.raises(SourceUnavailable, match="no file was uploaded"):
        source_archive(source=empty)
    source_add_text(claim=claim, title="Minutes", text="It cost 56 million.", user=annotator)
    run = claim_submit(claim=claim, user=annotator)
    check_run_execute(run_id=str(run.run_id))
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert "no file was uploaded" in run.error


def test_the_add_page_does_not_show_the_sources_of_a_claim_not_yet_made(client, annotator):
    client.force_login(annotator)
    page = client.get("/admin/annotations/claim/add/").content.decode()
    assert "No sources yet" not in page


def test_an_uploaded_source_is_named_by_its_file(annotator, claim):
    upload = SimpleUploadedFile("audit-2024.txt", b"It cost 56 million.", "text/plain")
    source = source_add_file(claim=claim, uploaded=upload, user=annotator, title="")
    source.title = ""
    assert str(source).startswith("audit-2024")
