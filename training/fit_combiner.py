"""Fit how the cross-check engine combines its rules stance with the learned stance model.

    .venv-train/bin/python training/fit_combiner.py [--artifact-dir DIR] [--data-dir DIR]

The model's own validation pages (train_stance.split_by_page with the training seed) were never
used to train it, so its probabilities there are honest; on them, a multinomial logistic
regression over [log P_rules, log P_model] is fitted (numpy, L2) and written next to the model
as combiner.json. Dev data is never read.

The engine is run as in production (`analyse`, the model's reading, the rules' stance) on
every held-out record with evidence: the combination applies to all of them (after an explained
conflict it may only not end in "supports").

Tried and dropped: adding each record set among five other sentences of its page, to fit the
multi-passage case. VitaminC claims repeat their evidence's wording, so the rules looked more
reliable there than on real pages: FM2 dev lost four points of accuracy and both multi-sentence
dev files were less well calibrated (see the model card).
"""

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.train_stance import read_records, split_by_page  # noqa: E402
from verification.engine import ClaimInput, SourceInput, core, stance, stance_model  # noqa: E402
from verification.engine.learned import Combiner, features  # noqa: E402

STANCES = ("supports", "refutes", "not_enough_info")


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 3000) -> np.ndarray:
    """Multinomial logistic regression by gradient descent; returns weights (3, features+1)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros((3, xb.shape[1]))
    onehot = np.eye(3)[y]
    for _ in range(steps):
        z = xb @ w.T
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot).T @ xb / len(xb) + l2 * np.hstack([w[:, :-1], np.zeros((3, 1))])
        w -= 0.5 * grad
    return w


def accuracy(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    xb = np.hstack([x, np.ones((len(x), 1))])
    return float(((xb @ w.T).argmax(axis=1) == y).mean())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared/eval/train")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--val-frac", type=float, default=0.07)
    parser.add_argument("--artifact-dir", type=Path, default=stance_model.ARTIFACT_DIR)
    args = parser.parse_args()
    started = time.time()
    records = read_records(args.data_dir)
    _, _, held_pages = split_by_page(records, args.val_frac, random.Random(args.seed))
    raw = []
    for path in sorted(args.data_dir.glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            if row["meta"]["page"].lower() in held_pages:
                raw.append(row)
    model = stance_model.load(args.artifact_dir)
    if model is None:
        raise SystemExit("the stance model artifact could not be loaded")
    judge = Combiner(model, [], "").judge
    rows, readings, labels, kept = [], [], [], []
    for row in raw:
        sources = [
            SourceInput(id=s["id"], text=s["text"], title=s.get("title", ""))
            for s in row["sources"]
        ]
        claim = ClaimInput(text=row["claim"])
        a = core.analyse(claim, sources, judge=judge)
        if a.empty or not a.evidence:
            continue
        rows.append(stance.predict(a.features, a.keys))
        readings.append(core.model_reading(a, claim, judge))
        labels.append(STANCES.index(row["label"]))
        kept.append(row)
    raw = kept
    x = np.array([features(r, m) for r, m in zip(rows, readings, strict=True)])
    y = np.array(labels)
    # Two-fold check by page before fitting on everything, so the note says what to expect.
    pages = sorted({r["meta"]["page"].lower() for r in raw})
    half = set(pages[::2])
    side = np.array([r["meta"]["page"].lower() in half for r in raw])
    folds = [
        accuracy(fit(x[side], y[side]), x[~side], y[~side]),
        accuracy(fit(x[~side], y[~side]), x[side], y[side]),
    ]
    rules_only = float((x[:, :3].argmax(axis=1) == y).mean())
    model_only = float((x[:, 3:].argmax(axis=1) == y).mean())
    weights = fit(x, y)
    out = args.artifact_dir / "combiner.json"
    digest = hashlib.sha256((args.artifact_dir / stance_model.MODEL_FILE).read_bytes()).hexdigest()
    out.write_text(
        json.dumps(
            {
                # Names the model in every result's engine version, so a stance can be traced
                # to the artifact that gave it.
                "version": f"minilm-int8-{digest[:8]}",
                "stances": list(STANCES),
                "features": [f"log_rules_{s}" for s in STANCES]
                + [f"log_model_{s}" for s in STANCES],
                "weights": [[round(v, 6) for v in row] for row in weights.tolist()],
                "fitted_on": f"{len(raw)} held-out train records ({len(held_pages)} pages), seed "
                f"{args.seed}; dev never read",
                "held_out_accuracy": {
                    "rules": round(rules_only, 4),
                    "model": round(model_only, 4),
                    "combined_two_fold": [round(f, 4) for f in folds],
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"{len(raw)} records: rules {rules_only:.3f}, model {model_only:.3f}, combined "
        f"(two-fold by page) {folds[0]:.3f} / {folds[1]:.3f}; wrote {out} in "
        f"{time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
