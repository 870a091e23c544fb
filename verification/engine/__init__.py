"""Cross-check engine: plain Python, no Django, deterministic.

result = crosscheck(ClaimInput("Turnout was 56%."), [SourceInput("s0", "Turnout was 58%.")])
result.stance, result.confidence, result.evidence, result.findings
"""

from .core import ENGINE_VERSION, SourceIndex, analyse, build_index, crosscheck
from .results import CheckResult, ClaimInput, EvidenceSpan, Finding, SourceInput

__all__ = [
    "ENGINE_VERSION",
    "CheckResult",
    "ClaimInput",
    "EvidenceSpan",
    "Finding",
    "SourceIndex",
    "SourceInput",
    "analyse",
    "build_index",
    "crosscheck",
]
