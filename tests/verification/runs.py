"""Settle check runs with a known engine result, so pages and services can be asserted."""

from verification import engine
from verification.checks.services import check_run_finish, check_run_start
from verification.models import SourceSnapshot

SOURCE_TEXT = (
    "The council published its accounts on Monday.\n\n"
    "The bridge cost 85 million euros, according to the audit office.\n\n"
    "Work began in 2019."
)


def finish_with(run, *, stance="refutes", confidence=0.8):
    """Settle `run` as the engine would, with a known result over the claim's one source."""
    started = check_run_start(run_id=str(run.run_id))
    snapshot = SourceSnapshot.objects.get(source__claims=run.claim)
    start = snapshot.text.index("The bridge cost")
    end = snapshot.text.index("office.") + len("office.")
    number = snapshot.text.index("85")
    result = engine.CheckResult(
        stance=stance,
        confidence=confidence,
        evidence=[engine.EvidenceSpan(str(snapshot.pk), start, end, 3.2, snapshot.text[start:end])],
        findings=[
            engine.Finding(
                kind="number",
                outcome="conflicts",
                message="number mismatch: the claim says 56, the source says 85",
                claim_start=16,
                claim_end=18,
                source_id=str(snapshot.pk),
                source_start=number,
                source_end=number + 2,
            )
        ],
        engine_version="test",
    )
    check_run_finish(run=started, result=result, problems=[])
    return snapshot
