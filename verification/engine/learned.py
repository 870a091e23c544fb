"""The learned stance model as a second opinion, combined with the rules' stance.

Used when the model's artifact and runtime (onnxruntime, tokenizers) are installed and
FACTDESK_STANCE_MODEL is not "0"; otherwise the engine runs on its rules alone and says so in
its version string. The combination weights (combiner.json, next to the model) were fitted on
train pages the model never saw.
"""

from __future__ import annotations

import json
import logging
import math
import os
from functools import cache

logger = logging.getLogger(__name__)

STANCES = ("supports", "refutes", "not_enough_info")


def features(rules: dict[str, float], learned: dict[str, float]) -> list[float]:
    """What the combination weighs: log P per stance from the rules, then from the model."""
    return [math.log(max(rules[s], 1e-6)) for s in STANCES] + [
        math.log(max(learned[s], 1e-6)) for s in STANCES
    ]


class Combiner:
    def __init__(self, model, weights: list[list[float]], version: str) -> None:
        self.model = model
        self.weights = weights
        self.version = version

    def judge(self, claim: str, passages: list[str]) -> list[dict[str, float]]:
        """The model's probabilities per stance for the claim against each passage."""
        return self.model.predict([(claim, passage) for passage in passages])

    def combine(self, rules: dict[str, float], learned: dict[str, float]) -> dict[str, float]:
        """Probabilities per stance from the rules' and the model's readings."""
        x = features(rules, learned)
        z = [sum(w * v for w, v in zip(row[:-1], x, strict=True)) + row[-1] for row in self.weights]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {s: v / total for s, v in zip(STANCES, e, strict=True)}


@cache
def combiner() -> Combiner | None:
    """The loaded model and its combination weights, or None (rules only)."""
    if os.environ.get("FACTDESK_STANCE_MODEL", "1") == "0":
        return None
    try:
        from . import stance_model
    except ImportError as error:  # the model's runtime is an optional install
        logger.warning("Stance model unavailable (%s): the engine uses its rules only.", error)
        return None
    model = stance_model.load()
    path = stance_model.ARTIFACT_DIR / "combiner.json"
    if model is None or not path.exists():
        logger.warning("Stance model or %s missing: the engine uses its rules only.", path.name)
        return None
    spec = json.loads(path.read_text(encoding="utf-8"))
    return Combiner(model, spec["weights"], spec.get("version", "minilm-int8"))
