"""Which checks read only English, and what the engine does with text in other languages.

The number words, ordinals and relative dates, the name and nationality lists, the negation and
opposite-wording lexicon, the verbs of saying that tell who spoke a quote, the rules' stance
weights and the learned stance model were all made from English text. On a claim or source in
another language they give confident findings that mean nothing, so they do not run there. What
reads the same in any language keeps running: the exact words of a quote (a word-level diff),
figures written in digits and dates written in numbers (ISO or numeric), and retrieval (BM25 over
Unicode words, with a bonus for shared figures). The result then says which language was found
and what was skipped, and its stance rests on those checks alone.

Languages are given by the caller (ISO 639 codes); the engine detects nothing itself. A text
whose language is not known ("" or None) is read as English, as before languages were known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import messages
from .results import Finding

ENGLISH = "en"

_DIGIT = re.compile(r"\d")
# A date written 2024-03-01, in any language.
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")


def _code(language: str | None) -> str:
    # "pt-BR" and "pt_br" are Portuguese: only the language matters to the checks.
    return re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]


@dataclass(frozen=True)
class LanguagePlan:
    """What runs for one claim and its sources."""

    claim_language: str
    source_languages: tuple[str, ...]

    @property
    def english(self) -> bool:
        """True when every language known is English: all checks run."""
        known = {self.claim_language, *self.source_languages} - {""}
        return known <= {ENGLISH}

    def finding(self) -> Finding | None:
        """The explained finding for a check that left English-only rules out, else None."""
        if self.english:
            return None
        found = [language for language in dict.fromkeys(self.source_languages) if language]
        return messages.finding(
            "language",
            "info",
            "language.skipped",
            {"claim_language": self.claim_language, "source_languages": found},
        )


def language_plan(
    claim_language: str | None, source_languages: Iterable[str | None]
) -> LanguagePlan:
    """Decide what runs from the claim's language and its sources' languages."""
    return LanguagePlan(_code(claim_language), tuple(_code(s) for s in source_languages))


def neutral_findings(
    findings: Sequence[Finding], claim_text: str, source_texts: dict[str, str]
) -> list[Finding]:
    """Keep the findings that hold in any language: figures and dates written with digits.

    A number or date finding stays only when the claim's words and the source's words it
    compares both hold a digit ("56", "2024-03-01", "3/4/2020"); one read from English words
    ("fifty-six", "last year", "twice") is dropped. Other kinds are dropped: they are the
    English-only checks.
    """
    kept = []
    # A whole ISO date was compared day by day (check_iso_dates): its year alone is not news.
    whole_dates = [
        (f.claim_start, f.claim_end)
        for f in findings
        if f.kind == "date"
        and f.message.startswith("date ")
        and f.claim_start is not None
        and _ISO_DATE.fullmatch(claim_text[f.claim_start : f.claim_end])
    ]
    for finding in findings:
        if finding.kind not in ("number", "date"):
            continue
        if (finding.claim_start, finding.claim_end) not in whole_dates and _inside(
            finding, whole_dates
        ):
            continue
        said = (
            claim_text[finding.claim_start : finding.claim_end]
            if finding.claim_start is not None
            else ""
        )
        if not _DIGIT.search(said):
            continue
        if finding.source_start is not None and finding.source_id in source_texts:
            theirs = source_texts[finding.source_id][finding.source_start : finding.source_end]
            if not _DIGIT.search(theirs):
                continue
        kept.append(finding)
    return kept


def check_iso_dates(
    claim_text: str, source_id: str, text: str, start: int, end: int
) -> list[Finding]:
    """Compare the claim's ISO dates (2024-03-01) with those of a passage, day by day.

    The figure checks read such a date as its year only; read whole, a different day is a
    mismatch. No finding when the passage gives no ISO date.
    """
    theirs = [
        (m.group(0), m.start() + start, m.end() + start)
        for m in _ISO_DATE.finditer(text[start:end])
    ]
    if not theirs:
        return []
    findings = []
    for mine in _ISO_DATE.finditer(claim_text):
        same = [t for t in theirs if t[0] == mine.group(0)]
        said, s_start, s_end = (same or [t for t in theirs if t[0][:4] == mine.group(1)] or theirs)[
            0
        ]
        outcome, code = ("agrees", "figure.agrees") if same else ("conflicts", "figure.mismatch")
        findings.append(
            messages.finding(
                "date",
                outcome,
                code,
                {"figure": "date", "claim": mine.group(0), "source": said},
                (mine.start(), mine.end()),
                (source_id, s_start, s_end),
            )
        )
    return findings


def _inside(finding: Finding, spans: list[tuple[int, int]]) -> bool:
    start = finding.claim_start
    return start is not None and any(a <= start and finding.claim_end <= b for a, b in spans)


def neutral_probabilities(findings: Sequence[Finding]) -> dict[str, float]:
    """A stance from the language-neutral checks alone, for a reviewer to confirm.

    A figure or date in digits that contradicts the source leans to refutes; anything else is
    not enough information. The quote rules of crosscheck() apply on top, as in English.
    """
    if any(f.kind in ("number", "date") and f.outcome == "conflicts" for f in findings):
        return {"supports": 0.1, "refutes": 0.6, "not_enough_info": 0.3}
    return {"supports": 0.25, "refutes": 0.25, "not_enough_info": 0.5}
