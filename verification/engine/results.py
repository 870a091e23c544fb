"""Input and output records of the engine (frozen dataclasses, JSON-ready via to_dict)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

STANCES = ("supports", "refutes", "not_enough_info")


@dataclass(frozen=True)
class ClaimInput:
    text: str
    quote: str | None = None
    speaker: str | None = None
    claim_date: datetime.date | None = None
    # ISO 639 code of the claim's words (its article's language); None or "" when not known,
    # which reads as English. See languages.py for what runs on other languages.
    language: str | None = None


@dataclass(frozen=True)
class SourceInput:
    id: str
    text: str
    title: str = ""
    date: datetime.date | None = None
    language: str | None = None  # ISO 639 code, as ClaimInput.language


@dataclass(frozen=True)
class EvidenceSpan:
    """A passage of a source; start/end are code-point offsets into SourceInput.text.

    score is the relevance the list was ordered by: the stance model's 1 - P(not enough info)
    when it read the passage, else the retrieval score relative to the best passage (0..1+).
    """

    source_id: str
    start: int
    end: int
    score: float
    text: str


@dataclass(frozen=True)
class Finding:
    # "quote" | "speaker" | "number" | "date" | "name" | "negation" | "polarity" | "model" | ...
    kind: str
    outcome: str  # "agrees" | "conflicts" | "differs_slightly" | "missing" | "info"
    message: str
    claim_start: int | None = None
    claim_end: int | None = None
    source_id: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    # The sentence as a stable code and its data (messages.py), so the desk can show `message`
    # in the reader's language; "" and {} for a finding written only in English.
    code: str = ""
    params: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CheckResult:
    stance: str
    confidence: float
    evidence: list[EvidenceSpan]
    findings: list[Finding]
    engine_version: str
    probabilities: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (plain str/int/float/list/dict values)."""
        return {
            "stance": self.stance,
            "confidence": round(self.confidence, 4),
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "evidence": [asdict(e) for e in self.evidence],
            "findings": [asdict(f) for f in self.findings],
            "engine_version": self.engine_version,
        }
