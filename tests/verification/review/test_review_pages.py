"""The reviewers' and publishers' admin pages: the queue, the review page, the work lists."""

import pytest

from annotations.models import Claim, ClaimStatus
from annotations.services import article_update_text, claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.verification.runs import SOURCE_TEXT, finish_with
from verification.checks.services import claim_submit
from verification.facts.services import fact_publish
from verification.models import ReviewLease
from verification.review.services import queue_take, review_record

pytestmark = pytest.mark.django_db

QUEUE = "/admin/annotations/claim/queue/"


@pytest.fixture
def other_checked_claim(annotator, checked_claim):
    """A second claim waiting in the queue, in another article, behind `checked_claim`."""
    from verification.sources.archive import source_archive

    claim = claim_create(
        article=ArticleFactory(title="Second article"),
        user=annotator,
        exact="the bridge cost 56 million euros",
        text="The bridge cost 56 million euros, again.",
    )
    source = source_add_text(claim=claim, title="Audit report", text=SOURCE_TEXT, user=annotator)
    source_archive(source=source)
    finish_with(claim_submit(claim=claim, user=annotator))
    claim.refresh_from_db()
    return claim


def test_take_next_takes_the_next_claim_within_the_queue_filters(
    client, reviewer, checked_claim, other_checked_claim
):
    client.force_login(reviewer)
    page = client.get(f"{QUEUE}?article={other_checked_claim.article_id}").content.decode()
    assert f'<input type="hidden" name="article" value="{other_checked_claim.article_id}">' in page

    response = client.post(QUEUE + "take-next/", {"article": other_checked_claim.article_id})

    assert response.url == f"/admin/annotations/claim/{other_checked_claim.pk}/review/"
    assert ReviewLease.objects.get().claim_id == other_checked_claim.pk
    other_checked_claim.refresh_from_db()
    assert other_checked_claim.status == ClaimStatus.IN_REVIEW


def test_take_next_with_filters_matching_nothing_says_so_and_keeps_the_filters(
    client, reviewer, checked_claim
):
    client.force_login(reviewer)

    response = client.post(QUEUE + "take-next/", {"kind": "quote"}, follow=True)

    assert "No claim waiting for review matches these filters." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?kind=quote")
    assert not ReviewLease.objects.exists()


@pytest.mark.parametrize("filters", [{}, {"article": "other"}])
def test_take_next_while_holding_a_claim_says_so_and_takes_no_other(
    client, reviewer, checked_claim, other_checked_claim, filters
):
    queue_take(claim=checked_claim, reviewer=reviewer)
    client.force_login(reviewer)
    data = {"article": other_checked_claim.article_id} if filters else {}

    response = client.post(QUEUE + "take-next/", data, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/annotations/claim/{checked_claim.pk}/review/"
    page = response.content.decode()
    assert f"You still hold claim {checked_claim.pk}" in page
    assert "give its verdict or leave it before taking another" in page
    assert [lease.claim_id for lease in ReviewLease.objects.all()] == [checked_claim.pk]
    other_checked_claim.refresh_from_db()
    assert other_checked_claim.status == ClaimStatus.NEEDS_REVIEW


@pytest.fixture
def claim_sent_back_by_an_edit(checked_claim, reviewer, publisher, annotator):
    """A published claim whose article was edited so that its quote is only found approximately."""
    from annotations.services import article_update_text

    queue_take(claim=checked_claim, reviewer=reviewer)
    review_record(claim=checked_claim, reviewer=reviewer, verdict="false", rationale="85.")
    fact_publish(claim=checked_claim, publisher=publisher)
    article = checked_claim.article
    article_update_text(
        article=article,
        text=article.text.replace("the bridge cost 56 million", "the bridge cost 57 million"),
        user=annotator,
    )
    checked_claim.refresh_from_db()
    assert checked_claim.status == ClaimStatus.NEEDS_REVIEW
    assert checked_claim.anchor_state == "fuzzy"
    return checked_claim


def test_an_approximate_anchor_score_reads_as_the_same_percentage_on_every_page(
    client, reviewer, claim_sent_back_by_an_edit
):
    claim = claim_sent_back_by_an_edit
    Claim.objects.filter(pk=claim.pk).update(anchor_score=0.9113096686662584)
    client.force_login(reviewer)

    article_page = client.get(f"/admin/annotations/article/{claim.article_id}/change/")
    claim_page = client.get(f"/admin/annotations/claim/{claim.pk}/change/")
    review_page = client.get(f"/admin/annotations/claim/{claim.pk}/review/")

    assert '<span class="fd-meta">(91% match)</span>' in article_page.content.decode()
    assert "0.91" not in article_page.content.decode()
    assert '<div class="readonly">91%</div>' in claim_page.content.decode()
    assert "approximate (91% match)" in review_page.content.decode()


def test_the_queue_row_says_why_an_article_edit_sent_a_claim_back(
    client, reviewer, claim_sent_back_by_an_edit
):
    client.force_login(reviewer)

    page = client.get(QUEUE).content.decode()

    assert "The article text changed; the claim&#x27;s anchor is fuzzy" in page
    assert 'class="fd-badge fd-badge-anchor">Fuzzy (check it)<' in page


def test_the_review_page_says_why_the_claim_is_back_and_what_the_article_says_now(
    client, reviewer, annotator, claim_sent_back_by_an_edit
):
    client.force_login(reviewer)

    page = client.get(f"/admin/annotations/claim/{claim_sent_back_by_an_edit.pk}/review/")
    html = page.content.decode()

    assert 'id="fd-last-change"' in html
    assert "Published → Needs review" in html
    assert f"by {annotator.username}: The article text changed" in html
    now_says = '<span id="fd-current-words">the bridge cost 57 million euros'
    assert f"The article now says: “{now_says}" in html
    assert "the claim was made on “the bridge cost 56 million euros”" in html


def test_a_claim_held_by_another_reviewer_shows_who_until_when_and_no_verdict_form(
    client, reviewer, roles, checked_claim
):
    from tests.factories import UserFactory

    holder = UserFactory(username="demo2", groups=["reviewer"])
    lease = queue_take(claim=checked_claim, reviewer=holder)
    client.force_login(reviewer)

    html = client.get(f"/admin/annotations/claim/{checked_claim.pk}/review/").content.decode()

    until = lease.expires_at.strftime("%H:%M")
    assert f"held by <strong>demo2</strong> until {until} (UTC time)" in html
    assert 'id="fd-verdict-form"' not in html
    assert 'id="fd-verdict-held"' in html


def test_the_holders_own_line_says_the_time_zone_as_the_other_reviewers_line_does(
    client, reviewer, checked_claim
):
    lease = queue_take(claim=checked_claim, reviewer=reviewer)
    client.force_login(reviewer)
    until = lease.expires_at.strftime("%H:%M")

    html = client.get(f"/admin/annotations/claim/{checked_claim.pk}/review/").content.decode()
    renewed = client.post(f"/admin/annotations/claim/{checked_claim.pk}/review/renew/").json()

    assert f'You hold this claim until <span id="fd-lease-until">{until} (UTC time)</span>' in html
    # The heartbeat rewrites that time in the same words.
    assert renewed["until"].endswith(" (UTC time)")


READY = "/admin/annotations/claim/ready-to-publish/"


def test_publishers_find_verdicts_to_publish_but_not_their_own(
    client, reviewer_publisher, publisher, checked_claim, other_checked_claim
):
    queue_take(claim=checked_claim, reviewer=reviewer_publisher)
    review_record(
        claim=checked_claim, reviewer=reviewer_publisher, verdict="false", rationale="85."
    )
    client.force_login(publisher)
    index = client.get("/admin/").content.decode()
    assert f'href="{READY}"' in index

    listed = client.get(READY).content.decode()
    assert f'data-claim="{checked_claim.pk}"' in listed
    assert 'fd-verdict-badge">False<' in listed
    assert f'data-claim="{other_checked_claim.pk}"' not in listed  # no verdict yet

    client.force_login(reviewer_publisher)
    assert f'data-claim="{checked_claim.pk}"' not in client.get(READY).content.decode()


def test_an_orphaned_verdict_is_offered_to_open_not_to_publish(
    client, reviewer, publisher, checked_claim, other_checked_claim
):
    article_update_text(
        article=checked_claim.article, text="A wholly different text.", user=reviewer
    )
    for claim in (checked_claim, other_checked_claim):
        claim.refresh_from_db()
        queue_take(claim=claim, reviewer=reviewer)
        review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="85.")
    assert checked_claim.anchor_state == "orphaned"
    client.force_login(publisher)

    listed = client.get(READY).content.decode()

    orphaned = listed.split(f'data-claim="{checked_claim.pk}"')[1].split("</tr>")[0]
    anchored = listed.split(f'data-claim="{other_checked_claim.pk}"')[1].split("</tr>")[0]
    assert "orphaned: cannot be published" in orphaned
    assert ">Open</a>" in orphaned
    assert "Open to publish" not in orphaned
    assert ">Open to publish</a>" in anchored


def test_only_publishers_open_the_ready_to_publish_list(client, reviewer):
    client.force_login(reviewer)
    assert client.get(READY).status_code == 403
    assert READY not in client.get("/admin/").content.decode()


def test_the_facts_list_shows_the_verdict_and_filters_facts_under_review(
    client, publisher, claim_sent_back_by_an_edit
):
    client.force_login(publisher)

    page = client.get("/admin/verification/fact/?under_review=yes").content.decode()

    assert '<td class="field-verdict">False</td>' in page
    assert "1 fact" in page
    assert "0 facts" in client.get("/admin/verification/fact/?under_review=no").content.decode()
