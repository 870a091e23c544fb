"""A claim in review with machine evidence, for the tests of a fact's evidence and shape."""

from annotations.services import claim_create, source_add_text
from tests.factories import ArticleFactory
from tests.verification.runs import SOURCE_TEXT
from verification import engine
from verification.checks.services import check_run_finish, check_run_start, claim_submit
from verification.review.services import queue_take_next
from verification.sources.archive import source_archive


def run_finish(run, spans):
    """Settle `run` with machine evidence at the given (start, end, score) spans."""
    started = check_run_start(run_id=str(run.run_id))
    snapshot = started.claim.sources.get().snapshots.get()
    evidence = [
        engine.EvidenceSpan(str(snapshot.pk), start, end, score, snapshot.text[start:end])
        for start, end, score in spans
    ]
    result = engine.CheckResult(
        stance="supports", confidence=0.7, evidence=evidence, findings=[], engine_version="t"
    )
    check_run_finish(run=started, result=result, problems=[])
    return snapshot


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def claim_in_review_build(annotator, reviewer):
    """A claim in review whose check run found two machine passages; with its snapshot."""
    claim = claim_create(
        article=ArticleFactory(),
        user=annotator,
        exact="Work began in 2019",
        text="Work began in 2019.",
    )
    source = source_add_text(claim=claim, title="Audit report", text=SOURCE_TEXT, user=annotator)
    source_archive(source=source)
    run = claim_submit(claim=claim, user=annotator)
    machine = [
        (*span_of(SOURCE_TEXT, "The council published its accounts on Monday."), 0.4),
        (*span_of(SOURCE_TEXT, "The bridge cost 85 million euros"), 0.08),
    ]
    snapshot = run_finish(run, machine)
    queue_take_next(reviewer=reviewer)
    claim.refresh_from_db()
    return claim, snapshot
