"""Deleting a draft claim: its own sources go with it, and a submit that gets there first wins."""

import threading

import pytest
from django.db import connection
from django.db.models.deletion import Collector

from annotations.models import Claim, ClaimStatus, Source
from annotations.services import (
    claim_create,
    claim_delete,
    claim_transition,
    source_add_text,
    source_add_url,
)
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_deleting_a_draft_deletes_the_sources_no_other_claim_cites(annotator):
    article = ArticleFactory()
    draft = claim_create(article=article, user=annotator, exact="The mayor said")
    other = claim_create(article=article, user=annotator, exact="Critics said")
    own = source_add_text(claim=draft, title="Minutes", text="The bridge cost 58m.", user=annotator)
    shared = source_add_url(claim=draft, url="https://example.org/report", user=annotator)
    shared.claims.add(other)

    claim_delete(claim=draft, user=annotator)

    assert not Source.objects.filter(pk=own.pk).exists()
    assert list(Source.objects.get(pk=shared.pk).claims.all()) == [other]


@pytest.mark.django_db
def test_the_admin_bulk_delete_takes_the_drafts_sources_too(client, annotator):
    article = ArticleFactory()
    drafts = [
        claim_create(article=article, user=annotator, exact=w)
        for w in ("The mayor said", "Critics said")
    ]
    for draft in drafts:
        source_add_text(claim=draft, title="Notes", text="Some notes.", user=annotator)
    client.force_login(annotator)

    response = client.post(
        "/admin/annotations/claim/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in drafts], "post": "yes"},
    )

    assert response.status_code == 302
    assert (Claim.objects.count(), Source.objects.count()) == (0, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delete_and_a_submit_at_once_one_wins_and_the_other_is_refused(annotator, monkeypatch):
    claim = claim_create(article=ArticleFactory(), user=annotator, exact="Work began in 2019")
    source_add_text(claim=claim, title="Minutes", text="Work began in 2019.", user=annotator)
    collected, submitted = threading.Event(), threading.Event()
    delete_rows = Collector.delete

    def delete_after_the_submit(collector):
        # The delete has read the claim as a draft; the submit comes in before it writes.
        collected.set()
        submitted.wait(1.5)
        return delete_rows(collector)

    monkeypatch.setattr(Collector, "delete", delete_after_the_submit)
    outcomes = {}

    def attempt(name, action) -> None:
        try:
            action()
            outcomes[name] = "ok"
        except Exception as error:  # noqa: BLE001 - the test records every outcome
            outcomes[name] = type(error).__name__
        finally:
            connection.close()

    def submit() -> None:
        collected.wait(10)
        attempt(
            "submit",
            lambda: claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator),
        )
        submitted.set()

    submitter = threading.Thread(target=submit)
    submitter.start()
    attempt("delete", lambda: claim_delete(claim=claim, user=annotator))
    submitter.join(10)

    assert sorted(outcomes.values()) == ["TransitionError", "ok"], outcomes
    if outcomes["submit"] == "ok":
        assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
        assert Source.objects.filter(claims=claim).count() == 1
    else:
        assert not Claim.objects.filter(pk=claim.pk).exists()
