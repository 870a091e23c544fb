"""The findings a reviewer reads agree with the stance: no "number mismatch" under "not enough
info" (a reviewer reads the two together as the engine contradicting itself)."""

from verification.engine import ClaimInput, SourceInput, crosscheck
from verification.engine.decision import findings_for_stance
from verification.engine.results import Finding

# Another year's ranking: the figures differ, but the passage is not about the claim's year.
CLAIM = "The 2011 QS World University Rankings had Carleton University on the 301st spot."
SOURCE = "The 2014 QS World University Rankings ranked the university 250th in the world."


def test_a_figure_of_a_passage_about_something_else_is_no_mismatch_under_not_enough_info():
    result = crosscheck(ClaimInput(CLAIM), [SourceInput("s0", SOURCE, "Carleton University")])

    assert result.stance == "not_enough_info"
    number = next(f for f in result.findings if f.kind == "number")
    assert number.outcome == "info"
    assert number.message == (
        "ordinal mismatch: the claim says 301st, the source says 250th (not held against the "
        "claim: the passage does not seem to speak of the same thing, so the stance is not "
        "enough info)"
    )
    assert [f for f in result.findings if f.outcome == "conflicts"] == []


def test_conflicts_stay_conflicts_when_they_weigh_in_a_refutes_or_supports_stance():
    mismatch = Finding(
        "number", "conflicts", "number mismatch: the claim says 56, the source says 58"
    )
    quote = Finding("quote", "conflicts", "quote changed")

    assert findings_for_stance("refutes", [mismatch]) == [mismatch]
    assert findings_for_stance("supports", [mismatch]) == [mismatch]
    restated, kept = findings_for_stance("not_enough_info", [mismatch, quote])
    assert (restated.outcome, restated.claim_start) == ("info", mismatch.claim_start)
    assert restated.message.startswith(mismatch.message + " (not held against the claim")
    assert kept is quote
