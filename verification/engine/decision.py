"""The engine's last step: the findings a reviewer reads agree with the stance it decided.

A check that finds two different figures (dates, names, a negation) reports a conflict; when
the stance is nonetheless "not enough info", the passage did not seem to speak of the same
thing, and a reviewer reading "number mismatch" next to "not enough info" takes it for a
contradiction of the engine with itself. On held-out train pages (the stance model never saw
them) such records are not enough info 31 times in 37 (vitaminc_real, 2026-12-04), so the stance
stands and the finding says why it was not held against the claim.
"""

from __future__ import annotations

from dataclasses import replace

from .results import Finding

NOT_ENOUGH_INFO = "not_enough_info"
# Quote and speaker conflicts decide the stance themselves ("refutes"); these only weigh in it.
WEIGHED_KINDS = frozenset({"number", "date", "name", "negation", "polarity"})
NOT_HELD = (
    " (not held against the claim: the passage does not seem to speak of the same thing, so "
    "the stance is not enough info)"
)


def findings_for_stance(stance: str, findings: list[Finding]) -> list[Finding]:
    """The findings, with conflicts that did not decide a "not enough info" stance said as such:
    outcome `info` and a note, so no finding contradicts the stance."""
    if stance != NOT_ENOUGH_INFO:
        return findings
    return [
        replace(finding, outcome="info", message=finding.message + NOT_HELD)
        if finding.outcome == "conflicts" and finding.kind in WEIGHED_KINDS
        else finding
        for finding in findings
    ]
