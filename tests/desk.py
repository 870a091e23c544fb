"""A small desk in every state, for API tests: ids of an article, claims, a source and a fact."""

from dataclasses import dataclass

from annotations.models import Article, Claim, ClaimStatus
from annotations.services import claim_create, claim_transition, source_add_text
from tests.factories import ArticleFactory, UserFactory
from verification.facts.services import fact_publish
from verification.review.services import review_record
from verification.sources.archive import source_archive


@dataclass
class Desk:
    article: int
    draft: int
    waiting: int
    reviewed: int
    fact: int
    source: int
    snapshot: int


def desk_build(*, facts: int = 1) -> Desk:
    annotator = UserFactory(username="desk-annotator", groups=["annotator"])
    reviewer = UserFactory(username="desk-reviewer", groups=["reviewer"])
    publisher = UserFactory(username="desk-publisher", groups=["publisher"])
    article = ArticleFactory()
    draft = claim_create(article=article, user=annotator, exact="The mayor said")
    source = source_add_text(
        claim=draft, title="Minutes", text="The bridge cost 58 million euros.", user=annotator
    )
    snapshot = source_archive(source=source)

    def waiting_claim(exact: str):
        claim = claim_create(article=article, user=annotator, exact=exact)
        claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
        claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        return claim

    waiting = waiting_claim("Critics said")
    reviewed = waiting_claim("Work began in 2019")
    review_record(claim=reviewed, reviewer=reviewer, verdict="true", rationale="Ok.")
    fact = None
    for index in range(facts):
        claim = (
            waiting_claim("two years late")
            if index == 0
            else claim_create(article=article, user=annotator, start=index % 50, end=index % 50 + 5)
        )
        if index:
            claim_transition(claim=claim, to_status=ClaimStatus.SUBMITTED, actor=annotator)
            claim_transition(claim=claim, to_status=ClaimStatus.NEEDS_REVIEW, actor=None)
        source.claims.add(claim)
        review_record(claim=claim, reviewer=reviewer, verdict="false", rationale="No.")
        fact = fact or fact_publish(claim=claim, publisher=publisher)
        if index:
            fact_publish(claim=claim, publisher=publisher)
    return Desk(
        article=article.pk,
        draft=draft.pk,
        waiting=waiting.pk,
        reviewed=reviewed.pk,
        fact=fact.pk,
        source=source.pk,
        snapshot=snapshot.pk,
    )


def fact_words_edit(api_as, annotator, ids, new_words: str) -> Claim:
    """Edit the desk's article through the API so the fact's words become `new_words`."""
    article = Article.objects.get(pk=ids.article)
    response = api_as(annotator).patch(
        f"/api/v1/articles/{article.pk}/",
        {"text": article.text.replace("two years late", new_words)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return Claim.objects.get(fact__id=ids.fact)
