"""Fit the stance model (model.json) on eval/train only.

    python -m verification.engine.train /work/shared/eval/train

Splits by Wikipedia page (the groups eval/README asks for), fits a multinomial logistic
regression on 80 % of the pages, then a softmax temperature on the other 20 % so that
`confidence` is calibrated, and reports held-out accuracy and ECE. Needs numpy (a dev-only
dependency); the engine itself reads model.json with plain Python.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .core import analyse
from .results import STANCES, ClaimInput, SourceInput
from .stance import FEATURES, MODEL_PATH

MAX_PER_PAGE = 150  # a few coronavirus pages hold thousands of records; do not let them dominate
L2 = 1e-3
MIN_KEY_COUNT = 15  # a sparse key must occur this often in the fitting folds to get a weight


def _load(train_dir: Path) -> list[dict]:
    rows = []
    for path in sorted(train_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                rows.append(json.loads(line))
    return rows


def _fold(page: str) -> int:
    return int(hashlib.sha256(page.lower().encode()).hexdigest(), 16) % 5


def _ece(conf, correct, bins: int = 10) -> float:
    import numpy as np

    conf = np.asarray(conf)
    correct = np.asarray(correct, dtype=float)
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if m.any():
            total += m.sum() / len(conf) * abs(conf[m].mean() - correct[m].mean())
    return float(total)


def fit(x, y, l2: float = L2, steps: int = 1000, lr: float = 0.5):
    """Multinomial logistic regression by full-batch gradient descent with Adam."""
    import numpy as np

    n, d = x.shape
    w = np.zeros((3, d))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    onehot = np.eye(3)[y]
    for t in range(1, steps + 1):
        z = x @ w.T
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot).T @ x / n + l2 * w
        g[:, 0] -= l2 * w[:, 0]  # no penalty on the bias
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8) * 0.1
    return w


def _probs(x, w, t: float = 1.0):
    import numpy as np

    z = x @ w.T / t
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("train_dir", type=Path)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--no-sparse", action="store_true", help="dense check features only")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--steps", type=int, default=1000)
    args = ap.parse_args(argv)

    rows = _load(args.train_dir)
    per_page: Counter[str] = Counter()
    xs, ks, ys, folds, datasets = [], [], [], [], []
    for i, r in enumerate(rows):
        page = str(r.get("meta", {}).get("page", ""))
        per_page[page] += 1
        if per_page[page] > MAX_PER_PAGE:
            continue
        claim = ClaimInput(r["claim"])
        # Half of the records lose their title, so the model also knows sources without one
        # (FEVER-style sentences, pasted text), where the subject is often just "He"/"It".
        keep_title = int(hashlib.sha256(r["id"].encode()).hexdigest(), 16) % 2 == 0
        sources = [
            SourceInput(s["id"], s["text"], s.get("title", "") if keep_title else "")
            for s in r["sources"]
        ]
        a = analyse(claim, sources)
        xs.append(a.features)
        ks.append([] if args.no_sparse else a.keys)
        ys.append(STANCES.index(r["label"]))
        folds.append(_fold(page))
        datasets.append(r["dataset"])
        if i % 2000 == 0:
            print(f"features {i}/{len(rows)}", file=sys.stderr)
    folds = np.array(folds)
    train, held = folds != 0, folds == 0
    key_counts = Counter(k for keys, f in zip(ks, folds, strict=True) if f != 0 for k in keys)
    vocab = sorted(k for k, n in key_counts.items() if n >= MIN_KEY_COUNT)
    col = {k: len(FEATURES) + i for i, k in enumerate(vocab)}
    x = np.zeros((len(xs), len(FEATURES) + len(vocab)))
    x[:, : len(FEATURES)] = np.array(xs)
    for r, keys in enumerate(ks):
        for k in keys:
            if k in col:
                x[r, col[k]] = 1.0
    y = np.array(ys)
    datasets = np.array(datasets)
    print(f"sparse keys: {len(vocab)}")
    print(f"records used: {len(y)} (train {train.sum()}, held-out {held.sum()})")
    w = fit(x[train], y[train], l2=args.l2, steps=args.steps)

    # Temperature: 1-D grid search on held-out log-loss.
    best_t, best_ll = 1.0, float("inf")
    for t in np.arange(0.5, 3.01, 0.05):
        p = _probs(x[held], w, t)
        ll = -np.log(p[np.arange(held.sum()), y[held]] + 1e-12).mean()
        if ll < best_ll:
            best_t, best_ll = float(t), ll
    p = _probs(x[held], w, best_t)
    pred = p.argmax(axis=1)
    conf = p.max(axis=1)
    correct = pred == y[held]
    print(
        f"temperature {best_t:.2f}; held-out accuracy {correct.mean():.3f}, "
        f"ECE {_ece(conf, correct):.3f}"
    )
    for ds in sorted(set(datasets[held])):
        m = datasets[held] == ds
        print(
            f"  {ds}: n={m.sum()} accuracy {correct[m].mean():.3f} "
            f"ECE {_ece(conf[m], correct[m]):.3f} "
            f"pred {dict(Counter(STANCES[k] for k in pred[m]))}"
        )
    titled = x[held][:, FEATURES.index("no_title")] == 0
    print(
        f"  with title: accuracy {correct[titled].mean():.3f}; "
        f"without: {correct[~titled].mean():.3f}"
    )
    by_feature = defaultdict(dict)
    for k, name in enumerate(FEATURES):
        for c, label in enumerate(STANCES):
            by_feature[name][label] = round(float(w[c, k]), 3)
    nd = len(FEATURES)
    model = {
        "features": list(FEATURES),
        "labels": list(STANCES),
        "weights": [[round(float(v), 6) for v in row[:nd]] for row in w],
        "sparse": {k: [round(float(w[c, col[k]]), 6) for c in range(3)] for k in vocab},
        "temperature": round(best_t, 4),
        "fitted_on": "eval/train (vitaminc_real_train, vitaminc_synthetic_train), pages in "
        "folds 1-4 of sha256(page) % 5; temperature on fold 0",
        "heldout_accuracy": round(float(correct.mean()), 4),
        "heldout_ece": round(_ece(conf, correct), 4),
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
