"""Turn check counts into a stance with a calibrated confidence.

The weights are a multinomial logistic regression fitted on eval/train only (see train.py),
followed by temperature scaling fitted on a held-out group split of the same training data.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .results import STANCES

MODEL_PATH = Path(__file__).with_name("model.json")

FEATURES = (
    "bias",
    "cov",
    "cov2",
    "cov_w",
    "missing",
    "miss0",
    "bigram",
    "number_agrees",
    "number_differs_slightly",
    "number_conflicts",
    "number_missing",
    "number_info",
    "date_agrees",
    "date_conflicts",
    "date_missing",
    "date_info",
    "ordinal_conflicts",
    "name_missing",
    "name_conflicts",
    "name_variant",
    "name_agrees",
    "negation_conflicts",
    "neg_claim",
    "polarity_conflicts",
    "scope_missing",
    "claim_len",
    "cov_x_conflict",
    "cov_x_negation",
    "cov_x_polarity",
    "cov_x_missing",
    "cov_x_name_missing",
    "no_claim_quantities",
    "all_found_no_conflict",
    "no_title",
    "no_title_x_missing",
    "pronoun_start",
    "pronoun_x_name_missing",
)


def _cap(x: float, top: float = 3.0) -> float:
    return min(float(x), top) / top


def feature_vector(
    counts: dict, cov: dict, n_claim_tokens: int, n_claim_quantities: int
) -> list[float]:
    """Features in FEATURES order, each roughly in 0..1."""
    c = counts
    conflicts = (
        c.get("number_conflicts", 0) + c.get("date_conflicts", 0) + c.get("name_conflicts", 0)
    )
    missing_q = c.get("number_missing", 0) + c.get("date_missing", 0)
    values = {
        "bias": 1.0,
        "cov": cov["cov"],
        "cov2": cov["cov"] ** 2,
        "cov_w": cov["cov_w"],
        "missing": _cap(cov["missing"], 6.0),
        "miss0": 1.0 if cov["missing"] == 0 else 0.0,
        "bigram": cov["bigram"],
        "number_agrees": _cap(c.get("number_agrees", 0)),
        "number_differs_slightly": _cap(c.get("number_differs_slightly", 0)),
        "number_conflicts": _cap(c.get("number_conflicts", 0)),
        "number_missing": _cap(c.get("number_missing", 0)),
        "number_info": _cap(c.get("number_info", 0)),
        "date_agrees": _cap(c.get("date_agrees", 0)),
        "date_conflicts": _cap(c.get("date_conflicts", 0)),
        "date_missing": _cap(c.get("date_missing", 0)),
        "date_info": _cap(c.get("date_info", 0)),
        "ordinal_conflicts": _cap(c.get("ordinal_conflicts", 0)),
        "name_missing": _cap(c.get("name_missing", 0)),
        "name_conflicts": _cap(c.get("name_conflicts", 0)),
        "name_variant": _cap(c.get("name_variant", 0)),
        "name_agrees": _cap(c.get("name_agrees", 0), 6.0),
        "negation_conflicts": _cap(c.get("negation_conflicts", 0), 1.0),
        "neg_claim": _cap(c.get("neg_claim", 0), 2.0),
        "polarity_conflicts": _cap(c.get("polarity_conflicts", 0), 2.0),
        "scope_missing": _cap(c.get("scope_missing", 0), 2.0),
        "claim_len": _cap(n_claim_tokens, 40.0),
        "cov_x_conflict": cov["cov"] * _cap(conflicts, 2.0),
        "cov_x_negation": cov["cov"] * _cap(c.get("negation_conflicts", 0), 1.0),
        "cov_x_polarity": cov["cov"] * _cap(c.get("polarity_conflicts", 0), 1.0),
        "cov_x_missing": cov["cov"] * _cap(missing_q, 2.0),
        "cov_x_name_missing": cov["cov"] * _cap(c.get("name_missing", 0), 2.0),
        "no_claim_quantities": 1.0 if n_claim_quantities == 0 else 0.0,
        "all_found_no_conflict": 1.0
        if (
            cov["missing"] == 0
            and conflicts == 0
            and missing_q == 0
            and not c.get("negation_conflicts")
            and not c.get("polarity_conflicts")
        )
        else 0.0,
    }
    values["no_title"] = float(c.get("no_title", 0))
    values["no_title_x_missing"] = values["no_title"] * values["missing"]
    values["pronoun_start"] = float(c.get("pronoun_start", 0))
    values["pronoun_x_name_missing"] = values["pronoun_start"] * values["name_missing"]
    return [values[name] for name in FEATURES]


# Small words whose presence on one side only often flips or hedges a claim.
SCOPE_WORDS = frozenset(
    """only not no never more less than most least first last over under before after still
    since until all some any none every both either neither also already yet ever just again
    nearly almost about around approximately few several many much majority minority same
    different other another new former previous current currently later earlier""".split()
)


def lexical_keys(claim_tokens, passage_tokens, missing_stems) -> list[str]:
    """Sparse features: claim words the passage lacks, and scope words on one side only."""
    cn = {t.norm for t in claim_tokens}
    pn = {t.norm for t in passage_tokens}
    keys = {f"miss:{s}" for s in missing_stems}
    keys |= {f"cx:{w}" for w in (cn - pn) & SCOPE_WORDS}
    keys |= {f"px:{w}" for w in (pn - cn) & SCOPE_WORDS}
    return sorted(keys)


@lru_cache(maxsize=1)
def load_model() -> dict:
    with MODEL_PATH.open(encoding="utf-8") as f:
        model = json.load(f)
    if tuple(model["features"]) != FEATURES:
        raise RuntimeError(
            f"{MODEL_PATH} was fitted for other features; refit it: "
            "python -m verification.engine.train"
        )
    return model


def softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


def predict(x: list[float], keys: list[str] = ()) -> dict[str, float]:
    """Calibrated probability per stance from dense features x and sparse keys."""
    model = load_model()
    t = model.get("temperature", 1.0)
    sparse = model.get("sparse", {})
    z = []
    for c, row in enumerate(model["weights"]):
        v = sum(w * f for w, f in zip(row, x, strict=True))
        v += sum(sparse[k][c] for k in keys if k in sparse)
        z.append(v / t)
    return dict(zip(STANCES, softmax(z), strict=True))
